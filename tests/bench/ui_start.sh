#!/usr/bin/env bash
# ui_start.sh SENDA - start-up to the unlock prompt (issue 6: goal < 50 ms):
# the console on an existing store, driven by a key script that only checks
# the prompt is drawn, run 30 times; prints the median and worst wall time
# and the CPU time per start.  The machines are shared: under load the wall
# time mostly measures waiting for a core, so the goal is checked against
# the CPU time (user + system) per start.
set -eu
senda=$1

# CPU milliseconds used by finished children of this shell so far (times
# must run in this shell, not in a $(...) subshell).
cpu_ms() {
	times >"$dir/times"		# 2nd line: children "0m0.010s 0m0.020s"
	awk 'NR == 2 { n = 0; for (i = 1; i <= 2; i++) { split($i, a, "m");
		sub("s", "", a[2]); n += a[1] * 60000 + a[2] * 1000 } printf "%d", n }' "$dir/times"
}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
export SENDA_HOME=$dir/data
printf '[store]\nkdf_memory = 64\nkdf_iterations = 1\n[forms]\ndir = %s\n' \
	"$(pwd)/forms" >"$dir/c.ini"
printf 'pass\n' | "$senda" --config "$dir/c.ini" --passphrase-fd 0 init >/dev/null
printf 'expect Passphrase:\n' >"$dir/k"
cpu_ms >"$dir/cpu0"; cpu_before=$(cat "$dir/cpu0")
times=()
for i in $(seq 30); do
	t0=${EPOCHREALTIME/./}		# microseconds, no fork
	SENDA_KEYS=$dir/k "$senda" --config "$dir/c.ini" || { echo "ui-start: failed" >&2; exit 1; }
	t1=${EPOCHREALTIME/./}
	times+=($((t1 - t0)))
done
cpu_ms >"$dir/cpu1"; cpu=$(( ($(cat "$dir/cpu1") - cpu_before) / 30 ))
sorted=($(printf '%s\n' "${times[@]}" | sort -n))
med=${sorted[15]} max=${sorted[29]}
printf 'ui: start-up to the unlock prompt: median %d.%03d ms  max %d.%03d ms wall, %d ms CPU per start  (30 runs; goal < 50 ms)\n' \
	$((med / 1000)) $((med % 1000)) $((max / 1000)) $((max % 1000)) "$cpu"
[ "$cpu" -lt 50 ]
