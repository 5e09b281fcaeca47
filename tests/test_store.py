"""The store on SQLite and on a real PostgreSQL (scripts/start-postgres.sh): Alembic migrations,
registration and packet linking, state transitions, OCR cache."""
from __future__ import annotations

import subprocess
import sys

import pytest
from sqlalchemy import inspect as sa_inspect, select

from models.report import FindingOut, PacketInfo, PartyOut, ReportModel
from pipeline.ingest import ingest
from pipeline.store import repo
from pipeline.store.cache import StoreOcrCache
from pipeline.store.db import alembic_config, current_revision, open_store
from pipeline.store.models import Base, FieldRow, FileRow, FindingRow, PacketRow, RunRow
from tests.test_batch_kit import (ROOT, application_pdf, broken_pdf, commitment_pdf, make_email,  # noqa: F401
                                  pg_server, pg_url)

LEAD, CLUSTER = "江门市镕铸科技有限公司", "江门市高端装备产业集群"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=[pytest.mark.postgres, pytest.mark.slow])])
def store(request, tmp_path):
    if request.param == "sqlite":
        s = open_store(tmp_path / "store")
    else:
        s = open_store(request.getfixturevalue("pg_url"), default_dir=tmp_path / "blobs")
    yield s
    s.dispose()


def mail(tmp_path, i, sender, subject, files):
    p = tmp_path / f"m{i}.eml"
    p.write_bytes(make_email(sender, subject, [(n, d, "rfc2231") for n, d in files], f"<m{i}@x>"))
    return p


def report_for(pid, lead=LEAD, cluster=CLUSTER, findings=()):
    f = list(findings)
    return ReportModel(packet=PacketInfo(id=pid, source="t", cluster_name=cluster),
                       status="fail" if any(x.severity == "error" for x in f) else "pass",
                       parties=[PartyOut(role="lead", name=lead, declared={"name": lead, "evidence": {
                           "name": {"file": "申报书.pdf", "page": 1, "bbox": [1, 2, 3, 4], "text": lead}}})],
                       findings=f)


