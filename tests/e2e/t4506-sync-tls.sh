#!/usr/bin/env bash
# HTTPS with the server's key pinned: enrolment with the pin printed by
# `senda-server enroll` (or trust on first use without one), delivery over
# TLS, a wrong pin refused, a server that changed its key refused with exit
# 77 (never "try later"), and plain http refused unless on loopback.
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/e2e/sync-lib.sh"

SRV_TLS=1
srv_start
expect_contains "https" "https://" "$SRV_URL"
enroll_out=$("$SENDA_SERVER" enroll --data "$SRV_DIR" --team t1 --role caseworker)
code=$(awk '/^code:/ { print $2 }' <<<"$enroll_out")
pin=$(awk '/^pin:/ { print $2 }' <<<"$enroll_out")

# A wrong pin: refused before anything is sent, and the code stays valid.
mkdir -p "$TMPDIR/c1"
cp "$(test_config)" "$TMPDIR/c1.ini"
echo "$SYNC_PASS" | "$TOOLS/sync-fill" --dir "$TMPDIR/c1/data" --create --interviews 0
expect_exit 77 client c1 enroll --pin "sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=" "$SRV_URL" "$code"
expect_contains "pin mismatch" "does not match the pinned key" "$err"
expect_exit 0 client c1 enroll --pin "$pin" "$SRV_URL" "$code"
expect_contains "pinned" "server key pinned: $pin" "$out"

fill c1 --interviews 2 --referrals 3
expect_exit 0 client c1 sync
expect_eq "delivered over TLS" 8 "$(ledger_count c1 delivered)"

# Trust on first use: no --pin, the answer's pin is kept and proven.
client_new c2
expect_exit 0 client c2 sync

# Plain http only on loopback.
expect_exit 2 client c2 enroll --force http://192.0.2.1:8080 "$code"
expect_contains "https only" "must be https://" "$err"

# Another server (another key) on the same address: refused, items kept.
srv_stop
SRV_DIR=$TMPDIR/impostor srv_start
fill c1 --interviews 1 --referrals 1
expect_exit 77 client c1 sync
expect_contains "impostor" "does not match the pinned key" "$err"
expect_eq "kept queued" 2 "$(ledger_count c1 queued)"
