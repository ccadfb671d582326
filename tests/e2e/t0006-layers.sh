#!/usr/bin/env bash
# The architecture's two rules, checked on the source tree
# (docs/architecture.md): each external library is included from exactly
# one module, and each module includes only the modules below it.  A
# curses call creeping into app, or store reaching up into sync, fails
# here instead of in review.
. "$TOP/tests/e2e/lib.sh"
cd "$TOP/src" || fail "no src directory"

# header  module that alone may include it
owners='
sqlite3.h        store
gcrypt.h         crypto
curses.h         ui
ncurses.h        ui
ncursesw/curses.h ui
curl/curl.h      sync
microhttpd.h     server
libpq-fe.h       server
iniparser.h      ini
dictionary.h     ini
zlib.h           proto
'
while read -r header owner; do
	[ -n "$header" ] || continue
	for f in $(grep -rlF "#include <$header>" . || true); do
		mod=${f#./}
		mod=${mod%%/*}
		[ "$mod" = "$owner" ] ||
			fail "src/${f#./} includes <$header>, which only $owner may include"
	done
done <<<"$owners"
for f in $(grep -rlE '\biniparser_[a-z]+\(' . || true); do
	case $f in ./ini/*) ;; *) fail "src/${f#./} calls iniparser outside ini" ;; esac
done

# module  the modules it may include besides itself (docs/architecture.md)
allowed='
util
ini     util
crypto  util
form    ini util
proto   crypto util
store   crypto util
sync    proto store crypto util
app     form store sync proto crypto util
ui      app form util
server  form store proto crypto ini util
cli     ui app form store sync proto crypto ini util
main    cli server util
'
declare -A may
while read -r mod deps; do
	[ -n "$mod" ] || continue
	may[$mod]=" $deps "
done <<<"$allowed"

for dir in */; do
	mod=${dir%/}
	[ -n "${may[$mod]+x}" ] || fail "module src/$mod is not in this test's layer table"
	while IFS=: read -r file _ line; do
		dep=$(sed -n 's/.*#include "\([a-z_]*\)\/.*/\1/p' <<<"$line")
		[ -n "$dep" ] && [ "$dep" != "$mod" ] || continue
		[[ ${may[$mod]} == *" $dep "* ]] ||
			fail "src/$file includes $dep/, but $mod may only use:${may[$mod]}"
	done < <(grep -rn '#include "' "$mod" || true)
done
exit 0
