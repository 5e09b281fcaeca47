#!/usr/bin/env bash
# Stop a cluster started by scripts/start-postgres.sh:  scripts/stop-postgres.sh DIR [--rm]
set -euo pipefail
DIR=${1:?data dir}
BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
OWNER=$(stat -c %U "$DIR/data")
if [ "$(id -u)" = 0 ] && [ "$OWNER" != root ]; then
  runuser -u "$OWNER" -- "$BIN/pg_ctl" -D "$DIR/data" -m fast -w stop >&2 || true
else
  "$BIN/pg_ctl" -D "$DIR/data" -m fast -w stop >&2 || true
fi
if [ "${2:-}" = "--rm" ]; then rm -rf "$DIR"; fi
