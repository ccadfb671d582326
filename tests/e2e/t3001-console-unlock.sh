#!/usr/bin/env bash
# The console in a real terminal: a wrong passphrase is refused and says
# so, the right one opens the case list, q quits with status 0 and leaves
# nothing of the screen behind.
. "$TOP/tests/e2e/lib.sh"
console_setup

tmux_start "$SENDA" --config "$CFG"
tmux_wait "Passphrase:"
tmux_text "not the passphrase"
tmux_keys Enter
tmux_wait "Wrong passphrase"
case $(tmux_screen) in *"not the"*) fail "passphrase echoed on screen" ;; esac
tmux_text "$PASS"
tmux_keys Enter
tmux_wait "No interviews yet"
tmux_keys F1
tmux_wait "new_interview"
tmux_keys Escape
tmux_wait "No interviews yet"
tmux_keys q
expect_eq "exit status" 0 "$(tmux_exit_status)"
