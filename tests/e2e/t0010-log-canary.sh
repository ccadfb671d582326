#!/usr/bin/env bash
# Logs never hold answers, names or passphrases: handle a canary answer and
# a canary passphrase with the most verbose log level, then look for them in
# everything logged (stderr of commands) and every file senda wrote.
. "$TOP/tests/e2e/lib.sh"

canary=CANARY7f3e9b
pass="pass-$canary"
cfg=$(test_config)
export SENDA_HOME=$TMPDIR/data
logs=$TMPDIR/logs
mkdir -p "$logs"

# 1. A form filled headless: the answer is in the JSON the user asked for
#    (stdout), never in what is logged.
sed "s/\"given_name\": \"[^\"]*\"/\"given_name\": \"$canary\"/" \
	"$TOP/tests/forms/golden/02-cbp-one-asylum.json" >"$TMPDIR/answers.json"
grep -q "$canary" "$TMPDIR/answers.json" || fail "canary not planted in the answers"
"$SENDA" --config "$cfg" --set log.level=debug form fill "$TOP/forms/intake.ini" \
	--answers "$TMPDIR/answers.json" --today 2023-09-01 >"$TMPDIR/fill.json" 2>"$logs/fill.err" ||
	fail "form fill failed: $(cat "$logs/fill.err")"
grep -q "$canary" "$TMPDIR/fill.json" || fail "the canary answer is missing from the fill output"

# 2. A store made with a canary passphrase, opened again, with debug logging.
"$SENDA" --config "$cfg" --set log.level=debug --passphrase-fd 3 init \
	3<<<"$pass" >"$logs/init.out" 2>"$logs/init.err" || fail "init failed: $(cat "$logs/init.err")"
"$SENDA" --config "$cfg" --set log.level=debug --passphrase-fd 3 audit verify \
	3<<<"$pass" >"$logs/audit.out" 2>"$logs/audit.err" || fail "audit failed: $(cat "$logs/audit.err")"

# 3. Nothing logged, and no file senda wrote, holds either canary.
hits=$(grep -rl -e "$canary" "$logs" "$SENDA_HOME" "$TMPDIR" --exclude=answers.json --exclude=fill.json 2>/dev/null || true)
[ -z "$hits" ] || fail "canary found in: $hits"
exit 0
