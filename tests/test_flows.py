"""The Prefect flows run locally with no server set up; a second run of unchanged files reuses the caches."""
from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow

SCRIPT = """
import sys
from flows import review_packet_flow
from pipeline.review import ReviewOptions
r = review_packet_flow(sys.argv[1], sys.argv[2], ReviewOptions(seals=False))
print("STATUS", r.status)
"""


def test_packet_flow_twice_reuses_read_and_extract_caches(tmp_path, devset):
    packet = tmp_path / "P-flow"
    packet.mkdir()
    src = devset / "P901-06"
    for rel in ["江门市新能源汽车零部件产业集群申报书.pdf", "企业材料/康锐/康锐 营业执照.pdf",
                "企业材料/康锐/康锐-责任承诺函.pdf"]:
        (packet / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(src / rel, packet / rel)
    env = dict(os.environ, PREFECT_HOME=str(tmp_path / "prefect"), SHENBAO_STORE=str(tmp_path / "store"),
               SHENBAO_CACHE_DIR=str(tmp_path / "ocr"), PREFECT_LOGGING_LEVEL="WARNING")
    runs = []
    for i in range(2):
        out = tmp_path / f"out{i}"
        r = subprocess.run([str(ROOT / ".venv/bin/python"), "-c", SCRIPT, str(packet), str(out)], cwd=ROOT, env=env,
                           capture_output=True, text=True, timeout=600)
        assert r.returncode == 0, r.stderr[-3000:]
        assert "STATUS" in r.stdout
        assert (out / "report.json").exists() and (out / "report.html").exists()
        runs.append(json.loads((out / "run.json").read_text()))
    assert runs[0]["read_tasks"] == 3 and runs[0]["read_cached"] == 0
    assert runs[1]["read_cached"] == 3
    assert runs[1]["extract_cached"] == runs[1]["extract_tasks"] > 0
