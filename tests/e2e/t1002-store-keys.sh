#!/usr/bin/env bash
# Key slots: add, change, remove, recover with the recovery key, rotate
# killed in the middle (the store still opens) and resumed, after which
# the old recovery key and removed passphrases no longer work.
. "$TOP/tests/e2e/lib.sh"
cfg=$(test_config)
export SENDA_HOME=$TMPDIR/data
S() { "$SENDA" --config "$cfg" --passphrase-fd 3 "$@"; }
W=$BUILD/tools/crashwriter

expect_exit 0 S init 3<<<"alpha"
rec=$(echo "$out" | grep -Eo '[0-9A-Z]{4}(-[0-9A-Z]{4}){7}')
"$W" "$SENDA_HOME" alpha write 300 >/dev/null || fail "could not write answers"

expect_exit 0 S keys add 3< <(printf 'alpha\nbravo\n')
expect_eq "add" "passphrase added in slot 1" "$out"
expect_exit 0 S keys add 3< <(printf 'bravo\ncharlie\n')
expect_eq "add" "passphrase added in slot 2" "$out"
expect_exit 3 S keys add 3< <(printf 'delta\nx\n')

# change: charlie (slot 2) becomes echo
expect_exit 0 S keys change 3< <(printf 'charlie\necho\n')
expect_eq "change" "passphrase set in slot 2" "$out"
expect_exit 3 S keys add 3< <(printf 'charlie\nx\n')
"$W" "$SENDA_HOME" echo check 300 >/dev/null || fail "echo does not open"

# remove slot 1 (bravo)
expect_exit 0 S keys remove 1 3<<<"alpha"
expect_exit 3 S keys add 3< <(printf 'bravo\nx\n')
expect_exit 2 S keys remove 9 3<<<"alpha"

# recover: forgot everything; the recovery key sets slot 0 to foxtrot
expect_exit 3 S keys recover 3< <(printf 'AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG-HHHH\nx\n')
lower=$(echo "$rec" | tr 'A-Z' 'a-z')
expect_exit 0 S keys recover 3< <(printf '%s\nfoxtrot\n' "$lower")
expect_eq "recover" "passphrase set in slot 0" "$out"
expect_exit 3 S keys add 3< <(printf 'alpha\nx\n')
"$W" "$SENDA_HOME" foxtrot check 300 >/dev/null || fail "foxtrot does not open"

# rotate, killed after 5 writes of the re-encryption
before=$(md5sum <"$SENDA_HOME/senda.db")
out=$(SENDA_TEST_KILL_AT_WRITE=5 S keys rotate 3< <(printf 'foxtrot\necho\n') 2>&1) &&
	fail "rotate was not killed: $out"
expect_exit 0 S keys list 3</dev/null
expect_contains "half rotated" "rotation unfinished" "$out"
# The store works in between: reads both keys, writes under the new one.
"$W" "$SENDA_HOME" foxtrot check 300 >/dev/null || fail "half-rotated store does not open"
"$W" "$SENDA_HOME" echo write 10 >/dev/null || fail "half-rotated store does not write"
# Resume; slot 2 (echo) is kept, the old recovery key dies.
expect_exit 0 S keys rotate 3< <(printf 'foxtrot\necho\n')
newrec=$(echo "$out" | grep -Eo '[0-9A-Z]{4}(-[0-9A-Z]{4}){7}')
[ -n "$newrec" ] && [ "$newrec" != "$rec" ] || fail "no new recovery key: $out"
expect_exit 0 S keys list 3</dev/null
expect_contains "rotated" "key epoch 2" "$out"
case $out in *unfinished*) fail "rotation still unfinished: $out" ;; esac
[ "$(md5sum <"$SENDA_HOME/senda.db")" != "$before" ] || fail "database unchanged by rotate"
"$W" "$SENDA_HOME" echo check 310 >/dev/null || fail "echo does not open after rotate"
expect_exit 3 S keys recover 3< <(printf '%s\nx\n' "$rec")
expect_exit 0 S keys recover 1 3< <(printf '%s\ngolf\n' "$newrec")
"$W" "$SENDA_HOME" golf check 310 >/dev/null || fail "golf does not open"

# End of input before every slot is answered: refused, nothing changes.
expect_exit 2 S keys rotate 3<<<"foxtrot"
expect_contains "short input" "no passphrase for slot 1" "$err"
expect_exit 0 S keys list 3</dev/null
expect_contains "still epoch 2" "key epoch 2" "$out"

# A rotation that drops a slot: empty line for slot 1 and 2.
expect_exit 0 S keys rotate 3< <(printf 'foxtrot\n\n\n')
expect_exit 3 S keys add 3< <(printf 'echo\nx\n')
expect_exit 0 S keys list 3</dev/null
expect_contains "epoch 3" "key epoch 3" "$out"
"$W" "$SENDA_HOME" foxtrot check 310 >/dev/null || fail "foxtrot does not open after rotate"
exit 0
