"""Pages per second on a digital packet, OCR reported apart from the rest (not a test).

    .venv/bin/python bench/bench_digital.py [PACKET_DIR] [--no-seals] [--repeat N] [--profile OUT.prof]

Reads every file with a fresh OCR cache, then classifies, extracts, checks and reports. One-time start-up
(imports, loading the OCR models and the spaCy pipeline) is done first and reported on its own line: a
service pays it once, not per page. Every call into the OCR engine is timed, so the seconds are split into:

- OCR: licence images and seal ring text (engine calls);
- text-layer reading (pdfplumber), seal finding on text-layer pages (without its OCR calls);
- classify, extract, checks (per group), report.

"pages/s without OCR" = text-layer pages / (everything except OCR engine calls and licence-page reading).
Goal: > 20 pages/s. --workers N reads the text-layer files again over N processes
(pipeline.read.parallel, as `shenbao review` does) and reports that wall-clock rate, once with the seals' ring
OCR and once without it (ReadOptions.read_seals off: seals found, not read). --cpu counts CPU seconds of this process (for a busy, shared machine). With --repeat N the post-reading stages run N times and the best is kept.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import defaultdict
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

T: dict[str, float] = defaultdict(float)


CLOCK = time.perf_counter     # --cpu: time.process_time (this process's CPU seconds; fair on a busy machine)


@contextmanager
def timed(key: str):
    t = CLOCK()
    try:
        yield
    finally:
        T[key] += CLOCK() - t


_OCR_DEPTH = [0]


def _wrap(obj, name: str, key: str) -> None:
    """Time every call of obj.name under T[key] (measurement only: arguments and results pass through)."""
    fn = getattr(obj, name)

    def inner(*a, **kw):
        _OCR_DEPTH[0] += key == "ocr"
        try:
            with timed(key):
                return fn(*a, **kw)
        finally:
            _OCR_DEPTH[0] -= key == "ocr"
    setattr(obj, name, inner)


def warm_up(seals: bool) -> float:
    """Imports, OCR engine, spaCy pipeline: the one-time start-up of a process."""
    t = CLOCK()
    import pipeline.checks  # noqa: F401
    import pipeline.report  # noqa: F401
    from extractors.nlp import _default_nlp
    from pipeline.ocr import get_engine
    _default_nlp()
    eng = get_engine(None)
    _wrap(eng, "recognize", "ocr")
    _wrap(eng, "recognize_lines", "ocr")
    sess = getattr(getattr(eng, "rec", None), "sess", None)
    if sess is not None:     # the seal checks' CTC scoring runs the recogniser's session directly
        run = sess.run

        def direct(*a, **kw):
            if _OCR_DEPTH[0]:
                return run(*a, **kw)
            with timed("ocr"):
                return run(*a, **kw)
        sess.run = direct
    if seals:
        import pipeline.seals  # noqa: F401
    return CLOCK() - t


def _instrument() -> None:
    """Stage timers around the reader's seal finder and each check group."""
    import pipeline.checks as checks
    import pipeline.read.reader as reader
    _wrap(reader, "_add_seals", "seals")
    for module, name in checks.GROUPS:
        try:
            mod = __import__(module, fromlist=[name])
        except ImportError:
            continue
        _wrap(mod, name, "check:" + module.rsplit(".", 1)[-1])


