#!/bin/bash
# t2000-form-bad: every broken form in tests/forms/bad/ gives exactly its
# expected linter output (FILE:LINE: error|warning: ...) and exit status
# (1 when any error, 0 with warnings only), and never crashes.
. "$TOP/tests/e2e/lib.sh"

cd "$TOP/tests/forms/bad" || fail "no tests/forms/bad"
n=0
for ini in *.ini; do
	name=${ini%.ini}
	[ -f "$name.expected" ] || fail "$name: no .expected file"
	out=$("$SENDA" form check "$ini" 2>&1)
	rc=$?
	want_rc=0
	grep -q ': error: ' "$name.expected" && want_rc=1
	[ "$rc" = "$want_rc" ] || fail "$name: exit $rc, expected $want_rc"
	diff -u "$name.expected" <(printf '%s\n' "$out") >&2 || fail "$name: output differs"
	n=$((n + 1))
done
[ "$n" -ge 25 ] || fail "only $n broken forms"
echo "ok: $n broken forms"
