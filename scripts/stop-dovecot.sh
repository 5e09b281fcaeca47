#!/usr/bin/env bash
# Stop a Dovecot started by scripts/start-dovecot.sh:  scripts/stop-dovecot.sh DIR [--rm]
set -euo pipefail
DIR=${1:?dovecot dir}
doveadm -c "$DIR/dovecot.conf" stop >/dev/null 2>&1 || \
  { [ -f "$DIR/run/master.pid" ] && kill "$(cat "$DIR/run/master.pid")" 2>/dev/null; } || true
if [ "${2:-}" = "--rm" ]; then rm -rf "$DIR"; fi
