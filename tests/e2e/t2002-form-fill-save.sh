#!/bin/bash
# t2002-form-fill-save: `senda form fill --save` stores a complete
# interview as completed (its id in the output, queued for sync; its
# referrals wait for a supervisor's approval before they are queued; the
# store unlocked with --passphrase-fd); an incomplete one or a
# wrong passphrase stores nothing.
. "$TOP/tests/e2e/lib.sh"

export SENDA_HOME=$TMPDIR/data
cfg=$(test_config)
pass='fill save passphrase'
g=$TOP/tests/forms/golden
printf '%s\n' "$pass" | "$SENDA" --config "$cfg" --passphrase-fd 0 init >/dev/null ||
	fail "senda init failed"

# a complete interview with two referrals (the CBP One golden case, on its day)
export SENDA_NOW=2023-09-01T10:00:00Z
out=$(printf '%s\n' "$pass" | "$SENDA" --config "$cfg" --passphrase-fd 0 form fill \
	"$TOP/forms/intake.ini" --answers "$g/02-cbp-one-asylum.json" --save) ||
	fail "fill --save failed: $out"
id=$(printf '%s\n' "$out" | sed -n 's/^  "saved": "\([0-9a-f-]*\)",*$/\1/p')
[ ${#id} = 36 ] || fail "no saved interview id in: $out"
expect_contains "complete" '"complete": true' "$out"

# the interview waits in the outbox; its two referrals wait for approval
ledger=$(printf '%s\n' "$pass" | "$SENDA" --config "$cfg" --passphrase-fd 0 sync log) ||
	fail "sync log failed"
expect_contains "outbox" "1 queued" "$ledger"
expect_eq "no referral queued before approval" 0 "$(printf '%s\n' "$ledger" | grep -c ' referral  *queued ')"

# errors: not saved, exit 1, nothing new queued
printf '{"consent_interview": true}\n' >"$TMPDIR/partial.json"
printf '%s\n' "$pass" | "$SENDA" --config "$cfg" --passphrase-fd 0 form fill \
	"$TOP/forms/intake.ini" --answers "$TMPDIR/partial.json" --save >"$TMPDIR/out" 2>"$TMPDIR/err"
rc=$?
expect_eq "exit status of an incomplete --save" 1 "$rc"
expect_contains "refusal" "not saved" "$(cat "$TMPDIR/err")"

# --today and --save do not mix: a saved interview is dated by the clock
printf '%s\n' "$pass" | "$SENDA" --config "$cfg" --passphrase-fd 0 form fill \
	"$TOP/forms/intake.ini" --answers "$g/02-cbp-one-asylum.json" --today 2023-08-01 --save \
	>/dev/null 2>&1
rc=$?
expect_eq "exit status of --today with --save" 2 "$rc"

# a wrong passphrase: the store's exit status, no output document
printf 'wrong\n' | "$SENDA" --config "$cfg" --passphrase-fd 0 form fill \
	"$TOP/forms/intake.ini" --answers "$g/02-cbp-one-asylum.json" --save \
	>"$TMPDIR/out" 2>/dev/null
rc=$?
expect_eq "exit status with a wrong passphrase" 3 "$rc"
[ -s "$TMPDIR/out" ] && fail "output printed despite the wrong passphrase"
ledger=$(printf '%s\n' "$pass" | "$SENDA" --config "$cfg" --passphrase-fd 0 sync log)
expect_contains "outbox unchanged" "1 queued" "$ledger"
echo ok
