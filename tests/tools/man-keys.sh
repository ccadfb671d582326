#!/usr/bin/env bash
# man-keys.sh SENDA - print the KEYS section of senda(1) in roff, made from
# the console's action table (`senda console --keys`), so the man page and
# the program cannot disagree.  tests/e2e/t0004-man-keys.sh checks it.
set -eu
"$1" console --keys | awk '
	/^### / { sub(/^### /, ""); printf ".SS %s\n", $0; next }
	/^\| *Keys/ || /^\|---/ || !/^\|/ { next }
	{
		n = split($0, f, "|")
		keys = f[2]; action = f[3]; what = f[4]
		gsub(/^ +| +$/, "", keys); gsub(/^ +| +$/, "", action); gsub(/^ +| +$/, "", what)
		gsub(/`/, "", action); gsub(/\\/, "\\\\", keys); gsub(/\\/, "\\\\", what)
		printf ".TP\n.B %s\n%s (\\fI%s\\fR)\n", keys, what, action
	}'
