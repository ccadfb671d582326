#!/usr/bin/env bash
# senda sync --watch does not stop on clock skew: NTP fixes a wrong clock
# while the loop runs, so it keeps trying with backoff, says what is wrong
# (with the server's time) once, not at every try, and delivers as soon as
# the clocks agree.  A revoked device still stops the loop at once with the
# clear message and exit 77.
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/e2e/sync-lib.sh"

srv_start
client_new c1
fill c1 --interviews 1 --referrals 1
srv_stop

# The server's clock 10 minutes ahead: to it, this laptop is 10 minutes slow.
export SENDA_NOW=$(($(date +%s) + 600))
srv_start
unset SENDA_NOW

echo "$SYNC_PASS" | SENDA_HOME=$TMPDIR/c1/data "$SENDA" --config "$TMPDIR/c1.ini" \
	--passphrase-fd 0 sync --watch --interval 1s 2>"$TMPDIR/watch.err" &
watch=$!
log_wait "$TMPDIR/srv.log" 'POST /v1/batches -> 401' 3 20
kill -0 "$watch" 2>/dev/null || fail "--watch stopped on clock skew: $(cat "$TMPDIR/watch.err")"
tries=$(grep -c 'POST /v1/batches -> 401' "$TMPDIR/srv.log")
[ "$tries" -ge 3 ] || fail "--watch did not keep trying ($tries tries)"
expect_eq "said once" 1 "$(grep -c 'clock is 10 minutes slow' "$TMPDIR/watch.err")"
grep -q "the server's time is 20[0-9-]* [0-9:]* UTC" "$TMPDIR/watch.err" ||
	fail "the server's time is not given: $(cat "$TMPDIR/watch.err")"
expect_eq "nothing else said" 1 "$(wc -l <"$TMPDIR/watch.err")"

# The clocks agree again (here: the server's is fixed): delivered.
srv_stop
srv_start
watch_stop_delivered "$watch"
expect_eq "all delivered" 2 "$(ledger_count c1 delivered)"

# Revoked: the loop stops at once, with the message, exit 77.
dev=$("$SENDA_SERVER" devices --data "$SRV_DIR" list | awk 'NR == 1 { print $1 }')
"$SENDA_SERVER" devices --data "$SRV_DIR" revoke "$dev" >/dev/null || fail "revoke"
fill c1 --interviews 1 --referrals 1
expect_exit 77 timeout 60 bash -c "echo '$SYNC_PASS' | SENDA_HOME='$TMPDIR/c1/data' '$SENDA' \
	--config '$TMPDIR/c1.ini' --passphrase-fd 0 sync --watch --interval 1s"
expect_contains "message" "revoked" "$err"
expect_eq "one line" 1 "$(wc -l <<<"$err")"
