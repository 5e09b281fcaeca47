"""Fast seal evaluation on generated packets: find_seals on the pages that matter, check_seals on a
context built from truth.json (documents, sections, parties) — the seal stage alone, without OCR of whole
pages, classification or extraction (those are measured end to end by bench/eval_seals.py).

    .venv/bin/python bench/bench_seals_synth.py /tmp/sealtune/packets [--only SS32000,…] [-v]

Pages are rendered the way pipeline.read does it: text-layer PDF pages at 100 dpi (seal_dpi), scanned PDF
pages at 150 dpi, image files at 1 px per point. Text lines (the anchors 牵头单位（盖章） …) come from the
text layer, or from the OCR cache (~/.cache/shenbao) when a review already read the page; else none.
Prints per-code precision / recall of the four seal codes, seal detection P/R, text exact, kind accuracy,
clean-packet seal findings, and find_seals seconds per page.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("SHENBAO_OCR_THREADS", "2")

import numpy as np  # noqa: E402

from bench.eval_seals import CODES, iou, norm  # noqa: E402

_CACHE = None
SEAL_DOCS = {"application_form", "business_license", "commitment_letter"}


def _lines_from_cache(rgb, engine, scale):
    from models.provenance import TextLine
    from pipeline.ocr.base import OcrBox
    from pipeline.read.cache import OcrCache, image_sha256
    from pipeline.read.options import ReadOptions
    from pipeline.read.scan import cache_key
    global _CACHE
    opts = ReadOptions()
    if _CACHE is None:
        _CACHE = OcrCache(opts.cache_dir)
    payload = _CACHE.get(image_sha256(rgb), cache_key(engine, opts))
    if payload is None:
        return [], 0, 0.0
    lines = [TextLine(text=b.text, bbox=tuple(v / scale for v in b.box), confidence=b.score)
             for b in (OcrBox(**x) for x in payload["boxes"])]
    return lines, payload["rotation"], payload["skew"]


def read_pages(pdir: Path, truth: dict, engine, stats: dict) -> dict:
    """Page records (seals found, anchor lines) for the pages that hold a seal place or a truth seal."""
    import pdfplumber
    import pypdfium2 as pdfium
    from models.provenance import Page
    from pipeline.prep import deskew, rotate
    from pipeline.read.decide import has_usable_text
    from pipeline.read.render import load_image
    from pipeline.read.scan import is_grey
    from pipeline.read.textlayer import read_text_page
    from pipeline.seals import find_seals
    want: dict[str, set[int]] = {}
    for d in truth["documents"]:
        if d["kind"] in SEAL_DOCS:
            want.setdefault(d["file"], set()).update(range(d["pages"][0], d["pages"][1] + 1))
    for p in truth["parties"]:
        for s in p["seals"]:
            want.setdefault(s["file"], set()).add(s["page"])
    pages = {}
    for f, idx in sorted(want.items()):
        path = pdir / f
        if not path.exists():
            continue
        if path.suffix.lower() == ".pdf":
            try:
                pdf = pdfium.PdfDocument(str(path))
                plumber = pdfplumber.open(str(path))
            except Exception:
                continue
            for i in sorted(idx):
                if i > len(pdf):
                    continue
                pp = plumber.pages[i - 1]
                if has_usable_text(pp):
                    page = read_text_page(pp, f, i)
                    dpi, ocr = 100, False
                    if not pp.images:
                        pages[f"{f}#{i}"] = page
                        continue
                else:
                    dpi, ocr = 150, True
                rgb = np.asarray(pdf[i - 1].render(scale=dpi / 72).to_pil().convert("RGB"))
                if ocr:
                    lines, rot, skew = _lines_from_cache(rgb, engine, dpi / 72)
                    grey = is_grey(rgb)
                    rgb = deskew(rotate(rgb, rot), skew) if (rot or skew) else rgb
                    page = Page(file=f, index=i, width=rgb.shape[1] * 72 / dpi, height=rgb.shape[0] * 72 / dpi,
                                text_layer=False, ocr=True, lines=lines, grey=grey)
                t0 = time.perf_counter()
                page.seals = find_seals(rgb, f, i, dpi / 72, engine)
                stats["seconds"] += time.perf_counter() - t0
                stats["pages"] += 1
                pages[f"{f}#{i}"] = page
            plumber.close()
            pdf.close()
        else:
            rgb = load_image(path)
            lines, rot, skew = _lines_from_cache(rgb, engine, 1.0)
            grey = is_grey(rgb)
            rgb = deskew(rotate(rgb, rot), skew) if (rot or skew) else rgb
            page = Page(file=f, index=1, width=rgb.shape[1], height=rgb.shape[0], text_layer=False, ocr=True,
                        lines=lines, grey=grey)
            t0 = time.perf_counter()
            page.seals = find_seals(rgb, f, 1, 1.0, engine)
            stats["seconds"] += time.perf_counter() - t0
            stats["pages"] += 1
            pages[f"{f}#1"] = page
    return pages


def context(pdir: Path, truth: dict, pages: dict):
    from models.packet import Packet, Party, ReviewContext
    from models.provenance import DocKind, Document
    from pipeline.rules import load_rules
    parties, key_of = [], {}
    for p in truth["parties"]:
        parties.append(Party(key=p["key"], role=p["role"], name=p["name"], uscc=p.get("uscc")))
        key_of[p.get("uscc")] = p["key"]
    docs = []
    for d in truth["documents"]:
        kind = DocKind(d["kind"])
        secs = sorted(d.get("sections") or [], key=lambda x: x["page"])
        if not secs:
            # a page copied from another member's file (DUPLICATE_DOCUMENT): the pipeline ties it to the
            # member it names (Document.extra content_party), as here
            extra = {"content_party": key_of[d["last_page_copy_of"]]} if d.get("last_page_copy_of") in key_of else {}
            docs.append(Document(kind=kind, pages=[(d["file"], i) for i in range(d["pages"][0], d["pages"][1] + 1)],
                                 party_uscc=d.get("party_uscc"), party_key=d.get("party_key") or key_of.get(d.get("party_uscc")),
                                 extra=extra))
        for k, sec in enumerate(secs):
            end = secs[k + 1]["page"] - 1 if k + 1 < len(secs) else d["pages"][1]
            docs.append(Document(kind=kind, section=sec["name"], pages=[(d["file"], i) for i in range(sec["page"], end + 1)],
                                 party_uscc=sec.get("party_uscc"), party_key=key_of.get(sec.get("party_uscc"))))
    return ReviewContext(packet=Packet(id=pdir.name, source=str(pdir)), pages=pages, documents=docs,
                         parties=parties, rules=load_rules(None))


def evaluate(pdir: Path, engine, stats: dict, reuse: bool = False) -> dict:
    import pickle
    from pipeline.checks.seal_checks import check_seals
    truth = json.loads((pdir / "truth.json").read_text(encoding="utf-8"))
    saved = pdir.parent.parent / "seal-pages" / f"{pdir.name}.pkl"   # the pages found last time (--reuse)
    if reuse and saved.exists():
        pages = pickle.loads(saved.read_bytes())
    else:
        pages = read_pages(pdir, truth, engine, stats)
        saved.parent.mkdir(parents=True, exist_ok=True)
        saved.write_bytes(pickle.dumps(pages))
    got_f = check_seals(context(pdir, truth, pages))
    want = {(f["code"], f["party_uscc"]) for f in truth["expected_findings"] if f["code"] in CODES}
    got = {(f.code, f.party_uscc) for f in got_f if f.code in CODES and f.severity != "info"}
    packet_codes = {c for c, u in want if u is None}
    tp_r = {(c, u) for c, u in want if (any(g[0] == c for g in got) if u is None else (c, u) in got)}
    fp = {(c, u) for c, u in got if (c, u) not in want and c not in packet_codes}
    tseals = []
    for p in truth["parties"]:
        for s in p["seals"]:
            if all((s["file"], s["page"], s["bbox"]) != (t["file"], t["page"], t["bbox"]) for t in tseals):
                tseals.append(s)
    found = [s for pg in pages.values() for s in pg.seals if not s.edge and not s.is_copy_stamp and s.shape not in ("rect", "blob")]
    used, pairs = set(), []
    for t in tseals:
        cand = [(iou(t["bbox"], s.bbox), k) for k, s in enumerate(found)
                if k not in used and (s.file, s.page) == (t["file"], t["page"])]
        best = max(cand, default=(0.0, -1))
        if best[0] >= 0.3:
            used.add(best[1])
            pairs.append((t, found[best[1]]))
    return {"id": truth["packet"]["id"], "rendering": truth["packet"]["rendering"], "clean": not truth["expected_findings"],
            "want": want, "got": got, "tp_r": tp_r, "fp": fp, "names": {p["uscc"]: p["name"] for p in truth["parties"]},
            "n_truth": len(tseals), "n_found": len(found), "pairs": pairs,
            "missed_seals": [t for t in tseals if all(t is not a for a, _ in pairs)],
            "extra_seals": [s for k, s in enumerate(found) if k not in used],
            "infos": [(f.code, f.party_name, f.detail) for f in got_f if f.severity == "info"]}


def report(rows: list[dict], verbose: bool) -> None:
    for label, sel in (("all", rows), ("digital", [r for r in rows if r["rendering"] == "digital"]),
                       ("scanned", [r for r in rows if r["rendering"] != "digital"])):
        if not sel:
            continue
        print(f"== {label}: {len(sel)} packets ({sum(r['clean'] for r in sel)} clean)")
        for code in CODES:
            n_want = sum(1 for r in sel for w in r["want"] if w[0] == code)
            tp = sum(1 for r in sel for w in r["tp_r"] if w[0] == code)
            n_got = sum(1 for r in sel for g in r["got"] if g[0] == code)
            fp = sum(1 for r in sel for g in r["fp"] if g[0] == code)
            print(f"  {code:22s} precision {(n_got - fp) / n_got if n_got else 1:.3f} ({n_got - fp}/{n_got})  "
                  f"recall {tp / n_want if n_want else 1:.3f} ({tp}/{n_want})")
        nt, nf = sum(r["n_truth"] for r in sel), sum(r["n_found"] for r in sel)
        pairs = [p for r in sel for p in r["pairs"]]
        texted = [(t, s) for t, s in pairs if t.get("text")]
        exact = sum(norm(t["text"]) == norm(s.text) for t, s in texted)
        kind = sum(t["kind"] == s.kind.value for t, s in pairs)
        print(f"  seals: detection recall {len(pairs) / max(nt, 1):.3f} ({len(pairs)}/{nt}) precision "
              f"{len(pairs) / max(nf, 1):.3f} ({len(pairs)}/{nf}); text exact {exact / max(len(texted), 1):.3f} "
              f"({exact}/{len(texted)}); kind right {kind / max(len(pairs), 1):.3f} ({kind}/{len(pairs)})")
        print(f"  clean packets with a seal error/warning: {sum(bool(r['got']) for r in sel if r['clean'])}")
    if verbose:
        for r in rows:
            nm = r["names"]
            miss = [(c, nm.get(u, u)) for c, u in r["want"] if (c, u) not in r["tp_r"]]
            if miss or r["fp"]:
                print(f"{r['id']}: missed {miss} spurious {[(c, nm.get(u, u)) for c, u in r['fp']]}")
            for t, s in r["pairs"]:
                if t.get("text") and norm(t["text"]) != norm(s.text) or t["kind"] != s.kind.value:
                    print(f"  {r['id']} {t['file']} p{t['page']}: {t['text']}/{t['kind']} -> {s.text}/{s.kind.value}"
                          f" ({s.text_confidence}) kt={s.kind_text}")
            for t in r["missed_seals"]:
                print(f"  NOT FOUND {r['id']} {t['file']} p{t['page']} {t['bbox']} {t['text']}/{t['kind']}")
            for s in r["extra_seals"]:
                print(f"  EXTRA {r['id']} {s.file} p{s.page} {s.bbox} {s.text}/{s.kind.value} {s.shape}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("packets")
    ap.add_argument("--only", default="")
    ap.add_argument("-v", action="store_true")
    ap.add_argument("--reuse", action="store_true", help="checks only, on the seals found last time")
    a = ap.parse_args()
    import cv2
    cv2.setNumThreads(2)
    from pipeline.ocr import get_engine
    engine = get_engine()
    only = {s for s in a.only.split(",") if s}
    stats = {"pages": 0, "seconds": 0.0}
    rows = []
    for pdir in sorted(p.parent for p in Path(a.packets).glob("*/truth.json")):
        if only and pdir.name not in only:
            continue
        t0 = time.time()
        rows.append(evaluate(pdir, engine, stats, a.reuse))
        print(f"{pdir.name}: {time.time() - t0:.1f}s", file=sys.stderr, flush=True)
    report(rows, a.v)
    print(f"find_seals: {stats['seconds'] / max(stats['pages'], 1):.3f} s/page over {stats['pages']} pages")


if __name__ == "__main__":
    main()
