#!/usr/bin/env bash
# The review round trip with a real senda-server and two stores (issue 8):
# a caseworker completes an interview and syncs; the supervisor's queue
# shows it; the supervisor returns it with an overall comment and one on a
# question; the caseworker syncs and sees the comment beside that question;
# fixes and resubmits (an amendment of the same interview, not a second
# one); the supervisor approves; the caseworker sees it approved and its
# consented referral sent.  A
# supervisor of another team never sees it (an empty queue) and its
# decisions on it are refused (403); a caseworker cannot pull the
# queue; decisions the state machine forbids are refused on the device.
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/e2e/sync-lib.sh"

FORM=$TOP/tests/forms/console/mini.ini
srv_start
client_new cw t1 caseworker
client_new sup t1 supervisor
client_new osup t2 supervisor

printf '{"consent":true,"given_name":"Ana","age":34,"nationality":"honduras","fear":true,"share_legal":true}\n' \
	>"$TMPDIR/a.json"
expect_exit 0 client cw form fill "$FORM" --answers "$TMPDIR/a.json" --save
expect_exit 0 client cw sync
expect_exit 0 client cw review show 1
id=$(awk 'NR == 1 { print $3 }' <<<"$out")
expect_eq "caseworker id" 36 "${#id}"
expect_contains "submitted after sync" "mini  submitted" "$out"

# The supervisor's queue (kept in its own store: the list works offline).
expect_exit 0 client sup review pull
expect_contains "pulled" "review queue: 1 interviews, 0 amendments" "$out"
expect_exit 0 client sup review list
expect_contains "queued" "submitted   normal  mini" "$out"
expect_contains "one waiting" "1 shown of 1" "$out"
expect_exit 0 client sup review show 1
expect_contains "answers" "given_name                   Ana" "$out"
sid=$(awk 'NR == 1 { print $3 }' <<<"$out")

# Another team's supervisor never sees it; a caseworker has no queue.
expect_exit 0 client osup review pull
expect_contains "other team" "review queue: 0 interviews" "$out"
# The same supervisor with signed requests of its own (tests/tools/
# srv-client): the queue the server gives it holds nothing of team t1, and
# a decision on the interview is refused with 403 and changes nothing (the
# return below still finds it submitted).
code=$("$SENDA_SERVER" enroll --data "$SRV_DIR" --team t2 --role supervisor |
	awk '/^code:/ { print $2 }')
"$TOOLS/srv-client" keygen "$TMPDIR/osup2.key" || fail "keygen"
osup2=$("$TOOLS/srv-client" enroll "$SRV_URL" "$code" "$TMPDIR/osup2.key") || fail "enrol"
osup_req() { "$TOOLS/srv-client" request "$SRV_URL" "$1" "$2" "$TMPDIR/osup2.key" "$osup2" "${@:3}" | head -1; }
line=$(osup_req GET "/v1/review-queue?after=0")
expect_eq "other team's queue is empty" '200 {"items":[],"cursor":"0","more":false}' "$line"
# The queue's cursor follows the decisions feed's rules.
expect_contains "bad cursor" '400 ' "$(osup_req GET "/v1/review-queue?after=abc")"
expect_contains "cursor from the future" '410 {"error":"cursor_expired"' \
	"$(osup_req GET "/v1/review-queue?after=99")"
for action in approve return escalate; do
	"$TOOLS/srv-client" batch "$TMPDIR/odec" 1 --kind decision --interview "$sid" \
		--state "$action" || fail "batch"
	line=$(osup_req POST /v1/batches --body "$TMPDIR/odec")
	expect_contains "other team's $action refused" '403 {"error":"forbidden"' "$line"
done
expect_exit 77 client cw review pull
expect_contains "caseworker refused" "403" "$err$out"

# Bad requests get one line and their exit status; nothing is queued.
expect_exit 77 client cw review approve 1
expect_contains "caseworker cannot decide" "only a supervisor device decides" "$err"
expect_exit 8 client sup review show 99
# Comments never go on the command line (ps shows it, the shell keeps it):
# only from a file or stdin.
expect_exit 2 client sup review return 1 --on "age=Is 34 right?"
expect_contains "--on refused" "--on-file FILE" "$err"
expect_exit 2 client sup review return 1 --comment "Please check the age"
expect_contains "--comment TEXT refused" "use --comment-file FILE" "$err"
printf 'age=Fine\nno equals sign\n' >"$TMPDIR/bad-notes"
expect_exit 11 client sup review return 1 --on-file "$TMPDIR/bad-notes"
expect_contains "bad line named" "$TMPDIR/bad-notes:2: expected PATH=COMMENT" "$err"
head -c 2100 /dev/zero | tr '\0' x >"$TMPDIR/long"
expect_exit 11 client sup review return 1 --comment-file "$TMPDIR/long"
expect_contains "limit named" "longer than 2000 bytes" "$err"
expect_exit 8 client sup review return 1 --comment-file "$TMPDIR/none"
expect_exit 2 client sup review return 1 --comment -
expect_contains "stdin holds the passphrase" "stdin carries the passphrase" "$err"
expect_exit 2 client sup review frobnicate
expect_exit 0 client sup sync log
expect_contains "nothing queued by the refusals" "0 queued" "$out"

