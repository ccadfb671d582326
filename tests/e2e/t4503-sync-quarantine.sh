#!/usr/bin/env bash
# One bad record never blocks the rest: a referral the server rejects is
# quarantined with the reason in the ledger while everything else is
# delivered; `senda sync retry ID` re-queues it, and it goes back to
# quarantine when the server still rejects it.
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/e2e/sync-lib.sh"

srv_start
client_new c1
fill c1 --interviews 3 --referrals 2 --bad 1
expect_exit 0 client c1 sync
expect_contains "quarantine said on stderr" "quarantined" "$err"
expect_eq "rest delivered" 9 "$(ledger_count c1 delivered)"
expect_eq "one quarantined" 1 "$(ledger_count c1 quarantined)"
expect_exit 0 client c1 sync log --state=quarantined
expect_contains "reason" "rejected by the server: payload.service" "$out"

bad=$(awk '$1 == "bad" { print substr($2, 1, 8) }' "$TMPDIR/c1.ids")
expect_exit 0 client c1 sync retry "$bad"
expect_contains "retry" "re-queued $bad" "$out"
expect_eq "queued again" 1 "$(ledger_count c1 queued)"
expect_exit 0 client c1 sync
expect_eq "quarantined again" 1 "$(ledger_count c1 quarantined)"
client c1 sync log --state=quarantined | awk '$1 == "'"$bad"'" { exit $4 == 2 ? 0 : 1 }' ||
	fail "the retry did not count as an attempt"
expect_exit 8 client c1 sync retry 00000000
srv_stop
expect_exit 0 srv_check c1
