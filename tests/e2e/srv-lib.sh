# srv-lib.sh - helpers for senda-server end-to-end tests (t40xx-t44xx):
# start a plain-loopback server on a free port, enrol devices, send signed
# requests with tests/tools/srv-client, stop the server with SIGTERM and
# check it exited cleanly.  Source after lib.sh.

SRV_CLIENT=$BUILD/tools/srv-client
SRV_DATA=$TMPDIR/srv
SRV_PID=

# A cheap key derivation for the test store, so tests stay fast.
SRV_INI=$TMPDIR/srv-test.ini
printf '[store]\nkdf_memory = 64\nkdf_iterations = 1\n' >"$SRV_INI"

# srv_start [extra run options...]: init (once) and run; sets SRV_URL.
srv_start() {
	[ -e "$SRV_DATA/senda.keys" ] ||
		"$SENDA_SERVER" init --config "$SRV_INI" --data "$SRV_DATA" >/dev/null ||
		fail "senda-server init failed"
	rm -f "$SRV_DATA/port"
	"$SENDA_SERVER" run --data "$SRV_DATA" --listen 127.0.0.1:0 --insecure-loopback \
		--port-file "$SRV_DATA/port" "$@" 2>>"$TMPDIR/server.log" &
	SRV_PID=$!
	for _ in $(seq 1 200); do
		[ -s "$SRV_DATA/port" ] && break
		kill -0 "$SRV_PID" 2>/dev/null || fail "server exited: $(tail -3 "$TMPDIR/server.log")"
		sleep 0.05
	done
	[ -s "$SRV_DATA/port" ] || fail "server did not write its port"
	SRV_URL=http://127.0.0.1:$(cat "$SRV_DATA/port")
}

# srv_stop: SIGTERM, and the server must exit 0.
srv_stop() {
	[ -n "$SRV_PID" ] || return 0
	kill -TERM "$SRV_PID"
	local rc=0
	wait "$SRV_PID" || rc=$?
	SRV_PID=
	[ "$rc" = 0 ] || fail "server exited $rc after SIGTERM: $(tail -3 "$TMPDIR/server.log")"
}
trap 'rc=$?; [ -n "$SRV_PID" ] && kill -9 "$SRV_PID" 2>/dev/null; [ -e "$TMPDIR/.test-failed" ] && exit 1; exit $rc' EXIT

# srv_code TEAM ROLE: print a fresh enrolment code.
srv_code() {
	"$SENDA_SERVER" enroll --data "$SRV_DATA" --team "$1" --role "$2" | sed -n 's/^code: //p'
}

# srv_device NAME TEAM ROLE: key in $TMPDIR/NAME.key, device id in $TMPDIR/NAME.id.
srv_device() {
	local code
	code=$(srv_code "$2" "$3")
	[ -n "$code" ] || fail "no enrolment code"
	"$SRV_CLIENT" keygen "$TMPDIR/$1.key" || fail "keygen"
	"$SRV_CLIENT" enroll "$SRV_URL" "$code" "$TMPDIR/$1.key" >"$TMPDIR/$1.id" ||
		fail "enrolment of $1 failed"
}

dev_id() { cat "$TMPDIR/$1.id"; }

# req NAME METHOD URI [srv-client options]: signed request as device NAME;
# sets $status and $body (first answer).
req() {
	local name=$1 method=$2 uri=$3 line
	shift 3
	line=$("$SRV_CLIENT" request "$SRV_URL" "$method" "$uri" "$TMPDIR/$name.key" \
		"$(dev_id "$name")" "$@" | head -1)
	status=${line%% *}
	body=${line#* }
}

# expect_status WHAT CODE: check $status.
expect_status() {
	[ "$status" = "$2" ] || fail "$1: expected HTTP $2, got $status: $body"
}
