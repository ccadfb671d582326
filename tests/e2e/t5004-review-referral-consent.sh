#!/usr/bin/env bash
# Consent-gated referrals against a real senda-server (issue 8): nothing
# leaves before a supervisor approved the interview; a referral
# whose consent answer is not yes never leaves the device (no outbox item,
# nothing on the server); one with consent is stored by the server with
# exactly the fields its rule lists in `share` (read from the form file)
# and no other answer: the server holds the very record the device sent
# (same id, same content hash, which the server recomputes).
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/e2e/sync-lib.sh"

FORM=$TOP/tests/forms/console/mini.ini
srv_start
client_new cw t1 caseworker
client_new sup t1 supervisor

# With consent: the legal referral (fear); a family name that is not shared.
printf '{"consent":true,"given_name":"Ana","family_name":"Zzyzx","age":34,"nationality":"cuba","fear":true,"share_legal":true}\n' \
	>"$TMPDIR/yes.json"
# Consent refused: the same rule fires, the referral must stay here.
printf '{"consent":true,"given_name":"Beto","family_name":"Qwvlk","age":40,"nationality":"haiti","fear":true,"share_legal":false}\n' \
	>"$TMPDIR/no.json"
expect_exit 0 client cw form fill "$FORM" --answers "$TMPDIR/yes.json" --save
expect_exit 0 client cw form fill "$FORM" --answers "$TMPDIR/no.json" --save
expect_exit 0 client cw sync
expect_eq "no referral leaves before approval" 0 "$(ledger_count cw delivered referral)"
expect_eq "none waits in the outbox either" 0 "$(ledger_count cw queued referral)"

# The supervisor approves both; the caseworker's next sync sends the
# consented referral (senda sync pushes again after the pull, or the
# second pass does).
expect_exit 0 client sup review pull
expect_exit 0 client sup review approve 1
expect_exit 0 client sup review approve 2
expect_exit 0 client sup sync
expect_exit 0 client cw sync
expect_exit 0 client cw sync
expect_exit 0 client cw sync log
expect_contains "everything delivered" "0 quarantined, 0 queued, 0 sending" "$(tail -1 <<<"$out")"
expect_eq "one referral delivered" 1 "$(ledger_count cw delivered referral)"
srv_stop

out=$(echo "$SYNC_PASS" | "$TOOLS/review-srvref" --store "$TMPDIR/cw/data" --data "$SRV_DIR") ||
	fail "review-srvref"
expect_eq "two legal referrals made on the device" 2 "$(grep -c '^local legal ' <<<"$out")"
expect_eq "one without consent" 1 "$(grep -c '^local legal consent=0 ' <<<"$out")"
expect_eq "one referral item queued (the consented one)" 1 "$(grep -c '^item ' <<<"$out")"
item=$(grep '^item ' <<<"$out")
case $item in *Beto* | *Qwvlk* | *haiti*) fail "the refused referral left the device: $item" ;; esac
expect_contains "stored on the server as sent" "on-server=yes" "$item"

want=$(awk '/^\[rule\.legal\]/ { r = 1; next } /^\[/ { r = 0 }
	r && /^share/ { sub(/^share *= */, ""); print }' "$FORM" | tr ' ' '\n' | sort | paste -sd, -)
expect_eq "fields are the rule's share list" "fields=$want" "$(awk '{ print $4 }' <<<"$item")"
case $item in *Zzyzx* | *'"age"'*) fail "an answer the rule does not share was sent: $item" ;; esac
expect_contains "the shared value" '"given_name":"Ana"' "$item"