# Escalated first (urgent, still waiting), then returned: both reach the
# server's state machine and the caseworker.
expect_exit 0 client sup review escalate 1
expect_exit 13 client sup review escalate 1
# Return: a comment is required; one goes on the age question.
expect_exit 11 client sup review return 1
expect_contains "needs a comment" "a return needs a comment" "$err"
# The overall comment on stdin (the passphrase on fd 3), one on the age
# question from a file.
printf 'age=Is 34 right?\n' >"$TMPDIR/notes"
sup_stdin() {	# sup_stdin TEXT ARGS...: senda as the supervisor, TEXT on stdin
	local text=$1 rc=0
	shift
	out=$(printf '%s\n' "$text" | SENDA_HOME=$TMPDIR/sup/data "$SENDA" --config \
		"$TMPDIR/sup.ini" --passphrase-fd 3 "$@" 3<<<"$SYNC_PASS" 2>"$TMPDIR/.err") || rc=$?
	err=$(cat "$TMPDIR/.err")
	return $rc
}
sup_stdin x review return 1 --comment - --on-file - && fail "two options read stdin"
expect_contains "one stdin" "only one option can read stdin" "$err"
sup_stdin "Please check the age" review return 1 --comment - --on-file "$TMPDIR/notes" ||
	fail "return with the comment on stdin: $err"
expect_exit 13 client sup review approve 1
expect_contains "state machine" "the interview is returned; it cannot take 'approve'" "$err"
expect_exit 0 client sup sync

# The caseworker sees the return, the comment beside its question.
expect_exit 0 client cw sync
expect_exit 0 client cw review show 1
expect_contains "returned" "mini  returned" "$out"
expect_contains "overall comment" "comment: Please check the age" "$out"
expect_contains "beside its question" "age                          34    <- Is 34 right?" "$out"
expect_contains "referral waits for approval" "referral legal_orientation pending" "$out"
expect_contains "the escalation arrived" "decision: escalate by" "$out"

# Fix and resubmit: an amendment of the same interview.
echo "$SYNC_PASS" | "$TOOLS/review-fix" --dir "$TMPDIR/cw/data" --form "$FORM" "$id" age 43 ||
	fail "review-fix"
expect_exit 0 client cw review show 1
expect_contains "resubmitted" "mini  resubmitted" "$out"
expect_exit 0 client cw sync --verbose
expect_contains "amendment delivered" "amendment" "$out"

# A plain sync pass (what the timer runs) pulls a supervisor's queue too.
expect_exit 0 client sup sync
expect_exit 0 client sup review pull
expect_contains "amendment already pulled by sync" "0 interviews, 0 amendments" "$out"
expect_exit 0 client sup review list
expect_contains "resubmitted, not a second interview" "1 shown of 1" "$out"
# escalated once, it stays urgent through the round trip
expect_contains "resubmitted, still escalated" "resubmitted high    mini" "$out"
expect_exit 0 client sup review show "$sid"
expect_contains "fixed answer" "age                          43" "$out"
expect_exit 0 client sup review approve 1
expect_exit 0 client sup sync
expect_exit 0 client sup review list
expect_contains "queue empty" "0 shown of 1" "$out"

# senda review sync: the sync pass, and the referral goes out after approval.
expect_exit 0 client cw review sync
expect_contains "one pass" "1 decisions, 0 queue items, 0 conflicts, 1 referrals sent" "$out"
expect_exit 0 client cw review show 1
expect_contains "approved" "mini  approved" "$out"
expect_contains "decisions" "decision: approve by" "$out"
expect_contains "referral sent after approval" "referral legal_orientation sent" "$out"

# The ledger shows the round trip: interview, amendment, both delivered.
expect_exit 0 client cw sync log
expect_contains "ledger interview" " interview  delivered" "$out"
expect_contains "ledger amendment" " amendment  delivered" "$out"
expect_contains "ledger referral" " referral   delivered" "$out"
# Both sides' audit trails are intact.
expect_exit 0 client cw audit verify
expect_exit 0 client sup audit verify
