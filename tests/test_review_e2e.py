"""End to end on the digital dev packet: the score the issue asks for, bad files, the CLI and its exit codes."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import DEVSET, ROOT

pytestmark = pytest.mark.slow


def score(truth_root: Path, reports: Path) -> dict:
    sys.path.insert(0, str(DEVSET))
    import score as scorer  # shared/devset/score.py
    return scorer.main([str(truth_root), str(reports), "--quiet"])


@pytest.fixture(scope="module")
def p901_reports(tmp_path_factory, devset):
    out = tmp_path_factory.mktemp("reports")
    truth = tmp_path_factory.mktemp("truth")
    shutil.copytree(devset / "P901-06", truth / "P901-06")
    rc = subprocess.run([str(ROOT / ".venv/bin/shenbao"), "review", str(devset / "P901-06"), "--out", str(out), "-q"],
                        cwd=ROOT).returncode
    return truth, out, rc


def test_p901_scores_perfect_findings(p901_reports):
    truth, out, rc = p901_reports
    assert rc == 1  # the packet has errors: exit code 1
    s = score(truth, out)
    assert s["f1"] == 1.0
    assert s["fields"] >= 0.98
    assert s["status"] == 1.0


def test_p901_report_is_complete(p901_reports):
    _, out, _ = p901_reports
    report = json.loads((out / "P901-06" / "report.json").read_text(encoding="utf-8"))
    kinds = {d["kind"] for d in report["documents"]}
    assert {"application_form", "survey_report", "implementation_plan", "business_license", "audit_report",
            "financial_statements", "commitment_letter"} <= kinds
    assert len(report["parties"]) == 14
    for f in report["findings"]:
        assert f["evidence"] or f["file"], f"finding without evidence: {f}"
    assert (out / "P901-06" / "report.html").exists()


def _bad_files(folder: Path) -> None:
    from reportlab.pdfgen import canvas
    (folder / "损坏的文件.pdf").write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 8)
    (folder / "空文件.pdf").write_bytes(b"")
    (folder / "说明.txt").write_text("这不是PDF", encoding="utf-8")
    (folder / "照片.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    c = canvas.Canvas(str(folder / "加密.pdf"), encrypt="secret")
    c.drawString(100, 700, "encrypted")
    c.save()


def test_bad_files_become_doc_unreadable_and_the_rest_is_reviewed(tmp_path, devset):
    packet = tmp_path / "P901-bad"
    shutil.copytree(devset / "P901-06", packet)
    (packet / "truth.json").unlink()
    _bad_files(packet)
    out = tmp_path / "out"
    rc = subprocess.run([str(ROOT / ".venv/bin/shenbao"), "review", str(packet), "--out", str(out), "-q"],
                        cwd=ROOT).returncode
    assert rc == 1
    report = json.loads((out / "P901-bad" / "report.json").read_text(encoding="utf-8"))
    unreadable = {f["file"] for f in report["findings"] if f["code"] == "DOC_UNREADABLE"}
    assert unreadable == {"损坏的文件.pdf", "空文件.pdf", "说明.txt", "照片.jpg", "加密.pdf"}
    assert all(f["message"] for f in report["findings"] if f["code"] == "DOC_UNREADABLE")
    # the rest is still reviewed: the dev packet's own findings are there
    codes = {f["code"] for f in report["findings"]}
    assert {"LINE_AMOUNT_MISMATCH", "SEAL_WRONG_TYPE"} <= codes


def test_cli_bad_input_exit_code(tmp_path):
    r = subprocess.run([str(ROOT / ".venv/bin/shenbao"), "review", str(tmp_path / "nope"), "--out", str(tmp_path)],
                       cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 2
    assert "找不到" in r.stderr
