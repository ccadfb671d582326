#!/usr/bin/env bash
# The review round trip in two real consoles (tmux) with a real
# senda-server and two stores (issue 8), every review step done with keys
# in the consoles and checked on the screen a person sees; only the syncs
# run in the shell (`senda sync`, as the timer would):
#   caseworker: a new intake typed in the console and finished;
#   supervisor: the queue shows it; open it, comment on the age question,
#     return it;
#   caseworker: the returned interview is on top with the comment beside
#     the age; fix the age in the interview, resubmit with F10;
#   supervisor: the queue shows it resubmitted with the fixed age; approve;
#   caseworker: the case list shows it approved, and once sync has sent
#     its referral (held until approval), the interview shows it sent.
# t5007 runs it again with every sync through the fault proxy, the link
# down before each (review-lib.sh).
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/e2e/sync-lib.sh"
. "$TOP/tests/e2e/review-lib.sh"

srv_start
client_new cw t1 caseworker
client_new sup t1 supervisor
for n in cw sup; do
	printf '[forms]\ndir = %s\n' "$TOP/tests/forms/console" >>"$TMPDIR/$n.ini"
done
# t5007 runs this same script with the link cut between the steps.
review_link "${REVIEW_LINK_MODE:-good}"

quit_console() {
	tmux_keys q
	expect_eq "exit status" 0 "$(tmux_exit_status)"
}

# leave_queue: the decision taken, nothing waits; back to the case list, quit.
leave_queue() {
	tmux_wait "Nothing waits for review."
	tmux_keys Escape
	tmux_wait "Interviews"
	quit_console
}

# Caseworker: a whole intake in the console (mini form, English).
console cw
tmux_wait "No interviews yet"
tmux_keys n
# one form here: straight to the language
tmux_wait "respondent's language"
tmux_keys Enter
tmux_wait "> We will ask a few questions."
tmux_keys Enter
tmux_wait "> Do you agree to the interview?"
tmux_keys y
tmux_wait "First name"
tmux_text "Ana"
tmux_keys Enter
tmux_wait "Family name"
tmux_text "Pérez"
tmux_keys Enter
tmux_wait "Age in years"
tmux_text "34"
tmux_keys Enter
tmux_wait "Are you pregnant?"
tmux_keys n
tmux_wait "Date of arrival"
tmux_text "2024-02-28"
tmux_keys Enter
tmux_wait "Nationality"
tmux_text "cub"
tmux_wait "Cuba"
tmux_keys Enter
tmux_wait "What do you need?"
tmux_keys 3 Enter
tmux_wait "Travelling group member"
# a child in the group makes the legal referral urgent (the rule says so)
tmux_keys Enter
tmux_wait "No members yet"
tmux_keys a
tmux_wait "Member's name"
tmux_text "Luis"
tmux_keys Enter
tmux_wait "Member's age"
tmux_text "9"
tmux_keys Enter
tmux_wait "Luis"
tmux_keys Escape
tmux_wait "members: 1"
tmux_keys Tab
tmux_wait "Are you afraid to go back?"
tmux_keys y
tmux_wait "May we share with legal aid?"
tmux_keys y
tmux_wait "Nothing is missing"
tmux_keys F10
tmux_wait "Interview finished and queued for sync."
tmux_wait "legal_orientation - Legal aid clinic   urgency: high"
tmux_keys Escape
tmux_wait "Interviews"
tmux_wait "completed"
quit_console
step cw sync
step sup sync

# Supervisor: queue, open, comment on age, return.
console sup
tmux_keys R
tmux_wait "Review queue"
# the urgency the caseworker's device sent (meta): its referral's, high
tmux_wait "submitted   high     mini"
tmux_keys Enter
tmux_wait "Overall comment:"
tmux_wait "Pérez"
# lines: overall comment, then the answers by path: age first
tmux_keys j c
tmux_wait "Comment:"
tmux_text "Is 34 right?"
tmux_keys Enter
tmux_wait "<- Is 34 right?"
tmux_keys r
tmux_wait "Interview 1 returned (goes with the next sync)"
leave_queue
step sup sync
step cw sync

# Caseworker: returned on top, the comment beside the age; fix; resubmit.
console cw
tmux_wait "returned"
tmux_keys Enter
tmux_wait "<- Is 34 right?"
tmux_wait "Enter fix this question"
tmux_keys j Enter
tmux_wait "Age in years"
tmux_keys F8
tmux_text "43"
tmux_keys Enter
tmux_keys Escape
tmux_wait "Overall comment:"
tmux_wait "43"
tmux_keys F10
tmux_wait "resubmitted (goes with the next sync)"
tmux_keys Escape
tmux_wait "Interviews"
quit_console
step cw sync
step sup sync

# Supervisor: the resubmitted interview with the fixed age; approve it.
console sup
tmux_keys R
tmux_wait "Review queue"
tmux_wait "resubmitted"
tmux_keys Enter
tmux_wait "Overall comment:"
tmux_wait "age                      43"
tmux_keys a
tmux_wait "Interview 1 approved (goes with the next sync)"
leave_queue
step sup sync

# Caseworker: approved; the referral waits for approval, then sync sends
# it (one pass learns of the approval and queues it, the next at the
# latest delivers it).
step cw sync
step cw sync
console cw
tmux_wait "approved"
tmux_keys Enter
tmux_wait "Interview 1  mini  approved"
tmux_wait "legal_orientation        referral sent (high)"
tmux_keys Escape
tmux_wait "Interviews"
quit_console
expect_exit 0 client cw review show 1
expect_contains "fixed" "age                          43    <- Is 34 right?" "$out"
review_link_done
