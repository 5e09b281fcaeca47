#!/usr/bin/env bash
# Stop a Dovecot started by scripts/start-dovecot.sh:  scripts/stop-dovecot.sh DIR [--rm]
set -euo pipefail
DIR=${1:?dovecot dir}
PID=$(cat "$DIR/run/master.pid" 2>/dev/null || true)
if [ -n "$PID" ] && kill -TERM "$PID" 2>/dev/null; then
  for _ in $(seq 1 50); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
fi
if [ "${2:-}" = "--rm" ]; then rm -rf "$DIR"; fi
