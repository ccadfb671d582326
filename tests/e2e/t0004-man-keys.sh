#!/usr/bin/env bash
# senda(1)'s KEYS section is the console's action table, as generated.
. "$TOP/tests/e2e/lib.sh"
want=$("$TOP/tests/tools/man-keys.sh" "$SENDA") || fail "man-keys.sh failed"
[ -n "$want" ] || fail "no keys generated"
got=$(sed -n '/^\.\\" BEGIN KEYS/,/^\.\\" END KEYS/p' "$TOP/docs/senda.1" | sed '1d;$d')
[ "$got" = "$want" ] || fail "docs/senda.1 KEYS section is stale; regenerate with tests/tools/man-keys.sh (diff: $(diff <(echo "$got") <(echo "$want") | head -5))"
man -l "$TOP/docs/senda.1" >/dev/null 2>&1 || true
exit 0
