#!/usr/bin/env bash
# The server is down: senda sync exits 75 (a timer's "try later") with one
# line saying why, and every item stays queued; when the server is back the
# next pass delivers them all, each once.
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/e2e/sync-lib.sh"

srv_start
client_new c1
fill c1 --interviews 2 --referrals 2
srv_stop

expect_exit 75 client c1 sync
expect_eq "one line on stderr" 1 "$(wc -l <<<"$err")"
expect_contains "says why" "server refused or did not answer" "$err"
expect_eq "nothing delivered" 0 "$(ledger_count c1 delivered)"
expect_eq "all still queued" 6 "$(ledger_count c1 queued)"
client c1 sync log | grep -q "did not answer" || fail "ledger keeps the last error in plain words"

srv_start	# same port: the enrolled URL
expect_exit 0 client c1 sync
expect_eq "all delivered" 6 "$(ledger_count c1 delivered)"
srv_stop
expect_exit 0 srv_check c1
