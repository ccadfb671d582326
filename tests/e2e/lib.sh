# lib.sh - helpers for end-to-end tests; source it first thing.
# Each test runs with a fresh HOME and TMPDIR (see tests/run), so files made
# under $TMPDIR vanish with the run.  Functions fail the test with a message
# naming what was expected and what came.
# No pipefail: `echo "$out" | grep -q X` would fail at random when grep
# exits early and echo takes SIGPIPE.  fail() below catches subshells.
set -u

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

# ---------------------------------------------------------------------------
# tmux helpers (owned by the console tests, t3xxx).  A private server per
# test (-L socket, -f /dev/null), an 80x24 window, text sent literally with
# send-keys -l, and waiting for a marker on screen instead of sleeping.
#
#   tmux_start CMD...        run CMD in a fresh 80x24 pane (kept after exit)
#   tmux_text TEXT           type TEXT literally
#   tmux_keys KEY...         press keys by tmux name: Enter Escape F10 C-u BSpace
#   tmux_screen              print the pane as text
#   tmux_wait TEXT [SECS]    wait until TEXT is on screen, else fail showing it
#   tmux_wait_gone TEXT [SECS]
#   tmux_resize COLS ROWS    resize the window (the program gets SIGWINCH)
#   tmux_pid                 pid of the program in the pane
#   tmux_dead                true when the program has exited
#   tmux_exit_status         wait for the program to end, print its status
#   tmux_stop                kill the private server (done on exit too)

TMUX_SOCK=senda-test-$$
TMUX_WAIT=${TMUX_WAIT:-20}
[ -n "${SAN:-}" ] && TMUX_WAIT=60

tmux_() {
	tmux -L "$TMUX_SOCK" -f /dev/null "$@"
}

tmux_stop() {
	tmux_ kill-server 2>/dev/null || true
}

tmux_start() {
	tmux_stop
	trap tmux_stop EXIT
	TMUX_RC=$TMPDIR/.tmux-rc.$$
	rm -f "$TMUX_RC"
	# A small shell runs the program and writes its exit status to a file:
	# tmux sometimes leaves a finished pane unreaped, without a status.
	tmux_ new-session -d -x 80 -y 24 -s main \
		"$(printf '%q ' sh -c '"$@"; echo $? >"$0"' "$TMUX_RC" "$@")" ||
		fail "tmux could not start: $*"
	tmux_ set-option -g remain-on-exit on >/dev/null
	tmux_ set-option -g status off >/dev/null
}

tmux_text() {
	tmux_ send-keys -t main -l -- "$1"
}

tmux_keys() {
	tmux_ send-keys -t main "$@"
}

tmux_screen() {
	tmux_ capture-pane -t main -p
}

tmux_wait() {
	local want=$1 secs=${2:-$TMUX_WAIT} i=0 scr
	while :; do
		scr=$(tmux_screen 2>/dev/null) || scr=
		case $scr in *"$want"*) return 0 ;; esac
		i=$((i + 1))
		if [ $i -gt $((secs * 20)) ]; then
			printf '%s\n' "--- screen ---" "$scr" "--------------" >&2
			fail "waited ${secs}s for [$want] on screen"
		fi
		sleep 0.05
	done
}

tmux_wait_gone() {
	local want=$1 secs=${2:-$TMUX_WAIT} i=0 scr
	while :; do
		scr=$(tmux_screen 2>/dev/null) || scr=
		case $scr in *"$want"*) ;; *) return 0 ;; esac
		i=$((i + 1))
		if [ $i -gt $((secs * 20)) ]; then
			printf '%s\n' "--- screen ---" "$scr" "--------------" >&2
			fail "waited ${secs}s for [$want] to go"
		fi
		sleep 0.05
	done
}

tmux_resize() {
	tmux_ resize-window -t main -x "$1" -y "$2"
}

# The program's pid (the child of the pane's shell).
tmux_pid() {
	local sh i=0 pid
	sh=$(tmux_ display-message -t main -p '#{pane_pid}')
	while :; do
		pid=$(pgrep -P "$sh" | head -n 1)
		[ -n "$pid" ] && { echo "$pid"; return 0; }
		i=$((i + 1)); [ $i -lt 100 ] || fail "no program running in the pane"
		sleep 0.05
	done
}

tmux_dead() {
	[ -s "$TMUX_RC" ]
}

# tmux_exit_status: wait for the program to end; print its exit status.
tmux_exit_status() {
	local i=0
	until tmux_dead; do
		i=$((i + 1))
		if [ $i -ge $((TMUX_WAIT * 20)) ]; then
			printf '%s\n' "--- screen ---" "$(tmux_screen 2>&1)" "--------------" >&2
			fail "the program in the pane did not end"
		fi
		sleep 0.05
	done
	cat "$TMUX_RC"
}

# console_setup [FORMS_DIR] [EXTRA_INI]: a store in $SENDA_HOME made with the
# passphrase in $PASS, a config in $CFG with a cheap key derivation, the
# forms folder (default: the console's test forms) and any extra INI text.
console_setup() {
	export SENDA_HOME=$TMPDIR/data
	PASS=${PASS:-correct horse battery}
	CFG=$TMPDIR/console.ini
	cat >"$CFG" <<INI
[store]
kdf_memory = 64
kdf_iterations = 1
[forms]
dir = ${1:-$TOP/tests/forms/console}
${2:-}
INI
	printf '%s\n' "$PASS" | "$SENDA" --config "$CFG" --passphrase-fd 0 init >/dev/null ||
		fail "senda init failed"
}
