#!/usr/bin/env bash
# senda-server administration and transport: init refuses to overwrite,
# enrolment codes are one-time and expire after 24 h, a bad proof of key
# possession is refused, devices list and revoke, config errors name
# FILE:LINE, plain HTTP is refused off loopback, and HTTPS serves with the
# key made by init, matching the pin that init and enroll print.
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/e2e/srv-lib.sh"

expect_exit 0 "$SENDA_SERVER" init --config "$SRV_INI" --data "$SRV_DATA"
expect_contains "init prints the pin" "pin: sha256//" "$out"
expect_contains "init prints the recovery key" "recovery key" "$out"
[ "$(stat -c %a "$SRV_DATA/passphrase")" = 600 ] || fail "passphrase file is not private"
# the data is encrypted: no table name, no TLS pin in the clear
grep -q 'srv_items' "$SRV_DATA/senda.db" && fail "server database is not encrypted"
pin=$(sed -n 's/^pin: //p' <<<"$out")
[ "$(stat -c %a "$SRV_DATA")" = 700 ] || fail "data dir is not private"
[ "$(stat -c %a "$SRV_DATA/tls.key")" = 600 ] || fail "TLS key is not private"
expect_exit 6 "$SENDA_SERVER" init --config "$SRV_INI" --data "$SRV_DATA"
expect_contains "init twice" "already holds server data" "$err"
expect_exit 5 "$SENDA_SERVER" enroll --data "$TMPDIR/none" --team t1 --role caseworker
expect_exit 2 "$SENDA_SERVER" enroll --data "$SRV_DATA" --team t1 --role boss
expect_exit 2 "$SENDA_SERVER" enroll --data "$SRV_DATA" --team 'bad team' --role caseworker
expect_exit 2 "$SENDA_SERVER" bogus
expect_eq "unknown command" "senda-server: unknown command 'bogus'; see 'senda-server --help'" "$err"
expect_exit 0 "$SENDA_SERVER" --help
for c in init run enroll devices reassign status; do
	expect_contains "help lists $c" "  $c " "$out"
done

# a passphrase file others can read is refused; a wrong passphrase too
chmod 644 "$SRV_DATA/passphrase"
expect_exit 2 "$SENDA_SERVER" status --data "$SRV_DATA"
expect_contains "open passphrase file" "must not be readable by others" "$err"
chmod 600 "$SRV_DATA/passphrase"
printf 'wrong\n' >"$TMPDIR/wrong.pass"; chmod 600 "$TMPDIR/wrong.pass"
expect_exit 3 "$SENDA_SERVER" status --data "$SRV_DATA" --passphrase-file "$TMPDIR/wrong.pass"

# config errors: one line, FILE:LINE
printf '[server]\nthreads = lots\n' >"$TMPDIR/bad.ini"
expect_exit 2 "$SENDA_SERVER" run --config "$TMPDIR/bad.ini"
expect_contains "config error" "$TMPDIR/bad.ini:2:" "$err"
[ "$(printf '%s\n' "$err" | wc -l)" = 1 ] || fail "more than one line: $err"
printf '[server]\ndata = %s\nlisten = 0.0.0.0:0\ninsecure_loopback = yes\n' "$SRV_DATA" >"$TMPDIR/open.ini"
expect_exit 2 "$SENDA_SERVER" run --config "$TMPDIR/open.ini"
expect_contains "plain HTTP off loopback" "plain HTTP is allowed only on 127.0.0.1" "$err"

