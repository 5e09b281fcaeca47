#!/usr/bin/env bash
# Start a throw-away PostgreSQL cluster on 127.0.0.1 as a non-root user, create database `shenbao`,
# and print its SQLAlchemy URL as the last line of stdout.
#   URL=$(scripts/start-postgres.sh | tail -1)          # data dir: $SHENBAO_PG_DIR or a new temp dir
#   scripts/stop-postgres.sh DIR                        # stop it (DIR is printed on stderr, and in $DIR/url)
# Env: SHENBAO_PG_DIR (data dir), SHENBAO_PG_PORT (default: a free port), SHENBAO_PG_USER (OS user to run as
# when started as root; default postgres, created if missing).
set -euo pipefail

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }
if [ -z "$(pg_bin)" ] || [ ! -x "$(pg_bin)/initdb" ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "installing postgresql (apt-get)…" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -qq postgresql >&2 || { apt-get update -qq >&2 && apt-get install -y -qq postgresql >&2; }
  else
    echo "postgresql is not installed; run scripts/install-system.sh as root" >&2; exit 2
  fi
fi
BIN=$(pg_bin)
DIR=${SHENBAO_PG_DIR:-$(mktemp -d /tmp/shenbao-pg.XXXXXX)}
mkdir -p "$DIR"
PORT=${SHENBAO_PG_PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')}
PASS=shenbao

if [ "$(id -u)" = 0 ]; then
  RUNAS=${SHENBAO_PG_USER:-postgres}
  id "$RUNAS" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$RUNAS"
  chown -R "$RUNAS" "$DIR"
  chmod 700 "$DIR"
  as() { runuser -u "$RUNAS" -- "$@"; }
else
  as() { "$@"; }
fi

if [ ! -f "$DIR/data/PG_VERSION" ]; then
  as bash -c "printf '%s\n' '$PASS' > '$DIR/pwfile'"
  as "$BIN/initdb" -D "$DIR/data" -U shenbao --pwfile="$DIR/pwfile" -A scram-sha-256 -E UTF8 --no-sync \
     --locale=C.UTF-8 >"$DIR/initdb.log" 2>&1 || { cat "$DIR/initdb.log" >&2; exit 1; }
fi
if ! as "$BIN/pg_ctl" -D "$DIR/data" status >/dev/null 2>&1; then
  as "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/postgres.log" -w -t 60 start \
     -o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1 -c fsync=off" >&2 \
     || { cat "$DIR/postgres.log" >&2; exit 1; }
else
  PORT=$(cat "$DIR/port")
fi
echo "$PORT" > "$DIR/port"
export PGPASSWORD=$PASS
if ! "$BIN/psql" -h 127.0.0.1 -p "$PORT" -U shenbao -d postgres -tAc "select 1 from pg_database where datname='shenbao'" | grep -q 1; then
  "$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U shenbao shenbao
fi
URL="postgresql+psycopg2://shenbao:$PASS@127.0.0.1:$PORT/shenbao"
echo "$URL" > "$DIR/url"
echo "postgres data dir: $DIR (stop: scripts/stop-postgres.sh $DIR)" >&2
echo "$URL"
