#!/usr/bin/env bash
# The review round trip with the link cut by the fault proxy between and
# during every step (issue 8).  Between steps the link is down altogether:
# the next step's command fails with 75 (try later) and changes nothing.
# During each step the proxy cuts, stalls and truncates at random, and the
# step is retried until it gets through.  The outcome is the same as on a
# good link: one interview on the server and in the queue (never two), the
# return with its comment reaches the caseworker once, the resubmission is
# one amendment, the approval arrives once, the consented referral leaves
# after it and is sent exactly once, the ledger shows the whole round
# trip, and both audit trails are intact.
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/e2e/sync-lib.sh"
. "$TOP/tests/e2e/review-lib.sh"

FORM=$TOP/tests/forms/console/mini.ini
srv_start
client_new cw t1 caseworker
client_new sup t1 supervisor
review_link faulty

printf '{"consent":true,"given_name":"Ana","age":34,"nationality":"haiti","fear":true,"share_legal":true}\n' \
	>"$TMPDIR/a.json"
expect_exit 0 client cw form fill "$FORM" --answers "$TMPDIR/a.json" --save
step cw sync
id=$(client cw review show 1 | awk 'NR == 1 { print $3 }')

step sup review pull
via sup review pull		# again: nothing new, nothing doubled
expect_exit 0 client sup review list
expect_contains "one interview in the queue" "1 shown of 1" "$out"
printf 'age=Is 34 right?\n' >"$TMPDIR/notes"
expect_exit 0 client sup review return 1 --on-file "$TMPDIR/notes"
step sup sync
via sup sync

step cw sync
via cw sync
expect_exit 0 client cw review show 1
expect_contains "returned" "mini  returned" "$out"
expect_contains "comment beside its question" "age                          34    <- Is 34 right?" "$out"
expect_eq "the return arrived once" 1 "$(grep -c '^decision: return' <<<"$out")"
expect_contains "referral held until approval" "referral legal_orientation pending" "$out"

echo "$SYNC_PASS" | "$TOOLS/review-fix" --dir "$TMPDIR/cw/data" --form "$FORM" "$id" age 43 ||
	fail "review-fix"
step cw sync
step sup review pull
expect_exit 0 client sup review list --all
expect_contains "still one interview" "1 shown of 1" "$out"
expect_contains "resubmitted" "resubmitted normal" "$out"
expect_exit 0 client sup review approve 1
step sup sync
step cw sync
via cw sync
expect_exit 0 client cw review show 1
expect_contains "approved" "mini  approved" "$out"
expect_eq "one approval" 1 "$(grep -c '^decision: approve' <<<"$out")"
expect_contains "referral sent after approval" "referral legal_orientation sent" "$out"

# The ledger shows the round trip; the referral reached the server once.
expect_exit 0 client cw sync log
expect_contains "all delivered" "0 quarantined, 0 queued, 0 sending" "$(tail -1 <<<"$out")"
expect_eq "interview delivered" 1 "$(ledger_count cw delivered interview)"
expect_eq "amendment delivered" 1 "$(ledger_count cw delivered amendment)"
expect_eq "referral delivered" 1 "$(ledger_count cw delivered referral)"
expect_eq "the ledger the cuts compared" 3 "$(ledger cw | grep -c ' delivered$')"
expect_exit 0 "$SENDA_SERVER" referral --data "$SRV_DIR" list --team t1
expect_eq "one referral on the server, sent" 1 "$(grep -c $'\tlegal_orientation\tsent' <<<"$out")"
expect_eq "nothing else on the server" 1 "$(grep -c . <<<"$out")"
expect_exit 0 client cw audit verify
expect_exit 0 client sup audit verify
review_link_done
expect_eq "steps" 8 "$REVIEW_STEPS"
