#!/usr/bin/env bash
# The supervisor's decision comes back: a supervisor device returns an
# interview with a comment on one question; the caseworker's next sync
# pulls it (--verbose names the interview and the question, never the
# comment text) and applies it once; the pass after that pulls nothing.
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/e2e/sync-lib.sh"

srv_start
client_new c1
fill c1 --interviews 1 --referrals 1
expect_exit 0 client c1 sync
iv=$(awk '$1 == "interview" { print $2 }' "$TMPDIR/c1.ids")

# The supervisor, by hand with the protocol's test client.
"$TOOLS/srv-client" keygen "$TMPDIR/sup.key" >/dev/null || fail "keygen"
code=$("$SENDA_SERVER" enroll --data "$SRV_DIR" --team t1 --role supervisor | awk '/^code:/ { print $2 }')
sup=$("$TOOLS/srv-client" enroll "$SRV_URL" "$code" "$TMPDIR/sup.key") || fail "supervisor enrol"
"$TOOLS/srv-client" batch "$TMPDIR/decision.json" 1 --kind decision --interview "$iv" \
	--payload '{"action":"return","comment":"SECRET-COMMENT","comments":{"q14":"date of birth?"}}' ||
	fail "making the decision batch"
res=$("$TOOLS/srv-client" request "$SRV_URL" POST /v1/batches "$TMPDIR/sup.key" "$sup" \
	--body "$TMPDIR/decision.json")
expect_contains "decision stored" '"stored"' "$res"

expect_exit 0 client c1 sync --verbose
expect_contains "decision pulled" "returned" "$out"
expect_contains "question named" "comments on q14" "$out"
case $out in *SECRET-COMMENT*) fail "the comment text was printed" ;; esac
expect_contains "summary" "1 decisions" "$out"

expect_exit 0 client c1 sync --verbose
expect_contains "nothing new" "0 decisions" "$out"