def _parallel_read(rv, files, opts) -> float:
    """Wall seconds to read `files` over opts.read_workers processes, started and warmed beforehand."""
    from pipeline.read.parallel import warm
    warm(opts.read_workers, opts.ocr_engine)
    t = time.perf_counter()
    got = rv.read_all(files, opts)
    wall = time.perf_counter() - t
    assert all(isinstance(g, list) for g in got)
    return wall


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("packet", nargs="?", default=str(ROOT.parent / "shared/devset/P901-06"))
    ap.add_argument("--no-seals", action="store_true")
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--profile", help="write a cProfile of the timed part here")
    ap.add_argument("--workers", type=int, default=1,
                    help="also read the text-layer files again over N processes (wall clock) and report that rate")
    ap.add_argument("--cpu", action="store_true", help="count this process's CPU seconds instead of wall time "
                    "(a machine shared with other work inflates wall time; OCR threads then count in full)")
    a = ap.parse_args()
    global CLOCK
    if a.cpu:
        CLOCK = time.process_time
    start_s = warm_up(not a.no_seals)
    _instrument()
    from pipeline import review as rv
    from pipeline.ingest import packets_from_path
    prof = None
    if a.profile:
        import cProfile
        prof = cProfile.Profile()
        prof.enable()
    with tempfile.TemporaryDirectory() as tmp:
        opts = rv.ReviewOptions(cache_dir=str(Path(tmp) / "ocr"), seals=not a.no_seals, write_html=False)
        packet = packets_from_path(Path(a.packet), store_dir=Path(tmp) / "store")[0]
        pages, problems = [], []
        text_n = ocr_n = 0
        text_files = []
        for sf in packet.files:
            before = dict(T)
            t = CLOCK()
            got = rv.read_stage(sf, opts)
            dt = CLOCK() - t
            if not isinstance(got, list):
                problems.append(got)
                continue
            pages += got
            d_ocr = T["ocr"] - before.get("ocr", 0.0)
            d_seal = T["seals"] - before.get("seals", 0.0)
            if any(p.ocr for p in got):
                ocr_n += len(got)
                T["read:ocr-pages"] += dt
            else:
                text_n += len(got)
                text_files.append(sf)
                T["read:text"] += dt - d_seal          # pdfplumber (seals and their OCR apart)
                T["seal-ocr:text-pages"] += d_ocr
                T["seals:text-pages"] += d_seal - d_ocr
        best: dict[str, float] | None = None
        for _ in range(max(1, a.repeat)):
            run: dict[str, float] = {}
            keys = [k for k in T if k.startswith("check:")]
            before = {k: T[k] for k in keys}
            t = CLOCK()
            docs = rv.classify_stage(pages)
            run["classify"] = CLOCK() - t
            by_ref = {p.ref: p for p in pages}
            t = CLOCK()
            docs = [rv.extract_stage(d, rv.pages_of(d, by_ref)) for d in docs]
            run["extract"] = CLOCK() - t
            t = CLOCK()
            rv.finish_review(packet, pages, docs, problems, Path(tmp) / "out", opts)
            run["checks+report"] = CLOCK() - t
            for k in T:
                if k.startswith("check:"):
                    run[k] = T[k] - before.get(k, 0.0)
            if best is None or sum(run[k] for k in ("classify", "extract", "checks+report")) < \
                    sum(best[k] for k in ("classify", "extract", "checks+report")):
                best = run
        if a.workers > 1:
            par = _parallel_read(rv, text_files, opts.model_copy(update={"cache_dir": str(Path(tmp) / "ocr2"),
                                                                          "read_workers": a.workers}))
            # the same without OCR: seals found, their text left unread (the rate the goal is about)
            par_no_ocr = _parallel_read(rv, text_files, opts.model_copy(update={
                "cache_dir": str(Path(tmp) / "ocr3"), "read_workers": a.workers, "read_seals": False}))
    if prof is not None:
        prof.disable()
        prof.dump_stats(a.profile)
    assert best is not None
    checks_s = sum(v for k, v in best.items() if k.startswith("check:"))
    rest = best["classify"] + best["extract"] + best["checks+report"]
    no_ocr = T["read:text"] + T["seals:text-pages"] + rest
    print(f"packet: {a.packet}  seals: {not a.no_seals}  clock: {'CPU' if a.cpu else 'wall'} seconds")
    print(f"start-up (imports, OCR models, spaCy; once per process): {start_s:.2f}s")
    print(f"OCR'd licence pages: {ocr_n} in {T['read:ocr-pages']:.2f}s = {T['read:ocr-pages'] / max(ocr_n, 1):.2f} s/page")
    print(f"text-layer pages: {text_n}")
    print(f"  read (pdfplumber lines+tables): {T['read:text']:.2f}s = {text_n / max(T['read:text'], 1e-9):.1f} pages/s")
    print(f"  seal finding on text-layer pages, without OCR: {T['seals:text-pages']:.2f}s")
    print(f"  seal ring-text OCR on text-layer pages: {T['seal-ocr:text-pages']:.2f}s")
    print(f"classify {best['classify']:.2f}s  extract {best['extract']:.2f}s  checks {checks_s:.2f}s ("
          + ", ".join(f"{k[6:]} {v:.2f}" for k, v in sorted(best.items()) if k.startswith("check:"))
          + f")  report {best['checks+report'] - checks_s:.2f}s")
    print(f"all text-layer pages without OCR: {text_n} pages in {no_ocr:.2f}s = {text_n / no_ocr:.1f} pages/s")
    print(f"  (with seal ring-text OCR: {text_n / (no_ocr + T['seal-ocr:text-pages']):.1f} pages/s)")
    if a.workers > 1:
        print(f"text-layer files read over {a.workers} processes (wall clock, seal finding and its OCR included): "
              f"{par:.2f}s = {text_n / par:.1f} pages/s")
        print(f"all text-layer pages, {a.workers} reading processes, seal OCR included: {text_n} pages in "
              f"{par + rest:.2f}s = {text_n / (par + rest):.1f} pages/s")
        print(f"all text-layer pages, {a.workers} reading processes, without OCR (seals found, not read): "
              f"{text_n} pages in {par_no_ocr + rest:.2f}s = {text_n / (par_no_ocr + rest):.1f} pages/s")
    print(f"whole packet: {len(pages)} pages in {no_ocr + T['seal-ocr:text-pages'] + T['read:ocr-pages']:.2f}s")


if __name__ == "__main__":
    main()
