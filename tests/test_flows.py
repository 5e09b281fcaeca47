"""The Prefect flows run locally with no server set up; a second run of unchanged files reuses the caches;
the inbox flow runs on a Dask LocalCluster of 2 workers."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow

PACKET_FILES = ["江门市新能源汽车零部件产业集群申报书.pdf", "企业材料/康锐/康锐 营业执照.pdf", "企业材料/康锐/康锐-责任承诺函.pdf"]

PACKET_FLOW = """
import sys
from flows import review_packet_flow
from pipeline.review import ReviewOptions
r = review_packet_flow(sys.argv[1], sys.argv[2], ReviewOptions(seals=False))
print("STATUS", r.status)
"""

DASK_FLOW = """
import json, sys
if __name__ == "__main__":
    from prefect_dask import DaskTaskRunner
    from flows import review_inbox
    from pipeline.review import ReviewOptions
    runner = DaskTaskRunner(cluster_kwargs={"n_workers": 2, "threads_per_worker": 1, "processes": True})
    res = review_inbox.with_options(task_runner=runner)(sys.argv[1], sys.argv[2], options=ReviewOptions(seals=False))
    print("RESULT", json.dumps(res, ensure_ascii=False))
"""


OTHER_FILES = ["企业材料/富盛/富盛营业执照.pdf", "企业材料/富盛/富盛责任承诺函.pdf"]


def _small_packet(devset: Path, dest: Path, files: list[str] = PACKET_FILES) -> Path:
    dest.mkdir(parents=True)
    for rel in files:
        (dest / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(devset / "P901-06" / rel, dest / rel)
    return dest


def _env(tmp_path: Path) -> dict:
    return dict(os.environ, PREFECT_HOME=str(tmp_path / "prefect"), SHENBAO_STORE=str(tmp_path / "store"),
                SHENBAO_CACHE_DIR=str(tmp_path / "ocr"), PREFECT_LOGGING_LEVEL="WARNING",
                PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS="300")


def _run(script: str, args: list[str], env: dict) -> str:
    r = subprocess.run([str(ROOT / ".venv/bin/python"), "-c", script, *args], cwd=ROOT, env=env,
                       capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stderr[-3000:]
    return r.stdout


def test_packet_flow_twice_reuses_read_and_extract_caches(tmp_path, devset):
    packet = _small_packet(devset, tmp_path / "P-flow")
    env = _env(tmp_path)
    runs = []
    for i in range(2):
        out = tmp_path / f"out{i}"
        assert "STATUS" in _run(PACKET_FLOW, [str(packet), str(out)], env)
        assert (out / "report.json").exists() and (out / "report.html").exists()
        runs.append(json.loads((out / "run.json").read_text()))
    assert runs[0]["read_tasks"] == 3 and runs[0]["read_cached"] == 0
    assert runs[1]["read_cached"] == 3
    assert runs[1]["extract_cached"] == runs[1]["extract_tasks"] > 0


def test_inbox_flow_on_two_dask_workers(tmp_path, devset):
    source = tmp_path / "inbox"
    # two different applicants (identical packets would be linked as one applicant's versions)
    _small_packet(devset, source / "P-A")
    _small_packet(devset, source / "P-B", OTHER_FILES)
    out = tmp_path / "out"
    stdout = _run(DASK_FLOW, [str(source), str(out)], _env(tmp_path))
    res = json.loads(stdout.split("RESULT", 1)[1])
    assert sorted(res["reviewed"]) == ["P-A", "P-B"] and not res["failed"]
    assert Path(res["xlsx"]).exists()
    for pid in ("P-A", "P-B"):
        assert json.loads((out / pid / "report.json").read_text(encoding="utf-8"))["packet"]["id"] == pid
    # a second poll finds nothing new and reviews nothing again
    res2 = json.loads(_run(DASK_FLOW, [str(source), str(out)], _env(tmp_path)).split("RESULT", 1)[1])
    assert res2["reviewed"] == []
