#!/usr/bin/env bash
# Debian packages the pipeline and its tests need (run as root). Append one apt-get line per need.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get update
# report: headless Chromium for the browser tests, CJK fonts for report.html
apt-get install -y chromium fonts-wqy-zenhei fonts-wqy-microhei
# opencv (pulled in by the OCR wheels) links libGL and glib
apt-get install -y libgl1 libglib2.0-0
# inbox: real PostgreSQL and Dovecot IMAP for the store / batch tests (scripts/start-postgres.sh, start-dovecot.sh)
apt-get install -y postgresql dovecot-imapd
