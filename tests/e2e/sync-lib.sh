# sync-lib.sh - helpers for the sync end-to-end tests (t45xx-t49xx): a
# senda-server on loopback, the fault proxy in front of it, and senda
# clients each with its own store.  Source after lib.sh.
#
#   srv_start            init + run a server; sets SRV_DIR SRV_URL SRV_PID
#                        (SRV_TLS=1: HTTPS with the key made by init;
#                        SRV_DIR may name another data directory)
#   srv_stop             SIGTERM and wait
#   proxy_start ARGS...  faultproxy in front of the server; sets PROXY_URL
#   proxy_stop           SIGTERM, wait; stats in $TMPDIR/proxy.stats
#   client_new NAME [TEAM [ROLE]]   a store + enrolment; client NAME ...
#   client NAME ARGS...  run senda as that client (passphrase on fd 0)
#   fill NAME ARGS...    sync-fill on that client's store (ids in $TMPDIR/NAME.ids)
#   srv_check NAME...    sync-srvcheck over those clients' ids (server stopped)
#   log_wait FILE RE [N [SECONDS]]  until FILE has N lines matching RE
#   watch_stop_delivered PID  a batch stored, then SIGTERM a sync --watch

TOOLS=$BUILD/tools
SYNC_PASS=correct-horse-battery

wait_file() {	# wait_file FILE [SECONDS]
	local i
	for ((i = 0; i < ${2:-10} * 20; i++)); do
		[ -s "$1" ] && return 0
		sleep 0.05
	done
	fail "$1 did not appear"
}

srv_start() {
	SRV_DIR=${SRV_DIR:-$TMPDIR/srv}
	if [ ! -d "$SRV_DIR" ]; then
		"$SENDA_SERVER" init --data "$SRV_DIR" >/dev/null || fail "senda-server init"
	fi
	rm -f "$SRV_DIR/port"
	local plain=--insecure-loopback scheme=http
	[ "${SRV_TLS:-0}" = 1 ] && plain= && scheme=https
	"$SENDA_SERVER" run --data "$SRV_DIR" --listen "127.0.0.1:${SRV_PORT:-0}" \
		$plain --port-file "$SRV_DIR/port" "$@" >>"$TMPDIR/srv.log" 2>&1 &
	SRV_PID=$!
	echo "$SRV_PID" >"$TMPDIR/srv.pid"
	wait_file "$SRV_DIR/port"
	SRV_PORT=$(cat "$SRV_DIR/port")
	SRV_URL=$scheme://127.0.0.1:$SRV_PORT
}

srv_stop() {
	[ -n "${SRV_PID:-}" ] || return 0
	kill -TERM "$SRV_PID" 2>/dev/null
	wait "$SRV_PID" 2>/dev/null
	# Started by a subshell (the soak's killer): not our child to wait for.
	while kill -0 "$SRV_PID" 2>/dev/null; do sleep 0.05; done
	SRV_PID=
}

proxy_start() {
	rm -f "$TMPDIR/proxy.port"
	"$TOOLS/faultproxy" --target "127.0.0.1:$SRV_PORT" --port-file "$TMPDIR/proxy.port" \
		--stats "$TMPDIR/proxy.stats" "$@" 2>>"$TMPDIR/proxy.log" &
	PROXY_PID=$!
	wait_file "$TMPDIR/proxy.port"
	PROXY_URL=http://127.0.0.1:$(cat "$TMPDIR/proxy.port")
}

proxy_stop() {
	[ -n "${PROXY_PID:-}" ] || return 0
	kill -TERM "$PROXY_PID" 2>/dev/null
	wait "$PROXY_PID" 2>/dev/null
	PROXY_PID=
}

# proxy_stat KEY: a counter from the proxy's stats file.
proxy_stat() {
	awk -v k="$1" '$1 == k { print $2 }' "$TMPDIR/proxy.stats"
}

sync_cleanup() {
	proxy_stop
	srv_stop
}
trap 'rc=$?; sync_cleanup; [ -e "$TMPDIR/.test-failed" ] && exit 1; exit $rc' EXIT

