"""OCR engine comparison on a scanned licence page and a 表二 page of the dev packet P902-01.

    .venv/bin/python bench/bench_ocr.py [--engines paddleocr,paddleocr-pipeline,rapidocr] [--dpi 150] [--reps 2]

Reports per engine and page: wall and CPU seconds (median of reps, after a warm-up; CPU time
is the fairer figure on a shared machine), number of boxes, and
how many truth strings (name, USCC, legal representative, address, …) occur in the OCR text.
Pages are turned upright/levelled/red-suppressed first (pipeline.prep) so every engine sees
the same image. Not a test.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.prep import prepare  # noqa: E402
from pipeline.read.render import render_pdf_page  # noqa: E402

PACKET = ROOT.parent / "shared" / "devset" / "P902-01"
PDF = PACKET / "全套申报材料.pdf"


def truth_strings() -> dict[int, list[str]]:
    t = json.loads((PACKET / "truth.json").read_text(encoding="utf-8"))
    lead = t["parties"][0]["license"]
    lic = [lead[k] for k in ("name", "uscc", "legal_representative", "address", "registered_capital_text")]
    ent = next(p for p in t["parties"] if p["name"].startswith("江门市益兴卫浴"))
    return {22: lic, 4: [ent["name"], ent["uscc"], "统一社会信用代码", "2021-12-06", "846.54", "136200.00"]}


def norm(s: str) -> str:
    return re.sub(r"\s+", "", s).replace("（", "(").replace("）", ")")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--engines", default="paddleocr,paddleocr-pipeline,rapidocr")
    ap.add_argument("--dpi", type=int, default=150)
    ap.add_argument("--reps", type=int, default=2)
    ap.add_argument("--det-limits", default="", help="also try the default engine at these det limits, e.g. 960,1280")
    a = ap.parse_args()
    truth = truth_strings()
    images = {}
    for pg in truth:
        images[pg] = prepare(render_pdf_page(PDF, pg, a.dpi)).ocr_image
    from pipeline.ocr import get_engine
    runs = [(n, None) for n in a.engines.split(",") if n]
    runs += [("paddleocr", int(x)) for x in a.det_limits.split(",") if x]
    print(f"{'engine':44} {'page':>4} {'wall_s':>6} {'cpu_s':>6} {'boxes':>5} truth-found")
    for name, limit in runs:
        try:
            eng = get_engine(name)
        except Exception as e:
            print(f"{name:44} unavailable: {e}")
            continue
        old = getattr(eng, "det_limit", None)
        if limit:
            eng.det_limit = limit
        label = eng.name + (f" det{limit}" if limit else "")
        for pg, img in images.items():
            eng.recognize(img)  # warm-up
            times, cpu = [], []
            for _ in range(a.reps):
                t, c = time.perf_counter(), time.process_time()
                boxes = eng.recognize(img)
                times.append(time.perf_counter() - t)
                cpu.append(time.process_time() - c)
            text = norm("".join(b.text for b in boxes))
            found = [s for s in truth[pg] if norm(s) in text]
            print(f"{label:44} {pg:>4} {statistics.median(times):6.2f} {statistics.median(cpu):6.2f} {len(boxes):5d} "
                  f"{len(found)}/{len(truth[pg])} missing={[s for s in truth[pg] if s not in found]}")
        if limit and old:
            eng.det_limit = old
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB; load {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
