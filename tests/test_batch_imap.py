"""The batch from a real IMAP inbox: Dovecot started by scripts/start-dovecot.sh, packets APPENDed as
e-mails (zip attachments with GBK names, nested zip, GB2312/raw-GBK names, a broken attachment, a
补充材料 e-mail), then run_batch(imap://…) and the store and 汇总.xlsx must agree."""
from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlparse

import pytest
from sqlalchemy import select

from pipeline.batch import run_batch
from pipeline.batch.simple_review import review_simple
from pipeline.store.db import open_store
from pipeline.store.models import PacketRow, RunRow, SubmissionRow
from tests.test_batch import check_store_and_xlsx_agree, sheet_rows
from tests.test_batch_kit import (application_pdf, broken_pdf, commitment_pdf, imap_server,  # noqa: F401
                                  imaps_server, license_pdf, make_email, make_zip)

pytestmark = [pytest.mark.imap, pytest.mark.slow]
A_LEAD, A_CLUSTER = "江门市镕铸科技有限公司", "江门市高端装备产业集群"
B_LEAD, B_CLUSTER = "台山市海宴食品有限公司", "江门市食品产业集群"


def append(url: str, raw: bytes, day: int, cafile: str | None = None) -> None:
    from imap_tools import MailBox, MailBoxUnencrypted
    u = urlparse(url)
    if u.scheme == "imaps":
        import ssl
        box = MailBox(u.hostname, u.port, ssl_context=ssl.create_default_context(cafile=cafile))
    else:
        box = MailBoxUnencrypted(u.hostname, u.port)
    with box.login(u.username, u.password, "INBOX") as mb:
        mb.append(raw, "INBOX", dt=datetime(2025, 8, day, 9, 0, tzinfo=timezone.utc))


def test_batch_from_imap(imap_server, tmp_path):
    url, _ = imap_server
    inner = make_zip({"营业执照（镕铸）.pdf": license_pdf(A_LEAD)})
    a_zip = make_zip({"牵头单位/申报书.pdf": application_pdf(A_LEAD, A_CLUSTER), "企业材料.zip": inner})
    append(url, make_email("lead@qq.com", f"{A_CLUSTER}申报材料", [("申报材料（镕铸）.zip", a_zip, "rfc2231")],
                           "<a1@qq.com>", datetime(2025, 8, 20, tzinfo=timezone.utc)), 20)
    append(url, make_email("food@163.com", f"{B_CLUSTER}申报", [
        ("申报书（海宴）.pdf", application_pdf(B_LEAD, B_CLUSTER), "rfc2047"),
        ("责任承诺函·海宴.pdf", commitment_pdf(B_LEAD), "rawgbk"),
        ("2024年审计报告.pdf", broken_pdf(), "rfc2231")], "<b1@163.com>",
        datetime(2025, 8, 21, tzinfo=timezone.utc)), 21)
    append(url, make_email("lead@qq.com", f"补充材料：{A_CLUSTER}", [("责任承诺函.pdf", commitment_pdf(A_LEAD), "rfc2231")],
                           "<a2@qq.com>", datetime(2025, 8, 22, tzinfo=timezone.utc)), 22)

    append(url, make_email("ask@qq.com", "请问申报截止时间？", [], "<q1@qq.com>"), 23)   # no attachment

    out = tmp_path / "out"
    res = run_batch(url, out, review_simple)
    assert res.new_submissions == 4 and len(res.reviewed) == 2 and res.failed == []
    check_store_and_xlsx_agree(res, res.store_url)
    store = open_store(res.store_url)
    with store.session() as s:
        packets = {p.lead_name: p for p in s.scalars(select(PacketRow))}
        assert len(packets) == 2                                      # the question made no packet
        q = s.scalars(select(SubmissionRow).where(SubmissionRow.message_id == "<q1@qq.com>")).one()
        assert q.packet_id is None
        a, b = packets[A_LEAD], packets[B_LEAD]
        assert (a.version, a.status, a.cluster_name) == (2, "pass", A_CLUSTER)   # supplement joined packet A
        assert (b.version, b.status) == (1, "fail")
        subs = s.scalars(select(SubmissionRow).where(SubmissionRow.packet_id == a.id)
                         .order_by(SubmissionRow.packet_version)).all()
        assert [x.is_supplement for x in subs] == [False, True]
        assert all("shenbao" not in x.source for x in subs)           # no password in the store
        a_id, b_id = a.id, b.id
    rep_a = json.loads((out / a_id / "report.json").read_text())
    assert sorted(d["file"] for d in rep_a["documents"]) == [
        "申报材料（镕铸）/企业材料/营业执照（镕铸）.pdf", "申报材料（镕铸）/牵头单位/申报书.pdf", "责任承诺函.pdf"]
    rep_b = json.loads((out / b_id / "report.json").read_text())
    assert sorted(d["file"] for d in rep_b["documents"]) == ["申报书（海宴）.pdf", "责任承诺函·海宴.pdf"]
    assert [(f["code"], f["file"]) for f in rep_b["findings"]] == [("DOC_UNREADABLE", "2024年审计报告.pdf")]
    assert [Path(n).parent.name for n in res.notices] == [b_id]
    rows = {r["编号"]: r for r in sheet_rows(Path(res.xlsx), "汇总")}
    assert rows[b_id]["状态"] == "不通过（需补正）" and "2024年审计报告.pdf" in rows[b_id]["主要问题"]
    assert rows[a_id]["状态"] == "通过" and rows[a_id]["发件人"] == "lead@qq.com"

    # a later 补充材料 e-mail: only packet A is reviewed again, as version 3
    append(url, make_email("lead@qq.com", f"Re: 补正材料 {A_CLUSTER}", [("营业执照（更新）.pdf", license_pdf(A_LEAD),
                                                                      "rfc2231")], "<a3@qq.com>"), 25)
    res2 = run_batch(url, out, review_simple)
    assert res2.new_submissions == 1 and res2.reviewed == [a_id]
    with store.session() as s:
        runs = s.scalars(select(RunRow.packet_version).where(RunRow.packet_id == a_id, RunRow.state == "done")
                         .order_by(RunRow.id)).all()
        assert runs == [2, 3]
        assert len(s.scalars(select(RunRow).where(RunRow.packet_id == b_id)).all()) == 1
    assert run_batch(url, out, review_simple).reviewed == []
    from pipeline.ingest import SourceError
    with pytest.raises(SourceError, match="读取邮箱失败"):
        run_batch(url.replace(":shenbao@", ":wrong@"), out, review_simple)


def test_batch_from_imaps_verifies_the_certificate(imaps_server, tmp_path, monkeypatch):
    url, d = imaps_server
    assert url.startswith("imaps://")
    ca = str(Path(d) / "cert.pem")
    append(url, make_email("lead@qq.com", f"{A_CLUSTER}申报材料", [
        ("申报书.pdf", application_pdf(A_LEAD, A_CLUSTER), "rfc2231"),
        ("责任承诺函.pdf", commitment_pdf(A_LEAD), "rfc2047")], "<tls1@qq.com>"), 20, cafile=ca)
    from pipeline.ingest import SourceError
    monkeypatch.delenv("SHENBAO_IMAP_CAFILE", raising=False)
    with pytest.raises(SourceError):                          # self-signed: refused unless trusted
        run_batch(url, tmp_path / "out", review_simple)
    monkeypatch.setenv("SHENBAO_IMAP_CAFILE", ca)
    res = run_batch(url, tmp_path / "out", review_simple)
    assert len(res.reviewed) == 1 and res.packets[0].status == "pass"
    assert res.packets[0].lead_name == A_LEAD
