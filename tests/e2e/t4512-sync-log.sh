#!/usr/bin/env bash
# senda sync log on a laptop with a long history: the last 50 items by
# default, --limit N, --all, and the filters a caseworker needs: --state
# (what is stuck), --kind, --interview N (what happened to that interview).
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/e2e/sync-lib.sh"

srv_start
client_new c1
fill c1 --interviews 30 --referrals 2 --bad 1
expect_exit 0 client c1 sync
srv_stop
items() { grep -cE '^[0-9a-f]{8}  ' <<<"$1"; }

expect_exit 0 client c1 sync log
expect_eq "the last 50 by default" 50 "$(items "$out")"
total=$(client c1 sync log --all | grep -cE '^[0-9a-f]{8}  ')
[ "$total" -gt 91 ] || fail "--all shows $total items"
expect_contains "says more exist" "(the last 50 of $total items shown; --all shows every one)" "$out"
expect_contains "totals of everything" "quarantined, 0 queued, 0 sending" "$(tail -n 1 <<<"$out")"
# The newest are shown: the last line of --all is the last line here.
expect_eq "newest last" "$(client c1 sync log --all | grep -E '^[0-9a-f]{8}  ' | tail -n 1)" \
	"$(grep -E '^[0-9a-f]{8}  ' <<<"$out" | tail -n 1)"

expect_exit 0 client c1 sync log --limit 5
expect_eq "--limit 5" 5 "$(items "$out")"
expect_exit 0 client c1 sync log -n 3
expect_eq "-n 3" 3 "$(items "$out")"

expect_exit 0 client c1 sync log --state quarantined
expect_eq "one quarantined" 1 "$(items "$out")"
expect_contains "why" "rejected by the server" "$out"
expect_exit 0 client c1 sync log --state=delivered --state quarantined --all
expect_eq "two states" "$total" "$(items "$out")"

expect_exit 0 client c1 sync log --kind referral --all
expect_eq "referrals" 61 "$(items "$out")"
expect_eq "only referrals" 61 "$(grep -c ' referral ' <<<"$out")"

# Interview 7: itself and its two referrals, whatever the id on the wire.
expect_exit 0 client c1 sync log --interview 7
expect_eq "interview 7" 3 "$(items "$out")"
expect_eq "its interview" 1 "$(grep -c ' interview ' <<<"$out")"
expect_eq "its referrals" 2 "$(grep -c ' referral ' <<<"$out")"
expect_exit 8 client c1 sync log --interview 99
expect_contains "no such interview" "no interview 99" "$err"

expect_exit 2 client c1 sync log --limit 0
expect_contains "bad limit" "--limit" "$err"
expect_exit 2 client c1 sync log --state lost
expect_contains "bad state" "quarantined" "$err"
expect_exit 2 client c1 sync log extra
expect_contains "usage" "usage: senda sync log" "$err"
