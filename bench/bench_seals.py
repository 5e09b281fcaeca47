"""Seal work per page, and seal accuracy against the dev-set truth.

    .venv/bin/python bench/bench_seals.py                       # both dev packets, all pages
    .venv/bin/python bench/bench_seals.py --packet P901-06 --dpi 100 --max-pages 40

For every page: render (not timed), then time find_seals (detection + reading with the shared
OCR engine). Truth seals (truth.json, parties[].seals) are matched by IoU > 0.5 to whole seals
found (骑缝 slices and copy stamps aside): detection recall / precision, exact text (NFKC, no
spaces), kind accuracy. Straddle: share of 申报书 pages with an edge slice.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("SHENBAO_OCR_THREADS", "2")

import cv2  # noqa: E402
import pypdfium2 as pdfium  # noqa: E402

from pipeline.ocr import get_engine  # noqa: E402
from pipeline.read.render import render_pdf_page  # noqa: E402
from pipeline.seals import find_seals  # noqa: E402

DEVSET = ROOT.parent / "shared" / "devset"


def norm(s: str | None) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", s or ""))


def iou(a, b) -> float:
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    return inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter)


def bench_packet(pdir: Path, dpi: int, max_pages: int | None, engine, verbose: bool) -> dict:
    truth = json.loads((pdir / "truth.json").read_text(encoding="utf-8"))
    want: dict[tuple[str, int], list[dict]] = {}
    for p in truth["parties"]:
        for s in p["seals"]:
            want.setdefault((s["file"], s["page"]), []).append(s)
    app = {(d["file"], i) for d in truth["documents"] if d["kind"] == "application_form"
           for i in range(d["pages"][0], d["pages"][1] + 1)}
    pages = []
    for pdf in sorted(pdir.rglob("*.pdf")):
        rel = pdf.relative_to(pdir).as_posix()
        n = len(pdfium.PdfDocument(str(pdf)))
        pages += [(pdf, rel, i) for i in range(1, n + 1)]
    pages = pages[:max_pages] if max_pages else pages
    st = dict(pages=0, seconds=0.0, cpu=0.0, tp=0, fp=0, fn=0, exact=0, kind=0, app_pages=0, app_slices=0)
    for pdf, rel, i in pages:
        img = render_pdf_page(pdf, i, dpi)
        t0, c0 = time.perf_counter(), time.process_time()
        seals = find_seals(img, rel, i, dpi / 72, engine)
        st["seconds"] += time.perf_counter() - t0
        st["cpu"] += time.process_time() - c0     # CPU of this process (all its threads): the work itself
        st["pages"] += 1
        if (rel, i) in app:
            st["app_pages"] += 1
            st["app_slices"] += any(s.edge for s in seals)
        whole = [s for s in seals if s.edge is None and not s.is_copy_stamp and s.shape != "rect"]
        used: set[int] = set()
        for t in want.get((rel, i), []):
            hits = [(iou(t["bbox"], s.bbox), k) for k, s in enumerate(whole) if k not in used]
            best = max(hits, default=(0.0, -1))
            if best[0] <= 0.5:
                st["fn"] += 1
                if verbose:
                    print(f"  MISS {rel} p{i} {t['text']}")
                continue
            used.add(best[1])
            s = whole[best[1]]
            st["tp"] += 1
            st["exact"] += norm(s.text) == norm(t["text"])
            st["kind"] += s.kind.value == t["kind"]
            if verbose and (norm(s.text) != norm(t["text"]) or s.kind.value != t["kind"]):
                print(f"  {rel} p{i}: truth {t['text']}/{t['kind']}  read {s.text}/{s.kind.value} ({s.text_confidence})")
        st["fp"] += len(whole) - len(used)
        if verbose:
            for k, s in enumerate(whole):
                if k not in used:
                    print(f"  EXTRA {rel} p{i} {s.bbox} {s.text}")
    return st


def checks_from_truth(pdir: Path, dpi: int, engine) -> list:
    """check_seals on a context built from truth.json (documents, sections, parties) and the
    seals find_seals reports on each page: the seal checks alone, without the other stages."""
    from models.packet import Packet, Party, ReviewContext
    from models.provenance import DocKind, Document, Page
    from pipeline.checks.seal_checks import check_seals
    from pipeline.rules import load_rules
    truth = json.loads((pdir / "truth.json").read_text(encoding="utf-8"))
    parties, key_of = [], {}
    counts = {"lead": 0, "enterprise": 0, "provider": 0}
    for p in truth["parties"]:
        counts[p["role"]] += 1
        key = {"lead": "L", "enterprise": f"E{counts['enterprise']:02d}", "provider": f"P{counts['provider']}"}[p["role"]]
        parties.append(Party(key=key, role=p["role"], name=p["name"], uscc=p.get("uscc")))
        key_of[p.get("uscc")] = key
    docs, refs = [], set()
    for d in truth["documents"]:
        pages = [(d["file"], i) for i in range(d["pages"][0], d["pages"][1] + 1)]
        refs.update(pages)
        kind = DocKind(d["kind"])
        secs = sorted(d.get("sections") or [], key=lambda x: x["page"])
        if not secs:
            docs.append(Document(kind=kind, pages=pages, party_uscc=d.get("party_uscc"),
                                 party_key=key_of.get(d.get("party_uscc"))))
        for k, sec in enumerate(secs):
            end = secs[k + 1]["page"] - 1 if k + 1 < len(secs) else d["pages"][1]
            docs.append(Document(kind=kind, section=sec["name"], pages=[(d["file"], i) for i in range(sec["page"], end + 1)],
                                 party_uscc=sec.get("party_uscc"), party_key=key_of.get(sec.get("party_uscc"))))
    pages = {}
    for f, i in sorted(refs):
        img = render_pdf_page(pdir / f, i, dpi)
        scanned = not any(dd["text_layer"] for dd in truth["documents"]
                          if dd["file"] == f and dd["pages"][0] <= i <= dd["pages"][1])
        pages[f"{f}#{i}"] = Page(file=f, index=i, width=img.shape[1] * 72 / dpi, height=img.shape[0] * 72 / dpi,
                                 text_layer=not scanned, ocr=scanned,
                                 seals=find_seals(img, f, i, dpi / 72, engine, digital=not scanned))
    ctx = ReviewContext(packet=Packet(id=pdir.name, source=str(pdir)), pages=pages, documents=docs,
                        parties=parties, rules=load_rules(None))
    return check_seals(ctx)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--packet", action="append", help="dev packet id (default: all with truth.json)")
    ap.add_argument("--dpi", type=int, default=0, help="render dpi (default: 100 digital, 150 scanned)")
    ap.add_argument("--max-pages", type=int)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("--checks", action="store_true", help="also run check_seals on a truth-built context")
    ap.add_argument("--no-read", action="store_true", help="time detection alone (no OCR)")
    a = ap.parse_args()
    cv2.setNumThreads(a.threads)
    engine = None if a.no_read else get_engine()
    packets = a.packet or sorted(p.name for p in DEVSET.iterdir() if (p / "truth.json").exists())
    for pid in packets:
        pdir = DEVSET / pid
        scanned = len(list(pdir.rglob("*.pdf"))) == 1
        dpi = a.dpi or (150 if scanned else 100)
        st = bench_packet(pdir, dpi, a.max_pages, engine, a.verbose)
        tp = st["tp"]
        print(f"{pid} ({'scanned' if scanned else 'digital'}, {dpi} dpi, {st['pages']} pages): "
              f"find_seals {st['seconds'] / max(st['pages'], 1):.3f} s/page wall, "
              f"{st['cpu'] / max(st['pages'], 1):.3f} CPU-s/page; "
              f"detection recall {tp / max(tp + st['fn'], 1):.3f} precision {tp / max(tp + st['fp'], 1):.3f} "
              f"(tp {tp}, fn {st['fn']}, fp {st['fp']}); text exact {st['exact'] / max(tp, 1):.3f}; "
              f"kind accuracy {st['kind'] / max(tp, 1):.3f}; 申报书 pages with a 骑缝 slice "
              f"{st['app_slices']}/{st['app_pages']}")
        if a.checks:
            truth = json.loads((pdir / "truth.json").read_text(encoding="utf-8"))
            want = sorted((f["code"], f["party_name"]) for f in truth["expected_findings"] if f["code"].startswith(("SEAL", "STRADDLE")))
            got = checks_from_truth(pdir, dpi, engine)
            print(f"  seal findings expected {want}")
            for f in got:
                print(f"  got {f.code} {f.severity} {f.party_name} {f.file} p{f.page} found={f.found} conf={f.confidence}")


if __name__ == "__main__":
    main()
