#!/usr/bin/env bash
# server-ingest.sh - `make bench-server`: senda-server's ingest rate with 4
# concurrent clients on loopback (goal: at least 2,000 referrals/s).  Each
# client enrols its own device, sends one interview, then gzip batches of
# 100 signed referrals; the rate counts referrals answered 200, that is,
# durably committed.  Also reports the request bytes per referral.
set -eu
build=${BUILD:-build}
items=${BENCH_ITEMS:-20000}
clients=${BENCH_CLIENTS:-4}
dir=$(mktemp -d "${TMPDIR:-/tmp}/senda-bench.XXXXXX")
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$dir"' EXIT

"$build/senda-server" init --data "$dir/srv" >/dev/null
"$build/senda-server" run --data "$dir/srv" --listen 127.0.0.1:0 --insecure-loopback \
	--port-file "$dir/port" --log-level ${BENCH_LOG:-warn} &
pid=$!
for _ in $(seq 1 100); do [ -s "$dir/port" ] && break; sleep 0.05; done
for _ in $(seq 1 "$clients"); do
	"$build/senda-server" enroll --data "$dir/srv" --team bench --role caseworker |
		sed -n 's/^code: //p'
done >"$dir/codes"
"$build/tools/srv-client" bench "http://127.0.0.1:$(cat "$dir/port")" --code-file "$dir/codes" \
	--clients "$clients" --items "$items" --batch "${BENCH_BATCH:-100}"
"$build/senda-server" status --data "$dir/srv" | sed 's/^/server holds /'
