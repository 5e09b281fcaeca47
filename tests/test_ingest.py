"""Ingestion with real bytes: zips (GBK names, nesting, traversal, bombs, symlinks), e-mails (RFC 2231 /
2047 / raw GBK names), mbox, Maildir, broken attachments, originals kept byte for byte."""
from __future__ import annotations

import hashlib
import mailbox
import zipfile
from pathlib import Path

import pytest

from pipeline.ingest import Limits, SourceError, ingest, packets_from_path
from pipeline.ingest.linking import identity, is_supplement
from pipeline.ingest.names import header_text, zip_member_name
from pipeline.store.blobs import BlobStore
from tests.test_batch_kit import (application_pdf, broken_pdf, commitment_pdf, license_pdf, make_email,
                                  make_pdf, make_zip)

pytestmark = pytest.mark.quick
LEAD, CLUSTER = "江门市镕铸科技有限公司", "江门市高端装备产业集群"


@pytest.fixture
def blobs(tmp_path) -> BlobStore:
    return BlobStore(tmp_path / "store")


def one(source: Path, blobs: BlobStore, limits: Limits | None = None):
    subs = ingest(str(source), blobs, limits)
    assert len(subs) == 1
    return subs[0]


def test_zip_with_gbk_names_is_decoded(tmp_path, blobs):
    z = tmp_path / "申报材料.zip"
    z.write_bytes(make_zip({"牵头单位/申报书.pdf": application_pdf(LEAD, CLUSTER),
                            "企业材料/镕铸/营业执照（副本）.pdf": license_pdf(LEAD)}))
    infos = zipfile.ZipFile(z).infolist()
    assert all(not (i.flag_bits & 0x800) for i in infos)            # really written without the UTF-8 flag
    assert "牵头单位" not in infos[0].filename                        # Python alone would show cp437 mojibake
    assert zip_member_name(infos[0]) == "牵头单位/申报书.pdf"
    sub = one(z, blobs)
    assert sorted(f.path for f in sub.files) == ["企业材料/镕铸/营业执照（副本）.pdf", "牵头单位/申报书.pdf"]
    assert sub.problems == []


def test_nested_zip_expands_under_its_name(tmp_path, blobs):
    inner = make_zip({"承诺函.pdf": commitment_pdf(LEAD)})
    z = tmp_path / "outer.zip"
    z.write_bytes(make_zip({"申报书.pdf": application_pdf(LEAD, CLUSTER), "附件/企业材料.zip": inner}))
    sub = one(z, blobs)
    assert sorted(f.path for f in sub.files) == ["申报书.pdf", "附件/企业材料/承诺函.pdf"]
    nested = next(f for f in sub.files if f.path.endswith("承诺函.pdf"))
    assert nested.origin.endswith("!附件/企业材料.zip!承诺函.pdf")


def test_nesting_depth_limit(tmp_path, blobs):
    data = make_zip({"a.pdf": make_pdf(["深"])})
    for i in range(4):
        data = make_zip({f"level{i}.zip": data})
    z = tmp_path / "deep.zip"
    z.write_bytes(data)
    sub = one(z, blobs, Limits(max_depth=3))
    assert sub.files == []
    assert any("嵌套" in p.message for p in sub.problems)


def test_path_traversal_and_absolute_members_are_refused(tmp_path, blobs):
    z = tmp_path / "evil.zip"
    z.write_bytes(make_zip({"../../etc/evil.pdf": make_pdf(["x"]), "/abs/evil2.pdf": make_pdf(["y"]),
                            "ok/申报书.pdf": application_pdf(LEAD, CLUSTER)}, gbk=False))
    sub = one(z, blobs)
    assert [f.path for f in sub.files] == ["ok/申报书.pdf"]
    msgs = " ".join(p.message for p in sub.problems)
    assert "路径穿越" in msgs and "绝对路径" in msgs
    assert not (tmp_path.parent / "etc" / "evil.pdf").exists()
    assert all(str(Path(f.blob)).startswith(str(blobs.root)) for f in sub.files)


