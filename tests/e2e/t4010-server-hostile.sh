#!/usr/bin/env bash
# Hostile requests get their exact status and error code: malformed JSON,
# wrong schema, wrong content type or encoding, oversize body, gzip bomb,
# missing or bad signature, replay, stale timestamp, unknown or revoked
# device, another team's data, a role's wrong endpoint, unknown route,
# wrong method.  The server's memory stays bounded over 1,000 of them.
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/e2e/srv-lib.sh"

# ASan keeps freed memory in quarantine; keep that small so RSS means something.
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=8
srv_start
srv_device cw t1 caseworker
srv_device sup t1 supervisor
srv_device other t2 caseworker
srv_device osup t2 supervisor

"$SRV_CLIENT" batch "$TMPDIR/good" 2 --ids "$TMPDIR/ids" || fail "batch"
req cw POST /v1/batches --body "$TMPDIR/good"
expect_status "good batch" 200
iv=$(head -1 "$TMPDIR/ids")

# malformed JSON and wrong schema: 400 naming the field
printf '{"v":1,"items":[' >"$TMPDIR/bad1"
req cw POST /v1/batches --body "$TMPDIR/bad1"
expect_status "truncated JSON" 400
expect_contains "truncated JSON" '"error":"bad_request","message":"malformed JSON' "$body"
printf '{"v":1,"items":[{"id":"nope","kind":"audit","hash":"sha256:%064d","payload":{}}]}' 0 >"$TMPDIR/bad2"
req cw POST /v1/batches --body "$TMPDIR/bad2" --gzip
expect_status "bad id" 400
expect_contains "bad id" '"field":"items[0].id","item":0' "$body"
printf '{"v":1,"items":[],"extra":true}' >"$TMPDIR/bad3"
req cw POST /v1/batches --body "$TMPDIR/bad3"
expect_status "unknown field" 400
expect_contains "unknown field" '"field":"extra"' "$body"
printf '{"v":2,"items":[]}' >"$TMPDIR/bad4"
req cw POST /v1/batches --body "$TMPDIR/bad4"
expect_status "version" 400
expect_contains "version" '"field":"v"' "$body"

# content type and encoding
req cw POST /v1/batches --body "$TMPDIR/good" --content-type text/plain
expect_status "content type" 415
req cw POST /v1/batches --body "$TMPDIR/good" --encoding br
expect_status "encoding" 415
req cw POST /v1/batches --body "$TMPDIR/good" --encoding gzip
expect_status "not gzip" 400
expect_contains "not gzip" 'not valid gzip' "$body"

# oversize body (refused from Content-Length) and a gzip bomb (20 MB of spaces)
head -c 1100000 /dev/urandom >"$TMPDIR/big"
req cw POST /v1/batches --body "$TMPDIR/big"
expect_status "oversize" 413
expect_contains "oversize" '"error":"too_large"' "$body"
head -c 20000000 /dev/zero | tr '\0' ' ' >"$TMPDIR/bomb"
req cw POST /v1/batches --body "$TMPDIR/bomb" --gzip
expect_status "gzip bomb" 413
expect_contains "gzip bomb" 'inflates to more than' "$body"

# authentication
expect_exit 0 curl -s -X POST -H 'Content-Type: application/json' --data-binary @"$TMPDIR/good" "$SRV_URL/v1/batches"
expect_contains "no headers" '"error":"unauthenticated"' "$out"
req cw POST /v1/batches --body "$TMPDIR/good" --bad-sig
expect_status "bad signature" 401
expect_contains "bad signature" '"error":"bad_signature"' "$body"
out=$("$SRV_CLIENT" request "$SRV_URL" GET "/v1/decisions?after=0" "$TMPDIR/cw.key" "$(dev_id cw)" --repeat 2 --replay)
expect_contains "replay: first" '200 {"decisions"' "$(sed -n 1p <<<"$out")"
expect_contains "replay: second" '401 {"error":"replay"' "$(sed -n 2p <<<"$out")"
now=$(date +%s)
req cw GET "/v1/decisions?after=0" --time $((now - 400))
expect_status "stale time" 401
expect_contains "stale time" '"error":"clock_skew"' "$body"
expect_contains "stale time" '"server_time":' "$body"
req cw GET "/v1/decisions?after=0" --time $((now + 400))
expect_status "future time" 401
"$SRV_CLIENT" keygen "$TMPDIR/ghost.key"
echo 0b7e6c55-3f0e-4c1e-9d53-2f0c8d9f5a10 >"$TMPDIR/ghost.id"
req ghost GET "/v1/decisions?after=0"
expect_status "unknown device" 401
expect_contains "unknown device" '"error":"unknown_device"' "$body"
# a valid signature by another device's key
cp "$TMPDIR/sup.key" "$TMPDIR/thief.key"; cp "$TMPDIR/cw.id" "$TMPDIR/thief.id"
req thief GET "/v1/decisions?after=0"
expect_status "someone else's key" 401

