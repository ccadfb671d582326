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
log_wait "$TMPDIR/watch.err" "trying again in" 1 10 || fail "--watch did not say it backs off"

srv_start
watch_stop_delivered "$watch"
expect_eq "all delivered" 6 "$(ledger_count c1 delivered)"
srv_stop
expect_exit 0 srv_check c1
