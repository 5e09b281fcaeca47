#!/usr/bin/env bash
# Install everything, then review the bundled sample packets and print where the reports are.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
out=${1:-out/samples}
rc=0
.venv/bin/shenbao review sample_docs --out "$out" || rc=$?
echo
echo "报告目录 / reports: $(realpath -m "$out")"
find "$out" -maxdepth 2 \( -name report.html -o -name report.json -o -name '*.xlsx' \) | sort | sed 's/^/  /'
# exit 0 when the review ran; 1 only means packets have findings (which the samples are meant to show)
[ "$rc" -le 1 ] || exit "$rc"
