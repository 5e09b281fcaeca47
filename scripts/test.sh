#!/usr/bin/env bash
# Install everything, then run the test suite. Extra arguments go to pytest, e.g. `scripts/test.sh -m quick`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
export SHENBAO_CACHE_DIR=${SHENBAO_CACHE_DIR:-$(pwd)/.cache/test}
export PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS=${PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS:-300}
exec .venv/bin/python -m pytest -p no:cacheprovider -q "$@"
