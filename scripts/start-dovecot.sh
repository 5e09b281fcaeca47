#!/usr/bin/env bash
# Start a throw-away Dovecot IMAP server on 127.0.0.1 with its own config in a temp dir: plaintext
# login allowed (loopback only), one passwd-file user, mail in a Maildir. Prints the IMAP URL as the
# last line of stdout:  imap://USER:PASS@127.0.0.1:PORT/INBOX
#   URL=$(scripts/start-dovecot.sh | tail -1)     # dir: $SHENBAO_IMAP_DIR or a new temp dir
#   scripts/stop-dovecot.sh DIR
# Env: SHENBAO_IMAP_PORT (default: a free port), SHENBAO_IMAP_USER / SHENBAO_IMAP_PASS (gyhlw / shenbao),
# SHENBAO_IMAP_TLS=1: also serve IMAPS with a self-signed certificate for 127.0.0.1 (DIR/cert.pem; give it
# to the client as SHENBAO_IMAP_CAFILE) and print the imaps:// URL instead.
set -euo pipefail

if ! command -v dovecot >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    echo "installing dovecot-imapd (apt-get)…" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -qq dovecot-imapd >&2 || { apt-get update -qq >&2 && apt-get install -y -qq dovecot-imapd >&2; }
  else
    echo "dovecot is not installed; run scripts/install-system.sh as root" >&2; exit 2
  fi
fi
DIR=${SHENBAO_IMAP_DIR:-$(mktemp -d /tmp/shenbao-imap.XXXXXX)}
mkdir -p "$DIR"; DIR=$(cd "$DIR" && pwd)
PORT=${SHENBAO_IMAP_PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')}
IUSER=${SHENBAO_IMAP_USER:-gyhlw}
IPASS=${SHENBAO_IMAP_PASS:-shenbao}

# mail is owned by a non-root account: the caller, or (when root) a system user `shenbaomail`
if [ "$(id -u)" = 0 ]; then
  MUSER=shenbaomail
  id "$MUSER" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$MUSER"
  # dovecot's own unprivileged accounts (the Debian package creates them; make sure)
  id dovecot >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin dovecot
  id dovenull >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin dovenull
  LOGIN_USER=dovenull; INTERNAL_USER=dovecot
else
  MUSER=$(id -un); LOGIN_USER=$MUSER; INTERNAL_USER=$MUSER
fi
MUID=$(id -u "$MUSER"); MGID=$(id -g "$MUSER")
mkdir -p "$DIR/run" "$DIR/state" "$DIR/mail/$IUSER/Maildir"/{cur,new,tmp}
chown -R "$MUID:$MGID" "$DIR/mail"
echo "$IUSER:{PLAIN}$IPASS:$MUID:$MGID::$DIR/mail/$IUSER" > "$DIR/users"
chmod 644 "$DIR/users"

SSL_CONF="ssl = no"
IMAPS_PORT=0
if [ "${SHENBAO_IMAP_TLS:-0}" = 1 ]; then
  IMAPS_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=127.0.0.1" \
    -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" -keyout "$DIR/key.pem" -out "$DIR/cert.pem" 2>/dev/null
  chmod 644 "$DIR/cert.pem"; chmod 600 "$DIR/key.pem"
  SSL_CONF="ssl = yes
ssl_cert = <$DIR/cert.pem
ssl_key = <$DIR/key.pem"
fi

cat > "$DIR/dovecot.conf" <<CONF
# shenbao test IMAP server (loopback only)
base_dir = $DIR/run
state_dir = $DIR/state
log_path = $DIR/dovecot.log
info_log_path = $DIR/dovecot.log
instance_name = shenbao-$PORT
listen = 127.0.0.1
protocols = imap
$SSL_CONF
disable_plaintext_auth = no
auth_mechanisms = plain login
default_login_user = $LOGIN_USER
default_internal_user = $INTERNAL_USER
first_valid_uid = 1
mail_location = maildir:$DIR/mail/%u/Maildir
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $DIR/users
}
userdb {
  driver = passwd-file
  args = username_format=%u $DIR/users
}
service imap-login {
  chroot =
  inet_listener imap {
    address = 127.0.0.1
    port = $PORT
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = $IMAPS_PORT
  }
}
service anvil {
  chroot =
}
service stats {
  unix_listener stats-reader {
    mode = 0666
  }
  unix_listener stats-writer {
    mode = 0666
  }
}
CONF
chmod 755 "$DIR" "$DIR/run" "$DIR/state"
dovecot -c "$DIR/dovecot.conf" </dev/null >>"$DIR/dovecot.log" 2>&1   # free the caller's stdout
echo "$PORT" > "$DIR/port"
for _ in $(seq 1 50); do
  if python3 - "$PORT" <<'PY' 2>/dev/null; then break; fi
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1); ok = s.recv(100).startswith(b"* OK"); s.close()
sys.exit(0 if ok else 1)
PY
  sleep 0.2
done
URL="imap://$IUSER:$IPASS@127.0.0.1:$PORT/INBOX"
if [ "$IMAPS_PORT" != 0 ]; then URL="imaps://$IUSER:$IPASS@127.0.0.1:$IMAPS_PORT/INBOX"; fi
echo "$URL" > "$DIR/url"
echo "dovecot dir: $DIR (stop: scripts/stop-dovecot.sh $DIR)" >&2
echo "$URL"
