#!/usr/bin/env bash
# senda-server keeps a device's audit items only when they are what the
# protocol says: entries of exactly five fields that recompute to the hash
# chain the item claims.  The hashes here are made with sha256sum from the
# text docs/sync-protocol.md gives, so the documentation, the server and
# the store (test_sync checks the store's hashes) agree.  A rewritten entry,
# an extra field (room for answers or names) or a sixth field is rejected.
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/e2e/srv-lib.sh"

srv_start
srv_device cw t1 caseworker

zero=$(printf '0%.0s' $(seq 64))
# entry_hash PREV SEQ TIME ACTOR ACTION OBJECT DETAIL
entry_hash() {
	printf 'senda-audit-1\n%s\n%s\n%s\n%d:%s\n%d:%s\n%d:%s\n%d:%s\n' "$1" "$2" "$3" \
		"${#4}" "$4" "${#5}" "$5" "${#6}" "$6" "${#7}" "$7" | sha256sum | cut -d' ' -f1
}
h1=$(entry_hash "$zero" 1 1796535601 caseworker interview.create 3c1d7a0e "form intake 2023-05, es, draft")
h2=$(entry_hash "$h1" 2 1796535640 caseworker answer.save 3c1d7a0e "identity.age set")
e1='[1796535601,"caseworker","interview.create","3c1d7a0e","form intake 2023-05, es, draft"]'
e2='[1796535640,"caseworker","answer.save","3c1d7a0e","identity.age set"]'

send() {	# send PAYLOAD: one audit item; sets body
	"$SRV_CLIENT" batch "$TMPDIR/b" 1 --kind audit --payload "$1" || fail "batch"
	req cw POST /v1/batches --body "$TMPDIR/b"
	expect_status "audit batch" 200
}

send "{\"entries\":[$e1,$e2],\"from\":1,\"hash\":\"$h2\",\"prev\":\"$zero\"}"
expect_contains "a clean chain is stored" '"status":"stored"' "$body"

# The next item follows on from the first.
h3=$(entry_hash "$h2" 3 1796535700 sync outbox.add 9f00e1b2 "audit ")
send "{\"entries\":[[1796535700,\"sync\",\"outbox.add\",\"9f00e1b2\",\"audit \"]],\"from\":3,\"hash\":\"$h3\",\"prev\":\"$h2\"}"
expect_contains "the next item is stored" '"status":"stored"' "$body"

# An entry rewritten after the fact no longer hashes to the end.
send "{\"entries\":[$e1,[1796535640,\"caseworker\",\"answer.save\",\"3c1d7a0e\",\"identity.age 34\"]],\"from\":1,\"hash\":\"$h2\",\"prev\":\"$zero\"}"
expect_contains "rewritten entry" '"status":"rejected"' "$body"
expect_contains "says why" "audit chain is broken" "$body"

# Room for answers: refused whatever the hashes say.
send "{\"answers\":{\"identity.name\":\"Maria\"},\"entries\":[$e1,$e2],\"from\":1,\"hash\":\"$h2\",\"prev\":\"$zero\"}"
expect_contains "extra field" '"status":"rejected"' "$body"
send "{\"entries\":[[1796535601,\"caseworker\",\"interview.create\",\"3c1d7a0e\",\"form intake 2023-05, es, draft\",\"Maria\"]],\"from\":1,\"hash\":\"$h1\",\"prev\":\"$zero\"}"
expect_contains "sixth field" '"status":"rejected"' "$body"
expect_contains "names the entry" "entries[0]" "$body"
send "{\"entries\":[],\"from\":1,\"hash\":\"$h1\",\"prev\":\"$zero\"}"
expect_contains "no entries" '"status":"rejected"' "$body"

srv_stop
expect_contains "two audit items kept" "items: 2" "$("$SENDA_SERVER" status --data "$SRV_DATA")"
