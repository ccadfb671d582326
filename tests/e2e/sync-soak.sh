#!/usr/bin/env bash
# sync-soak.sh - several senda clients deliver their outboxes to one
# senda-server through the fault proxy, each looping `senda sync` the way a
# timer would, until every ledger shows everything delivered.  Then the
# server must hold every item exactly once and no client may have
# quarantined anything, and each client's audit trail must be there once,
# in order.  Used by t4590 (bounded, in `make test`), by
# `make soak` (5,000 referrals, kill -9 of the server and the clients at
# random points) and by `make bench` (time and wire bytes per referral).
#
# Settings (environment):
#   SOAK_CLIENTS=3 SOAK_REFERRALS=500 SOAK_PER_INTERVIEW=4
#   SOAK_RATE=0.25 (share of exchanges that meet a fault) SOAK_SEED=1
#   SOAK_KILL=0 (1: kill -9 the server and clients at random points)
#   SOAK_DEADLINE=110 (seconds) SOAK_BATCH=50 SOAK_REPORT=FILE (key value)
#   SOAK_ANSWERS=0 (1: fill with answers autosaved one by one, as the
#   console does, each leaving an audit entry)
#   SOAK_ROUNDS=1: fill and deliver that many times over, the way a device
#   syncs day after day; each round after the first also carries the audit
#   entries the round before left behind (outbox.sending, outbox.delivered,
#   ...), so the wire bytes of rounds 2.. are the steady state's.
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/e2e/sync-lib.sh"

clients=${SOAK_CLIENTS:-3}
referrals=${SOAK_REFERRALS:-500}
per=${SOAK_PER_INTERVIEW:-4}
rate=${SOAK_RATE:-0.25}
seed=${SOAK_SEED:-1}
kill9=${SOAK_KILL:-0}
deadline_s=${SOAK_DEADLINE:-110}
batch=${SOAK_BATCH:-50}
rounds=${SOAK_ROUNDS:-1}
fill_args=()
[ "${SOAK_ANSWERS:-0}" = 1 ] && fill_args=(--answers)

srv_start
# The killer's kill -9 would otherwise make bash report "Killed" for it.
[ "$kill9" = 1 ] && disown "$SRV_PID"
for ((c = 1; c <= clients; c++)); do
	client_new "c$c"
done

# Spread the referrals over the clients, whole interviews each.
interviews=$(((referrals + per - 1) / per))
expected=0
delivered_referrals=0
fill_round() {
	local c n
	for ((c = 1; c <= clients; c++)); do
		n=$((interviews / clients + (c <= interviews % clients ? 1 : 0)))
		fill "c$c" --interviews "$n" --referrals "$per" "${fill_args[@]}"
		expected=$((expected + n * (per + 1)))
	done
	delivered_referrals=$((delivered_referrals + interviews * per))
}

# One client as a timer would run it: a pass, and again until all is sent.
client_loop() {
	local name=$1 pid rc left
	while ((SECONDS < deadline)); do
		echo "$SYNC_PASS" | SENDA_HOME=$TMPDIR/$name/data "$SENDA" \
			--config "$TMPDIR/$name.ini" --set "sync.server=$PROXY_URL" \
			--passphrase-fd 0 sync --quiet --no-pull --batch "$batch" \
			2>>"$TMPDIR/$name.err" &
		pid=$!
		echo "$pid" >"$TMPDIR/$name.pid"
		wait "$pid" && rc=0 || rc=$?
		rm -f "$TMPDIR/$name.pid"
		echo "$rc" >>"$TMPDIR/$name.rcs"
		if [ "$rc" = 0 ]; then
			left=$(client "$name" sync log | awk '/ delivered, / { print $5 + $7 }')
			[ "$left" = 0 ] && return 0
		fi
		sleep 0.2
	done
	echo "deadline" >>"$TMPDIR/$name.err"
	return 1
}

# kill -9 at random points: a client's senda, or the server (restarted at
# once on the same port, the way systemd would).
killer() {
	local victim pid
	while :; do
		sleep "0.$((RANDOM % 9 + 1))" "$((RANDOM % 3))"
		if ((RANDOM % 3 == 0)); then
			kill -9 "$SRV_PID" 2>/dev/null && echo "server" >>"$TMPDIR/kills"
			wait "$SRV_PID" 2>/dev/null
			srv_start
		else
			victim=c$((RANDOM % clients + 1))
			pid=$(cat "$TMPDIR/$victim.pid" 2>/dev/null) || continue
			kill -9 "$pid" 2>/dev/null && echo "$victim" >>"$TMPDIR/kills"
		fi
		[ -e "$TMPDIR/soak.done" ] && return 0
	done
}

