#!/usr/bin/env bash
# Output follows where sync runs: on a terminal a progress bar that is
# wiped when done and a summary line; under a timer (no terminal) nothing
# at all on success.  The link is slowed by the fault proxy (latency on
# every exchange) so the bar is on screen long enough to see.
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/e2e/sync-lib.sh"

srv_start
client_new c1
fill c1 --interviews 10 --referrals 4
proxy_start --rate 1 --faults latency --latency-ms 250

tmux_start bash -c "echo '$SYNC_PASS' | SENDA_HOME='$TMPDIR/c1/data' '$SENDA' \
	--config '$TMPDIR/c1.ini' --set 'sync.server=$PROXY_URL' --passphrase-fd 0 sync --batch 5"
trap 'rc=$?; tmux_stop; sync_cleanup; [ -e "$TMPDIR/.test-failed" ] && exit 1; exit $rc' EXIT
# The raw terminal stream too: tmux may show a pane that ended under load
# as blank, so the end of the run is checked in what the program wrote.
tmux_ pipe-pane -t main -o "cat >>'$TMPDIR/pane.log'"
tmux_wait "sync [#" 60
expect_eq "exit status" 0 "$(TMUX_WAIT=120 tmux_exit_status)"
for _ in $(seq 100); do	# the pipe's cat may still be writing
	grep -q "sync: " "$TMPDIR/pane.log" 2>/dev/null && break
	sleep 0.05
done
stream=$(tr '\r\033' '|~' <"$TMPDIR/pane.log")
# 50 items and the audit items the fill's interviews made: full at the end.
grep -Eq '\|sync \[#{30}\] ([0-9]+)/\1\|' <<<"$stream" ||
	fail "bar drawn in place and full at the end: $stream"
expect_contains "bar wiped, then the summary" \
	"|~[Ksync: 50 delivered, 0 quarantined, 0 waiting" "$stream"

# Under a timer: silence on success.
fill c1 --interviews 1 --referrals 1
expect_exit 0 client c1 sync
expect_eq "stdout" "" "$out"
expect_eq "stderr" "" "$err"
