#!/usr/bin/env bash
# SIGTERM (or SIGHUP when the terminal goes away) ends the console like a
# quit: the answer being typed is kept when valid, the exit status is 0.
. "$TOP/tests/e2e/lib.sh"
console_setup

tmux_start "$SENDA" --config "$CFG"
tmux_wait "Passphrase:"
tmux_text "$PASS"; tmux_keys Enter
tmux_wait "No interviews yet"
tmux_keys n; tmux_wait "Choose the respondent's language"
tmux_keys Enter; tmux_keys Enter
tmux_wait "Do you agree to the interview?"
tmux_text y; tmux_wait "First name"
tmux_text "Teresa"			# typed, not accepted
tmux_wait "Teresa"
kill -TERM "$(tmux_pid)"
expect_eq "exit status" 0 "$(tmux_exit_status)"

tmux_start "$SENDA" --config "$CFG"
tmux_wait "Passphrase:"
tmux_text "$PASS"; tmux_keys Enter
tmux_wait "Teresa"			# the respondent's name was saved
tmux_keys q
expect_eq "exit status" 0 "$(tmux_exit_status)"
