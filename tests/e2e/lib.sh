# lib.sh - helpers for end-to-end tests; source it first thing.
# Each test runs with a fresh HOME and TMPDIR (see tests/run), so files made
# under $TMPDIR vanish with the run.  Functions fail the test with a message
# naming what was expected and what came.
set -u -o pipefail

# fail MESSAGE: fail the test.  It also leaves a mark, so that a failure
# inside a pipeline or $(...) subshell still fails the whole script.
fail() {
	echo "FAIL: $*" >&2
	: >"$TMPDIR/.test-failed"
	exit 1
}
trap 'rc=$?; [ -e "$TMPDIR/.test-failed" ] && exit 1; exit $rc' EXIT

# expect_exit N CMD...: run CMD, require exit status N; output in $out/$err.
expect_exit() {
	local want=$1 got
	shift
	out=$("$@" 2>"$TMPDIR/.stderr") && got=0 || got=$?
	err=$(cat "$TMPDIR/.stderr")
	[ "$got" = "$want" ] || fail "'$*' exited $got, expected $want; stderr: $err"
}

# expect_eq WHAT EXPECTED ACTUAL
expect_eq() {
	[ "$2" = "$3" ] || fail "$1: expected [$2], got [$3]"
}

# expect_contains WHAT NEEDLE HAYSTACK
expect_contains() {
	case $3 in *"$2"*) ;; *) fail "$1: [$2] not found in [$3]" ;; esac
}

# A config with a cheap key derivation, so tests stay fast under ASan.
# Usage: cfg=$(test_config) ; $SENDA --config "$cfg" ...
test_config() {
	local f=$TMPDIR/senda-test.ini
	cat >"$f" <<'INI'
[store]
kdf_memory = 64
kdf_iterations = 1
INI
	echo "$f"
}
