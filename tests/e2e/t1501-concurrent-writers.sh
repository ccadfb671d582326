#!/usr/bin/env bash
# t1501-concurrent-writers - the console and `senda sync` write the same
# store at once.  Two writer processes save answers, finish interviews and
# queue outbox items in parallel: every write must land (the busy timeout
# waits instead of failing), the local sequence numbers stay unique, and
# the audit chain, appended by both, stays intact with every entry counted.
. "$TOP/tests/e2e/lib.sh"

TOOL=$BUILD/tools/store-data-tool
PASS=concurrent-test-passphrase
export SENDA_HOME=$TMPDIR/data
cfg=$(test_config)

tool() { echo "$PASS" | "$TOOL" --dir "$SENDA_HOME" "$@"; }

tool --create >/dev/null || fail "creating the store"
base=$(tool --count-audit) || fail "counting audit entries"

tool --fill 20 --pause 30 --actor writer-a >"$TMPDIR/a.out" 2>&1 &
a=$!
tool --fill 20 --pause 30 --actor writer-b >"$TMPDIR/b.out" 2>&1 &
b=$!
wait $a || fail "writer a failed: $(cat "$TMPDIR/a.out")"
wait $b || fail "writer b failed: $(cat "$TMPDIR/b.out")"

# 20 interviews each: create + 5 answers, and for half of them status,
# referral and outbox item: 20*6 + 10*3 = 150 entries per writer.
expect_exit 0 bash -c "echo '$PASS' | '$SENDA' --config '$cfg' --passphrase-fd 0 audit verify"
expect_eq "verify" "audit trail intact ($((base + 300)) entries)" "$out"

expect_exit 0 bash -c "echo '$PASS' | '$SENDA' --config '$cfg' --passphrase-fd 0 audit log"
expect_eq "writer a entries" 150 "$(printf '%s\n' "$out" | awk -F'\t' '$3 == "writer-a"' | wc -l)"
expect_eq "writer b entries" 150 "$(printf '%s\n' "$out" | awk -F'\t' '$3 == "writer-b"' | wc -l)"
# They took turns: the trail switches writer more than a few times.
switches=$(printf '%s\n' "$out" | cut -f3 | grep writer | uniq | wc -l)
[ "$switches" -gt 4 ] || fail "writers did not interleave ($switches runs)"
expect_eq "interviews created" 40 \
	"$(printf '%s\n' "$out" | awk -F'\t' '$4 == "interview.create"' | wc -l)"
