#!/usr/bin/env bash
# kill -9 in the middle of an interview loses at most the answer being
# typed: after a restart the interview resumes at the same question with
# every accepted answer present.  The canary name typed through the
# terminal is in no file on disk in plaintext (store, journal, log, TMPDIR).
. "$TOP/tests/e2e/lib.sh"
console_setup
CANARY=Zqxjv-canary-4711

tmux_start "$SENDA" --config "$CFG"
tmux_wait "Passphrase:"
tmux_text "$PASS"; tmux_keys Enter
tmux_wait "No interviews yet"
tmux_keys n
tmux_wait "Choose the respondent's language"
tmux_keys Enter
tmux_wait "We will ask a few questions."
tmux_keys Enter
tmux_wait "Do you agree to the interview?"
tmux_text y
tmux_wait "First name"
tmux_text "$CANARY"; tmux_keys Enter
tmux_wait "Family name"
tmux_text "Pérez"; tmux_keys Enter
tmux_wait "Age in years"
tmux_text "4"			# typed, not accepted: may be lost
pid=$(tmux_pid)
kill -9 "$pid"
expect_eq "killed" 137 "$(tmux_exit_status)"

# Nothing in plaintext anywhere on disk.
if grep -rl --binary-files=text -e "$CANARY" "$SENDA_HOME" "$TMPDIR" 2>/dev/null; then
	fail "canary answer found in plaintext on disk"
fi

tmux_start "$SENDA" --config "$CFG"
tmux_wait "Passphrase:"
tmux_text "$PASS"; tmux_keys Enter
tmux_wait "$CANARY Pérez"		# the case list shows who it is about
tmux_wait "Interview #1 was left at age: Enter resumes it."
tmux_keys Enter
tmux_wait "Resuming at age"
scr=$(tmux_screen)
expect_contains "focused question" "> Age in years" "$scr"
expect_contains "first name kept" "$CANARY" "$scr"
expect_contains "family name kept" "Pérez" "$scr"
# consent, both names and the calculation: the typed age is not there.
expect_contains "answers kept" "4/10 answered" "$scr"
tmux_keys Escape
tmux_wait "Interviews"
tmux_keys q