def test_zip_bomb_ratio_is_refused(tmp_path, blobs):
    z = tmp_path / "bomb.zip"
    z.write_bytes(make_zip({"zeros.pdf": b"%PDF-1.4\n" + b"\0" * (12 * 1024 * 1024),
                            "申报书.pdf": application_pdf(LEAD, CLUSTER)}))
    assert z.stat().st_size < 200_000
    sub = one(z, blobs)
    assert [f.path for f in sub.files] == ["申报书.pdf"]
    assert any("压缩炸弹" in p.message and p.file == "zeros.pdf" for p in sub.problems)


def test_total_size_and_member_count_limits(tmp_path, blobs):
    z = tmp_path / "many.zip"
    z.write_bytes(make_zip({f"{i}.pdf": make_pdf([str(i)]) for i in range(8)}))
    sub = one(z, blobs, Limits(max_members=5))
    assert len(sub.files) == 5 and any("文件数超过上限" in p.message for p in sub.problems)
    sub = one(z, BlobStore(tmp_path / "s2"), Limits(max_total_bytes=3000))
    assert len(sub.files) < 8 and any("超过上限" in p.message for p in sub.problems)


def test_symlink_member_is_refused(tmp_path, blobs):
    z = tmp_path / "link.zip"
    z.write_bytes(make_zip({"申报书.pdf": application_pdf(LEAD, CLUSTER)}, symlinks={"passwd.pdf": "/etc/passwd"}))
    sub = one(z, blobs)
    assert [f.path for f in sub.files] == ["申报书.pdf"]
    assert any("符号链接" in p.message and p.file == "passwd.pdf" for p in sub.problems)


def test_symlink_in_folder_is_refused(tmp_path, blobs):
    d = tmp_path / "packet"
    d.mkdir()
    (d / "申报书.pdf").write_bytes(application_pdf(LEAD, CLUSTER))
    (d / "secret.pdf").symlink_to("/etc/passwd")
    sub = one(d, blobs)
    assert [f.path for f in sub.files] == ["申报书.pdf"]
    assert any("符号链接" in p.message for p in sub.problems)


