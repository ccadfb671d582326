#!/usr/bin/env bash
# Crossed edits and reassignment with a real senda-server (issue 8): the
# supervisor approves while the caseworker's amendment is on its way; the
# supervisor's pull keeps both values as a conflict (nothing overwritten)
# until a person picks one, and the caseworker's device gets the same
# conflict from the server; in either order of arrival.  Then the server reassigns the interview to
# another device: after its next sync the old device shows it read-only
# with a note naming the new device, in `senda review show` and in its
# console (tmux), and refuses edits; given back, it is editable again.
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/e2e/sync-lib.sh"

FORM=$TOP/tests/forms/console/mini.ini
srv_start
client_new cw t1 caseworker
client_new cw2 t1 caseworker --label second-laptop
client_new sup t1 supervisor

# submit N ANSWERS: interview N filled on the caseworker's device, synced
# and pulled into the supervisor's queue; sets id (the caseworker's id) and
# sid (the supervisor's, which is the server's).
submit() {
	printf '%s\n' "$2" >"$TMPDIR/answers.json"
	expect_exit 0 client cw form fill "$FORM" --answers "$TMPDIR/answers.json" --save
	expect_exit 0 client cw sync
	id=$(client cw review show "$1" | awk 'NR == 1 { print $3 }')
	expect_exit 0 client sup review pull
	sid=$(client sup review show "$1" | awk 'NR == 1 { print $3 }')
	expect_eq "server id of $1" 36 "${#sid}"
}

submit 1 '{"consent":true,"given_name":"Ana","age":34,"nationality":"cuba"}'
id1=$id sid1=$sid

# Crossed: approved on the supervisor's device, amended on the caseworker's.
expect_exit 0 client sup review approve 1
echo "$SYNC_PASS" | "$TOOLS/review-fix" --amend --dir "$TMPDIR/cw/data" --form "$FORM" \
	"$id1" age 43 || fail "amending"
expect_exit 0 client cw sync
expect_exit 0 client sup review pull
expect_contains "conflict counted" "0 amendments, 1 conflicts" "$out"
expect_exit 0 client sup review show 1
expect_contains "still approved" "mini  approved" "$out"
expect_contains "approved answer kept" "age                          34" "$out"
expect_contains "both values" "at age: here '34', theirs '43'" "$out"
expect_exit 0 client sup review conflicts
expect_contains "listed" "1 open conflicts" "$out"
cid=$(awk '/ age / { print $1 }' <<<"$out")
expect_exit 0 client sup review resolve "$cid" remote
expect_exit 0 client sup review show 1
expect_contains "picked theirs" "age                          43" "$out"
expect_exit 0 client sup review conflicts
expect_contains "none left" "0 open conflicts" "$out"
expect_exit 0 client sup sync
expect_exit 0 client cw sync
expect_exit 0 client cw review show 1
expect_contains "approved on the caseworker's side" "mini  approved" "$out"
# The caseworker sees the same conflict, field by field, its own value
# beside the approved one (the approval named the version it decided on).
expect_contains "conflict on the caseworker's side" "at age: here '43', theirs '34'" "$out"
expect_exit 0 client cw review conflicts
expect_contains "one open here" "1 open conflicts" "$out"
# The supervisor resolved it (took the caseworker's value): the caseworker
# is told, and by whom, but its own conflict stays for a person here.
expect_contains "told how the other side resolved it" \
	"(resolved there: the supervisor (" "$out"
expect_contains "which value" "took this device's value)" "$out"
cwcid=$(awk '/ age / { print $1 }' <<<"$out")
expect_exit 0 client cw review resolve "$cwcid" local
expect_exit 0 client cw review conflicts
expect_contains "resolved here" "0 open conflicts" "$out"
expect_exit 0 client cw sync
expect_exit 0 client cw sync log --all --kind resolution
expect_contains "the resolution went out" " resolution delivered" "$out"

# The other order: the approval reaches the server first, the amendment
# after it.  Both devices get the conflict; the interview stays approved.
submit 2 '{"consent":true,"given_name":"Beto","age":40,"nationality":"haiti"}'
id2=$id
expect_exit 0 client sup review approve 2
expect_exit 0 client sup sync
echo "$SYNC_PASS" | "$TOOLS/review-fix" --amend --dir "$TMPDIR/cw/data" --form "$FORM" \
	"$id2" age 41 || fail "amending the second"
