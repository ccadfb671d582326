#!/usr/bin/env bash
# The systemd units for unattended sync never read the store passphrase
# from a plaintext file: it comes from an encrypted systemd credential on
# file descriptor 3.  Checks the shipped units (systemd-analyze verify when
# the machine has it), that every option their senda command line uses
# exists, and runs that very command line the way systemd would (a private
# credentials directory) against a real server.
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/e2e/sync-lib.sh"

svc=$TOP/dist/systemd/senda-sync@.service
tmr=$TOP/dist/systemd/senda-sync@.timer
[ -f "$svc" ] && [ -f "$tmr" ] || fail "senda-sync@.service/.timer missing"
for old in senda-sync.service senda-sync.timer; do
	[ ! -e "$TOP/dist/systemd/$old" ] || fail "$old (passphrase in a plaintext file) still shipped"
done

# No unit hands senda a passphrase file or standard input from a file (a
# file in the credentials directory, decrypted in memory by systemd, is fine).
if grep -nE '^[^#]*(StandardInput=file:|--passphrase-file +[^$%]|\.config/senda/passphrase|^Environment=.*PASS)' \
	"$TOP"/dist/systemd/*.service; then
	fail "a unit reads a passphrase from a plaintext file"
fi
keys() { grep -E "^$1=" "$svc" | sed "s/^$1=//"; }
expect_eq "runs as the instance's user" "%i" "$(keys User)"
cred=$(keys LoadCredentialEncrypted)
name=${cred%%:*}
[ -n "$name" ] && [ "$name" != "$cred" ] || fail "no LoadCredentialEncrypted=NAME:FILE"
for h in NoNewPrivileges=yes ProtectSystem=strict PrivateTmp=yes LimitCORE=0 \
	CapabilityBoundingSet= UMask=0077 SuccessExitStatus=75; do
	grep -qx "$h" "$svc" || fail "missing hardening/exit setting $h"
done

exec_start=$(keys ExecStart)
case $exec_start in
"/bin/sh -c 'exec /usr/local/bin/senda "*" --passphrase-fd 3 3<\"\$\${CREDENTIALS_DIRECTORY}/$name\"'") ;;
*) fail "ExecStart does not read credential $name on fd 3: $exec_start" ;;
esac
# Every option of the senda command line exists (senda --help, senda help sync).
cmdline=${exec_start#*exec /usr/local/bin/senda }
cmdline=${cmdline%% 3<*}
usage="$("$SENDA" --help) $("$SENDA" help sync)"
for w in $cmdline; do
	case $w in
	--*) expect_contains "option $w documented" "$w" "$usage" ;;
	[0-9]*) ;;
	sync) ;;
	*) fail "unexpected word '$w' in ExecStart" ;;
	esac
done

if command -v systemd-analyze >/dev/null; then
	# verify wants an instance; it may complain about man pages not installed here.
	mkdir -p "$TMPDIR/units"
	cp "$svc" "$TMPDIR/units/senda-sync@maria.service"
	cp "$tmr" "$TMPDIR/units/senda-sync@maria.timer"
	v=$(cd "$TMPDIR/units" && systemd-analyze verify senda-sync@maria.service \
		senda-sync@maria.timer 2>&1 | grep -v "Command 'man " || true)
	expect_eq "systemd-analyze verify" "" "$v"
fi

# The command line as systemd runs it: $$ is a literal $, the credential a
# file in a directory of its own.
srv_start
client_new c1
fill c1 --interviews 2 --referrals 1
mkdir -p "$TMPDIR/creds"
printf '%s\n' "$SYNC_PASS" >"$TMPDIR/creds/$name"
chmod 0400 "$TMPDIR/creds/$name"
line=${exec_start//\$\$/\$}
line=${line//\/usr\/local\/bin\/senda/$SENDA --config $TMPDIR/c1.ini}
inner=${line#/bin/sh -c \'}
inner=${inner%\'}
expect_exit 0 env CREDENTIALS_DIRECTORY="$TMPDIR/creds" SENDA_HOME="$TMPDIR/c1/data" \
	/bin/sh -c "$inner" </dev/null
expect_eq "quiet under the timer" "" "$out$err"
expect_eq "delivered" 4 "$(ledger_count c1 delivered)"
