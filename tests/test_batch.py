"""The batch with real parts: SQLite/PostgreSQL store, real PDFs, the 汇总.xlsx read back with openpyxl,
re-checks, and a batch process killed with SIGKILL and started again."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from models.report import FindingOut, ReportModel
from pipeline.batch import recheck, run_batch
from pipeline.batch.simple_review import review_simple
from pipeline.store.db import open_store
from pipeline.store.models import FindingRow, PacketRow, RunRow
from tests.test_batch_kit import (ROOT, application_pdf, broken_pdf, commitment_pdf, hostile_review,  # noqa: F401
                                  make_zip, pg_server, pg_url)

CLUSTER = "江门市高端装备产业集群"


def make_source(root: Path, n: int = 3) -> Path:
    """n packets: folders and zips; packet 0 complete, the others lack the 责任承诺函, packet 1 has a broken PDF."""
    src = root / "inbox"
    src.mkdir()
    for i in range(n):
        lead = f"江门市第{i}科技有限公司"
        files = {"申报书.pdf": application_pdf(lead, f"江门市第{i}产业集群")}
        if i == 0:
            files["责任承诺函.pdf"] = commitment_pdf(lead)
        if i == 1:
            files["审计报告.pdf"] = broken_pdf()
        if i % 2:
            (src / f"包{i}.zip").write_bytes(make_zip(files))
        else:
            (src / f"包{i}").mkdir()
            for name, data in files.items():
                (src / f"包{i}" / name).write_bytes(data)
    return src


def sheet_rows(path: Path, name: str) -> list[dict]:
    ws = openpyxl.load_workbook(path)[name]
    rows = list(ws.iter_rows(values_only=True))
    return [dict(zip(rows[0], r)) for r in rows[1:]]


def check_store_and_xlsx_agree(res, store_url: str) -> None:
    store = open_store(store_url)
    summary = {r["编号"]: r for r in sheet_rows(Path(res.xlsx), "汇总")}
    detail = Counter(r["编号"] for r in sheet_rows(Path(res.xlsx), "问题明细"))
    with store.session() as s:
        packets = s.scalars(select(PacketRow).where(PacketRow.merged_into.is_(None))).all()
        assert set(summary) == {p.id for p in packets}
        for p in packets:
            run = s.scalars(select(RunRow).where(RunRow.packet_id == p.id, RunRow.state == "done")
                            .order_by(RunRow.id.desc())).first()
            codes = s.scalars(select(FindingRow.severity).where(FindingRow.run_id == run.id)).all()
            row = summary[p.id]
            assert (row["错误"], row["警告"], row["提示"]) == (codes.count("error"), codes.count("warning"),
                                                             codes.count("info"))
            assert detail[p.id] == len(codes)
            assert row["申报单位(牵头单位)"] == (p.lead_name or None) and row["产业集群"] == (p.cluster_name or None)
            report = json.loads((Path(res.out_dir) / p.id / "report.json").read_text())
            assert report["status"] == run.status == p.status


@pytest.mark.quick
def test_batch_reviews_once_and_outputs_agree_with_store(tmp_path):
    src = make_source(tmp_path)
    res = run_batch(str(src), tmp_path / "out", review_simple)
    assert sorted(res.reviewed) == ["包0", "包1", "包2"] and res.failed == []
    check_store_and_xlsx_agree(res, res.store_url)
    status = {p.id: p.status for p in res.packets}
    assert status == {"包0": "pass", "包1": "fail", "包2": "fail"}
    rep1 = json.loads((tmp_path / "out" / "包1" / "report.json").read_text())
    unreadable = [f for f in rep1["findings"] if f["code"] == "DOC_UNREADABLE"]
    assert [f["file"] for f in unreadable] == ["审计报告.pdf"]          # ingest problem made a finding
    assert sorted(Path(n).parent.name for n in res.notices) == ["包1", "包2"]
    again = run_batch(str(src), tmp_path / "out", review_simple)
    assert again.new_submissions == 0 and again.reviewed == []
    with open_store(res.store_url).session() as s:
        assert s.scalar(select(func.count()).select_from(RunRow)) == 3


@pytest.mark.quick
def test_xlsx_neutralises_formulas_and_is_usable(tmp_path):
    src = make_source(tmp_path, 1)
    res = run_batch(str(src), tmp_path / "out", hostile_review)
    wb = openpyxl.load_workbook(res.xlsx)
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A2" and ws.auto_filter.ref == ws.dimensions
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f", (ws.title, c.coordinate, c.value)
                if isinstance(c.value, str):
                    assert not c.value.startswith(("=", "+", "-", "@", "\t")), c.value
    detail = sheet_rows(Path(res.xlsx), "问题明细")
    names = {r["涉及单位"] for r in detail}
    assert "'=HYPERLINK(\"http://x\",\"点我\")" in names
    assert {r["说明"] for r in detail} >= {"'-2+3 单位名称不一致", "'=1+1"}
    assert any(r["申报值"] == "'+1+2" for r in detail) and any(r["核实值"] == "'@SUM(A1)" for r in detail)
    ws = wb["汇总"]
    widths = {ws.cell(1, i).value: ws.column_dimensions[openpyxl.utils.get_column_letter(i)].width
              for i in range(1, ws.max_column + 1)}
    assert widths["申报单位(牵头单位)"] >= 20 and widths["主要问题"] <= 62
    link = ws.cell(2, [c.value for c in ws[1]].index("报告") + 1)
    assert link.hyperlink.target == "包0/report.html" and (Path(res.out_dir) / link.value).is_file()


def strict_review(packet, out_dir: Path) -> ReportModel:
    """A 'new rule pack': DOC_MISSING becomes a warning and a new check fires."""
    rep = review_simple(packet, out_dir)
    fs = [f.model_copy(update={"severity": "warning"}) if f.code == "DOC_MISSING" else f for f in rep.findings]
    fs.append(FindingOut(code="SURVEY_TOO_SMALL", severity="warning", message="调研报告调研企业少于15家"))
    return rep.model_copy(update={"findings": fs, "status": "review", "rule_pack": "simple-1"})


@pytest.mark.quick
def test_recheck_diffs_against_decision_run_and_keeps_both(tmp_path):
    src = make_source(tmp_path, 3)
    res = run_batch(str(src), tmp_path / "out", review_simple)
    same = recheck("包0", res.store_url, review_simple)
    assert same.unchanged and same.status_before == same.status_after == "pass"
    r = recheck("包2", res.store_url, strict_review)
    assert (r.status_before, r.status_after) == ("fail", "review")
    assert [a["code"] for a in r.added] == ["SURVEY_TOO_SMALL"] and r.removed == []
    assert [(c["code"], c["fields"]) for c in r.changed] == [("DOC_MISSING", ["severity"])]
    diff = json.loads(Path(r.diff_path).read_text())
    assert diff["decision_run"]["rule_pack"] == "simple-0" and diff["recheck_run"]["rule_pack"] == "simple-1"
    with open_store(res.store_url).session() as s:
        kinds = s.scalars(select(RunRow.kind).where(RunRow.packet_id == "包2", RunRow.state == "done")).all()
        assert sorted(kinds) == ["batch", "recheck"]
        assert s.get(PacketRow, "包2").status == "fail"        # the decision stands; the re-check is kept beside it
    with pytest.raises(KeyError):
        recheck("nope", res.store_url, review_simple)


@pytest.mark.slow
def test_sigkill_mid_batch_then_rerun_reviews_each_packet_once(tmp_path):
    src = tmp_path / "inbox"
    src.mkdir()
    n = 8
    for i in range(n):
        (src / f"包{i:02d}").mkdir()
        (src / f"包{i:02d}" / "申报书.pdf").write_bytes(application_pdf(f"江门市第{i}科技有限公司", CLUSTER))
    log, out = tmp_path / "reviews.log", tmp_path / "out"
    env = {**os.environ, "REVIEW_LOG": str(log), "REVIEW_SLEEP": "0.4", "PYTHONPATH": str(ROOT)}
    code = ("import sys; from pathlib import Path; from pipeline.batch import run_batch; "
            "from tests.test_batch_kit import counting_review; "
            "run_batch(sys.argv[1], Path(sys.argv[2]), counting_review)")
    proc = subprocess.Popen([sys.executable, "-c", code, str(src), str(out)], cwd=ROOT, env=env)
    deadline = time.time() + 120
    while time.time() < deadline:
        if log.exists() and len(log.read_text().splitlines()) >= 3:
            break
        assert proc.poll() is None, "batch ended before it could be killed"
        time.sleep(0.02)
    time.sleep(0.15)                     # well inside the next review (each sleeps 0.4 s)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    done_before = len(log.read_text().splitlines())
    assert 3 <= done_before < n
    store = open_store(out / "store")
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(PacketRow).where(PacketRow.state == "reviewing")) == 1
    r = subprocess.run([sys.executable, "-c", code, str(src), str(out)], cwd=ROOT, env=env, timeout=300)
    assert r.returncode == 0
    reviews = Counter(line.split("\t")[0] for line in log.read_text().splitlines())
    assert reviews == Counter({f"包{i:02d}": 1 for i in range(n)})
    with store.session() as s:
        done = Counter(s.scalars(select(RunRow.packet_id).where(RunRow.state == "done")).all())
        assert done == Counter({f"包{i:02d}": 1 for i in range(n)})
        assert set(s.scalars(select(PacketRow.state)).all()) == {"reviewed"}
    rows = sheet_rows(out / "汇总.xlsx", "汇总")
    assert len(rows) == n


@pytest.mark.quick
def test_review_finished_before_crash_is_adopted_not_repeated(tmp_path, monkeypatch):
    """Killed after report.json was written but before the commit: the next batch commits it."""
    import socket

    from pipeline.store import repo
    src = make_source(tmp_path, 1)
    out = tmp_path / "out"
    store = open_store(out / "store")
    from pipeline.batch.core import list_new_submissions, register
    [pid] = register(list_new_submissions(str(src), store.url), store.url)
    dead = f"{socket.gethostname()}:999999"
    assert repo.claim(store, pid, dead) == 1
    repo.start_run(store, pid, 1, "batch", out / pid, worker=dead)
    packet, problems = repo.load_packet(store, pid)
    review_simple(packet, out / pid, problems)            # the review finished, then the process died
    calls = []
    res = run_batch(str(src), out, lambda p, o: calls.append(p.id) or review_simple(p, o))
    assert res.adopted == [pid] and res.reviewed == [] and calls == []
    with store.session() as s:
        assert s.scalars(select(RunRow.state).where(RunRow.packet_id == pid)).all() == ["done"]
        assert s.get(PacketRow, pid).state == "reviewed"


@pytest.mark.postgres
@pytest.mark.slow
def test_batch_on_postgres(tmp_path, pg_url):
    src = make_source(tmp_path, 2)
    res = run_batch(str(src), tmp_path / "out", review_simple, store_url=pg_url)
    assert res.store_url.startswith("postgresql") and sorted(res.reviewed) == ["包0", "包1"]
    check_store_and_xlsx_agree(res, pg_url)
    assert run_batch(str(src), tmp_path / "out", review_simple, store_url=pg_url).reviewed == []


def flaky_review(packet, out_dir: Path) -> ReportModel:
    if os.environ.get("FLAKY_FAIL") == "1" and packet.id == "包1":
        raise RuntimeError("审查程序出错（测试）")
    return review_simple(packet, out_dir)


@pytest.mark.slow
def test_worker_processes_and_failed_review_retried(tmp_path, monkeypatch):
    src = make_source(tmp_path, 4)
    monkeypatch.setenv("FLAKY_FAIL", "1")
    res = run_batch(str(src), tmp_path / "out", flaky_review, workers=2)
    assert res.failed == ["包1"] and sorted(res.reviewed) == ["包0", "包2", "包3"]
    assert "RuntimeError: 审查程序出错" in (tmp_path / "out" / "包1" / "error.txt").read_text()
    rows = {r["编号"]: r["状态"] for r in sheet_rows(Path(res.xlsx), "汇总")}
    assert rows["包1"] == "审查出错"
    monkeypatch.setenv("FLAKY_FAIL", "0")
    again = run_batch(str(src), tmp_path / "out", flaky_review, workers=2)
    assert again.reviewed == ["包1"] and again.failed == []
    with open_store(res.store_url).session() as s:
        states = s.scalars(select(RunRow.state).where(RunRow.packet_id == "包1").order_by(RunRow.id)).all()
        assert states == ["failed", "done"]
