#!/usr/bin/env bash
# What `make run` gives a new user, in a real terminal: a demo store made on
# first run with sample interviews, the demo passphrase shown until Enter,
# the unlock prompt, the case list; a second run reuses the same store.
. "$TOP/tests/e2e/lib.sh"
export SENDA_DEMO_DIR=$TMPDIR/demo

tmux_start "$TOP/tests/tools/demo.sh" "$SENDA"
tmux_wait "Press Enter to open the console" 120
tmux_screen | grep -q "The demo passphrase is:  demo passphrase" || fail "passphrase not shown: $(tmux_screen)"
tmux_keys Enter
tmux_wait "Passphrase:"
tmux_text "demo passphrase"
tmux_keys Enter
tmux_wait "María Hernández"
scr=$(tmux_screen)
expect_contains "sample 2" "Jean Baptiste" "$scr"
expect_contains "sample 3" "Yolanda Cruz" "$scr"
tmux_keys q
expect_eq "exit status" 0 "$(tmux_exit_status)"
[ -f "$SENDA_DEMO_DIR/data/senda.keys" ] || fail "no demo store in $SENDA_DEMO_DIR"
keys_before=$(cksum <"$SENDA_DEMO_DIR/data/senda.keys")

# Second run: the same store, no new samples.
tmux_start "$TOP/tests/tools/demo.sh" "$SENDA"
tmux_wait "Press Enter to open the console"
tmux_keys Enter
tmux_wait "Passphrase:"
tmux_text "demo passphrase"
tmux_keys Enter
tmux_wait "María Hernández"
n=$(tmux_screen | grep -c "draft")
expect_eq "sample interviews after a second run" 3 "$n"
tmux_keys q
expect_eq "exit status" 0 "$(tmux_exit_status)"
expect_eq "same key file" "$keys_before" "$(cksum <"$SENDA_DEMO_DIR/data/senda.keys")"
# Nothing of the demo is readable on disk either.
grep -rl "Hernández" "$SENDA_DEMO_DIR" && fail "a sample name is readable on disk"
exit 0
