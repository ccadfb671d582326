#!/usr/bin/env bash
# t1502-audit-new-store - a store made by `senda init` starts its audit
# trail with one entry per schema migration, and `senda audit` fails the
# way every store command does without a store or with a wrong passphrase.
. "$TOP/tests/e2e/lib.sh"

export SENDA_HOME=$TMPDIR/data
cfg=$(test_config)
PASS=new-store-passphrase
senda() { echo "$1" | "$SENDA" --config "$cfg" --passphrase-fd 0 "${@:2}"; }

expect_exit 5 senda "$PASS" audit verify
expect_contains "no store" "senda init" "$err"

expect_exit 0 senda "$PASS" init
expect_exit 0 senda "$PASS" audit verify
case $out in
"audit trail intact ("[1-9]*" entries)") ;;
*) fail "unexpected verify output: $out" ;;
esac
n=${out#*(}; n=${n%% *}

expect_exit 0 senda "$PASS" audit log
expect_eq "migration entries" "$n" "$(printf '%s\n' "$out" | grep -c $'\tschema.migrate\t')"
expect_contains "first migration" $'\t0001_init (version 0 -> 1)' "$out"

expect_exit 3 senda "not-the-passphrase" audit verify
expect_eq "wrong passphrase" "wrong passphrase" "$err"
