"""Scan benchmark: read the 127-page scanned dev packet through pipeline.read and compare with
bare OCR (engine.recognize on the same rendered pages).

    .venv/bin/python bench/bench_scan.py [--pages N] [--seals] [--pipeline-sample K]

Reports s/page (wall and CPU), peak RSS of the read pass, pipeline total vs bare OCR total,
and optionally paddleocr's own PaddleOCR pipeline (same ONNX models) on K pages. The read pass
uses a fresh temporary OCR cache; a second read pass shows cache hits. Not a test.
"""
from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from models.packet import StoredFile  # noqa: E402
from pipeline.read import STATS, ReadOptions, read_file  # noqa: E402

PDF = ROOT.parent / "shared" / "devset" / "P902-01" / "全套申报材料.pdf"


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def clock():
    return time.perf_counter(), time.process_time()


def since(t):
    return time.perf_counter() - t[0], time.process_time() - t[1]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pdf", default=str(PDF))
    ap.add_argument("--pages", type=int, default=None)
    ap.add_argument("--dpi", type=int, default=150)
    ap.add_argument("--seals", action="store_true", help="include the seal hook (pipeline.seals)")
    ap.add_argument("--pipeline-sample", type=int, default=0, help="also time paddleocr's PaddleOCR pipeline on K pages")
    ap.add_argument("--no-bare", action="store_true")
    a = ap.parse_args()
    sf = StoredFile(path=Path(a.pdf).name, sha256="-", size=os.path.getsize(a.pdf), blob=a.pdf)
    from pipeline.ocr import get_engine
    eng = get_engine()
    with tempfile.TemporaryDirectory() as cache:
        opts = ReadOptions(dpi=a.dpi, cache_dir=cache, seals=a.seals, max_pages=a.pages)
        t = clock()
        pages = read_file(sf, opts)
        wall, cpu = since(t)
        peak = rss_mb()
        n = len(pages)
        ocr_pages = sum(p.ocr for p in pages)
        print(f"read pass: {n} pages ({ocr_pages} OCR'd, {sum(p.text_layer for p in pages)} text layer, "
              f"{sum(bool(p.error) for p in pages)} errors), {wall:.1f} s wall = {wall / n:.2f} s/page, "
              f"{cpu:.1f} s CPU = {cpu / n:.2f} CPU-s/page; peak RSS {peak:.0f} MB; "
              f"rotations {sorted({p.rotation for p in pages})}, tables {sum(len(p.tables) for p in pages)}, "
              f"seals {sum(len(p.seals) for p in pages)}")
        print(f"  counters after pass 1: {STATS}")
        t = clock()
        read_file(sf, opts)
        w2, _ = since(t)
        print(f"cached pass: {w2:.1f} s wall ({w2 / n:.2f} s/page); counters: {STATS}")
    if not a.no_bare:
        from pipeline.read.render import render_pdf_page
        bw = bc = 0.0
        for i in range(1, n + 1):
            img = render_pdf_page(a.pdf, i, a.dpi)
            t = clock()
            eng.recognize(img)
            w, c = since(t)
            bw, bc = bw + w, bc + c
        print(f"bare OCR ({eng.name}) same {n} pages: {bw:.1f} s wall = {bw / n:.2f} s/page, {bc:.1f} CPU-s")
        print(f"pipeline / bare OCR: wall {wall / bw:.2f}x, CPU {cpu / bc:.2f}x")
    if a.pipeline_sample:
        from pipeline.read.render import render_pdf_page
        pe = get_engine("paddleocr-pipeline")
        k = a.pipeline_sample
        imgs = [render_pdf_page(a.pdf, i, a.dpi) for i in range(1, k + 1)]
        pe.recognize(imgs[0])
        t = clock()
        for im in imgs:
            pe.recognize(im)
        pw, pc = since(t)
        t = clock()
        for im in imgs:
            eng.recognize(im)
        ew, ec = since(t)
        print(f"paddleocr PaddleOCR pipeline on {k} pages: {pw / k:.2f} s/page ({pc / k:.2f} CPU-s); "
              f"default engine {ew / k:.2f} s/page ({ec / k:.2f} CPU-s): {pc / ec:.2f}x CPU")
    print(f"load average {os.getloadavg()[0]:.1f} (2 cores; other processes share them)")


if __name__ == "__main__":
    main()
