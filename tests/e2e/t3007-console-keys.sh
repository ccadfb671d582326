#!/usr/bin/env bash
# [keys] in the config rebinds console actions (checked against the action
# table: a bad action or key name is refused with FILE:LINE before the
# screen starts), and the help screen shows the keys in effect.  Driven by
# a key script (SENDA_KEYS), no terminal.
. "$TOP/tests/e2e/lib.sh"
console_setup "" "[keys]
new_interview = N F4"

cat >"$TMPDIR/k" <<KEYS
type $PASS
key Enter
expect No interviews yet
key n
expect No interviews yet
key F4
expect Choose the respondent's language
key Esc F1
expect N, F4
KEYS
SENDA_KEYS=$TMPDIR/k "$SENDA" --config "$CFG" || fail "the key script failed"

bad=$TMPDIR/bad.ini
{ cat "$CFG"; printf 'fly = x\n'; } >"$bad"
line=$(wc -l <"$bad")
expect_exit 2 "$SENDA" --config "$bad"
expect_contains "bad action" "bad.ini:$line: fly: unknown action 'fly'" "$err"
{ cat "$CFG" | sed '/^\[keys\]/,$d'; printf '[keys]\nquit = Hyper-x\n'; } >"$bad"
expect_exit 2 "$SENDA" --config "$bad"
expect_contains "bad key" "unknown key 'Hyper-x'" "$err"
