"""Pages per second on a digital packet, licence OCR reported apart from the rest (not a test).

    .venv/bin/python bench/bench_digital.py [PACKET_DIR] [--no-seals] [--repeat 1]

Reads every file with a fresh OCR cache, then classifies, extracts, checks and reports. Prints:
text-layer pages and their seconds (pages/s, goal > 20 without OCR), OCR'd pages and their seconds, and the
time of the stages after reading.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("packet", nargs="?", default=str(ROOT.parent / "shared/devset/P901-06"))
    ap.add_argument("--no-seals", action="store_true")
    a = ap.parse_args()
    from pipeline import review as rv
    from pipeline.ingest import packets_from_path
    with tempfile.TemporaryDirectory() as tmp:
        opts = rv.ReviewOptions(cache_dir=str(Path(tmp) / "ocr"), seals=not a.no_seals, write_html=False)
        packet = packets_from_path(Path(a.packet), store_dir=Path(tmp) / "store")[0]
        text_s = ocr_s = 0.0
        text_n = ocr_n = 0
        pages, problems = [], []
        t0 = time.perf_counter()
        for sf in packet.files:
            t = time.perf_counter()
            got = rv.read_stage(sf, opts)
            dt = time.perf_counter() - t
            if not isinstance(got, list):
                problems.append(got)
                continue
            pages += got
            if any(p.ocr for p in got):
                ocr_s, ocr_n = ocr_s + dt, ocr_n + len(got)
            else:
                text_s, text_n = text_s + dt, text_n + len(got)
        t = time.perf_counter()
        docs = rv.classify_stage(pages)
        by_ref = {p.ref: p for p in pages}
        docs = [rv.extract_stage(d, rv.pages_of(d, by_ref)) for d in docs]
        rv.finish_review(packet, pages, docs, problems, Path(tmp) / "out", opts)
        rest = time.perf_counter() - t
        total = time.perf_counter() - t0
    print(f"packet: {a.packet}  seals: {not a.no_seals}")
    print(f"text-layer pages: {text_n} in {text_s:.2f}s = {text_n / text_s:.1f} pages/s (read)")
    print(f"OCR'd licence pages: {ocr_n} in {ocr_s:.2f}s = {ocr_s / max(ocr_n, 1):.2f} s/page")
    print(f"classify+extract+check+report: {rest:.2f}s")
    print(f"all pages without OCR: {text_n} pages in {text_s + rest:.2f}s = {text_n / (text_s + rest):.1f} pages/s")
    print(f"whole packet: {len(pages)} pages in {total:.2f}s")


if __name__ == "__main__":
    main()
