#!/bin/bash
# t2001-form-fuzz-regress: inputs the fuzzers once broke (tests/forms/fuzz/)
# are linted without a crash or a leak (under `make asan` the sanitizers
# watch): exit 0 or 1, and every output line is FILE:LINE: error|warning.
. "$TOP/tests/e2e/lib.sh"

cd "$TOP/tests/forms/fuzz" || fail "no tests/forms/fuzz"
for f in *; do
	out=$("$SENDA" form check "$f" 2>&1)
	rc=$?
	[ "$rc" -le 1 ] || fail "$f: exit $rc: $out"
	bad=$(printf '%s\n' "$out" | grep -v '^$' | grep -Ev "^$f:[0-9]+: (error|warning): ") &&
		fail "$f: unexpected output: $bad"
done
echo ok
