#!/bin/bash
# t2502-forms-check: the shipped forms pass `senda form check` with no
# error and no warning (a warning in a shipped form is a missing translation
# or an unused list: fix the form, do not silence the test).
. "$TOP/tests/e2e/lib.sh"

for f in "$TOP"/forms/*.ini; do
	expect_exit 0 "$SENDA" form check "$f"
	[ -z "$out$err" ] || fail "senda form check ${f##*/} printed: $out$err"
done

# The intake asks at least 60 questions (issue 5), calculations and notes
# not counted, and every one of its languages is one the caseworkers use.
intake=$TOP/forms/intake.ini
asked=$(grep -c '^type = \(text\|integer\|decimal\|date\|yes_no\|select_one\|select_multiple\)$' "$intake")
[ "$asked" -ge 60 ] || fail "intake.ini asks $asked questions, want at least 60"
expect_eq "intake languages" "languages = en es fr ht" "$(grep '^languages = ' "$intake")"

# forms/README.md documents every rule of every shipped form.
for r in $(sed -n 's/^\[rule\.\([a-z0-9_]*\)\]$/\1/p' "$TOP"/forms/*.ini); do
	grep -q "^| $r |" "$TOP/forms/README.md" || fail "forms/README.md does not describe rule $r"
done
