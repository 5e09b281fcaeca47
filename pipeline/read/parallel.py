"""Read a packet's files side by side in worker processes.

pdfminer (under pdfplumber) is pure Python, so threads do not help: on a digital packet the text-layer
parse is most of the time. A small process pool, kept for the life of the process, reads one file per
task; results come back in the packet's order. Workers start from a forkserver (never a fork of a
process whose onnxruntime threads are running) and load the OCR engine only if a file needs it.

A worker that dies (killed, out of memory) breaks the pool: the files it had not returned are read
again in this process, so nothing is lost and the batch goes on.
"""
from __future__ import annotations

import atexit
import logging
import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Callable, TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")

_POOL: ProcessPoolExecutor | None = None
_POOL_SIZE = 0
_LOCK = threading.Lock()       # packets of a batch may be reviewed in threads sharing the pool


def auto_workers() -> int:
    """One worker per core, at most 4 (memory: each worker may hold an OCR engine)."""
    return max(1, min(os.cpu_count() or 1, 4))


def _pool(workers: int) -> ProcessPoolExecutor:
    """The process's pool; it only grows (a smaller request keeps the bigger pool)."""
    global _POOL, _POOL_SIZE
    with _LOCK:
        if _POOL is None or _POOL_SIZE < workers:
            _shutdown()
            ctx = multiprocessing.get_context("forkserver")
            ctx.set_forkserver_preload(["pipeline.read.reader", "pipeline.review"])
            threads = os.environ.get("SHENBAO_OCR_THREADS") or str(max(1, (os.cpu_count() or 1) // workers))
            _POOL = ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_share_cores,
                                        initargs=(threads,))
            _POOL_SIZE = workers
        return _POOL


def _share_cores(threads: str) -> None:
    """Workers split the cores: each OCR engine gets cores/workers threads (the parent's SHENBAO_OCR_THREADS
    wins), so that N workers' onnxruntime pools do not spin against each other. Set here, not inherited:
    the forkserver keeps the environment it started with."""
    os.environ["SHENBAO_OCR_THREADS"] = threads
    import cv2
    cv2.setNumThreads(int(threads))      # OpenCV's pool keeps to the worker's share too


def _shutdown() -> None:
    global _POOL, _POOL_SIZE
    if _POOL is not None:
        _POOL.shutdown(wait=False, cancel_futures=True)
        _POOL, _POOL_SIZE = None, 0


def shutdown() -> None:
    with _LOCK:
        _shutdown()


atexit.register(shutdown)


def _load_engine(name: str | None) -> int:
    import time

    from pipeline.ocr import get_engine
    get_engine(name)
    time.sleep(0.5)          # hold this worker so that the next task goes to another
    return os.getpid()


def warm(workers: int, engine: str | None = None) -> int:
    """Start the pool's workers and load their OCR engines now (a service's start-up, not a file's cost).
    Returns how many distinct workers answered."""
    pool = _pool(workers)
    return len({f.result() for f in [pool.submit(_load_engine, engine) for _ in range(workers)]})


def _with_stats(fn: Callable, item):
    """Run fn(item) in a worker and bring its OCR counters back (STATS is per process)."""
    from pipeline.read.cache import STATS
    STATS.reset()
    got = fn(item)
    return got, STATS.model_dump()


def map_files(fn: Callable[[object], T], items: list, workers: int, size=lambda item: 0) -> list[T]:
    """[fn(item) for item in items], spread over `workers` processes when there is more than one item.

    fn must be a module-level function (it is pickled). Big items are sent first so that the last one
    does not start alone. The parent's OCR counters (pipeline.read.cache.STATS) get the workers' counts.
    """
    if workers <= 1 or len(items) <= 1:
        return [fn(it) for it in items]
    from pipeline.read.cache import STATS
    results: dict[int, T] = {}
    order = sorted(range(len(items)), key=lambda i: -size(items[i]))
    try:
        pool = _pool(min(workers, len(items)))
        futures = {i: pool.submit(_with_stats, fn, items[i]) for i in order}
        for i in order:
            got, stats = futures[i].result()
            results[i] = got
            STATS.ocr_calls += stats["ocr_calls"]
            STATS.cache_hits += stats["cache_hits"]
            STATS.ocr_seconds += stats["ocr_seconds"]
    except (BrokenProcessPool, OSError) as exc:      # a worker died: read the rest here
        log.warning("read worker lost (%s): reading %d file(s) in this process", exc, len(items) - len(results))
        shutdown()
        for i in order:
            if i not in results:
                results[i] = fn(items[i])
    return [results[i] for i in range(len(items))]
