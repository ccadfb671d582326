#!/usr/bin/env bash
# The device's audit trail reaches the server exactly once and in order,
# through a link that drops answers: the server's copy verifies (every
# audit item's entries hash to its end), the items follow on from each
# other from the first entry without a gap or an overlap, and every entry
# equals the device's own.  A pass with nothing new sends no audit item.
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/e2e/sync-lib.sh"

srv_start
client_new c1
fill c1 --interviews 6 --referrals 3
# Answers dropped after the server stored the batch: the resends must come
# back duplicate, audit items included, and nothing may be stored twice.
proxy_start --seed 11 --rate 0.3 --faults drop-resp,cut-req,503
for _ in $(seq 30); do
	client c1 --set "sync.server=$PROXY_URL" sync --batch 8 >/dev/null 2>&1 &&
		[ "$(ledger_count c1 queued)$(ledger_count c1 queued audit)" = 00 ] && break
done
expect_eq "all delivered" 24 "$(ledger_count c1 delivered)"
[ "$(proxy_stat faults)" -gt 0 ] || fail "the proxy made no fault"

# More work on the device, then passes: the new entries follow on.
fill c1 --interviews 2 --referrals 1
for _ in $(seq 30); do
	client c1 --set "sync.server=$PROXY_URL" sync --batch 8 >/dev/null 2>&1 &&
		[ "$(ledger_count c1 queued)$(ledger_count c1 queued audit)" = 00 ] && break
done
proxy_stop
expect_eq "all delivered" 28 "$(ledger_count c1 delivered)"
audit=$(ledger_count c1 delivered audit)
[ "$audit" -ge 2 ] || fail "expected audit items from both rounds, got $audit"
expect_eq "no audit item quarantined" 0 "$(ledger_count c1 quarantined audit)"

# Nothing new but the passes' own bookkeeping: no audit item goes.
expect_exit 0 client c1 sync
expect_eq "no new audit item" "$audit" "$(ledger_count c1 delivered audit)"

srv_stop
out=$(echo "$SYNC_PASS" | "$TOOLS/sync-auditcheck" --data "$SRV_DIR" --client "$TMPDIR/c1/data") ||
	fail "server's audit copy: $out"
expect_contains "items" "audit items $audit " "$out"
entries=$(awk '{ print $5 }' <<<"$out")
[ "$entries" -gt 50 ] || fail "too few entries on the server: $out"
expect_exit 0 srv_check c1
expect_contains "server holds each once" "expected 28 missing 0 duplicated-ids 0" "$out"
