#!/usr/bin/env bash
# senda enroll + senda sync against a real senda-server: everything queued
# is delivered once, the ledger says so with the server's receipts, a second
# pass sends nothing, and a device that is not enrolled is told how to fix it.
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/e2e/sync-lib.sh"

srv_start

# Not enrolled yet: one line saying what to do.
mkdir -p "$TMPDIR/lone"
echo "$SYNC_PASS" | "$TOOLS/sync-fill" --dir "$TMPDIR/lone/data" --create --interviews 0
cp "$(test_config)" "$TMPDIR/lone.ini"
expect_exit 8 client lone sync
expect_contains "not enrolled" "senda enroll URL CODE" "$err"

# A used enrolment code cannot enrol a second device.
code=$("$SENDA_SERVER" enroll --data "$SRV_DIR" --team t1 --role caseworker | awk '/^code:/ { print $2 }')
expect_exit 0 client lone enroll "$SRV_URL" "$code"
expect_contains "enrolled" "enrolled as device" "$out"
expect_exit 6 client lone enroll "$SRV_URL" "$code"
expect_contains "already" "already enrolled" "$err"
expect_exit 77 client lone enroll --force "$SRV_URL" "$code"
expect_contains "used code" "unknown, used or expired" "$err"

client_new c1
fill c1 --interviews 5 --referrals 3
expect_exit 0 client c1 sync --verbose
expect_eq "delivered lines" 20 "$(grep '^delivered' <<<"$out" | grep -vc ' audit ')"
# The device's audit trail rides along: what the fill did goes with the
# items, what applying the 5 "received" decisions did goes right after.
expect_eq "audit items" 2 "$(grep '^delivered' <<<"$out" | grep -c ' audit ')"
expect_contains "summary" "20 delivered, 0 quarantined, 0 waiting, 5 decisions; audit trail: 2 items" "$out"

expect_exit 0 client c1 sync log
expect_eq "ledger delivered" 20 "$(awk '$3 == "delivered" && $2 != "audit"' <<<"$out" | wc -l)"
expect_contains "receipt" "r-0000000000" "$out"
expect_contains "ledger total" "22 delivered, 0 quarantined, 0 queued, 0 sending" "$out"

# Nothing left to send (only the last pass's own bookkeeping in the audit
# trail, which waits for a real change): the server sees no new batch.
batches=$(grep -c 'POST /v1/batches' "$TMPDIR/srv.log")
expect_exit 0 client c1 sync
expect_eq "quiet when not on a terminal" "" "$out"
expect_eq "no new batch" "$batches" "$(grep -c 'POST /v1/batches' "$TMPDIR/srv.log")"

srv_stop
expect_exit 0 srv_check c1
expect_contains "server holds each once" "items 20 conflicts 0 expected 20 missing 0" "$out"
