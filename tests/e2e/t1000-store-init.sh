#!/usr/bin/env bash
# senda init: the store is created 0600 in a 0700 directory, the database
# file is not a database to sqlite3, the recovery key is printed once in
# groups; a wrong passphrase is one line and exit 3; a second init exit 6;
# a flipped byte is one line "store is damaged ... (page N)" and exit 4.
. "$TOP/tests/e2e/lib.sh"
cfg=$(test_config)
export SENDA_HOME=$TMPDIR/data

expect_exit 0 "$SENDA" --config "$cfg" --passphrase-fd 3 init 3<<<"first pass"
rec=$(echo "$out" | grep -Eo '[0-9A-Z]{4}(-[0-9A-Z]{4}){7}')
[ -n "$rec" ] || fail "no recovery key in: $out"
[ "$(stat -c %a "$SENDA_HOME")" = 700 ] || fail "data dir not 0700"
for f in senda.db senda.keys; do
	[ -e "$SENDA_HOME/$f" ] || fail "$f missing"
	[ "$(stat -c %a "$SENDA_HOME/$f")" = 600 ] || fail "$f not 0600"
done
ls "$SENDA_HOME" | grep -qv '^senda\.\(db\|keys\)$' && fail "unexpected files: $(ls "$SENDA_HOME")"

# No byte of the database is plaintext: sqlite3 cannot read it.
if command -v sqlite3 >/dev/null; then
	msg=$(sqlite3 "$SENDA_HOME/senda.db" 'SELECT count(*) FROM sqlite_schema' 2>&1) &&
		fail "sqlite3 read the encrypted file: $msg"
	expect_contains "sqlite3" "not a database" "$msg"
fi
head -c 16 "$SENDA_HOME/senda.db" | grep -q 'SQLite format' && fail "SQLite header in clear"

expect_exit 6 "$SENDA" --config "$cfg" --passphrase-fd 3 init 3<<<"other"
expect_contains "second init" "already exists" "$err"

expect_exit 0 "$SENDA" keys list
expect_contains "keys list" "recovery  in use" "$out"
expect_contains "keys list" "key epoch 1" "$out"

expect_exit 3 "$SENDA" --config "$cfg" --passphrase-fd 3 keys add 3<<<"wrong pass"
expect_eq "wrong passphrase" "wrong passphrase" "$err"

# A flipped byte in page 1 (read at every open).
cp "$SENDA_HOME/senda.db" "$TMPDIR/db.orig"
printf '\x5a' | dd of="$SENDA_HOME/senda.db" bs=1 seek=200 conv=notrunc 2>/dev/null
expect_exit 4 "$SENDA" --config "$cfg" --passphrase-fd 3 keys add 3<<<"first pass"
expect_eq "tampered page" "store is damaged or has been tampered with (page 1)" "$err"
cp "$TMPDIR/db.orig" "$SENDA_HOME/senda.db"

# A flipped byte in the key header.
cp "$SENDA_HOME/senda.keys" "$TMPDIR/keys.orig"
printf '\x01' | dd of="$SENDA_HOME/senda.keys" bs=1 seek=700 conv=notrunc 2>/dev/null
expect_exit 4 "$SENDA" --config "$cfg" --passphrase-fd 3 keys add 3<<<"first pass"
expect_eq "tampered header" "store is damaged or has been tampered with (key header)" "$err"
cp "$TMPDIR/keys.orig" "$SENDA_HOME/senda.keys"

# An emptied or deleted database is damage, not a fresh store.
: >"$SENDA_HOME/senda.db"
expect_exit 4 "$SENDA" --config "$cfg" --passphrase-fd 3 keys add 3<<<"first pass"
expect_eq "emptied db" "store is damaged or has been tampered with (database missing or empty)" "$err"
rm "$SENDA_HOME/senda.db"
expect_exit 4 "$SENDA" --config "$cfg" --passphrase-fd 3 keys add 3<<<"first pass"
cp "$TMPDIR/db.orig" "$SENDA_HOME/senda.db"
expect_exit 0 "$SENDA" --config "$cfg" --passphrase-fd 3 keys add 3< <(printf 'first pass\nsecond\n')

# Without a store: exit 5.
SENDA_HOME=$TMPDIR/none expect_exit 5 "$SENDA" --config "$cfg" --passphrase-fd 3 keys add 3<<<"x"
exit 0