def test_broken_zip_and_unsupported_archive_are_problems(tmp_path, blobs):
    d = tmp_path / "packet"
    d.mkdir()
    (d / "申报书.pdf").write_bytes(application_pdf(LEAD, CLUSTER))
    good = make_zip({"a.pdf": make_pdf(["a"])})
    (d / "坏压缩包.zip").write_bytes(good[: len(good) // 2])
    (d / "材料.rar").write_bytes(b"Rar!\x1a\x07\x00" + b"x" * 50)
    sub = one(d, blobs)
    assert [f.path for f in sub.files] == ["申报书.pdf"]
    by = {p.file: p.message for p in sub.problems}
    assert "压缩包" in by["坏压缩包.zip"] and "不支持的压缩格式" in by["材料.rar"]
    assert {f.path for f in sub.problem_files} == {"坏压缩包.zip", "材料.rar"}


def test_eml_attachment_names_rfc2231_rfc2047_raw_gbk(tmp_path, blobs):
    names = ["镕铸 申报书.pdf", "承诺函（牵头单位）.pdf", "营业执照·镕铸.pdf", "材料 utf8.pdf"]
    pdfs = [application_pdf(LEAD, CLUSTER), commitment_pdf(LEAD), license_pdf(LEAD), make_pdf(["x"])]
    raw = make_email("Lead@QQ.com", "江门市高端装备产业集群申报材料",
                     list(zip(names, pdfs, ["rfc2231", "rfc2047", "rawgbk", "utf8"])), "<a1@example.cn>")
    assert b"filename*=gbk''" in raw and b"=?GB2312?B?" in raw
    (tmp_path / "m.eml").write_bytes(raw)
    sub = one(tmp_path / "m.eml", blobs)
    assert [f.path for f in sub.files] == names
    assert sub.sender == "lead@qq.com" and sub.subject == "江门市高端装备产业集群申报材料"
    assert sub.message_id == "<a1@example.cn>" and sub.kind == "mail"
    for f, data in zip(sub.files, pdfs):                 # byte for byte
        assert Path(f.blob).read_bytes() == data and f.sha256 == hashlib.sha256(data).hexdigest()
    assert blobs.path_of(sub.raw_sha256).read_bytes() == raw      # the message itself is kept


def test_rfc2047_gb2312_label_with_gbk_only_characters():
    import base64
    text = "镕铸（GBK 才有的字）"
    with pytest.raises(UnicodeEncodeError):
        text.encode("gb2312")
    enc = base64.b64encode(text.encode("gbk")).decode()
    assert header_text(f"=?GB2312?B?{enc}?=") == text


def test_broken_attachment_becomes_problem_and_is_kept(tmp_path, blobs):
    bad = broken_pdf()
    raw = make_email("a@qq.com", "申报", [("申报书.pdf", application_pdf(LEAD, CLUSTER), "rfc2231"),
                                        ("损坏的审计报告.pdf", bad, "rfc2231"),
                                        ("空文件.pdf", b"", "rfc2231")], "<b1@x>")
    (tmp_path / "m.eml").write_bytes(raw)
    sub = one(tmp_path / "m.eml", blobs)
    assert [f.path for f in sub.files] == ["申报书.pdf"]
    by = {p.file: p.message for p in sub.problems}
    assert "损坏" in by["损坏的审计报告.pdf"] and "空文件" in by["空文件.pdf"]
    kept = next(f for f in sub.problem_files if f.path == "损坏的审计报告.pdf")
    assert Path(kept.blob).read_bytes() == bad


def test_mbox_and_maildir_give_one_submission_per_mail(tmp_path, blobs):
    mails = [make_email(f"u{i}@qq.com", f"申报材料{i}", [(f"申报书{i}.pdf", application_pdf(LEAD, CLUSTER), "rfc2231")],
                        f"<m{i}@x>") for i in range(3)]
    box = mailbox.mbox(str(tmp_path / "inbox.mbox"))
    for m in mails:
        box.add(m)
    box.close()
    subs = ingest(str(tmp_path / "inbox.mbox"), blobs)
    assert [s.files[0].path for s in subs] == ["申报书0.pdf", "申报书1.pdf", "申报书2.pdf"]
    md = mailbox.Maildir(str(tmp_path / "Maildir"), create=True)
    for m in mails:
        md.add(m)
    md.close()
    subs2 = ingest(str(tmp_path / "Maildir"), blobs)
    assert {s.message_id for s in subs2} == {"<m0@x>", "<m1@x>", "<m2@x>"}
    assert {s.id for s in subs2} == {s.id for s in subs}          # same mail, same submission id


def test_office_files_kept_and_listed(tmp_path, blobs):
    import docx
    import openpyxl
    d = tmp_path / "packet"
    d.mkdir()
    doc = docx.Document()
    doc.add_paragraph("表二 企业信息表")
    doc.save(str(d / "表二.docx"))
    wb = openpyxl.Workbook()
    wb.active["A1"] = "产品名称"
    wb.save(str(d / "产品清单.xlsx"))
    (d / "申报书.pdf").write_bytes(application_pdf(LEAD, CLUSTER))
    sub = one(d, blobs)
    types = {f.path: f.media_type for f in sub.files}
    assert types["表二.docx"].endswith("wordprocessingml.document")
    assert types["产品清单.xlsx"].endswith("spreadsheetml.sheet")
    assert sub.problems == []


def test_blob_store_never_overwrites(tmp_path):
    b = BlobStore(tmp_path)
    sha, p = b.put(b"abc")
    assert p == tmp_path.resolve() / "blobs" / sha[:2] / sha[2:4] / sha
    mtime = p.stat().st_mtime_ns
    assert b.put(b"abc") == (sha, p) and p.stat().st_mtime_ns == mtime
    if __import__("os").getuid() != 0:              # root ignores file modes
        with pytest.raises(PermissionError):
            p.write_bytes(b"x")
    assert oct(p.stat().st_mode & 0o777) == "0o444"


def test_folder_of_packets_and_missing_source(tmp_path):
    for n in ("A", "B"):
        (tmp_path / "in" / n).mkdir(parents=True)
        (tmp_path / "in" / n / "申报书.pdf").write_bytes(application_pdf(LEAD + n, CLUSTER))
    (tmp_path / "in" / "C.zip").write_bytes(make_zip({"申报书.pdf": application_pdf(LEAD, CLUSTER)}))
    (tmp_path / "in" / "README.md").write_text("not a packet")
    packets = packets_from_path(tmp_path / "in", tmp_path / "store")
    assert [p.id for p in packets] == ["A", "B", "C"]
    assert all(len(p.files) == 1 and p.problems == [] for p in packets)
    with pytest.raises(SourceError):
        packets_from_path(tmp_path / "nope", tmp_path / "store")


def test_linking_identity():
    assert is_supplement("Re: 补充材料—江门市高端装备产业集群")
    assert not is_supplement("江门市高端装备产业集群申报材料")
    assert identity("A@qq.com", "【补充材料】江门市高端装备产业集群申报材料") == \
        identity("a@qq.com", "江门市高端装备产业集群 申报材料")


def test_office_forms_read_as_pages(tmp_path, blobs):
    import docx
    import openpyxl

    from pipeline.ingest.office import UnreadableOffice, office_pages
    d = tmp_path / "packet"
    d.mkdir()
    doc = docx.Document()
    doc.add_paragraph("表二、工业企业信息表")
    t = doc.add_table(rows=3, cols=4)
    t.cell(0, 0).text, t.cell(0, 1).text = "单位名称", LEAD
    t.cell(0, 1).merge(t.cell(0, 3))
    t.cell(1, 0).text, t.cell(1, 1).text = "统一社会信用代码", "91440703MA4W1234X5"
    t.cell(2, 0).text, t.cell(2, 1).text = "注册资本（万元）", "500"
    doc.save(str(d / "表二.docx"))
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["产品名称", "拟成交单价", "拟购数量", "拟成交金额"])
    ws.append(["MES系统", 12000.5, 2, 24001])
    ws.merge_cells("A4:D4")
    ws["A4"] = "合计：24001"
    wb.save(str(d / "产品清单.xlsx"))
    sub = one(d, blobs)
    by = {f.path: f for f in sub.files}
    [page] = office_pages(by["表二.docx"])
    assert page.lines[0].text == "表二、工业企业信息表" and page.text_layer
    tab = page.tables[0]
    assert (tab.n_rows, tab.n_cols) == (3, 4)
    name_cell = tab.cell(0, 2)
    assert name_cell.text == LEAD and (name_cell.col, name_cell.colspan) == (1, 3)
    assert tab.cell(1, 1).text == "91440703MA4W1234X5"
    [sheet] = office_pages(by["产品清单.xlsx"])
    t2 = sheet.tables[0]
    assert t2.cell(1, 1).text == "12000.5" and t2.cell(1, 3).text == "24001"
    assert t2.cell(3, 2).text == "合计：24001" and t2.cell(3, 0).colspan == 4
    assert "MES系统\t12000.5\t2\t24001" in sheet.text
    bad = by["表二.docx"].model_copy(update={"path": "x.doc"})
    with pytest.raises(UnreadableOffice):
        office_pages(bad)


def test_packet_folder_of_only_subfolders_is_one_packet(tmp_path):
    root = tmp_path / "batch"
    pk = root / "P1"
    (pk / "牵头单位").mkdir(parents=True)
    (pk / "企业材料" / "康锐").mkdir(parents=True)
    (pk / "牵头单位" / "申报书.pdf").write_bytes(application_pdf(LEAD, CLUSTER))
    (pk / "企业材料" / "康锐" / "营业执照.pdf").write_bytes(license_pdf("康锐"))
    (root / "P2").mkdir()
    (root / "P2" / "申报书.pdf").write_bytes(application_pdf(LEAD, CLUSTER))
    packets = packets_from_path(root, tmp_path / "store")
    assert [(p.id, sorted(f.path for f in p.files)) for p in packets] == [
        ("P1", ["企业材料/康锐/营业执照.pdf", "牵头单位/申报书.pdf"]), ("P2", ["申报书.pdf"])]
    assert [p.id for p in packets_from_path(pk, tmp_path / "store")] == ["P1"]
