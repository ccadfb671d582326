#!/usr/bin/env bash
# Approved referrals leave in ONE `senda sync`: the pass pulls the
# supervisor's approval, the device queues the consented referral after the
# pull, and the same command pushes once more, so nothing waits for the
# timer's next run.
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/e2e/sync-lib.sh"

FORM=$TOP/tests/forms/console/mini.ini
srv_start
client_new cw t1 caseworker
client_new sup t1 supervisor
printf '{"consent":true,"given_name":"Ana","family_name":"Zzyzx","age":34,"nationality":"cuba","fear":true,"share_legal":true}\n' \
	>"$TMPDIR/yes.json"
expect_exit 0 client cw form fill "$FORM" --answers "$TMPDIR/yes.json" --save
expect_exit 0 client cw sync
expect_eq "no referral before approval" 0 "$(ledger_count cw delivered referral)"

expect_exit 0 client sup review pull
expect_exit 0 client sup review approve 1
expect_exit 0 client sup sync

expect_exit 0 client cw sync --verbose
expect_contains "approval pulled" "approved" "$out"
expect_eq "the referral left in this pass" 1 "$(ledger_count cw delivered referral)"
expect_eq "nothing waits" 0 "$(ledger_count cw queued referral)"
expect_contains "the summary counts it" "sync: 1 delivered" "$out"
# Read as stored, without `senda review show` settling anything on the way:
# the acknowledged referral already reads sent when the command returns.
states=$(echo "$SYNC_PASS" | "$BUILD/tools/store-data-tool" --dir "$TMPDIR/cw/data" --referral-states)
expect_contains "the referral reads sent" "sent" "$states"
case $states in *pending*) fail "a referral still reads pending: $states" ;; esac
