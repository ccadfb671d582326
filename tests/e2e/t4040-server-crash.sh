#!/usr/bin/env bash
# An answered batch survives the server being killed: four clients upload
# at once (so batches share commits), the server is killed with SIGKILL
# mid-stream, and after a restart every item whose batch was answered 200
# is there, nothing is there twice, and resending everything gives only
# duplicates for those and stores the rest.
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/e2e/srv-lib.sh"

srv_start
for c in 1 2 3 4; do
	srv_device "c$c" t1 caseworker
	for b in 1 2 3 4 5 6; do
		"$SRV_CLIENT" batch "$TMPDIR/c$c.b$b" 20 --ids "$TMPDIR/c$c.b$b.ids" || fail "batch"
	done
done

upload() {	# upload CLIENT: send its batches in order, note the answered ones
	local c=$1 b line
	for b in 1 2 3 4 5 6; do
		line=$("$SRV_CLIENT" request "$SRV_URL" POST /v1/batches "$TMPDIR/$c.key" \
			"$(dev_id "$c")" --body "$TMPDIR/$c.b$b" --gzip 2>/dev/null) || true
		case $line in 200\ *) cat "$TMPDIR/$c.b$b.ids" >>"$TMPDIR/$c.acked" ;; esac
	done
}
for c in c1 c2 c3 c4; do : >"$TMPDIR/$c.acked"; upload "$c" & done
sleep 0.3
kill -KILL "$SRV_PID"
wait "$SRV_PID" 2>/dev/null
SRV_PID=
wait

acked=$(cat "$TMPDIR"/c?.acked | wc -l)
echo "batches answered before the kill: $((acked / 20))"
srv_start
for c in c1 c2 c3 c4; do
	for b in 1 2 3 4 5 6; do
		req "$c" POST /v1/batches --body "$TMPDIR/$c.b$b" --gzip
		expect_status "resend after the crash" 200
		for id in $(grep -Fx -f "$TMPDIR/$c.b$b.ids" "$TMPDIR/$c.acked"); do
			expect_contains "answered item $id kept" "\"id\":\"$id\",\"status\":\"duplicate\"" "$body"
		done
		grep -q '"status":"conflict"\|"status":"rejected"' <<<"$body" && fail "bad result: $body"
	done
done
srv_stop
expect_exit 0 "$SENDA_SERVER" status --data "$SRV_DATA"
expect_eq "each item exactly once" "$(printf 'items: 480\nconflicts: 0')" "$out"
exit 0