# enrolment codes
expect_exit 0 "$SENDA_SERVER" enroll --data "$SRV_DATA" --team t1 --role caseworker
expect_contains "enroll prints the pin" "pin: $pin" "$out"
code=$(sed -n 's/^code: //p' <<<"$out")
[[ $code =~ ^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$ ]] || fail "code format: $code"
srv_start
"$SRV_CLIENT" keygen "$TMPDIR/a.key"
"$SRV_CLIENT" keygen "$TMPDIR/b.key"
lower=$(tr 'A-Z' 'a-z' <<<"$code" | tr -d '-')
expect_exit 0 "$SRV_CLIENT" enroll "$SRV_URL" "$lower" "$TMPDIR/a.key"
dev=$out
expect_exit 1 "$SRV_CLIENT" enroll "$SRV_URL" "$code" "$TMPDIR/b.key"
expect_contains "code is one-time" '403 {"error":"enroll_code"' "$err"
old=$(SENDA_NOW=2020-01-01 "$SENDA_SERVER" enroll --data "$SRV_DATA" --team t1 --role caseworker | sed -n 's/^code: //p')
expect_exit 1 "$SRV_CLIENT" enroll "$SRV_URL" "$old" "$TMPDIR/b.key"
expect_contains "expired code" '403 {"error":"enroll_code"' "$err"
fresh=$(srv_code t1 caseworker)
expect_exit 0 curl -s -H 'Content-Type: application/json' --data-binary \
	"{\"code\":\"$fresh\",\"public_key\":\"$(sed -n 2p "$TMPDIR/b.key")\",\"proof\":\"$(printf '%0128d' 0)\"}" \
	"$SRV_URL/v1/enroll"
expect_contains "bad proof" '"error":"bad_signature"' "$out"
expect_exit 0 "$SRV_CLIENT" enroll "$SRV_URL" "$fresh" "$TMPDIR/b.key"
expect_exit 0 "$SENDA_SERVER" devices --data "$SRV_DATA" list
[ "$(wc -l <<<"$out")" = 2 ] || fail "expected two devices: $out"
expect_contains "device listed" "$dev	t1	caseworker	active" "$out"
expect_exit 0 "$SENDA_SERVER" devices --data "$SRV_DATA" revoke "$dev"
expect_exit 13 "$SENDA_SERVER" devices --data "$SRV_DATA" revoke "$dev"
expect_exit 8 "$SENDA_SERVER" devices --data "$SRV_DATA" revoke 00000000-0000-4000-8000-000000000000
expect_exit 0 "$SENDA_SERVER" devices list --data "$SRV_DATA"
expect_contains "revoked listed" "$dev	t1	caseworker	revoked" "$out"
srv_stop

# run from a config file alone
printf '[server]\ndata = %s\nlisten = 127.0.0.1:0\ninsecure_loopback = yes\nport_file = %s\n[log]\nlevel = warn\n' \
	"$SRV_DATA" "$TMPDIR/cfg.port" >"$TMPDIR/run.ini"
"$SENDA_SERVER" run --config "$TMPDIR/run.ini" 2>>"$TMPDIR/server.log" &
SRV_PID=$!
for _ in $(seq 1 200); do [ -s "$TMPDIR/cfg.port" ] && break; sleep 0.05; done
expect_exit 0 curl -s "http://127.0.0.1:$(cat "$TMPDIR/cfg.port")/v1/nothing"
expect_contains "configured server answers" '"error":"not_found"' "$out"
srv_stop

# HTTPS with the key from init; the pin matches, another pin does not
"$SENDA_SERVER" run --data "$SRV_DATA" --listen 127.0.0.1:0 --port-file "$TMPDIR/tls.port" \
	2>>"$TMPDIR/server.log" &
SRV_PID=$!
for _ in $(seq 1 200); do [ -s "$TMPDIR/tls.port" ] && break; sleep 0.05; done
port=$(cat "$TMPDIR/tls.port")
expect_exit 0 curl -s -k --pinnedpubkey "$pin" "https://127.0.0.1:$port/v1/nothing"
expect_contains "HTTPS answers" '"error":"not_found"' "$out"
expect_exit 90 curl -s -k --pinnedpubkey "sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=" \
	"https://127.0.0.1:$port/v1/nothing"
curl -s -m 10 "http://127.0.0.1:$port/v1/nothing" && fail "plain HTTP answered on the HTTPS port"
srv_stop
exit 0
