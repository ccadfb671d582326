#!/usr/bin/env bash
# The command line: help lists every command in the table, unknown commands
# and options give one line and exit 2, --version prints the version.
. "$TOP/tests/e2e/lib.sh"

expect_exit 0 "$SENDA" --help
help=$out
# every command in src/cli/commands.h appears in --help
cmds=$(sed -n 's/^[[:space:]]*_(\([a-z]*\),.*/\1/p' "$TOP/src/cli/commands.h")
[ -n "$cmds" ] || fail "no commands parsed from commands.h"
for c in $cmds; do
	echo "$help" | grep -q "^  $c " || fail "--help does not list '$c'"
	expect_exit 0 "$SENDA" help "$c"
	expect_contains "help $c" "usage: senda" "$out"
done

expect_exit 2 "$SENDA" bogus
expect_eq "unknown command" "senda: unknown command 'bogus'; see 'senda --help'" "$err"
[ -z "$out" ] || fail "unknown command printed to stdout: $out"
[ "$(printf '%s\n' "$err" | wc -l)" = 1 ] || fail "more than one line: $err"

expect_exit 2 "$SENDA" --bogus
expect_eq "unknown option" "senda: unknown option '--bogus'; see 'senda --help'" "$err"

expect_exit 2 "$SENDA" help bogus
expect_eq "help bogus" "senda: unknown command 'bogus'; see 'senda --help'" "$err"

expect_exit 0 "$SENDA" --version
version=$(sed -n 's/^VERSION := //p' "$TOP/Makefile")
expect_eq "--version" "senda $version" "$out"

# --passphrase-fd must name an open descriptor, never a passphrase
expect_exit 2 "$SENDA" --passphrase-fd 77 version
expect_contains "bad fd" "--passphrase-fd: '77' is not an open descriptor" "$err"
exit 0