client_new() {	# client_new NAME [TEAM [ROLE [ENROLL-OPTION...]]]
	local name=$1 team=${2:-t1} role=${3:-caseworker} code
	shift $(($# < 3 ? $# : 3))
	mkdir -p "$TMPDIR/$name"
	cat >"$TMPDIR/$name.ini" <<INI
[store]
kdf_memory = 64
kdf_iterations = 1
[sync]
timeout = 10s
INI
	echo "$SYNC_PASS" | "$TOOLS/sync-fill" --dir "$TMPDIR/$name/data" --create \
		--interviews 0 || fail "creating the store of $name"
	code=$("$SENDA_SERVER" enroll --data "$SRV_DIR" --team "$team" --role "$role" |
		awk '/^code:/ { print $2 }')
	[ -n "$code" ] || fail "senda-server enroll gave no code"
	client "$name" enroll "$@" "$SRV_URL" "$code" >/dev/null || fail "enrolling $name"
}

client() {	# client NAME ARGS...
	local name=$1
	shift
	echo "$SYNC_PASS" | SENDA_HOME=$TMPDIR/$name/data \
		"$SENDA" --config "$TMPDIR/$name.ini" --passphrase-fd 0 "$@"
}

# console NAME: NAME's console in tmux (lib.sh's tmux_*), unlocked, at the
# case list; the pane is stopped with the server on exit.
console() {
	SENDA_HOME=$TMPDIR/$1/data tmux_start "$SENDA" --config "$TMPDIR/$1.ini"
	trap 'rc=$?; tmux_stop; sync_cleanup; [ -e "$TMPDIR/.test-failed" ] && exit 1; exit $rc' EXIT
	tmux_wait "Passphrase:"
	tmux_text "$SYNC_PASS"
	tmux_keys Enter
	tmux_wait "Interviews"
}

fill() {	# fill NAME ARGS...
	local name=$1
	shift
	echo "$SYNC_PASS" | "$TOOLS/sync-fill" --dir "$TMPDIR/$name/data" \
		--ids "$TMPDIR/$name.ids" "$@" || fail "filling the outbox of $name"
}

# ledger_count NAME STATE [KIND]: items of the client's ledger in that state,
# of that kind; without KIND, every kind but audit (the device's audit trail
# rides along with whatever a pass sends, so its items come and go).
ledger_count() {
	client "$1" sync log --all | awk -v s="$2" -v k="${3:-}" \
		'$3 == s && (k == "" ? $2 != "audit" : $2 == k) { n++ } END { print n + 0 }'
}

# srv_check NAME...: the server holds each item the clients' fills queued
# exactly once, and besides them only the audit items their ledgers show
# delivered (and SRV_CHECK_EXTRA more, sent by other means).  Run after srv_stop.
srv_check() {
	local extra=${SRV_CHECK_EXTRA:-0} c n ids=()
	for c; do
		n=$(ledger_count "$c" delivered audit)
		extra=$((extra + n))
		ids+=("$TMPDIR/$c.ids")
	done
	"$TOOLS/sync-srvcheck" --data "$SRV_DIR" --extra "$extra" "${ids[@]}"
}

# log_wait FILE REGEX [COUNT [SECONDS]]: wait until FILE holds COUNT (1)
# lines matching REGEX; false after SECONDS (15).
log_wait() {
	local i
	for ((i = 0; i < ${4:-15} * 10; i++)); do
		[ "$(grep -c -- "$2" "$1" 2>/dev/null)" -ge "${3:-1}" ] && return 0
		sleep 0.1
	done
	return 1
}

# watch_stop_delivered PID: once the server stored a batch, stop that
# `senda sync --watch` with SIGTERM; it must end cleanly (exit 0).
watch_stop_delivered() {
	local rc=0
	log_wait "$TMPDIR/srv.log" 'POST /v1/batches -> 200' 1 30
	kill -TERM "$1"
	wait "$1" || rc=$?
	expect_eq "--watch exit on SIGTERM" 0 "$rc"
}
