#!/usr/bin/env bash
# The interview payload carries the review queue's meta (issue 8): the
# highest urgency among the referrals the rules made and the caseworker's
# own judgement, and the protection flags of those rules (`flag =` in the
# form), never an answer.  After a real sync the supervisor's queue sorts
# by that urgency and filters by flag, with the server down.
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/e2e/sync-lib.sh"

FORM=$TOP/forms/intake.ini
g=$TOP/tests/forms/golden
srv_start
client_new cw t1 caseworker
client_new sup t1 supervisor

# The golden cases are dated; the rules apply on their day.  Filled in
# this order: nothing (normal), GBV support (high), trafficking (urgent).
for c in 01-baseline-no-referral 39-gbv-support 41-trafficking-not-free; do
	SENDA_NOW=2023-09-01T10:00:00Z expect_exit 0 client cw form fill "$FORM" \
		--answers "$g/$c.json" --save
done
expect_exit 0 client cw sync
expect_exit 0 client cw sync log --all
expect_contains "everything delivered" "0 quarantined, 0 queued, 0 sending" "$(tail -1 <<<"$out")"
expect_eq "three interviews" 3 "$(grep -c " interview  delivered" <<<"$out")"

expect_exit 0 client sup review pull
expect_contains "pulled" "review queue: 3 interviews" "$out"
expect_exit 0 client sup review list
expect_contains "three waiting" "3 shown of 3" "$out"
# Urgent and high first (high in the queue), then normal.
order=$(awk 'NR > 1 && $1 ~ /^[0-9]+$/ && $2 != "shown" { print $1 ":" $4 }' <<<"$out" | paste -sd' ' -)
expect_eq "sorted by urgency, then age" "2:high 3:high 1:normal" "$order"
expect_contains "gbv flagged" "flags: gbv" "$(grep '^2 ' <<<"$out")"
expect_contains "trafficking flagged" "trafficking" "$(grep '^3 ' <<<"$out")"
case $(grep '^1 ' <<<"$out") in *flags:*) fail "a flag on the interview without referrals" ;; esac

# The queue is in the supervisor's encrypted store: it works offline.
srv_stop
expect_exit 0 client sup review list
expect_contains "offline: still three waiting" "3 shown of 3" "$out"
expect_exit 0 client sup review list --flag gbv
expect_contains "flag filter" "1 shown of 3" "$out"
expect_eq "only the GBV case" 2 "$(awk 'NR > 1 && $1 ~ /^[0-9]+$/ && $2 != "shown" { print $1 }' <<<"$out")"
expect_exit 0 client sup review list --flag trafficking
expect_eq "only the trafficking case" 3 "$(awk 'NR > 1 && $1 ~ /^[0-9]+$/ && $2 != "shown" { print $1 }' <<<"$out")"