expect_exit 0 client cw sync
expect_exit 0 client cw review show 2
expect_contains "second approved" "mini  approved" "$out"
expect_contains "second: caseworker's conflict" "at age: here '41', theirs '40'" "$out"
expect_exit 0 client sup review pull
expect_contains "second: supervisor's conflict" "1 conflicts" "$out"
expect_exit 0 client sup review show 2
expect_contains "second: both values" "at age: here '40', theirs '41'" "$out"
# This time the caseworker resolves first; the supervisor learns it.
expect_exit 0 client cw review conflicts 2
cwcid2=$(awk '/ age / { print $1 }' <<<"$out")
expect_exit 0 client cw review resolve "$cwcid2" remote
expect_exit 0 client cw sync
expect_exit 0 client sup sync
expect_exit 0 client sup review conflicts 2
expect_contains "supervisor told" "(resolved there: the caseworker (" "$out"
expect_contains "still open there" "1 open conflicts" "$out"

# Reassignment to the second laptop.
dev2=$("$SENDA_SERVER" devices --data "$SRV_DIR" list | awk '/second-laptop/ { print $1 }')
expect_eq "second device id" 36 "${#dev2}"
expect_exit 0 "$SENDA_SERVER" reassign --data "$SRV_DIR" "$sid1" --to "$dev2"
expect_exit 0 client cw sync
expect_exit 0 client cw review show 1
expect_contains "read-only note" "read-only: reassigned" "$out"
echo "$SYNC_PASS" | "$TOOLS/review-fix" --amend --dir "$TMPDIR/cw/data" --form "$FORM" \
	"$id1" age 50 2>"$TMPDIR/fix.err" && fail "a reassigned interview took an edit"
expect_exit 0 client cw review show 1
expect_contains "unchanged" "age                          43" "$out"
expect_exit 0 client sup audit verify

# A submitted interview reassigned: in the old device's console, Enter no
# longer opens it for editing but read-only, with the note; given back to
# the old device, it is editable again.
submit 3 '{"consent":true,"given_name":"Caro","age":29,"nationality":"cuba"}'
id3=$id sid3=$sid
expect_exit 0 "$SENDA_SERVER" reassign --data "$SRV_DIR" "$sid3" --to "$dev2"
expect_exit 0 client cw sync
expect_exit 0 client cw review show 3
expect_contains "note names the new device" "read-only: reassigned to device ${dev2:0:8}" "$out"
printf '[forms]\ndir = %s\n' "$TOP/tests/forms/console" >>"$TMPDIR/cw.ini"
SENDA_HOME=$TMPDIR/cw/data tmux_start "$SENDA" --config "$TMPDIR/cw.ini"
trap 'rc=$?; tmux_stop; sync_cleanup; [ -e "$TMPDIR/.test-failed" ] && exit 1; exit $rc' EXIT
tmux_wait "Passphrase:"
tmux_text "$SYNC_PASS"
tmux_keys Enter
tmux_wait "Interviews"
tmux_keys /
tmux_text "${id3:0:8}"
tmux_keys Enter
tmux_keys Enter
tmux_wait "Interview 3  mini  submitted  (read-only)"
tmux_wait "Reassigned to device ${dev2:0:8} by the server's administrator"
# nothing here edits it: Enter stays, c is refused
tmux_keys Enter c
tmux_wait "Only a supervisor decides"
tmux_wait "Interview 3  mini  submitted  (read-only)"
tmux_keys Escape
tmux_wait "Interviews"
tmux_keys q
expect_eq "console exit status" 0 "$(tmux_exit_status)"
dev1=$("$SENDA_SERVER" devices --data "$SRV_DIR" list |
	awk -F'\t' '$3 == "caseworker" && !/second-laptop/ { print $1; exit }')
expect_eq "first device id" 36 "${#dev1}"
expect_exit 0 "$SENDA_SERVER" reassign --data "$SRV_DIR" "$sid3" --to "$dev1"
expect_exit 0 client cw sync
expect_exit 0 client cw review show 3
case $out in *read-only*) fail "given back, still read-only: $out" ;; esac
echo "$SYNC_PASS" | "$TOOLS/review-fix" --amend --dir "$TMPDIR/cw/data" --form "$FORM" \
	"$id3" age 30 || fail "given back, the interview took no edit"
