#!/usr/bin/env bash
# senda sync --watch keeps trying with backoff while the server is down,
# delivers as soon as it is back, and stops cleanly on SIGTERM.
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/e2e/sync-lib.sh"

srv_start
client_new c1
fill c1 --interviews 2 --referrals 2
srv_stop

echo "$SYNC_PASS" | SENDA_HOME=$TMPDIR/c1/data "$SENDA" --config "$TMPDIR/c1.ini" \
	--passphrase-fd 0 sync --watch --interval 1s 2>"$TMPDIR/watch.err" &
watch=$!
for _ in $(seq 100); do
	grep -q "trying again" "$TMPDIR/watch.err" && break
	sleep 0.1
done
grep -q "trying again in" "$TMPDIR/watch.err" || fail "--watch did not say it backs off"

srv_start
for _ in $(seq 150); do
	grep -q 'POST /v1/batches -> 200' "$TMPDIR/srv.log" && break
	sleep 0.1
done
kill -TERM "$watch"
wait "$watch" && rc=0 || rc=$?
expect_eq "--watch exit on SIGTERM" 0 "$rc"
expect_eq "all delivered" 6 "$(ledger_count c1 delivered)"
srv_stop
expect_exit 0 srv_check c1
