#!/bin/bash
# t2502-forms-check: the shipped forms pass `senda form check` with no
# error and no warning (a warning in a shipped form is a missing translation
# or an unused list: fix the form, do not silence the test).
. "$TOP/tests/e2e/lib.sh"

for f in "$TOP"/forms/*.ini; do
	expect_exit 0 "$SENDA" form check "$f"
	[ -z "$out$err" ] || fail "senda form check ${f##*/} printed: $out$err"
done
