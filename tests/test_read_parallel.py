"""Reading a packet's files in worker processes: same pages as reading in turn, in the packet's order,
bad files still become problems, OCR counters come back, and a worker that dies loses nothing."""
from __future__ import annotations

import multiprocessing
import os
from pathlib import Path

import pytest

from models.packet import FileProblem
from pipeline.read import STATS
from pipeline.read.parallel import map_files
from pipeline.review import ReviewOptions, read_all
from tests.test_read import stored

SERVICE = "P901-06/服务商"


def _dump(results):
    return [r.model_dump() if isinstance(r, FileProblem) else [p.model_dump() for p in r] for r in results]


def test_parallel_read_gives_the_same_pages_in_order(devset, tmp_path):
    bad = tmp_path / "坏文件.pdf"
    bad.write_bytes(b"%PDF-1.7\nnot really a pdf")
    files = [stored(devset / SERVICE / n, f"服务商/{n}") for n in
             ("安成-财务报表.pdf", "恩平市安成智能科技有限公司责任承诺函.pdf", "江门市新会区瑞业软件科技有限公司财务报表.pdf")]
    files.insert(1, stored(bad, "服务商/坏文件.pdf"))
    one = read_all(files, ReviewOptions(read_workers=1, cache_dir=str(tmp_path / "c")))
    two = read_all(files, ReviewOptions(read_workers=2, cache_dir=str(tmp_path / "c")))
    assert isinstance(two[1], FileProblem) and two[1].file == "服务商/坏文件.pdf"
    assert [p.file for p in two[0]] == ["服务商/安成-财务报表.pdf"] * len(two[0])
    assert _dump(two) == _dump(one)
    assert any(s for r in two if not isinstance(r, FileProblem) for p in r for s in p.seals)  # seals read there too


def test_ocr_counts_of_workers_reach_this_process(devset, tmp_path):
    lic = stored(devset / SERVICE / "安成-营业执照.pdf", "服务商/安成-营业执照.pdf")
    opts = ReviewOptions(read_workers=2, cache_dir=str(tmp_path / "c"), seals=False)
    read_all([lic], opts)                                   # one file: read here, fills the cache
    calls, hits = STATS.ocr_calls, STATS.cache_hits
    again = read_all([lic, lic.model_copy(update={"path": "副本/执照.pdf"})], opts)
    assert STATS.ocr_calls == calls                        # nothing OCR'd again …
    assert STATS.cache_hits >= hits + 2                    # … both workers' cache hits are counted here
    assert [p.file for p in again[1]] == ["副本/执照.pdf"]


def _dies_in_a_worker(item: str) -> str:
    if item == "die" and multiprocessing.parent_process() is not None:
        os._exit(3)                                         # a worker killed mid-file
    return f"read {item} in {'worker' if multiprocessing.parent_process() else 'parent'}"


def test_a_dead_worker_loses_nothing():
    items = ["a", "die", "b", "c"]
    got = map_files(_dies_in_a_worker, items, 2)
    assert [g.split(" in ")[0] for g in got] == [f"read {i}" for i in items]
    assert got[1] == "read die in parent"                   # read again here
    assert map_files(_dies_in_a_worker, ["x", "y"], 2) == ["read x in worker", "read y in worker"]  # pool renewed


def _ocr_threads(_item) -> str | None:
    return os.environ.get("SHENBAO_OCR_THREADS")


def test_workers_split_the_cores_between_their_ocr_engines(monkeypatch):
    from pipeline.read import parallel
    monkeypatch.delenv("SHENBAO_OCR_THREADS", raising=False)
    parallel.shutdown()
    want = str(max(1, (os.cpu_count() or 1) // 2))
    assert set(map_files(_ocr_threads, ["a", "b", "c"], 2)) == {want}
    parallel.shutdown()


def test_one_worker_or_one_file_reads_here():
    assert map_files(_dies_in_a_worker, ["a", "b"], 1) == ["read a in parent", "read b in parent"]
    assert map_files(_dies_in_a_worker, ["die"], 4) == ["read die in parent"]


@pytest.mark.quick
def test_a_workers_core_share_holds_for_opencv_too():
    """SHENBAO_OCR_THREADS is a process's share of the cores (Dask and read workers beside each other): the OCR
    engine's threads and OpenCV's pool both keep to it."""
    import os
    import subprocess
    import sys
    code = "import cv2; import pipeline.ocr.paddle_onnx as m; print(m.THREADS, cv2.getNumThreads())"
    env = {**os.environ, "SHENBAO_OCR_THREADS": "1"}
    got = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True,
                         cwd=str(Path(__file__).resolve().parents[1]))
    assert got.stdout.split() == ["1", "1"]
