#!/usr/bin/env bash
# t1500-audit-verify - `senda audit verify` on a real encrypted store: an
# intact trail is reported with its entry count, the log names actions
# and ids but no names or answers, and a trail edited behind the
# program's back (entry changed, removed, cut off) is named by the first
# broken entry with exit 4.
. "$TOP/tests/e2e/lib.sh"

TOOL=$BUILD/tools/store-data-tool
PASS=audit-test-passphrase
export SENDA_HOME=$TMPDIR/data
cfg=$(test_config)

tool() { echo "$PASS" | "$TOOL" --dir "$SENDA_HOME" "$@"; }
senda() { echo "$PASS" | "$SENDA" --config "$cfg" --passphrase-fd 0 "$@"; }

tool --create --fill 6 --canary CANARY-7d1f --actor caseworker >/dev/null ||
	fail "creating and filling the store"
n=$(tool --count-audit) || fail "counting audit entries"
[ "$n" -gt 30 ] || fail "expected more than 30 audit entries, got $n"
# Names, answers and the audit trail are all inside the encrypted pages.
if grep -rl CANARY-7d1f "$SENDA_HOME" "$TMPDIR" --exclude='*.ini' 2>/dev/null; then
	fail "plaintext canary found on disk"
fi

expect_exit 0 senda audit verify
expect_eq "verify output" "audit trail intact ($n entries)" "$out"

expect_exit 0 senda audit log
expect_eq "log lines" "$n" "$(printf '%s\n' "$out" | wc -l)"
expect_contains "log" $'\tcaseworker\tinterview.create\t' "$out"
expect_contains "log" $'\tanswer.save\t' "$out"
expect_contains "log" "members[5].story set" "$out"
case $out in *CANARY*) fail "audit log holds personal data: $out" ;; esac
expect_exit 0 senda audit log --after 3 --limit 2
expect_eq "paged log" "4 5" "$(printf '%s\n' "$out" | cut -f1 | paste -sd' ')"
expect_exit 2 senda audit log --limit x
expect_exit 2 senda audit frobnicate

# An entry changed behind the program's back.
tool --exec "UPDATE audit SET detail = 'edited' WHERE seq = 9" || fail "tampering"
expect_exit 4 senda audit verify
expect_eq "verify stderr" "audit trail broken at entry 9" "$err"

# Entries removed from the end are noticed through the head record.
tool --exec "DELETE FROM audit WHERE seq >= 9; UPDATE audit_head SET seq = $n" ||
	fail "truncating"
expect_exit 4 senda audit verify
expect_eq "verify stderr" "audit trail broken at entry 9" "$err"

# New changes after the break do not hide it.
tool --fill 1 >/dev/null || fail "filling after the break"
expect_exit 4 senda audit verify
expect_contains "verify stderr" "audit trail broken at entry" "$err"
