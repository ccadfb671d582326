#!/usr/bin/env bash
# demo.sh SENDA - what `make run` does: the console on a demo store.
#
# The first run makes demo/ (git-ignored) with a config (a cheap key
# derivation, the shipped forms), a store protected by the demo passphrase
# printed below, and a few draft interviews typed in through the console's
# own key-script driver.  Later runs reuse it.  The demo passphrase is for
# trying senda out only: never put real interviews in demo/.
set -eu
senda=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
top=$(cd "$(dirname "$0")/../.." && pwd)
# SENDA_DEMO_DIR lets the test of `make run` work outside the tree.
demo=${SENDA_DEMO_DIR:-$top/demo}
pass="demo passphrase"
export SENDA_HOME=$demo/data
cfg=$demo/senda.ini

if [ ! -f "$SENDA_HOME/senda.keys" ]; then
	mkdir -p "$demo"
	chmod 700 "$demo"
	cat >"$cfg" <<INI
; Demo configuration made by tests/tools/demo.sh (make run).
[store]
kdf_memory = 1024
kdf_iterations = 1
[forms]
dir = $top/forms
[console]
language = en
idle_lock = 5m
INI
	printf '%s\n' "$pass" | "$senda" --config "$cfg" --passphrase-fd 0 init >/dev/null
	# Sample drafts, typed through the console like a caseworker would.
	sample() {	# $1 = language number in the intake form, $2 given, $3 family
		local keys=$demo/.sample.keys
		cat >"$keys" <<KEYS
key n
expect Intake
key End Enter
type $1
key Enter
key Enter
type y
type y
type y
type y
type y
type y
type y
type y
type y
type $2
key Enter
type $3
key Enter
key Esc
KEYS
		printf '%s\n' "$pass" | SENDA_KEYS=$keys "$senda" --config "$cfg" \
			--passphrase-fd 0 >/dev/null 2>&1 || echo "demo.sh: sample interview not completed (form changed?)" >&2
		rm -f "$keys"
	}
	sample 2 "María" "Hernández"
	sample 1 "Jean" "Baptiste"
	sample 2 "Yolanda" "Cruz"
fi

cat <<MSG
senda demo store in $demo
The demo passphrase is:  $pass
(keys: F1 help, n new interview, Enter open, q quit)
MSG
# Give a person time to read the passphrase before the console clears the
# screen; a script (no terminal) goes straight on.
if [ -t 0 ] && [ -t 1 ]; then
	read -r -p "Press Enter to open the console..." _ || true
fi
exec "$senda" --config "$cfg"
