#!/usr/bin/env bash
# Crash test: a child saves answers one transaction each and reports each
# acknowledged save; it is killed with SIGKILL at random instants
# (CRASH_ROUNDS, 50 here, 500 in `make crash`).  Each time the store must
# open, pass every page check and integrity_check, and hold every
# acknowledged answer; and no answer may be readable in any file, the hot
# journal included.  One round in five kills at a random instant from the
# start (often while opening); the others wait for the first
# acknowledgement and then kill 0-40 ms later, amid transactions, so the
# rounds mean the same under AddressSanitizer's slower open.
. "$TOP/tests/e2e/lib.sh"
W=$BUILD/tools/crashwriter
dir=$TMPDIR/data
mkdir -m 700 "$dir"
"$W" "$dir" pw create >/dev/null || fail "create failed"
rounds=${CRASH_ROUNDS:-50}
ack=0 journals=0
RANDOM=42
for i in $(seq 1 "$rounds"); do
	: >"$TMPDIR/acks"
	"$W" "$dir" pw write >"$TMPDIR/acks" 2>"$TMPDIR/werr" &
	pid=$!
	if [ $((RANDOM % 5)) = 0 ]; then
		sleep "0.0$(printf '%02d' $((RANDOM % 60 + 1)))"
	else
		for _ in $(seq 1 2000); do
			[ -s "$TMPDIR/acks" ] && break
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.005
		done
		sleep "0.0$(printf '%02d' $((RANDOM % 41)))"
	fi
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	last=$(tail -n 1 "$TMPDIR/acks" | sed -n 's/^ack //p')
	[ -n "$last" ] && [ "$last" -gt "$ack" ] && ack=$last
	[ -e "$dir/senda.db-journal" ] && journals=$((journals + 1))
	if grep -rqa 'SENDA-CANARY' "$dir" "$TMPDIR" --exclude=werr; then
		fail "round $i: plaintext answer found in $(grep -rla 'SENDA-CANARY' "$dir" "$TMPDIR")"
	fi
	got=$("$W" "$dir" pw check "$ack" 2>&1) || fail "round $i (ack $ack): $got"
done
echo "rounds=$rounds acknowledged=$ack hot-journals=$journals"
[ "$ack" -gt 0 ] || fail "no answer was ever acknowledged"
[ "$journals" -gt 0 ] || echo "note: no round left a hot journal on disk"
exit 0
