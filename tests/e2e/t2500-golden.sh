#!/bin/bash
# t2500-golden: every golden case of the shipped forms.  For each
# tests/forms/golden/NN-name.json (answers) with NN-name.args ("FORM LANG
# TODAY") run `senda form fill forms/FORM.ini --answers NN-name.json --lang
# LANG --today TODAY` and compare its output with NN-name.expected, a
# reviewed expectation (see tests/forms/golden/README).  UPDATE=1 rewrites
# the expected files instead; review the diff before committing.
# FORM "intake+pt" is forms/intake.ini with language pt added and the texts
# of golden/intake-pt.add merged in: a translation in progress, to test the
# fallback to the default language.
. "$TOP/tests/e2e/lib.sh"

dir=$TOP/tests/forms/golden

# form_path FORM: the form file a case runs.
form_path() {
	case $1 in
	*+*)
		local base=${1%+*} add=${1#*+} out=$TMPDIR/$1.ini
		awk -v add="$dir/$base-$add.add" -v lang="$add" '
			BEGIN {
				while ((getline l < add) > 0) {
					if (l ~ /^;/ || l == "") continue
					if (l ~ /^\[/) { sec = l; continue }
					extra[sec] = extra[sec] l "\n"
				}
			}
			/^languages = / { print $0 " " lang; next }
			{ print }
			/^\[/ && ($0 in extra) { printf "%s", extra[$0] }
		' "$TOP/forms/$base.ini" >"$out" || fail "cannot make $out"
		echo "$out" ;;
	*)	echo "$TOP/forms/$1.ini" ;;
	esac
}
n=0 bad=0
for args in "$dir"/*.args; do
	stem=${args%.args}
	name=${stem##*/}
	read -r form lang today <"$args" || fail "$name.args: cannot read"
	got=$TMPDIR/$name.out
	rc=0
	"$SENDA" form fill "$(form_path "$form")" --answers "$stem.json" \
		--lang "$lang" --today "$today" >"$got" 2>"$TMPDIR/$name.err" || rc=$?
	if [ "$rc" != 0 ]; then
		echo "$name: senda form fill exited $rc: $(head -c 500 "$TMPDIR/$name.err")" >&2
		bad=$((bad + 1))
	elif [ "${UPDATE:-}" = 1 ]; then
		cp "$got" "$stem.expected"
	elif [ ! -e "$stem.expected" ]; then
		echo "$name: no $name.expected" >&2
		bad=$((bad + 1))
	elif ! diff -u "$stem.expected" "$got" >"$TMPDIR/$name.diff"; then
		echo "$name: output differs from $name.expected:" >&2
		head -n 40 "$TMPDIR/$name.diff" >&2
		bad=$((bad + 1))
	fi
	n=$((n + 1))
done
# The translation in progress lints clean apart from its missing texts,
# and its fill above used the Portuguese texts it has.
pt=$(form_path intake+pt)
expect_exit 0 "$SENDA" form check "$pt"
expect_contains "missing pt text" "[q.family_name] has no label.pt; falls back to en" "$out"
case $out in *"[q.given_name] has no label.pt"*) fail "given_name has a pt label: $out" ;; esac

[ "$n" -ge 30 ] || fail "only $n golden cases, want at least 30"
[ "$bad" = 0 ] || fail "$bad of $n golden cases failed"
echo "$n golden cases passed"
