#!/usr/bin/env bash
# The referral lifecycle against a real senda-server (issue 8): referrals
# leave only after approval and become sent; the server's administrator
# records the receiving service's answer (`senda-server referral ID
# accept|decline|close`, held to the lifecycle table: a forbidden move
# exits 13) and the owning device applies it at its next sync.  Consent
# withdrawn (`senda review revoke`): a pending referral never leaves; a
# sent one is revoked on the server too, which then refuses any answer and
# no longer shows its fields (`senda-server referral ID show`).
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/e2e/sync-lib.sh"

FORM=$TOP/tests/forms/console/mini.ini
srv_start
client_new cw t1 caseworker
client_new sup t1 supervisor

admin() { "$SENDA_SERVER" referral --data "$SRV_DIR" "$@"; }
state_of() { admin list | awk -F'\t' -v id="$1" '$1 == id { print $4 }'; }

# Interview 1: two consented referrals (legal, shelter).
printf '{"consent":true,"given_name":"Ana","age":34,"nationality":"cuba","fear":true,"share_legal":true,"needs":["shelter"]}\n' \
	>"$TMPDIR/a.json"
expect_exit 0 client cw form fill "$FORM" --answers "$TMPDIR/a.json" --save
expect_exit 0 client cw sync
expect_exit 0 admin list
expect_eq "nothing on the server before approval" "" "$out"

expect_exit 0 client sup review pull
expect_exit 0 client sup review approve 1
expect_exit 0 client sup sync
expect_exit 0 client cw sync
expect_exit 0 client cw sync
expect_exit 0 client cw review show 1
expect_contains "legal sent" "referral legal_orientation sent" "$out"
expect_contains "shelter sent" "referral shelter sent" "$out"

expect_exit 0 admin list --team t1
expect_eq "two referrals on the server" 2 "$(grep -c $'\tsent\t' <<<"$out")"
case $out in *Ana* | *cuba*) fail "the referral list shows an answer: $out" ;; esac
legal=$(awk -F'\t' '$3 == "legal_orientation" { print $1 }' <<<"$out")
shelter=$(awk -F'\t' '$3 == "shelter" { print $1 }' <<<"$out")
expect_eq "legal id" 36 "${#legal}"
expect_eq "shelter id" 36 "${#shelter}"
expect_exit 0 admin list --team t2
expect_eq "another team sees none" "" "$out"
# What the administrator passes to the partner: the rule's share list only.
expect_exit 0 admin "$legal" show
expect_eq "legal shares given_name and nationality" '{"given_name":"Ana","nationality":"cuba"}' "$out"

# The partners answer; the device follows at its next sync.
expect_exit 0 admin "$legal" accept
expect_contains "accepted" "referral $legal accepted" "$out"
expect_exit 13 admin "$legal" accept
expect_contains "refused by the table" "the referral is accepted; it cannot take 'accept'" "$err"
expect_exit 0 admin "$shelter" decline
expect_exit 2 admin "$shelter" revoke
expect_exit 2 admin "$shelter" send
expect_exit 8 admin 00000000-0000-4000-8000-000000000000 close
expect_exit 0 client cw sync
expect_exit 0 client cw review show 1
expect_contains "device shows accepted" "referral legal_orientation accepted" "$out"
expect_contains "device shows declined" "referral shelter declined" "$out"
expect_exit 0 admin "$legal" close
expect_exit 0 admin "$shelter" close
expect_exit 13 admin "$shelter" close
expect_exit 0 client cw sync
expect_exit 0 client cw review show 1
expect_contains "legal closed" "referral legal_orientation closed" "$out"
expect_contains "shelter closed" "referral shelter closed" "$out"
# Closed is final: consent cannot be withdrawn from it any more.
expect_exit 13 client cw review revoke 1 legal
expect_contains "revoke refused" "the referral is closed; it cannot take 'revoke'" "$err"

# Interview 2: consent withdrawn before approval; it never leaves.
printf '{"consent":true,"given_name":"Beto","age":40,"nationality":"haiti","fear":true,"share_legal":true}\n' \
	>"$TMPDIR/b.json"
expect_exit 0 client cw form fill "$FORM" --answers "$TMPDIR/b.json" --save
expect_exit 0 client cw sync
expect_exit 0 client cw review revoke 2 legal
expect_contains "revoked" "revoked" "$out"
expect_exit 13 client cw review revoke 2 legal
expect_exit 8 client cw review revoke 2 nosuchrule
expect_exit 0 client sup review pull
expect_exit 0 client sup review approve 2
expect_exit 0 client sup sync
expect_exit 0 client cw sync
expect_exit 0 client cw sync
expect_exit 0 client cw review show 2
expect_contains "still revoked" "referral legal_orientation revoked" "$out"
expect_eq "no new referral on the server" 2 "$(admin list | grep -c .)"

# Interview 3: sent, then consent withdrawn: the server revokes it too.
printf '{"consent":true,"given_name":"Caro","age":29,"nationality":"cuba","fear":true,"share_legal":true}\n' \
	>"$TMPDIR/c.json"
expect_exit 0 client cw form fill "$FORM" --answers "$TMPDIR/c.json" --save
expect_exit 0 client cw sync
expect_exit 0 client sup review pull
expect_exit 0 client sup review approve 3
expect_exit 0 client sup sync
expect_exit 0 client cw sync
expect_exit 0 client cw sync
expect_exit 0 client cw review show 3
expect_contains "sent" "referral legal_orientation sent" "$out"
third=$(admin list | awk -F'\t' '$4 == "sent" { print $1 }')
expect_eq "third referral on the server" 36 "${#third}"
expect_exit 0 client cw review revoke 3 "${third:0:8}"
expect_exit 0 client cw sync
expect_eq "revoked on the server" revoked "$(state_of "$third")"
expect_exit 13 admin "$third" accept
expect_exit 13 admin "$third" show
expect_contains "no longer shared" "consent was withdrawn" "$err"
expect_exit 0 client cw review show 3
expect_contains "revoked here" "referral legal_orientation revoked" "$out"
expect_exit 0 client cw sync log
expect_contains "everything delivered" "0 quarantined, 0 queued, 0 sending" "$(tail -1 <<<"$out")"
expect_exit 0 client cw audit verify
