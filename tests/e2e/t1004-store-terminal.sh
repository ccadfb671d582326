#!/usr/bin/env bash
# Passphrases typed at a real terminal: the prompt shows, nothing typed is
# echoed, a mismatch between the two entries is refused, Ctrl-C at the
# prompt leaves the terminal echoing again.
. "$TOP/tests/e2e/lib.sh"
cfg=$(test_config)
export SENDA_HOME=$TMPDIR/data

tmux_start env SENDA_HOME="$SENDA_HOME" "$SENDA" --config "$cfg" init
tmux_wait "New passphrase:"
tmux_text "secret-one"
tmux_keys Enter
tmux_wait "Repeat it:"
tmux_text "secret-two"
tmux_keys Enter
[ "$(tmux_exit_status)" = 11 ] || fail "mismatched passphrases not refused"
tmux_screen | grep -q "the passphrases differ" || fail "no message for a mismatch"
tmux_screen | grep -q "secret" && fail "passphrase echoed: $(tmux_screen)"

tmux_start env SENDA_HOME="$SENDA_HOME" "$SENDA" --config "$cfg" init
tmux_wait "New passphrase:"
tmux_text "secret-one"
tmux_keys Enter
tmux_wait "Repeat it:"
tmux_text "secret-one"
tmux_keys Enter
tmux_wait "Recovery key"
[ "$(tmux_exit_status)" = 0 ] || fail "init at the terminal failed"
tmux_screen | grep -q "secret" && fail "passphrase echoed: $(tmux_screen)"

# Ctrl-C at the prompt, then the shell's terminal must echo again.  dash,
# because bash repairs the terminal itself after a job dies of a signal.
tmux_start env PS1='$ ' SENDA="$SENDA" CFG="$cfg" SENDA_HOME="$SENDA_HOME" \
	dash -i
tmux_wait '$'
tmux_text '"$SENDA" --config "$CFG" keys add'
tmux_keys Enter
tmux_wait "Passphrase:"
tmux_keys C-c
tmux_text 'stty -a | grep -o " echo " | tr e E'
tmux_keys Enter
tmux_wait "Echo"
exit 0
