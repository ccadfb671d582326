#!/usr/bin/env bash
# The review round trip in two real consoles (tmux) with a real
# senda-server and two stores (issue 8): the supervisor opens the queue
# with R, opens the interview, comments on the age question and returns
# it; after sync the caseworker's console shows the returned interview on
# top and the comment beside its question; the caseworker fixes the age in
# the interview and resubmits with F10; the supervisor approves; the
# caseworker's case list shows it approved.
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/e2e/sync-lib.sh"

FORM=$TOP/tests/forms/console/mini.ini
srv_start
client_new cw t1 caseworker
client_new sup t1 supervisor
for n in cw sup; do
	printf '[forms]\ndir = %s\n' "$TOP/tests/forms/console" >>"$TMPDIR/$n.ini"
done

# console NAME: start NAME's console in tmux and unlock it.
console() {
	SENDA_HOME=$TMPDIR/$1/data tmux_start "$SENDA" --config "$TMPDIR/$1.ini"
	trap 'rc=$?; tmux_stop; sync_cleanup; [ -e "$TMPDIR/.test-failed" ] && exit 1; exit $rc' EXIT
	tmux_wait "Passphrase:"
	tmux_text "$SYNC_PASS"
	tmux_keys Enter
	tmux_wait "Interviews"
}

quit_console() {
	tmux_keys q
	expect_eq "exit status" 0 "$(tmux_exit_status)"
}

printf '{"consent":true,"given_name":"Ana","age":34,"nationality":"cuba"}\n' >"$TMPDIR/a.json"
expect_exit 0 client cw form fill "$FORM" --answers "$TMPDIR/a.json" --save
expect_exit 0 client cw sync
expect_exit 0 client sup review pull

# Supervisor: queue, open, comment on age, return.
console sup
tmux_keys R
tmux_wait "Review queue"
tmux_wait "submitted"
tmux_keys Enter
tmux_wait "Overall comment:"
tmux_keys j c
tmux_wait "Comment:"
tmux_text "Is 34 right?"
tmux_keys Enter
tmux_wait "<- Is 34 right?"
tmux_keys r
tmux_wait "return (goes with the next sync)"
tmux_keys Escape
tmux_wait "Interviews"
quit_console
expect_exit 0 client sup sync
expect_exit 0 client cw sync

# Caseworker: returned on top, the comment beside the age; fix; resubmit.
console cw
tmux_wait "returned"
tmux_keys Enter
tmux_wait "<- Is 34 right?"
tmux_wait "Enter fix this question"
tmux_keys j Enter
tmux_wait "Age in years"
tmux_keys F8
tmux_text "43"
tmux_keys Enter
tmux_keys Escape
tmux_wait "Overall comment:"
tmux_wait "43"
tmux_keys F10
tmux_wait "resubmitted (goes with the next sync)"
tmux_keys Escape
tmux_wait "Interviews"
quit_console
expect_exit 0 client cw sync

# senda review sync pulls the queue too on a supervisor's device.
expect_exit 0 client sup review sync
expect_contains "amendment in the queue" "1 queue items" "$out"
expect_exit 0 client sup review approve 1
expect_exit 0 client sup review sync
expect_contains "decision delivered" "1 delivered" "$out"
expect_exit 0 client cw sync

console cw
tmux_wait "approved"
quit_console
expect_exit 0 client cw review show 1
expect_contains "fixed" "age                          43    <- Is 34 right?" "$out"
