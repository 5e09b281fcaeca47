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


def _page_labels(docs: list[dict]) -> dict[tuple[str, int], tuple]:
    """(file, page) -> (kind, party_uscc) from a documents list (truth.json or report.json).

    Conventions shared by truth.json and report.json: the 申报书 is one application_form entry whose own
    party_uscc is null (truth) or the cover's (report); its `sections` (name, first page, party_uscc) carry the
    parties, so each 申报书 page is labelled with the party of the section it lies in (cover: lead, 表二: its
    enterprise, 表一 / 表三-五: null). A report entry spanning several files (`files`) gives the page range of
    its first file only; the pages of its later files that no other entry claims are labelled with it."""
    got: dict[tuple[str, int], tuple] = {}
    for d in docs:
        secs = sorted(d.get("sections") or [], key=lambda s: s["page"])
        for p in range(d["pages"][0], d["pages"][1] + 1):
            party = d.get("party_uscc")
            if d["kind"] == "application_form":
                party = None
                for s in secs:
                    if s["page"] <= p:
                        party = s.get("party_uscc")
            got[(d["file"], p)] = (d["kind"], party)
    return got


def _party_index(truth: dict):
    """score.py's PartyIndex: a party's licence or declared (表二) code or name -> its canonical code."""
    import importlib.util
    spec = importlib.util.spec_from_file_location("shenbao_score", SHARED / "devset/score.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.PartyIndex(truth["parties"])


def split_accuracy(truth_dir: Path, reports_dir: Path, verbose: bool = False) -> float:
    """Share of truth pages whose (kind, party) in report.json's documents equals truth's (see _page_labels).
    Parties are compared as score.py compares findings: a report naming a party by its 表二 code (which
    differs from the licence's when USCC_MISMATCH is injected) names the same party."""
    ok = n = 0
    for t in sorted(truth_dir.glob("*/truth.json")):
        truth = json.loads(t.read_text(encoding="utf-8"))
        index = _party_index(truth)
        rep = reports_dir / truth["packet"]["id"] / "report.json"
        rdocs = json.loads(rep.read_text(encoding="utf-8"))["documents"] if rep.exists() else []
        got = _page_labels(rdocs)
        later = {f: d for d in rdocs for f in (d.get("files") or [])[1:]}   # continuation files
        for key, want in _page_labels(truth["documents"]).items():
            n += 1
            g = got.get(key)
            if g is None and key[0] in later:
                g = (later[key[0]]["kind"], later[key[0]].get("party_uscc"))
            if g is not None:
                g = (g[0], index.canon(g[1]) if g[1] else None)
            ok += g == want
            if verbose and g != want:
                print(f"  split {truth['packet']['id']} {key[0]} p{key[1]}: truth {want} got {g}")
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
    ap.add_argument("--split-detail", action="store_true", help="print every page whose kind/party is wrong")
    ap.add_argument("--score-only", action="store_true", help="re-score existing reports (no generation/review)")
    a = ap.parse_args()
    out = Path(a.out)
    truth_dir = out / "packets"
    if a.devset:
        truth_dir = SHARED / "devset"
    elif not a.score_only:
        cmd = [sys.executable, "-m", "tests.synth", "--out", str(truth_dir), "--n", str(a.n), "--seed", str(a.seed),
               "--rendering", a.rendering] + (["--layout", a.layout] if a.layout else []) + (
            ["--all-codes"] if a.all_codes else [])
        subprocess.run(cmd, check=True, cwd=ROOT)
    reports = out / "reports"
    t0 = time.time()
    for packet in sorted(p.parent for p in truth_dir.glob("*/truth.json")):
        if a.score_only:
            break
        subprocess.run([str(ROOT / ".venv/bin/shenbao"), "review", str(packet), "--out", str(reports), "-q"],
                       cwd=ROOT)
    print(f"reviewed in {time.time() - t0:.1f}s")
    subprocess.run([sys.executable, str(SHARED / "devset/score.py"), str(truth_dir), str(reports),
                    "--json", str(out / "score.json")])
    print(f"split: pages with the right kind and party = {split_accuracy(truth_dir, reports, a.split_detail):.3f}")


if __name__ == "__main__":
    main()
