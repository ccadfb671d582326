#!/usr/bin/env bash
# senda-server ingest: items are stored once; a resend answers duplicate
# with the original receipt; the same id with other content is a conflict
# kept beside the original; an invalid item is rejected while the rest of
# its batch is stored; SIGTERM stops the server cleanly with data kept.
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/e2e/srv-lib.sh"

srv_start
srv_device cw t1 caseworker

# 20 interviews, gzip: all stored
"$SRV_CLIENT" batch "$TMPDIR/b1" 20 --ids "$TMPDIR/ids1" || fail "batch"
req cw POST /v1/batches --body "$TMPDIR/b1" --gzip
expect_status "first upload" 200
[ "$(grep -o '"status":"stored"' <<<"$body" | wc -l)" = 20 ] || fail "not all stored: $body"
first=$(head -1 "$TMPDIR/ids1")
receipt=$(grep -o "\"id\":\"$first\",\"status\":\"stored\",\"receipt\":\"[^\"]*\"" <<<"$body" |
	sed 's/.*receipt":"//; s/"$//')
[ -n "$receipt" ] || fail "no receipt for $first: $body"

# the same batch again (what a lost answer or libcurl's own resend does)
req cw POST /v1/batches --body "$TMPDIR/b1"
expect_status "resend" 200
[ "$(grep -o '"status":"duplicate"' <<<"$body" | wc -l)" = 20 ] || fail "not all duplicate: $body"
expect_contains "duplicate keeps the receipt" "\"id\":\"$first\",\"status\":\"duplicate\",\"receipt\":\"$receipt\"" "$body"

# same id, different content: conflict, original unchanged
head -1 "$TMPDIR/ids1" >"$TMPDIR/id1"
"$SRV_CLIENT" batch "$TMPDIR/b1y" 2 --use-ids "$TMPDIR/id1" \
	--payload '{"form":"intake","state":"submitted","answers":{"n":999}}' || fail "batch"
req cw POST /v1/batches --body "$TMPDIR/b1y"
expect_status "conflicting resend" 200
[ "$(grep -o '"status":"conflict"' <<<"$body" | wc -l)" = 1 ] || fail "expected one conflict: $body"
[ "$(grep -o '"status":"stored"' <<<"$body" | wc -l)" = 1 ] || fail "expected the new item stored: $body"
expect_contains "conflict reason" "\"id\":\"$first\",\"status\":\"conflict\"" "$body"
expect_contains "conflict reason" 'original unchanged' "$body"

# one bad item (wrong hash) does not block the good ones
"$SRV_CLIENT" batch "$TMPDIR/b2" 5 --ids "$TMPDIR/ids2" || fail "batch"
sed -i '0,/"hash":"sha256:[0-9a-f]\{4\}/s//"hash":"sha256:0000/' "$TMPDIR/b2"
req cw POST /v1/batches --body "$TMPDIR/b2" --gzip
expect_status "batch with a bad item" 200
[ "$(grep -o '"status":"rejected"' <<<"$body" | wc -l)" = 1 ] || fail "expected one rejected: $body"
[ "$(grep -o '"status":"stored"' <<<"$body" | wc -l)" = 4 ] || fail "expected 4 stored: $body"
expect_contains "reject reason" '"reason":"hash: does not match the payload"' "$body"

# an interview in a state the server does not take
"$SRV_CLIENT" batch "$TMPDIR/b3" 1 --state draft || fail "batch"
req cw POST /v1/batches --body "$TMPDIR/b3"
expect_status "draft interview" 200
expect_contains "draft rejected" '"reason":"payload.state: must be completed, submitted or resubmitted"' "$body"

# referrals need a known interview of the team
iv=$(head -1 "$TMPDIR/ids1")
"$SRV_CLIENT" batch "$TMPDIR/b4" 3 --kind referral --interview "$iv" || fail "batch"
req cw POST /v1/batches --body "$TMPDIR/b4" --gzip
expect_status "referrals" 200
[ "$(grep -o '"status":"stored"' <<<"$body" | wc -l)" = 3 ] || fail "referrals not stored: $body"
"$SRV_CLIENT" batch "$TMPDIR/b5" 1 --kind referral --interview 00000000-0000-4000-8000-000000000000 || fail "batch"
req cw POST /v1/batches --body "$TMPDIR/b5"
expect_contains "orphan referral" '"status":"rejected","reason":"interview: not known' "$body"

# 20 + 1 + 4 + 3 stored items, one kept conflict; survives a clean restart
srv_stop
expect_exit 0 "$SENDA_SERVER" status --data "$SRV_DATA"
expect_eq "status" "$(printf 'items: 28\nconflicts: 1')" "$out"
srv_start
req cw POST /v1/batches --body "$TMPDIR/b1" --gzip
expect_status "resend after restart" 200
[ "$(grep -o '"status":"duplicate"' <<<"$body" | wc -l)" = 20 ] || fail "dedupe lost over restart: $body"
srv_stop

# no payload text in the log
grep -q '"n":' "$TMPDIR/server.log" && fail "payload text in the server log"
grep -q 'legal-orientation' "$TMPDIR/server.log" && fail "payload text in the server log"
exit 0
