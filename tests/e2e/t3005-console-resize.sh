#!/usr/bin/env bash
# The console reflows when the terminal is resized (80x24 -> 100x30 -> back)
# and says plainly when the window is too small, drawing nothing cut off.
. "$TOP/tests/e2e/lib.sh"
console_setup

tmux_start "$SENDA" --config "$CFG"
tmux_wait "Passphrase:"
tmux_text "$PASS"; tmux_keys Enter
tmux_wait "No interviews yet"
tmux_keys n; tmux_wait "Choose the respondent's language"
tmux_keys Enter; tmux_keys Enter
tmux_wait "Do you agree to the interview?"

last_line() { tmux_screen | sed -n "${1}p"; }

tmux_resize 100 30
tmux_wait "Do you agree to the interview?"
i=0
until last_line 30 | grep -q "answered"; do
	i=$((i + 1)); [ $i -lt 400 ] || fail "status line not on row 30 after resize: $(tmux_screen)"
	sleep 0.05
done
[ "$(last_line 30 | wc -L)" -ge 99 ] || fail "status line does not span 100 columns"

tmux_resize 60 20
tmux_wait "Window too small: need at least 80x24."
case $(tmux_screen) in *"Do you agree"*) fail "a cut-off interview is drawn in a small window" ;; esac

tmux_resize 80 24
tmux_wait "Do you agree to the interview?"
until last_line 24 | grep -q "answered"; do
	i=$((i + 1)); [ $i -lt 800 ] || fail "status line not on row 24 after resize back"
	sleep 0.05
done
tmux_text y
tmux_wait "First name"
tmux_keys Escape
tmux_wait "Interviews"
tmux_keys q
expect_eq "exit status" 0 "$(tmux_exit_status)"
