"""The inbox batch with the real review: first run, unchanged re-run, and Dask workers.

    .venv/bin/python bench/bench_inbox.py --digital 6 --scanned 2 --seed 7700 [--dask 1,2] [--keep DIR [--reuse]]

Generates a folder of packets (tests.synth, truth.json is not ingested), then times `shenbao batch` as a user runs it,
each run a fresh process with its own OCR cache folder (SHENBAO_CACHE_DIR), so "OCR calls" is the number of page
images added to that cache by the run:
  1. first run: cold OCR cache, empty store
  2. unchanged re-run: same source, same store: nothing new is taken in, nothing is reviewed again
  3. the same packets into a new store and out folder with the warm OCR cache: every packet is reviewed again and
     no page is OCR'd (what `shenbao recheck` and a lost store cost)
  4. with --dask N,...: the Prefect inbox flow on a local Dask cluster of N workers, each from a cold cache and an
     empty store, so the runs do the same work as run 1. By default the workers split the machine's cores (one
     worker takes every core for its OCR); --worker-threads T gives every worker T OCR threads whatever N is
     (workers of one size, as nodes of a cluster are), which measures what adding a worker adds.
Run it on an idle machine: the figures are wall-clock times.
"""
from __future__ import annotations

import argparse
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHENBAO = str(ROOT / ".venv/bin/shenbao")


def generate(dst: Path, digital: int, scanned: int, seed: int) -> int:
    """Packets into dst/<id>/; returns the number of pages."""
    for n, rendering, s in ((digital, "digital", seed), (scanned, "scanned", seed + 500)):
        if n:
            subprocess.run([sys.executable, "-m", "tests.synth", "--out", str(dst), "--n", str(n), "--seed", str(s),
                            "--rendering", rendering, "--prefix", f"B{rendering[0].upper()}"], check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    return count_pages(dst)


def count_pages(dst: Path) -> int:
    import pypdfium2
    pages = 0
    for f in dst.rglob("*"):
        if f.suffix.lower() == ".pdf":
            pages += len(pypdfium2.PdfDocument(str(f)))
        elif f.suffix.lower() in {".jpg", ".jpeg", ".png"}:
            pages += 1
    return pages


def ocr_pages(cache: Path) -> int:
    db = cache / "ocr.sqlite"
    if not db.exists():
        return 0
    with sqlite3.connect(db) as c:
        return c.execute("SELECT count(*) FROM ocr").fetchone()[0]


def batch(src: Path, out: Path, store: Path, cache: Path, *extra: str,
          threads: int | None = None) -> tuple[float, int, str]:
    """One `shenbao batch` run: (seconds, OCR calls, its last line)."""
    import os
    env = {**os.environ, "SHENBAO_CACHE_DIR": str(cache), "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "300"}
    if threads:
        env["SHENBAO_OCR_THREADS"] = str(threads)
    before = ocr_pages(cache)
    t = time.perf_counter()
    p = subprocess.run([SHENBAO, "batch", str(src), "--out", str(out), "--store", str(store), "-q", *extra],
                       cwd=ROOT, env=env, capture_output=True, text=True)
    dt = time.perf_counter() - t
    if p.returncode not in (0, 1):
        sys.exit(f"shenbao batch failed ({p.returncode}):\n{p.stdout[-2000:]}\n{p.stderr[-4000:]}")
    lines = [ln for ln in p.stdout.splitlines() if ln.strip()]
    return dt, ocr_pages(cache) - before, (lines[0] if lines else "")


def plain_runs(src: Path, work: Path, n: int) -> None:
    cache = work / "cache-local"
    for d in (cache, work / "out1", work / "store1", work / "out2", work / "store2"):
        shutil.rmtree(d, ignore_errors=True)
    t1, o1, l1 = batch(src, work / "out1", work / "store1", cache)
    print(f"first run:          {t1:7.1f} s  OCR calls {o1:4d}  ({t1 / n:.1f} s/packet)  | {l1}")
    t2, o2, l2 = batch(src, work / "out1", work / "store1", cache)
    print(f"unchanged re-run:   {t2:7.1f} s  OCR calls {o2:4d}  speed-up {t1 / t2:.1f}x  | {l2}")
    t3, o3, l3 = batch(src, work / "out2", work / "store2", cache)
    print(f"new store, warm OCR:{t3:7.1f} s  OCR calls {o3:4d}  speed-up {t1 / t3:.1f}x  | {l3}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--digital", type=int, default=6)
    ap.add_argument("--scanned", type=int, default=2)
    ap.add_argument("--seed", type=int, default=7700)
    ap.add_argument("--dask", default="", help="comma-separated worker counts, e.g. 1,2")
    ap.add_argument("--dask-only", action="store_true", help="skip runs 1-3")
    ap.add_argument("--worker-threads", type=int, default=None,
                    help="OCR threads of every Dask worker (default: the cores split between the workers)")
    ap.add_argument("--keep", default=None, help="work folder to keep (default: a temporary one)")
    ap.add_argument("--reuse", action="store_true", help="with --keep: use the packets already generated there")
    a = ap.parse_args()
    work = Path(a.keep) if a.keep else Path(tempfile.mkdtemp(prefix="bench-inbox-"))
    src = work / "inbox"
    if a.reuse and a.keep and src.exists():
        pages = count_pages(src)
    else:
        if src.exists():
            shutil.rmtree(src)
        pages = generate(src, a.digital, a.scanned, a.seed)
    n = a.digital + a.scanned
    print(f"{n} packets ({a.digital} digital, {a.scanned} scanned), {pages} pages")

    if not a.dask_only:
        plain_runs(src, work, n)

    base = None
    for w in [int(x) for x in a.dask.split(",") if x.strip()]:
        c, o, s = work / f"cache-dask{w}", work / f"out-dask{w}", work / f"store-dask{w}"
        for d in (c, o, s):
            shutil.rmtree(d, ignore_errors=True)
        t, calls, line = batch(src, o, s, c, "--dask-workers", str(w), threads=a.worker_threads)
        base = base or t
        size = f" x {a.worker_threads} thread(s)" if a.worker_threads else ""
        print(f"dask {w} worker(s){size}:  {t:7.1f} s  OCR calls {calls:4d}  {t / base:.2f}x of the first  | {line}")
    if not a.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
