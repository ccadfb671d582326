#!/usr/bin/env bash
# The build's promises to a new user: `make deps` is silent when nothing is
# missing and names exactly what is; `make install` honours PREFIX and
# DESTDIR and installs programs, forms and man pages.
. "$TOP/tests/e2e/lib.sh"
cd "$TOP"

out=$(make --no-print-directory -s deps 2>&1) || fail "make deps failed: $out"
[ -z "$out" ] || fail "make deps printed something with nothing missing: $out"

got=$(tests/tools/missing-pkgs gcc no-such-package-senda make)
expect_eq "missing packages" " no-such-package-senda" "$got"

# Not root and something missing: the exact line to run, and a failure.
# (Only where an unprivileged user can read the tree at all.)
if command -v setpriv >/dev/null && [ "$(id -u)" = 0 ] &&
	setpriv --reuid=65534 --regid=65534 --clear-groups test -r "$TOP/Makefile" 2>/dev/null; then
	out=$(setpriv --reuid=65534 --regid=65534 --clear-groups \
		make --no-print-directory -s deps DEB_PKGS="gcc no-such-package-senda" 2>&1) &&
		fail "make deps succeeded as non-root with a package missing"
	expect_contains "non-root deps" "missing packages; run: sudo apt-get install -y no-such-package-senda" "$out"
fi

dest=$TMPDIR/root
make --no-print-directory -s install BUILD="$BUILD" PREFIX=/opt/senda DESTDIR="$dest" >/dev/null ||
	fail "make install failed"
for f in bin/senda bin/senda-server share/man/man1/senda.1; do
	[ -e "$dest/opt/senda/$f" ] || fail "make install did not install $f"
done
[ -x "$dest/opt/senda/bin/senda" ] || fail "senda not executable"
for f in forms/*.ini; do
	[ -e "$f" ] || continue
	[ -e "$dest/opt/senda/share/senda/$f" ] || fail "make install did not install $f"
done
exit 0
