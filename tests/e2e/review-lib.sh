# review-lib.sh - the review tests' link between the steps of a round
# trip (t5002, t5003, t5007): source after sync-lib.sh and srv_start.
#
#   review_link faulty   from now on every sync step goes through the fault
#                        proxy: the link is down before the step (the step's
#                        command exits 75 and its outbox stays as it was),
#                        then faulty during it (retried until it gets through)
#   step NAME ARGS...    one step: senda ARGS as client NAME; on a good link
#                        once, exit 0 required; on a faulty one, cut and via
#   via NAME ARGS...     through the proxy until it gets through (exit 75:
#                        try later), at most 40 times; output in $out
#   review_link_done     stop the proxy; every step was cut before and the
#                        proxy injected faults during them (checked)

REVIEW_LINK=good
REVIEW_SEED=5002
REVIEW_FAULTS=0
REVIEW_CUTS=0
REVIEW_STEPS=0

review_proxy_up() {
	proxy_start --seed $((REVIEW_SEED++)) --rate 0.35 --latency-ms 5 --stall-ms 300
}

review_link() {
	REVIEW_LINK=$1
	[ "$REVIEW_LINK" = faulty ] && review_proxy_up
	return 0
}

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
	REVIEW_FAULTS=$((REVIEW_FAULTS + $(proxy_stat faults)))
	before=$(ledger "$name")
	client "$name" --set "sync.server=$PROXY_URL" --set sync.timeout=3s "$@" \
		>/dev/null 2>"$TMPDIR/.cut.err" || rc=$?
	expect_eq "'$*' on $name with the link down" 75 "$rc"
	expect_eq "nothing changed by '$*' with the link down" "$before" "$(ledger "$name")"
	REVIEW_CUTS=$((REVIEW_CUTS + 1))
	review_proxy_up
}

step() {
	REVIEW_STEPS=$((REVIEW_STEPS + 1))
	if [ "$REVIEW_LINK" = faulty ]; then
		cut "$@"
		via "$@"
	else
		expect_exit 0 client "$@"
	fi
}

review_link_done() {
	[ "$REVIEW_LINK" = faulty ] || return 0
	proxy_stop
	REVIEW_FAULTS=$((REVIEW_FAULTS + $(proxy_stat faults)))
	expect_eq "the link was cut before every step" "$REVIEW_STEPS" "$REVIEW_CUTS"
	[ "$REVIEW_FAULTS" -gt 0 ] || fail "the proxy injected no fault during the steps"
}
