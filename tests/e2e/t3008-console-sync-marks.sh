#!/usr/bin/env bash
# The case list shows each interview's sync state beside its status: a
# finished interview waiting in the outbox is marked, a draft is not.
. "$TOP/tests/e2e/lib.sh"
console_setup
form=$TOP/tests/forms/console/mini.ini

printf '{"consent":true,"given_name":"Ana","age":34,"nationality":"honduras","needs":["shelter"]}\n' \
	>"$TMPDIR/a.json"
printf '%s\n' "$PASS" | "$SENDA" --config "$CFG" --passphrase-fd 0 form fill "$form" \
	--answers "$TMPDIR/a.json" --save >/dev/null || fail "form fill --save failed"

tmux_start "$SENDA" --config "$CFG"
tmux_wait "Passphrase:"
tmux_text "$PASS"
tmux_keys Enter
tmux_wait "completed"
line=$(tmux_screen | grep "completed")
expect_contains "queued mark beside the status" "completed  …" "$line"
tmux_keys q
expect_eq "exit status" 0 "$(tmux_exit_status)"
exit 0
