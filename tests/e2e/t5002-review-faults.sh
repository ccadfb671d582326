#!/usr/bin/env bash
# The review round trip with the link cut by the fault proxy between and
# during every step (issue 8): each sync and queue pull is retried until
# it gets through, and the outcome is the same as on a good link: one
# interview on the server and in the queue (never two), the return with its
# comment reaches the caseworker once, the resubmission is one amendment,
# the approval arrives, and both audit trails are intact.
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/e2e/sync-lib.sh"

FORM=$TOP/tests/forms/console/mini.ini
srv_start
client_new cw t1 caseworker
client_new sup t1 supervisor
proxy_start --seed 5002 --rate 0.35 --latency-ms 5 --stall-ms 300

# via NAME ARGS...: run senda through the proxy until it gets through
# (75: try later), at most 40 times.
via() {
	local name=$1 i rc
	shift
	for ((i = 0; i < 40; i++)); do
		out=$(client "$name" --set "sync.server=$PROXY_URL" --set sync.timeout=3s "$@" \
			2>"$TMPDIR/.via.err") && return 0 || rc=$?
		[ "$rc" = 75 ] || fail "'$*' on $name exited $rc: $(cat "$TMPDIR/.via.err")"
	done
	fail "'$*' on $name never got through"
}

printf '{"consent":true,"given_name":"Ana","age":34,"nationality":"haiti"}\n' >"$TMPDIR/a.json"
expect_exit 0 client cw form fill "$FORM" --answers "$TMPDIR/a.json" --save
via cw sync
id=$(client cw review show 1 | awk 'NR == 1 { print $3 }')

via sup review pull
via sup review pull		# again: nothing new, nothing doubled
expect_exit 0 client sup review list
expect_contains "one interview in the queue" "1 shown of 1" "$out"
printf 'age=Is 34 right?\n' >"$TMPDIR/notes"
expect_exit 0 client sup review return 1 --on-file "$TMPDIR/notes"
via sup sync
via sup sync

via cw sync
via cw sync
expect_exit 0 client cw review show 1
expect_contains "returned" "mini  returned" "$out"
expect_contains "comment beside its question" "age                          34    <- Is 34 right?" "$out"
expect_eq "the return arrived once" 1 "$(grep -c '^decision: return' <<<"$out")"

echo "$SYNC_PASS" | "$TOOLS/review-fix" --dir "$TMPDIR/cw/data" --form "$FORM" "$id" age 43 ||
	fail "review-fix"
via cw sync
via sup review pull
expect_exit 0 client sup review list --all
expect_contains "still one interview" "1 shown of 1" "$out"
expect_contains "resubmitted" "resubmitted normal" "$out"
expect_exit 0 client sup review approve 1
via sup sync
via cw sync
via cw sync
expect_exit 0 client cw review show 1
expect_contains "approved" "mini  approved" "$out"
expect_eq "one approval" 1 "$(grep -c '^decision: approve' <<<"$out")"
expect_exit 0 client cw sync log
expect_contains "all delivered" "0 quarantined, 0 queued, 0 sending" "$(tail -1 <<<"$out")"
expect_exit 0 client cw audit verify
expect_exit 0 client sup audit verify
proxy_stop
faults=$(proxy_stat faults)
[ "${faults:-0}" -gt 0 ] || fail "the proxy injected no fault (stats: $(cat "$TMPDIR/proxy.stats"))"
