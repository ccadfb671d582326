#!/bin/bash
# t2003-export: `senda export` writes interviews out of the store: CSV with
# one row per interview (FORM.csv) and one per member (FORM-GROUP.csv),
# JSON with one document per interview whose answers round-trip through
# `senda form fill`; files are new (never overwritten), mode 0600, and a
# warning says they are not encrypted.
. "$TOP/tests/e2e/lib.sh"

export SENDA_HOME=$TMPDIR/data
cfg=$TMPDIR/export.ini
cat >"$cfg" <<INI
[store]
kdf_memory = 64
kdf_iterations = 1
[forms]
dir = $TOP/forms
INI
pass='export test passphrase'
g=$TOP/tests/forms/golden
senda_() { printf '%s\n' "$pass" | "$SENDA" --config "$cfg" --passphrase-fd 0 "$@"; }
senda_ init >/dev/null || fail "senda init failed"

export SENDA_NOW=2023-09-01T10:00:00Z
for c in 02-cbp-one-asylum 35-medical-member-illness; do
	senda_ form fill "$TOP/forms/intake.ini" --answers "$g/$c.json" --save >"$TMPDIR/$c.out" ||
		fail "fill --save $c failed"
done
members=$(grep -c '"member_name"' "$g/35-medical-member-illness.json")
[ "$members" -ge 1 ] || fail "case 35 has no members"

# By default sensitive questions (names, protection data) stay out.
senda_ export --format csv --out "$TMPDIR/min" 2>"$TMPDIR/err" || fail "export csv failed: $(cat "$TMPDIR/err")"
expect_contains "says what was left out" "sensitive questions were left out" "$(cat "$TMPDIR/err")"
head -1 "$TMPDIR/min/intake.csv" | grep -q ',given_name,' && fail "a sensitive question was exported by default"
head -1 "$TMPDIR/min/intake.csv" | grep -q ',fear_grounds' && fail "fear grounds exported by default"
grep -q 'Ana' "$TMPDIR/min/intake.csv" && fail "a respondent's name was exported by default"
head -1 "$TMPDIR/min/intake.csv" | grep -q ',nationality,' || fail "a non-sensitive question is missing"

senda_ export --format csv --include-sensitive --out "$TMPDIR/csv" 2>"$TMPDIR/err" ||
	fail "export csv failed: $(cat "$TMPDIR/err")"
expect_contains "warning" "NOT encrypted" "$(cat "$TMPDIR/err")"
[ "$(stat -c %a "$TMPDIR/csv/intake.csv")" = 600 ] || fail "intake.csv is not mode 0600"
[ "$(stat -c %a "$TMPDIR/csv")" = 700 ] || fail "the export folder is not mode 0700"
expect_eq "interview rows" 3 "$(wc -l <"$TMPDIR/csv/intake.csv")"
expect_eq "member rows" $((members + 1)) "$(wc -l <"$TMPDIR/csv/intake-members.csv")"
head -1 "$TMPDIR/csv/intake.csv" | grep -q '^interview_id,seq,status,language,created,updated,.*,given_name,' ||
	fail "bad header: $(head -1 "$TMPDIR/csv/intake.csv")"
grep -q ',completed,en,2023-09-01T10:00:00Z,' "$TMPDIR/csv/intake.csv" || fail "no completed row"
grep -q ',Ana,' "$TMPDIR/csv/intake.csv" || fail "answers missing from the CSV"
# member rows join on the interview id of case 35
id35=$(sed -n 's/^  "saved": "\(.*\)",*$/\1/p' "$TMPDIR/35-medical-member-illness.out")
expect_eq "member rows of case 35" "$members" "$(grep -c "^$id35," "$TMPDIR/csv/intake-members.csv")"

# never overwrite: a second export into the same folder is refused
senda_ export --format csv --include-sensitive --out "$TMPDIR/csv" 2>/dev/null
rc=$?
expect_eq "exit status when the file exists" 6 "$rc"

# JSON: one file per interview; its answers give the same result through form fill
senda_ export --format json --form intake --include-sensitive --out "$TMPDIR/json" 2>/dev/null ||
	fail "export json failed"
expect_eq "json files" 2 "$(ls "$TMPDIR/json" | wc -l)"
# (the document is sorted and indented by 2, so the answers object is a block)
sed -n '/^  "answers": {$/,/^  },$/p' "$TMPDIR/json/$id35.json" | sed -e '1s/.*/{/' -e '$s/.*/}/' \
	>"$TMPDIR/roundtrip.json"
"$SENDA" form fill "$TOP/forms/intake.ini" --answers "$TMPDIR/roundtrip.json" >"$TMPDIR/a" ||
	fail "exported answers do not fill"
"$SENDA" form fill "$TOP/forms/intake.ini" --answers "$g/35-medical-member-illness.json" >"$TMPDIR/b"
diff -u "$TMPDIR/b" "$TMPDIR/a" >&2 || fail "exported answers give another result"

# another form id: nothing
senda_ export --format json --form followup --out "$TMPDIR/none" 2>/dev/null || fail "export of no interviews failed"
expect_eq "no files for followup" 0 "$(ls "$TMPDIR/none" | wc -l)"
echo ok
