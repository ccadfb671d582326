#!/bin/bash
# t2501-golden-coverage: the golden cases exercise every referral rule of
# each shipped form both ways: each rule is produced by at least one case
# and absent from at least one other, so deleting or breaking a rule (or
# making it fire always) fails t2500.  Also checks that each case has its
# three files.
. "$TOP/tests/e2e/lib.sh"

dir=$TOP/tests/forms/golden
for args in "$dir"/*.args; do
	stem=${args%.args}
	[ -e "$stem.json" ] || fail "${stem##*/}: no answers file"
	[ -e "$stem.expected" ] || fail "${stem##*/}: no expected file"
done

for form in intake followup; do
	cases=$(grep -l "^$form " "$dir"/*.args) || fail "no golden case for $form"
	total=$(printf '%s\n' "$cases" | wc -l)
	rules=$(sed -n 's/^\[rule\.\([a-z0-9_]*\)\]$/\1/p' "$TOP/forms/$form.ini")
	[ -n "$rules" ] || fail "$form.ini has no rules"
	for r in $rules; do
		hit=0
		for a in $cases; do
			grep -q "\"rule\": \"$r\"" "${a%.args}.expected" && hit=$((hit + 1))
		done
		[ "$hit" -ge 1 ] || fail "$form: rule $r is produced by no golden case"
		[ "$hit" -lt "$total" ] || fail "$form: rule $r is produced by every golden case"
	done
	echo "$form: $(echo $rules | wc -w) rules covered by $total cases"
done