# team isolation and roles
"$SRV_CLIENT" batch "$TMPDIR/steal" 1 --kind referral --interview "$iv" || fail "batch"
req other POST /v1/batches --body "$TMPDIR/steal"
expect_status "other team's interview" 403
expect_contains "other team" '"field":"items[0].interview","item":0' "$body"
"$SRV_CLIENT" batch "$TMPDIR/odec" 1 --kind decision --interview "$iv" --state approve || fail "batch"
req osup POST /v1/batches --body "$TMPDIR/odec"
expect_status "other team's supervisor" 403
req cw POST /v1/batches --body "$TMPDIR/odec"
expect_status "caseworker deciding" 403
expect_contains "caseworker deciding" '"field":"items[0].kind"' "$body"
"$SRV_CLIENT" batch "$TMPDIR/reuse" 1 --use-ids "$TMPDIR/ids" || fail "batch"
req other POST /v1/batches --body "$TMPDIR/reuse"
expect_status "other team reusing an id" 403
req cw GET "/v1/review-queue?after=0"
expect_status "caseworker queue" 403
req osup GET "/v1/review-queue?after=0"
expect_status "other team's queue" 200
expect_eq "other team's queue is empty" '{"items":[],"cursor":"0","more":false}' "$body"

# routes and queries
expect_exit 0 curl -s -o /dev/null -w '%{http_code}' "$SRV_URL/v1/nothing"
expect_eq "unknown route" 404 "$out"
expect_exit 0 curl -s -o /dev/null -w '%{http_code}' -X DELETE "$SRV_URL/v1/batches"
expect_eq "wrong method" 405 "$out"
req cw GET "/v1/decisions?after=abc"
expect_status "bad cursor" 400
req cw GET "/v1/decisions?after=99"
expect_status "cursor from the future" 410
expect_contains "410" '"error":"cursor_expired"' "$body"

# revocation
expect_exit 0 "$SENDA_SERVER" devices --data "$SRV_DATA" revoke "$(dev_id other)"
req other GET "/v1/decisions?after=0"
expect_status "revoked" 401
expect_contains "revoked" 'this device has been revoked; enrol it again' "$body"

# memory stays bounded over 1,000 hostile requests
rss() { awk '/^VmRSS/ {print $2}' "/proc/$SRV_PID/status"; }
"$SRV_CLIENT" request "$SRV_URL" POST /v1/batches "$TMPDIR/cw.key" "$(dev_id cw)" \
	--body "$TMPDIR/bomb" --gzip --repeat 20 >/dev/null
before=$(rss)
"$SRV_CLIENT" request "$SRV_URL" POST /v1/batches "$TMPDIR/cw.key" "$(dev_id cw)" \
	--body "$TMPDIR/bomb" --gzip --repeat 30 | cut -c1-3 | sort | uniq -c >"$TMPDIR/r1"
"$SRV_CLIENT" request "$SRV_URL" POST /v1/batches "$TMPDIR/cw.key" "$(dev_id cw)" \
	--body "$TMPDIR/bad1" --repeat 370 | cut -c1-3 | sort | uniq -c >"$TMPDIR/r2"
"$SRV_CLIENT" request "$SRV_URL" POST /v1/batches "$TMPDIR/cw.key" "$(dev_id cw)" \
	--body "$TMPDIR/good" --bad-sig --repeat 300 | cut -c1-3 | sort | uniq -c >"$TMPDIR/r3"
"$SRV_CLIENT" request "$SRV_URL" POST /v1/batches "$TMPDIR/cw.key" "$(dev_id cw)" \
	--body "$TMPDIR/big" --repeat 300 | cut -c1-3 | sort | uniq -c >"$TMPDIR/r4"
expect_eq "bombs" "     30 413" "$(cat "$TMPDIR/r1")"
expect_eq "malformed" "    370 400" "$(cat "$TMPDIR/r2")"
expect_eq "bad signatures" "    300 401" "$(cat "$TMPDIR/r3")"
expect_eq "oversize" "    300 413" "$(cat "$TMPDIR/r4")"
after=$(rss)
echo "server RSS: ${before} kB before, ${after} kB after 1,000 hostile requests"
[ $((after - before)) -lt 20000 ] || fail "server memory grew from ${before} kB to ${after} kB"
srv_stop
exit 0
