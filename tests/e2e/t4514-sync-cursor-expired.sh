#!/usr/bin/env bash
# An expired decisions cursor (410) makes the client pull the feed again
# from the start, ending with the right state and applying nothing twice.
# A real server with a tiny feed retention (server.retention) prunes the
# entries a laptop had not pulled yet; the server's clock is set with
# SENDA_NOW (within the 5 minutes of skew it accepts) so that "old" is old.
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/e2e/sync-lib.sh"

now=$(date +%s)

# Then (4 minutes ago): c1 and c2 deliver and pull; each delivers one more
# interview without pulling, so their cursors fall behind the feed.
export SENDA_NOW=$((now - 240))
srv_start
unset SENDA_NOW
for c in c1 c2; do
	client_new "$c"
	fill "$c" --interviews 2 --referrals 1
	expect_exit 0 client "$c" sync
	fill "$c" --interviews 1 --referrals 1
	expect_exit 0 client "$c" sync --no-pull
done
iv3=$(awk '$1 == "interview" { id = $2 } END { print id }' "$TMPDIR/c1.ids")
srv_stop

# Now: the server keeps 2 minutes of feed, so all of the above is pruned at
# the first request.  The supervisor returns c1's third interview.
printf '[server]\nretention = 120s\n' >"$TMPDIR/srv.ini"
export SENDA_NOW=$now
srv_start --config "$TMPDIR/srv.ini"
unset SENDA_NOW
"$TOOLS/srv-client" keygen "$TMPDIR/sup.key" >/dev/null || fail "keygen"
code=$("$SENDA_SERVER" enroll --data "$SRV_DIR" --team t1 --role supervisor | awk '/^code:/ { print $2 }')
sup=$("$TOOLS/srv-client" enroll "$SRV_URL" "$code" "$TMPDIR/sup.key") || fail "supervisor enrol"
"$TOOLS/srv-client" batch "$TMPDIR/decision.json" 1 --kind decision --interview "$iv3" \
	--payload '{"action":"return","comments":{"q14":"date of birth?"}}' || fail "decision batch"
res=$("$TOOLS/srv-client" request "$SRV_URL" POST /v1/batches "$TMPDIR/sup.key" "$sup" \
	--body "$TMPDIR/decision.json")
expect_contains "decision stored" '"stored"' "$res"

# c1: 410, then the whole feed again: the return, applied once.
expect_exit 0 client c1 sync --verbose
expect_eq "one 410" 1 "$(grep -c 'GET /v1/decisions -> 410' "$TMPDIR/srv.log")"
expect_contains "the return pulled" "comments on q14" "$out"
expect_contains "one decision" "0 waiting, 1 decisions" "$out"
expect_exit 0 client c1 sync --verbose
expect_contains "nothing twice" "0 waiting, 0 decisions" "$out"

# c2: 410, and nothing left on the server for it: its place is reset, so
# the next pass is not refused again.
expect_exit 0 client c2 sync --verbose
expect_contains "nothing to apply" "0 decisions" "$out"
expect_eq "c2's 410" 2 "$(grep -c 'GET /v1/decisions -> 410' "$TMPDIR/srv.log")"
expect_exit 0 client c2 sync
expect_exit 0 client c1 sync
expect_eq "no more 410" 2 "$(grep -c 'GET /v1/decisions -> 410' "$TMPDIR/srv.log")"
expect_eq "c1 all delivered" 6 "$(ledger_count c1 delivered)"
expect_eq "c2 all delivered" 6 "$(ledger_count c2 delivered)"
srv_stop
# The supervisor's decision is the one item no ledger lists.
SRV_CHECK_EXTRA=1 expect_exit 0 srv_check c1 c2
