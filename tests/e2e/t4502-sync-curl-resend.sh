#!/usr/bin/env bash
# libcurl resends a POST by itself when a kept-alive connection dies before
# the answer: the proxy lets the server store a batch and then closes the
# connection without a byte of the answer.  The resend carries the same
# nonce (the server says `replay`), the client signs again, the server
# answers `duplicate`, and it still holds each item exactly once.
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/e2e/sync-lib.sh"

srv_start
client_new c1
fill c1 --interviews 4 --referrals 4
# Exchange 0 is the first batch; exchange 1, the second batch on the same
# connection, is stored by the server and its answer dropped.
proxy_start --rate 0 --schedule none,drop-resp
expect_exit 0 client c1 --set "sync.server=$PROXY_URL" sync --batch 10 --verbose
proxy_stop
expect_eq "the fault happened" 1 "$(proxy_stat fault_drop-resp)"
expect_eq "all delivered" 20 "$(ledger_count c1 delivered)"
expect_eq "none quarantined" 0 "$(ledger_count c1 quarantined)"
grep -q 'replay' "$TMPDIR/srv.log" || fail "the server never saw libcurl's resend"
grep -qE '[1-9][0-9]* duplicate' "$TMPDIR/srv.log" || fail "no item came back duplicate"
grep -q '(already there)' <<<"$out" || fail "--verbose does not show the duplicates"
srv_stop
expect_exit 0 srv_check c1
