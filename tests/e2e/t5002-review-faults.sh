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

FORM=$TOP/tests/forms/console/mini.ini
srv_start
client_new cw t1 caseworker
client_new sup t1 supervisor
seed=5002 faults=0 cuts=0
proxy_up() { proxy_start --seed $((seed++)) --rate 0.35 --latency-ms 5 --stall-ms 300; }
proxy_up

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

# ledger NAME: the client's outbox items but its audit trail (which rides
# along with whatever a pass sends): id, kind and state (attempts grow).
ledger() {
	client "$1" sync log --all |
		awk '$1 ~ /^[0-9a-f]+$/ && length($1) == 8 && $2 != "audit" { print $1, $2, $3 }'
}

# cut NAME ARGS...: the link goes down before the step; the step's command
# fails with 75 and leaves the outbox as it was; then the link comes back.
cut() {
	local name=$1 before rc=0
	shift
	proxy_stop
	faults=$((faults + $(proxy_stat faults)))
	before=$(ledger "$name")
	client "$name" --set "sync.server=$PROXY_URL" --set sync.timeout=3s "$@" \
		>/dev/null 2>"$TMPDIR/.cut.err" || rc=$?
	expect_eq "'$*' on $name with the link down" 75 "$rc"
	expect_eq "nothing changed by '$*' with the link down" "$before" "$(ledger "$name")"
	cuts=$((cuts + 1))
	proxy_up
}

printf '{"consent":true,"given_name":"Ana","age":34,"nationality":"haiti","fear":true,"share_legal":true}\n' \
	>"$TMPDIR/a.json"
expect_exit 0 client cw form fill "$FORM" --answers "$TMPDIR/a.json" --save
cut cw sync
via cw sync
id=$(client cw review show 1 | awk 'NR == 1 { print $3 }')

cut sup review pull
via sup review pull
via sup review pull		# again: nothing new, nothing doubled
expect_exit 0 client sup review list
expect_contains "one interview in the queue" "1 shown of 1" "$out"
printf 'age=Is 34 right?\n' >"$TMPDIR/notes"
expect_exit 0 client sup review return 1 --on-file "$TMPDIR/notes"
cut sup sync
via sup sync
via sup sync

cut cw sync
via cw sync
via cw sync
expect_exit 0 client cw review show 1
expect_contains "returned" "mini  returned" "$out"
expect_contains "comment beside its question" "age                          34    <- Is 34 right?" "$out"
expect_eq "the return arrived once" 1 "$(grep -c '^decision: return' <<<"$out")"
expect_contains "referral held until approval" "referral legal_orientation pending" "$out"

echo "$SYNC_PASS" | "$TOOLS/review-fix" --dir "$TMPDIR/cw/data" --form "$FORM" "$id" age 43 ||
	fail "review-fix"
cut cw sync
via cw sync
cut sup review pull
via sup review pull
expect_exit 0 client sup review list --all
expect_contains "still one interview" "1 shown of 1" "$out"
expect_contains "resubmitted" "resubmitted normal" "$out"
expect_exit 0 client sup review approve 1
cut sup sync
via sup sync
cut cw sync
via cw sync
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
proxy_stop
faults=$((faults + $(proxy_stat faults)))
expect_eq "the link was cut before every step" 8 "$cuts"
[ "$faults" -gt 0 ] || fail "the proxy injected no fault during the steps"
