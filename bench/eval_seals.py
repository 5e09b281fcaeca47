"""Seal evaluation on generated packets (not a test): the four seal codes, seal detection, text and kind.

    .venv/bin/python bench/eval_seals.py --out /tmp/sealeval --digital 8 --digital-seed 31000 \
        --scanned 8 --scanned-seed 32000          # generate (if absent), review (if absent), score
    .venv/bin/python bench/eval_seals.py --out /tmp/sealeval --rereview   # review again, score
    .venv/bin/python bench/eval_seals.py --out /tmp/sealeval --score-only -v

Packets come from the project's generator (`python -m tests.synth … --all-codes`, about a fifth clean);
each is reviewed with `shenbao review PACKET --out OUT/reports -q`. Scoring:

- codes: (code, party) pairs of SEAL_MISSING, SEAL_NAME_MISMATCH, SEAL_WRONG_TYPE, STRADDLE_SEAL_MISSING
  from truth.json `expected_findings` vs report.json findings (info ignored), parties matched by code or
  name the way shared/devset/score.py does it; per-code precision / recall.
- seals: every truth seal (all parties, deduplicated) vs every seal the report lists under its parties,
  same file and page, IoU >= 0.3. Detection recall / precision; of the matched seals with a truth text,
  the share read exactly (NFKC, no spaces, brackets unified); of the matched seals, the share of the
  right kind (company / finance / contract / invoice / authority).
- clean packets (truth with no expected finding at all): seal-code errors / warnings reported on them.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import re
import subprocess
import sys
import time
import unicodedata
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CODES = ("SEAL_MISSING", "SEAL_NAME_MISMATCH", "SEAL_WRONG_TYPE", "STRADDLE_SEAL_MISSING")


def _score_mod():
    spec = importlib.util.spec_from_file_location("devset_score", SHARED / "devset/score.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def norm(s: str | None) -> str:
    s = unicodedata.normalize("NFKC", s or "")
    return re.sub(r"\s+", "", s).replace("（", "(").replace("）", ")")


def iou(a, b) -> float:
    x0, y0, x1, y1 = max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3])
    inter = max(0.0, x1 - x0) * max(0.0, y1 - y0)
    ua = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / ua if ua > 0 else 0.0


def _flat_seals(parties: list[dict]) -> list[dict]:
    seen, out = set(), []
    for p in parties:
        for s in p.get("seals") or []:
            key = (s["file"], s["page"], tuple(round(v) for v in s["bbox"]))
            if key not in seen:
                seen.add(key)
                out.append({**s, "party": p.get("name")})
    return out


def score_packet(sm, truth: dict, report: dict | None) -> dict:
    index = sm.PartyIndex(truth["parties"])
    want = {(f["code"], f["party_uscc"]) for f in truth["expected_findings"] if f["code"] in CODES}
    got = set()
    for f in (report or {}).get("findings") or []:
        if f.get("code") in CODES and f.get("severity") != "info":
            got.add((f["code"], index.canon(f.get("party_uscc"), f.get("party_name"))))
    packet_codes = {c for c, u in want if u is None}
    tp_r = {(c, u) for c, u in want if (any(g[0] == c for g in got) if u is None else (c, u) in got)}
    fp = {(c, u) for c, u in got if (c, u) not in want and c not in packet_codes}
    names = {p["uscc"]: p["name"] for p in truth["parties"]}
    tseals = [s for s in _flat_seals(truth["parties"]) if s.get("text") is not None or s.get("kind")]
    rseals = _flat_seals((report or {}).get("parties") or [])
    used, pairs = set(), []
    for t in tseals:
        best, bi = 0.0, None
        for i, r in enumerate(rseals):
            if i in used or (r["file"], r["page"]) != (t["file"], t["page"]):
                continue
            v = iou(t["bbox"], r["bbox"])
            if v > best:
                best, bi = v, i
        if bi is not None and best >= 0.3:
            used.add(bi)
            pairs.append((t, rseals[bi]))
    return {"id": truth["packet"]["id"], "rendering": truth["packet"]["rendering"], "report": report is not None,
            "clean": not truth["expected_findings"],
            "want": sorted(want, key=str), "got": sorted(got, key=str), "tp_r": sorted(tp_r, key=str),
            "fp": sorted(fp, key=str), "names": names,
            "n_truth_seals": len(tseals), "n_report_seals": len(rseals), "pairs": pairs,
            "unmatched_truth": [t for t in tseals if all(t is not p[0] for p in pairs)],
            "unmatched_report": [r for i, r in enumerate(rseals) if i not in used]}


def summary(rows: list[dict], verbose: bool = False) -> None:
    for label, sel in (("all", rows), ("digital", [r for r in rows if r["rendering"] == "digital"]),
                       ("scanned", [r for r in rows if r["rendering"] != "digital"])):
        if not sel:
            continue
        print(f"== {label}: {len(sel)} packets ({sum(r['clean'] for r in sel)} clean, "
              f"{sum(not r['report'] for r in sel)} without report)")
        for code in CODES:
            n_want = sum(1 for r in sel for w in r["want"] if w[0] == code)
            tp = sum(1 for r in sel for w in r["tp_r"] if w[0] == code)
            n_got = sum(1 for r in sel for g in r["got"] if g[0] == code)
            fp = sum(1 for r in sel for g in r["fp"] if g[0] == code)
            p = (n_got - fp) / n_got if n_got else 1.0
            rc = tp / n_want if n_want else 1.0
            print(f"  {code:22s} precision {p:.3f} ({n_got - fp}/{n_got})  recall {rc:.3f} ({tp}/{n_want})")
        nt = sum(r["n_truth_seals"] for r in sel)
        nr = sum(r["n_report_seals"] for r in sel)
        pairs = [p for r in sel for p in r["pairs"]]
        texted = [(t, g) for t, g in pairs if t.get("text")]
        exact = sum(norm(t["text"]) == norm(g.get("text")) for t, g in texted)
        kind_ok = sum(t["kind"] == g.get("kind") for t, g in pairs)
        print(f"  seals: detection recall {len(pairs) / nt if nt else 1:.3f} ({len(pairs)}/{nt})  "
              f"precision {len(pairs) / nr if nr else 1:.3f} ({len(pairs)}/{nr})")
        print(f"  seal text exact {exact / len(texted) if texted else 1:.3f} ({exact}/{len(texted)})  "
              f"kind right {kind_ok / len(pairs) if pairs else 1:.3f} ({kind_ok}/{len(pairs)})")
        clean_err = sum(len(r["got"]) for r in sel if r["clean"])
        print(f"  clean packets with a seal error/warning: {sum(bool(r['got']) for r in sel if r['clean'])}"
              f" ({clean_err} findings)")
    if verbose:
        for r in rows:
            missed = [w for w in r["want"] if w not in r["tp_r"]]
            if missed or r["fp"]:
                print(f"{r['id']} ({r['rendering']}): missed {[(c, r['names'].get(u, u)) for c, u in missed]} "
                      f"spurious {[(c, r['names'].get(u, u)) for c, u in r['fp']]}")
        kinds = Counter((t["kind"], g.get("kind")) for r in rows for t, g in r["pairs"] if t["kind"] != g.get("kind"))
        if kinds:
            print("kind confusions (truth, read):", dict(kinds))
        for r in rows:
            for t, g in r["pairs"]:
                if t["kind"] != g.get("kind"):
                    print(f"  kind {r['id']} {t['file']} p{t['page']}: {t['kind']} -> {g.get('kind')} "
                          f"read {g.get('text')!r} ({g.get('text_confidence')})")
                if t.get("text") and norm(t["text"]) != norm(g.get("text")):
                    print(f"  text {r['id']} {t['file']} p{t['page']} {t['kind']}: {t['text']} -> {g.get('text')}")
            for t in r["unmatched_truth"]:
                print(f"  not found {r['id']} {t['file']} p{t['page']} {t['kind']} {t.get('text')}")
            for g in r["unmatched_report"]:
                print(f"  extra {r['id']} {g['file']} p{g['page']} {g.get('kind')} {g.get('text')} {g['bbox']}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="/tmp/shenbao-sealeval")
    ap.add_argument("--digital", type=int, default=0)
    ap.add_argument("--digital-seed", type=int, default=31000)
    ap.add_argument("--scanned", type=int, default=0)
    ap.add_argument("--scanned-seed", type=int, default=32000)
    ap.add_argument("--rereview", action="store_true", help="review every packet again")
    ap.add_argument("--score-only", action="store_true")
    ap.add_argument("--only", default="", help="comma-separated packet ids to (re)review")
    ap.add_argument("-v", action="store_true")
    a = ap.parse_args()
    out = Path(a.out)
    packets_dir, reports = out / "packets", out / "reports"
    for n, seed, rendering, prefix in ((a.digital, a.digital_seed, "digital", "SD"),
                                       (a.scanned, a.scanned_seed, "scanned", "SS")):
        if n and not (packets_dir / f"{prefix}{seed:05d}").exists():
            subprocess.run([sys.executable, "-m", "tests.synth", "--out", str(packets_dir), "--n", str(n),
                            "--seed", str(seed), "--rendering", rendering, "--all-codes", "--prefix", prefix],
                           check=True, cwd=ROOT)
    packets = sorted(p.parent for p in packets_dir.glob("*/truth.json"))
    only = {s for s in a.only.split(",") if s}
    if not a.score_only:
        for packet in packets:
            if only and packet.name not in only:
                continue
            if (reports / packet.name / "report.json").exists() and not (a.rereview or only):
                continue
            t0 = time.time()
            subprocess.run([str(ROOT / ".venv/bin/shenbao"), "review", str(packet), "--out", str(reports), "-q"],
                           cwd=ROOT)
            print(f"reviewed {packet.name} in {time.time() - t0:.1f}s", flush=True)
    sm = _score_mod()
    rows = []
    for packet in packets:
        truth = json.loads((packet / "truth.json").read_text(encoding="utf-8"))
        rep_path = reports / packet.name / "report.json"
        report = json.loads(rep_path.read_text(encoding="utf-8")) if rep_path.exists() else None
        rows.append(score_packet(sm, truth, report))
    summary(rows, a.v)


if __name__ == "__main__":
    main()