# One round: fill every client, then let each deliver everything through a
# fresh proxy (its byte counters are the round's alone).
round_bytes=()
round_referrals=()
secs=0 faults=0 exchanges=0
for ((round = 1; round <= rounds; round++)); do
	before=$delivered_referrals
	fill_round
	# The bound is on delivering, not on filling.
	((round > 1)) || deadline=$((SECONDS + deadline_s))
	proxy_start --seed "$((seed + round - 1))" --rate "$rate" --stall-ms 1000 --latency-ms 30
	rm -f "$TMPDIR/soak.done"
	start=$(date +%s.%N)
	pids=()
	for ((c = 1; c <= clients; c++)); do
		# 2>/dev/null: bash's "Killed" job notices; senda's own errors go to .err.
		client_loop "c$c" 2>/dev/null &
		pids+=($!)
	done
	if [ "$kill9" = 1 ]; then
		killer 2>/dev/null &
		killer_pid=$!
	fi
	ok=1
	for p in "${pids[@]}"; do
		wait "$p" || ok=0
	done
	end=$(date +%s.%N)
	if [ "$kill9" = 1 ]; then
		: >"$TMPDIR/soak.done"
		kill "$killer_pid" 2>/dev/null
		wait "$killer_pid" 2>/dev/null
		# The killer may have restarted the server: stop the one that runs now.
		SRV_PID=$(cat "$TMPDIR/srv.pid")
	fi
	proxy_stop
	secs=$(awk -v s="$secs" -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", s + b - a }')
	round_bytes+=($(($(proxy_stat bytes_up) + $(proxy_stat bytes_down))))
	round_referrals+=($((delivered_referrals - before)))
	faults=$((faults + $(proxy_stat faults)))
	exchanges=$((exchanges + $(proxy_stat exchanges)))
	[ "$ok" = 1 ] || break
done
srv_stop
[ "$ok" = 1 ] || {
	tail -n 3 "$TMPDIR"/c*.err >&2
	fail "not every client delivered everything within ${deadline_s}s"
}

for ((c = 1; c <= clients; c++)); do
	out=$(client "c$c" sync log | tail -n 1)
	case $out in
	*" 0 quarantined, 0 queued, 0 sending") ;;
	*) fail "c$c ledger: $out" ;;
	esac
done
names=()
for ((c = 1; c <= clients; c++)); do names+=("c$c"); done
check=$(srv_check "${names[@]}") ||
	fail "server check: $check"
expect_contains "server holds each once" "expected $expected missing 0 duplicated-ids 0" "$check"
# Each client's audit trail too: once, in order, equal to the device's.
for ((c = 1; c <= clients; c++)); do
	audit=$(echo "$SYNC_PASS" | "$TOOLS/sync-auditcheck" --data "$SRV_DIR" \
		--client "$TMPDIR/c$c/data" 2>&1) || fail "c$c audit trail on the server: $audit"
done

# Wire bytes per referral: over all rounds, of the first round alone (a
# device's first sync) and of the rounds after it (the steady state).
wire=0
for b in "${round_bytes[@]}"; do wire=$((wire + b)); done
per_ref=$((wire / delivered_referrals))
first_ref=$((round_bytes[0] / round_referrals[0]))
steady_ref=$first_ref rounds_note=
if ((rounds > 1)); then
	steady_ref=$(((wire - round_bytes[0]) / (delivered_referrals - round_referrals[0])))
	rounds_note=" (first round $first_ref, later rounds $steady_ref)"
fi
passes=$(cat "$TMPDIR"/c*.rcs | wc -l)
failed_passes=$(grep -cv '^0$' "$TMPDIR"/c*.rcs | awk -F: '{ n += $2 } END { print n + 0 }')
kills=$(cat "$TMPDIR/kills" 2>/dev/null | wc -l)
echo "soak: $delivered_referrals referrals ($expected items) from $clients clients" \
	"in $rounds round(s), ${secs}s;" \
	"faults $faults of $exchanges exchanges; passes $passes" \
	"($failed_passes failed); kill -9 $kills; wire $wire bytes," \
	"$per_ref per referral$rounds_note"
if [ -n "${SOAK_REPORT:-}" ]; then
	printf 'seconds %s\nbytes %s\nbytes_per_referral %s\nbytes_per_referral_first %s\n' \
		"$secs" "$wire" "$per_ref" "$first_ref" >"$SOAK_REPORT"
	printf 'bytes_per_referral_steady %s\nrounds %s\nreferrals %s\nfaults %s\nkills %s\n' \
		"$steady_ref" "$rounds" "$delivered_referrals" "$faults" "$kills" >>"$SOAK_REPORT"
fi
