#!/usr/bin/env bash
# The decisions channel and the review queue: a caseworker's interview
# enters its team's queue; the supervisor returns it with comments; the
# caseworker's feed shows the return with the comment on its question; an
# amendment makes it resubmitted; approval follows; a decision the state
# machine forbids is rejected.  Feeds are gap-free and cursors resume.
# Reassignment tells both devices.
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/e2e/srv-lib.sh"

srv_start
srv_device cw t1 caseworker
srv_device cw2 t1 caseworker
srv_device sup t1 supervisor

"$SRV_CLIENT" batch "$TMPDIR/iv" 1 --ids "$TMPDIR/ivid" || fail "batch"
iv=$(cat "$TMPDIR/ivid")
req cw POST /v1/batches --body "$TMPDIR/iv"
expect_status "interview" 200

req sup GET "/v1/review-queue?after=0"
expect_status "queue" 200
expect_contains "queue holds it" "\"seq\":1,\"id\":" "$body"
expect_contains "queue holds it" "\"interview\":\"$iv\",\"kind\":\"interview\",\"device\":\"$(dev_id cw)\"" "$body"
expect_contains "queue payload" '"payload":{"answers":{"n":0},"form":"intake","state":"submitted"}' "$body"

# return with an overall comment and one on q14
"$SRV_CLIENT" batch "$TMPDIR/ret" 1 --kind decision --interview "$iv" \
	--payload '{"action":"return","comment":"please check","comments":{"q14":"date of birth?"}}' || fail "batch"
req sup POST /v1/batches --body "$TMPDIR/ret"
expect_status "return" 200
expect_contains "return stored" '"status":"stored"' "$body"

req cw GET "/v1/decisions?after=1"
expect_status "caseworker feed" 200
expect_contains "returned" "\"seq\":2," "$body"
expect_contains "returned" '"kind":"returned"' "$body"
expect_contains "comment on q14" '"comments":{"q14":"date of birth?"}' "$body"
expect_contains "state" '"state":"returned"' "$body"
expect_contains "cursor" '"cursor":"2","more":false' "$body"

# approving a returned interview is not allowed until it is resubmitted
"$SRV_CLIENT" batch "$TMPDIR/app" 1 --kind decision --interview "$iv" --state approve || fail "batch"
req sup POST /v1/batches --body "$TMPDIR/app"
expect_status "approve while returned" 200
expect_contains "state machine" '"status":"rejected","reason":"state: the interview is returned; it cannot take' "$body"

# only the owner may amend
"$SRV_CLIENT" batch "$TMPDIR/am" 1 --kind amendment --interview "$iv" --payload '{"answers":{"q14":"fixed"}}' || fail "batch"
req cw2 POST /v1/batches --body "$TMPDIR/am"
expect_contains "amend by another device" '"status":"rejected","reason":"interview: belongs to another device' "$body"
req cw POST /v1/batches --body "$TMPDIR/am"
expect_contains "amendment" '"status":"stored"' "$body"
req sup GET "/v1/review-queue?after=1"
expect_contains "amendment queued" '"seq":2,' "$body"
expect_contains "amendment queued" '"kind":"amendment"' "$body"

"$SRV_CLIENT" batch "$TMPDIR/app2" 1 --kind decision --interview "$iv" --state approve || fail "batch"
req sup POST /v1/batches --body "$TMPDIR/app2"
expect_contains "approve resubmitted" '"status":"stored"' "$body"

# the whole feed from 0: received, returned, received (amendment), approved
req cw GET "/v1/decisions?after=0"
kinds=$(grep -o '"kind":"[a-z]*"' <<<"$body" | tr '\n' ' ')
expect_eq "feed kinds" '"kind":"received" "kind":"returned" "kind":"received" "kind":"approved" ' "$kinds"
seqs=$(grep -o '"seq":[0-9]*' <<<"$body" | tr '\n' ' ')
expect_eq "gap-free" '"seq":1 "seq":2 "seq":3 "seq":4 ' "$seqs"
req cw GET "/v1/decisions?after=2&limit=1"
expect_contains "paging" '"cursor":"3","more":true' "$body"
req cw GET "/v1/decisions?after=4"
expect_eq "nothing new" '{"decisions":[],"cursor":"4","more":false}' "$body"
req cw GET "/v1/decisions?after=5"
expect_status "cursor beyond the feed" 410

# reassignment
expect_exit 0 "$SENDA_SERVER" reassign --data "$SRV_DATA" "$iv" --to "$(dev_id cw2)"
req cw GET "/v1/decisions?after=4"
expect_contains "old owner told" '"kind":"reassigned"' "$body"
req cw2 GET "/v1/decisions?after=0"
expect_contains "new owner told" "\"to\":\"$(dev_id cw2)\"" "$body"
expect_exit 8 "$SENDA_SERVER" reassign --data "$SRV_DATA" 00000000-0000-4000-8000-000000000000 --to "$(dev_id cw2)"
srv_stop
exit 0
