#!/usr/bin/env bash
# demo.sh SENDA - what `make run` does: start the console as a new user
# would see it.  (The console issue extends this to create a demo store.)
set -eu
exec "$1"
