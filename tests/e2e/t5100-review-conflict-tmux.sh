#!/usr/bin/env bash
# A crossed edit seen and resolved in real consoles (tmux, issue 8): the
# supervisor approves while the caseworker's amendment of the age is on
# its way; after the pull, the supervisor's queue and case list mark the
# interview with ≠, the interview view shows the age with both values,
# and `t` keeps the caseworker's value.  The store then has the value
# picked, no open conflict, and the resolution in its audit trail.  After
# the approval reaches the server, the caseworker's device gets the
# conflict too: its case list marks the approved interview, Enter shows
# the age with its value and the supervisor's, and under it what the
# supervisor did on their side; `m` keeps its own.
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/e2e/sync-lib.sh"

FORM=$TOP/tests/forms/console/mini.ini
srv_start
client_new cw t1 caseworker
client_new sup t1 supervisor
for n in cw sup; do
	printf '[forms]\ndir = %s\n' "$TOP/tests/forms/console" >>"$TMPDIR/$n.ini"
done

printf '{"consent":true,"given_name":"Ana","age":34,"nationality":"cuba"}\n' >"$TMPDIR/a.json"
expect_exit 0 client cw form fill "$FORM" --answers "$TMPDIR/a.json" --save
expect_exit 0 client cw sync
id=$(client cw review show 1 | awk 'NR == 1 { print $3 }')
expect_exit 0 client sup sync

# Crossed: approved on the supervisor's device, amended on the caseworker's.
expect_exit 0 client sup review approve 1
echo "$SYNC_PASS" | "$TOOLS/review-fix" --amend --dir "$TMPDIR/cw/data" --form "$FORM" \
	"$id" age 43 || fail "amending"
expect_exit 0 client cw sync
expect_exit 0 client sup review pull
expect_contains "conflict counted" "1 conflicts" "$out"

console sup
# The case list marks it beside the status.
tmux_wait "≠approved"
tmux_keys R
tmux_wait "Review queue"
tmux_keys f f f f
tmux_wait "Filter: approved"
tmux_wait "≠approved"
tmux_keys Escape
tmux_wait "Interviews"
# Enter opens it read-only with the conflict focused, both values shown.
tmux_keys Enter
tmux_wait "1 open conflicts"
tmux_wait "age                      ≠ yours: 34 | caseworker's: 43"
tmux_wait "m keep mine  t keep theirs"
tmux_keys t
tmux_wait "Kept the other side's value at age."
tmux_wait_gone "open conflicts"
tmux_wait "age                      43"
tmux_keys Escape
tmux_wait "Interviews"
tmux_wait_gone "≠"
tmux_keys q
expect_eq "exit status" 0 "$(tmux_exit_status)"

expect_exit 0 client sup review conflicts
expect_contains "none left" "0 open conflicts" "$out"
expect_exit 0 client sup review show 1
expect_contains "picked theirs" "age                          43" "$out"
expect_exit 0 client sup audit log
expect_contains "resolution audited" "conflict.resolve" "$out"
expect_exit 0 client sup audit verify

# The approval reaches the server after the amendment: the caseworker's
# device gets the conflict, its value against the approved one.
expect_exit 0 client sup sync
expect_exit 0 client cw sync
console cw
tmux_wait "≠approved"
tmux_keys Enter
tmux_wait "Interview 1  mini  approved  1 open conflicts"
tmux_wait "age                      ≠ yours: 43 | supervisor's: 34"
# The supervisor resolved it on their side: said under it, nothing applied.
tmux_wait "↳ resolved there: the supervisor ("
tmux_wait "took this device's value"
tmux_keys m
tmux_wait "Kept your value at age."
tmux_wait_gone "open conflicts"
tmux_keys Escape
tmux_wait "Interviews"
tmux_wait_gone "≠"
tmux_keys q
expect_eq "exit status" 0 "$(tmux_exit_status)"
expect_exit 0 client cw review conflicts
expect_contains "none left on the caseworker's side" "0 open conflicts" "$out"
expect_exit 0 client cw review show 1
expect_contains "kept mine" "age                          43" "$out"
expect_exit 0 client cw audit verify
