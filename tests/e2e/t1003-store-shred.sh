#!/usr/bin/env bash
# senda shred: refuses without --yes; with it the key header is gone and the
# store cannot be opened, not even from copies of the database put back.
. "$TOP/tests/e2e/lib.sh"
cfg=$(test_config)
export SENDA_HOME=$TMPDIR/data
S() { "$SENDA" --config "$cfg" --passphrase-fd 3 "$@"; }

expect_exit 0 S init 3<<<"alpha"
"$BUILD/tools/crashwriter" "$SENDA_HOME" alpha write 20 >/dev/null || fail "write failed"
cp "$SENDA_HOME/senda.db" "$TMPDIR/db.copy"

expect_exit 2 S shred 3</dev/null
[ -e "$SENDA_HOME/senda.keys" ] || fail "shred without --yes removed the keys"
expect_exit 0 S shred --yes 3</dev/null
expect_contains "shred" "store destroyed" "$out"
[ -e "$SENDA_HOME/senda.keys" ] && fail "key header still there"
[ -e "$SENDA_HOME/senda.db" ] && fail "database still there"
expect_exit 5 S keys add 3<<<"alpha"
cp "$TMPDIR/db.copy" "$SENDA_HOME/senda.db"
expect_exit 5 S keys add 3<<<"alpha"
# Shred also destroys leftovers; with nothing left it says there is no store.
expect_exit 0 S shred --yes 3</dev/null
[ -e "$SENDA_HOME/senda.db" ] && fail "leftover database still there"
expect_exit 5 S shred --yes 3</dev/null
expect_exit 0 S init 3<<<"bravo"
exit 0
