#!/usr/bin/env bash
# The review round trip in two real consoles (t5003, issue 8) with the
# link cut by the fault proxy between each step: before every sync the
# link is down (the sync exits 75 and changes nothing), during it the
# proxy cuts, stalls and truncates at random until it gets through.  The
# consoles see the same as on a good link: the comment beside the age,
# the resubmission, the approval and the referral sent.
REVIEW_LINK_MODE=faulty
. "$TOP/tests/e2e/t5003-review-tmux.sh"
expect_eq "each of the nine syncs went through a cut link" 9 "$REVIEW_CUTS"
