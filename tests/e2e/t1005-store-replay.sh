#!/usr/bin/env bash
# An old rollback journal put back beside the database is refused, not
# played back.  A writer is killed mid-commit (SENDA_TEST_KILL_AT_WRITE), so
# its journal is left on disk; a copy is kept; the next open rolls it back
# and more answers are saved; then the copy is put back.  SQLite alone would
# take it for a hot journal and silently roll those pages back.  Opening
# must fail with the one-line tamper message and exit 4, from the test
# writer and from senda itself, and the database must not change.
. "$TOP/tests/e2e/lib.sh"
cfg=$(test_config)
W=$BUILD/tools/crashwriter
export SENDA_HOME=$TMPDIR/data
dir=$SENDA_HOME
mkdir -m 700 "$dir"
"$W" "$dir" pw create >/dev/null || fail "create failed"
"$W" "$dir" pw write 20 >/dev/null || fail "first answers failed"

# Kill the next answer's commit at successive writes until one leaves a
# journal with a whole block in it (4,176 bytes).
got=
for n in $(seq 2 40); do
	(SENDA_TEST_KILL_AT_WRITE=$n "$W" "$dir" pw write 1) >/dev/null 2>&1
	size=$(stat -c %s "$dir/senda.db-journal" 2>/dev/null || echo 0)
	if [ "$size" -ge 4176 ]; then
		got=$n
		break
	fi
	"$W" "$dir" pw check 20 >/dev/null || fail "store broken after a kill at write $n"
done
[ -n "$got" ] || fail "no kill left a journal on disk"
cp "$dir/senda.db-journal" "$TMPDIR/old-journal"

# Recovery and later answers; only 20 were acknowledged before.
"$W" "$dir" pw check 20 >/dev/null || fail "recovery after the kill failed"
"$W" "$dir" pw write 5 >/dev/null || fail "later answers failed"
n=$("$W" "$dir" pw check 25) || fail "later answers missing"
cp "$dir/senda.db" "$TMPDIR/db.before"

cp "$TMPDIR/old-journal" "$dir/senda.db-journal"
expect_exit 4 "$W" "$dir" pw check 0
expect_eq "crashwriter message" \
	"crashwriter: store is damaged or has been tampered with (journal page 0)" "$err"
expect_exit 4 "$SENDA" --config "$cfg" --passphrase-fd 3 audit verify 3<<<"pw"
expect_eq "senda message" "store is damaged or has been tampered with (journal page 0)" "$err"
cmp -s "$dir/senda.db" "$TMPDIR/db.before" || fail "the database changed while the journal was refused"
[ -e "$dir/senda.db-journal" ] || fail "the refused journal was removed"

# Taken away again, everything saved is there.
rm "$dir/senda.db-journal"
m=$("$W" "$dir" pw check 25) || fail "store does not open without the old journal"
expect_eq "answers" "$n" "$m"
exit 0