def test_alembic_head_and_models_agree(store):
    from alembic import command
    from alembic.script import ScriptDirectory
    cfg = alembic_config(store.url)
    assert current_revision(store) == ScriptDirectory.from_config(cfg).get_current_head()
    tables = set(sa_inspect(store.engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    command.check(cfg)                 # raises if the models drifted from the migrations


def test_alembic_cli_upgrade_head(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    r = subprocess.run([sys.executable, "-m", "alembic", "-x", f"url={url}", "upgrade", "head"], cwd=ROOT,
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    import sqlite3
    names = {n for (n,) in sqlite3.connect(tmp_path / "cli.db").execute("select name from sqlite_master")}
    assert {"submissions", "files", "documents", "pages", "ocr_cache", "parties", "fields", "findings",
            "runs"} <= names


def test_register_link_supplement_and_load_versions(store, tmp_path):
    m1 = mail(tmp_path, 1, "lead@qq.com", f"{CLUSTER}申报材料",
              [("申报书.pdf", application_pdf(LEAD, CLUSTER)), ("审计报告.pdf", broken_pdf())])
    m2 = mail(tmp_path, 2, "lead@qq.com", f"补充材料：{CLUSTER}",
              [("承诺函.pdf", commitment_pdf(LEAD)), ("审计报告.pdf", application_pdf("修正", CLUSTER))])
    s1 = ingest(str(m1), store.blobs)[0]
    s2 = ingest(str(m2), store.blobs)[0]
    pid, v = repo.register(store, s1)
    assert v == 1 and repo.register(store, s1) is None        # registered once only
    assert repo.register(store, s2) == (pid, 2)
    p1, probs1 = repo.load_packet(store, pid, 1)
    assert [f.path for f in p1.files] == ["申报书.pdf"] and [p.file for p in probs1] == ["审计报告.pdf"]
    p2, probs2 = repo.load_packet(store, pid)
    assert p2.version == 2 and sorted(f.path for f in p2.files) == ["审计报告.pdf", "承诺函.pdf", "申报书.pdf"]
    assert probs2 == []                                        # the supplement replaced the broken file
    with store.session() as s:
        assert s.scalar(select(FileRow.problem).where(FileRow.path == "审计报告.pdf", FileRow.problem.is_not(None)))


def test_claim_finish_fail_and_recover(store, tmp_path):
    sub = ingest(str(mail(tmp_path, 1, "a@qq.com", "申报", [("申报书.pdf", application_pdf(LEAD, CLUSTER))])),
                 store.blobs)[0]
    pid, _ = repo.register(store, sub)
    assert repo.pending_packets(store) == [pid]
    assert repo.claim(store, pid, "otherhost:1") == 1
    assert repo.claim(store, pid) is None                      # one claimant only
    assert repo.recover_stale(store) == []                     # another host's claim is trusted
    with store.session() as s, s.begin():
        s.get(PacketRow, pid).claimed_by = f"{__import__('socket').gethostname()}:999999"   # dead pid
    run_id = repo.start_run(store, pid, 1, "batch", tmp_path, worker=f"{__import__('socket').gethostname()}:999999")
    assert repo.recover_stale(store) == [pid]
    with store.session() as s:
        assert s.get(RunRow, run_id).state == "abandoned" and s.get(PacketRow, pid).state == "pending"
    assert repo.claim(store, pid) == 1
    run_id = repo.start_run(store, pid, 1, "batch", tmp_path)
    f = FindingOut(code="DOC_MISSING", severity="error", party_name=LEAD, message="缺少责任承诺函",
                   detail={"doc_kind": "commitment_letter"})
    repo.finish_run(store, run_id, report_for(pid, findings=[f]))
    with store.session() as s:
        p = s.get(PacketRow, pid)
        assert (p.state, p.status, p.lead_name, p.cluster_name) == ("reviewed", "fail", LEAD, CLUSTER)
        assert s.scalars(select(FindingRow.code).where(FindingRow.run_id == run_id)).all() == ["DOC_MISSING"]
        fld = s.scalars(select(FieldRow).where(FieldRow.run_id == run_id, FieldRow.name == "name")).one()
        assert (fld.value, fld.file, fld.page, fld.bbox) == (LEAD, "申报书.pdf", 1, [1, 2, 3, 4])
    assert repo.pending_packets(store) == []


def test_step2_linking_merges_same_lead_and_cluster(store, tmp_path):
    a = ingest(str(mail(tmp_path, 1, "a@qq.com", "申报材料", [("申报书.pdf", application_pdf(LEAD, CLUSTER))])),
               store.blobs)[0]
    b = ingest(str(mail(tmp_path, 2, "other@163.com", "材料二", [("承诺函.pdf", commitment_pdf(LEAD))])),
               store.blobs)[0]
    pa, _ = repo.register(store, a)
    pb, _ = repo.register(store, b)
    assert pa != pb                                            # step 1 cannot tell: different sender
    for pid in (pa, pb):
        repo.claim(store, pid)
        run = repo.start_run(store, pid, 1, "batch", tmp_path)
        merged = repo.finish_run(store, run, report_for(pid, lead=LEAD.replace("科技", "科技 "), cluster=CLUSTER))
    assert merged == pa
    with store.session() as s:
        assert s.get(PacketRow, pb).merged_into == pa
        target = s.get(PacketRow, pa)
        assert target.version == 2 and target.state == "pending"
    p, _ = repo.load_packet(store, pa)
    assert sorted(f.path for f in p.files) == ["承诺函.pdf", "申报书.pdf"]


def test_ocr_cache(store):
    c = StoreOcrCache(store)
    assert c.get("ab" * 32, "ppocr") is None
    c.put("ab" * 32, "ppocr", {"lines": [{"text": "营业执照", "conf": 0.98}]})
    c.put("ab" * 32, "ppocr", {"lines": [{"text": "营业执照", "conf": 0.99}]})
    assert c.get("ab" * 32, "ppocr")["lines"][0]["conf"] == 0.99
    assert c.get("ab" * 32, "other") is None
    c.note_page("cd" * 32, 1, 150, "ab" * 32, 595.0, 842.0)
    c.note_page("cd" * 32, 1, 150, "ab" * 32, 595.0, 842.0)     # twice: no error
