#!/usr/bin/env bash
# A revoked device is refused with a clear message and exit 77; its items
# stay queued (nothing lost, nothing quarantined).
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/e2e/sync-lib.sh"

srv_start
client_new c1
dev=$(client c1 sync log >/dev/null; "$SENDA_SERVER" devices --data "$SRV_DIR" list | awk 'NR == 1 { print $1 }')
[ -n "$dev" ] || fail "no device listed"
"$SENDA_SERVER" devices --data "$SRV_DIR" revoke "$dev" >/dev/null || fail "revoke"
fill c1 --interviews 1 --referrals 1
expect_exit 77 client c1 sync
expect_contains "message" "revoked" "$err"
expect_eq "still queued" 2 "$(ledger_count c1 queued)"
