#!/usr/bin/env bash
# Every kind of config problem is one exact FILE:LINE: message, exit 2, and
# nothing from the file is applied.
. "$TOP/tests/e2e/lib.sh"

cfg=$TMPDIR/senda.ini
check() {	# check NAME EXPECTED-MESSAGE  (config text on stdin)
	cat >"$cfg"
	expect_exit 2 "$SENDA" --config "$cfg" config show
	expect_eq "$1" "$cfg:$2" "$err"
	[ -z "$out" ] || fail "$1: printed settings although the file is bad"
}

printf '[console]\nlanguage = es\nthis is not ini\n' |
	check "syntax error" "3: syntax error: expected 'key = value' or '[section]'"
printf '[console]\nidle_lock = 10m\nidle_lock = 20m\n' |
	check "duplicate key" "3: duplicate key 'idle_lock' in [console] (first at line 2)"
printf '[console]\ncolour = blue\n' |
	check "unknown key" "2: unknown key 'colour' in [console]"
printf '[console]\nlanguage = es\n[bogus]\nx = 1\n' |
	check "unknown section" "3: unknown section [bogus]"
printf '[sync]\nbatch_size = 12x\n' |
	check "bad integer" "2: batch_size: '12x' is not a whole number"
printf '[sync]\nbatch_size = 010\n' |
	check "octal-looking integer" "2: batch_size: '010' is not a whole number"
printf '[sync]\nbatch_size = 100000\n' |
	check "out of range" "2: batch_size: 100000 is out of range (1 to 500)"
{ printf '[sync]\nserver = "'; head -c 1100 /dev/zero | tr '\0' a; printf '"\n'; } |
	check "long line" "2: line is 1111 bytes long; the limit is 1022"
printf '[sync]\nserver = https://example.org/#frag\n' |
	check "unquoted #" "2: unquoted '#' in the value of 'server' would cut it there; put the value in double quotes"
printf '[console]\nlanguage = es\nLanguage = en\n' |
	check "case collision" "3: key 'Language' differs from 'language' (line 2) only by case"
printf '[console]\nidle_lock = soon\n' |
	check "bad duration" "2: idle_lock: 'soon' is not a duration (like 90, 30s, 5m, 2h, 1d)"
printf '[keys]\nbogus_action = x\n' |
	check "unknown action" "2: bogus_action: unknown action 'bogus_action'; see the console's help (F1)"
printf '[console]\nlanguage = de\n' |
	check "bad enum" "2: language: 'de' is not one of en|es"

# A good file applies, and config show says where each value came from.
printf '[console]\nlanguage = es\n\n[sync]\nbatch_size = 20\n' >"$cfg"
expect_exit 0 "$SENDA" --config "$cfg" --set sync.timeout=45s config show
echo "$out" | grep -q "^console.language *= es *($cfg:2)$" || fail "origin of language: $out"
echo "$out" | grep -q "^sync.batch_size *= 20 *($cfg:5)$" || fail "origin of batch_size: $out"
echo "$out" | grep -q "^sync.timeout *= 45s *(command line)$" || fail "origin of timeout: $out"
echo "$out" | grep -q "^console.idle_lock *= 5m *(default)$" || fail "default idle_lock: $out"

# Without XDG variables: ~/.config/senda/senda.ini and ~/.local/share/senda.
mkdir -p "$HOME/.config/senda"
printf '[console]\nidle_lock = 7m\n' >"$HOME/.config/senda/senda.ini"
expect_exit 0 "$SENDA" config show
echo "$out" | grep -q "^# config file: $HOME/.config/senda/senda.ini$" || fail "default config path: $out"
echo "$out" | grep -q "^# data directory: $HOME/.local/share/senda$" || fail "default data dir: $out"
echo "$out" | grep -q "^console.idle_lock *= 7m *($HOME/.config/senda/senda.ini:2)$" || fail "default config not read: $out"
XDG_DATA_HOME=$HOME/xdgdata expect_exit 0 "$SENDA" config show
echo "$out" | grep -q "^# data directory: $HOME/xdgdata/senda$" || fail "XDG_DATA_HOME: $out"
SENDA_HOME=$HOME/sh XDG_DATA_HOME=$HOME/xdgdata expect_exit 0 "$SENDA" config show
echo "$out" | grep -q "^# data directory: $HOME/sh$" || fail "SENDA_HOME wins: $out"
rm "$HOME/.config/senda/senda.ini"

# The default location is $XDG_CONFIG_HOME/senda/senda.ini.
mkdir -p "$HOME/xdg/senda"
printf '[log]\nlevel = debug\n' >"$HOME/xdg/senda/senda.ini"
XDG_CONFIG_HOME=$HOME/xdg expect_exit 0 "$SENDA" config show
echo "$out" | grep -q "^log.level *= debug *($HOME/xdg/senda/senda.ini:2)$" || fail "xdg config: $out"
# ... and a bad --set is one line, exit 2
expect_exit 2 "$SENDA" --set sync.batch_size=0 config show
expect_eq "bad --set" "--set: sync.batch_size: 0 is out of range (1 to 500)" "$err"
exit 0
