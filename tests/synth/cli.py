"""Command line: python -m tests.synth --out DIR --n 20 --seed 100 [--rendering ...] [--layout ...] [--inject A,B] [--all-codes]."""
from __future__ import annotations

import argparse
import math
import os
import random
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from .generate import LAYOUTS, RENDERINGS, generate_packet
from .inject import ALL_CODES, INCOMPATIBLE
from .inject2 import check_compatible


def spread_codes(n: int, seed: int) -> list[list[str]]:
    """Every code at least once over n packets; about a fifth of the packets clean; some with several codes."""
    rng = random.Random(seed)
    codes = ALL_CODES[:]
    rng.shuffle(codes)
    n_clean = n // 5 if n >= 3 else 0
    slots = max(1, n - n_clean)
    plan: list[list[str]] = [[] for _ in range(slots)]
    for i, c in enumerate(codes):
        plan[i % slots].append(c)
    for p in plan:                                     # a few extra codes for multi-code packets
        if rng.random() < 0.3:
            p.append(rng.choice(codes))
    for p in plan:
        uniq = list(dict.fromkeys(p))
        for bad in INCOMPATIBLE:
            while bad <= set(uniq):
                uniq.remove(sorted(bad)[0])
                plan[(plan.index(p) + 1) % slots].append(sorted(bad)[0]) if slots > 1 else None
        p[:] = uniq
    # fix any incompatibility introduced by the moves (rare): drop the extra copy
    for p in plan:
        for bad in INCOMPATIBLE:
            if bad <= set(p):
                p.remove(sorted(bad)[0])
    small = "CONSORTIUM_TOO_SMALL"                      # 7-9 enterprises: keep that packet's code list short
    for p in plan:
        if small in p and len(p) > 4 and slots > 1:
            q = min((x for x in plan if "CLUSTER_CAP_EXCEEDED" not in x), key=len)
            if len(q) < len(p) - 1:
                p.remove(small)
                q.append(small)
    out = plan + [[] for _ in range(n_clean)]
    rng.shuffle(out)
    return out


def _one(args: tuple) -> tuple[str, float, list[str]]:
    out, seed, rendering, layout, codes, pid, dpi = args
    t = time.time()
    generate_packet(Path(out), seed, rendering, layout, codes, pid, scan_dpi=dpi)
    return pid, time.time() - t, codes


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tests.synth", description=__doc__)
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument("--n", type=int, default=1)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--rendering", default="digital", choices=[*RENDERINGS, "any"])
    ap.add_argument("--layout", default="separate", choices=[*LAYOUTS, "any"])
    ap.add_argument("--inject", default="", help="comma-separated finding codes for every packet")
    ap.add_argument("--all-codes", action="store_true", help="spread every finding code over the N packets")
    ap.add_argument("--prefix", default="SYN")
    ap.add_argument("--scan-dpi", type=int, default=None)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    a = ap.parse_args(argv)
    if a.all_codes and a.n < 8:
        ap.error("--all-codes needs --n 8 or more (37 codes; a packet holds about 5 party-level defects)")
    base = [c.strip() for c in a.inject.split(",") if c.strip()]
    try:
        check_compatible(base)
    except ValueError as e:
        ap.error(str(e))
    plans = spread_codes(a.n, a.seed) if a.all_codes else [[] for _ in range(a.n)]
    rng = random.Random(a.seed)
    jobs = []
    for i in range(a.n):
        rendering = rng.choice(RENDERINGS) if a.rendering == "any" else a.rendering
        layout = rng.choice(LAYOUTS) if a.layout == "any" else a.layout
        codes = list(dict.fromkeys(base + plans[i]))
        jobs.append((str(a.out), a.seed + i, rendering, layout, codes, f"{a.prefix}{a.seed + i:05d}", a.scan_dpi))
    t0 = time.time()
    with ProcessPoolExecutor(max_workers=max(1, a.jobs)) as ex:
        for pid, dt, codes in ex.map(_one, jobs):
            print(f"{pid}  {dt:6.1f}s  {','.join(codes) or '(clean)'}", flush=True)
    print(f"{a.n} packets in {time.time() - t0:.1f}s -> {a.out}", file=sys.stderr)
    return 0
