#!/usr/bin/env bash
# Idle lock through a real terminal: after [console] idle_lock without a
# key press the screen is cleared to the passphrase prompt (the store is
# closed, its keys wiped); the passphrase brings the interview back at the
# same question, and the answer typed before the lock is not lost.
. "$TOP/tests/e2e/lib.sh"
console_setup "" "[console]
idle_lock = 30s"

tmux_start "$SENDA" --config "$CFG"
tmux_wait "Passphrase:"
tmux_text "$PASS"; tmux_keys Enter
tmux_wait "No interviews yet"
tmux_keys n; tmux_wait "Choose the respondent's language"
tmux_keys Enter; tmux_wait "We will ask a few questions."
tmux_keys Enter; tmux_wait "Do you agree to the interview?"
tmux_text y; tmux_wait "First name"
tmux_text "Idalia"			# typed, not yet accepted
tmux_wait "Locked after 30s without a key press" 60
scr=$(tmux_screen)
case $scr in *Idalia*|*"First name"*) fail "the interview is still on screen after the lock" ;; esac
expect_contains "prompt" "Passphrase:" "$scr"
tmux_text "$PASS"; tmux_keys Enter
tmux_wait "Idalia"
scr=$(tmux_screen)
expect_contains "back in the interview" "First name" "$scr"

# Locked (F12) inside a member of the travelling group: the unlock brings
# back the member, the typed name kept, and Esc walks back out.
tmux_keys PgDn PgDn
tmux_wait "Travelling group member"
tmux_keys Enter; tmux_wait "No members yet"
tmux_text a; tmux_wait "Member's name"
tmux_text "Mateo"			# typed, not accepted
tmux_keys F12
tmux_wait "Passphrase:"
tmux_text "$PASS"; tmux_keys Enter
tmux_wait "Member 1"
expect_contains "member name kept" "Mateo" "$(tmux_screen)"
tmux_keys Escape; tmux_wait "Members: a add"
tmux_keys Escape; tmux_wait "members: 1"
tmux_keys Escape
tmux_wait "Idalia"			# the case list names the respondent
tmux_keys q
expect_eq "exit status" 0 "$(tmux_exit_status)"
