#!/usr/bin/env bash
# Two field conditions: a laptop whose clock is 10 minutes fast is told so
# in plain words (exit 77, items kept queued); and sync runs while another
# senda process keeps writing to the same store (the console finishing
# interviews), waiting on the store's busy timeout instead of failing.
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/e2e/sync-lib.sh"

srv_start
client_new c1
fill c1 --interviews 1 --referrals 1

fast=$(($(date +%s) + 600))
export SENDA_NOW=$fast
expect_exit 77 client c1 sync
unset SENDA_NOW
expect_contains "skew said plainly" "clock is 10 minutes fast" "$err"
expect_contains "with the server's time" "(the server's time is " "$err"
expect_eq "kept queued" 2 "$(ledger_count c1 queued)"

# A writer in the same store while sync passes run.
(
	for _ in $(seq 20); do
		fill c1 --interviews 1 --referrals 2
	done
) &
writer=$!
for _ in $(seq 5); do
	expect_exit 0 client c1 sync
done
wait "$writer" || fail "the writer failed while sync ran"
expect_exit 0 client c1 sync
client c1 sync log | grep -v ' delivered ' >&2
expect_eq "all delivered" 62 "$(ledger_count c1 delivered)"
srv_stop
expect_exit 0 srv_check c1

# One pass at a time per store: a second sync says so and leaves it alone.
flock "$TMPDIR/c1/data/sync.lock" sleep 3 &
holder=$!
while flock -n "$TMPDIR/c1/data/sync.lock" true; do sleep 0.05; done
expect_exit 7 client c1 sync
expect_contains "busy" "another 'senda sync' is running" "$err"
wait "$holder"
