"""Evaluate the pipeline on fresh generated packets (never the dev set), scored with shared/devset/score.py.

    .venv/bin/python bench/eval_synth.py --n 20 --seed 5000 --rendering digital --all-codes --out /tmp/eval
    .venv/bin/python bench/eval_synth.py --devset            # the two dev packets

Prints score.py's lines (findings F1, precision, recall, fields, status) and the split accuracy of pages.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SHARED = ROOT.parent / "shared"


def split_accuracy(truth_dir: Path, reports_dir: Path) -> float:
    """Share of truth pages whose (kind, party) in report.json's documents equals truth's."""
    ok = n = 0
    for t in sorted(truth_dir.glob("*/truth.json")):
        truth = json.loads(t.read_text(encoding="utf-8"))
        rep = reports_dir / truth["packet"]["id"] / "report.json"
        got = {}
        if rep.exists():
            for d in json.loads(rep.read_text(encoding="utf-8"))["documents"]:
                for p in range(d["pages"][0], d["pages"][1] + 1):
                    got[(d["file"], p)] = (d["kind"], d.get("party_uscc"))
        for d in truth["documents"]:
            for p in range(d["pages"][0], d["pages"][1] + 1):
                n += 1
                ok += got.get((d["file"], p)) == (d["kind"], d.get("party_uscc"))
    return ok / n if n else 1.0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=20)
    ap.add_argument("--seed", type=int, default=5000)
    ap.add_argument("--rendering", default="digital")
    ap.add_argument("--layout", default=None)
    ap.add_argument("--all-codes", action="store_true")
    ap.add_argument("--devset", action="store_true")
    ap.add_argument("--out", default="/tmp/shenbao-eval")
    a = ap.parse_args()
    out = Path(a.out)
    truth_dir = out / "packets"
    if a.devset:
        truth_dir = SHARED / "devset"
    else:
        cmd = [sys.executable, "-m", "tests.synth", "--out", str(truth_dir), "--n", str(a.n), "--seed", str(a.seed),
               "--rendering", a.rendering] + (["--layout", a.layout] if a.layout else []) + (
            ["--all-codes"] if a.all_codes else [])
        subprocess.run(cmd, check=True, cwd=ROOT)
    reports = out / "reports"
    t0 = time.time()
    for packet in sorted(p.parent for p in truth_dir.glob("*/truth.json")):
        subprocess.run([str(ROOT / ".venv/bin/shenbao"), "review", str(packet), "--out", str(reports), "-q"],
                       cwd=ROOT)
    print(f"reviewed in {time.time() - t0:.1f}s")
    subprocess.run([sys.executable, str(SHARED / "devset/score.py"), str(truth_dir), str(reports),
                    "--json", str(out / "score.json")])
    print(f"split: pages with the right kind and party = {split_accuracy(truth_dir, reports):.3f}")


if __name__ == "__main__":
    main()
