"""Classify & split on the digital dev packet's text-layer files: kinds and page ranges as in truth.json."""
from __future__ import annotations

import json

import pdfplumber
import pytest

from models.provenance import DocKind, Page, TextLine
from pipeline.classify.cues import cues_of, norm_name
from pipeline.classify.split import split_pages
from pipeline.read.textlayer import read_text_page, usable_text_layer

pytestmark = pytest.mark.quick


def _text_pages(root, rel):
    with pdfplumber.open(root / rel) as pdf:
        return [read_text_page(p, rel, i + 1) for i, p in enumerate(pdf.pages) if usable_text_layer(p)]


def test_text_layer_files_split_like_truth(devset):
    root = devset / "P901-06"
    truth = json.loads((root / "truth.json").read_text(encoding="utf-8"))
    want = [d for d in truth["documents"] if d["text_layer"]]
    pages = []
    for rel in sorted({d["file"] for d in want}):
        pages += _text_pages(root, rel)
    docs = split_pages(pages)
    got = {}
    for d in docs:
        f = d.pages[0][0]
        kind = d.kind.value
        got.setdefault((f, kind), [d.pages[0][1], d.pages[-1][1]])
        got[(f, kind)][1] = d.pages[-1][1]
    for d in want:
        assert got.get((d["file"], d["kind"])) == d["pages"], d["file"]
    sections = [(d.section, d.pages[0][1]) for d in docs if d.kind == DocKind.application_form]
    truth_sections = [(s["name"], s["page"]) for s in want[0]["sections"]]
    assert sections == truth_sections


def _page(*lines: str) -> Page:
    return Page(file="x.pdf", index=1, width=595, height=842,
                lines=[TextLine(text=t, bbox=(50, 50 + 20 * i, 500, 65 + 20 * i)) for i, t in enumerate(lines)])


def test_cues_ignore_auditors_and_regulators():
    page = _page("审 计 报 告", "我们审计了江门市富盛电机股份有限公司（以下简称富盛公司）财务报表",
                 "广东中天粤会计师事务所（特殊普通合伙）")
    cues = cues_of(page)
    assert cues.kind == DocKind.audit_report
    assert cues.names == ["江门市富盛电机股份有限公司"]


def test_monthly_statements_are_not_audit_pages():
    page = _page("资产负债表（月报）", "项目 2025年1月 2025年2月 2025年3月 2025年4月")
    assert cues_of(page).kind == DocKind.financial_statements
    page = _page("资产负债表", "编制单位：江门市富盛电机股份有限公司 2024年12月31日 单位：元", "资 产 期末余额 上年年末余额")
    assert cues_of(page).kind == DocKind.audit_report


def test_names_compare_across_bracket_widths():
    assert norm_name("江门市新会区瑞业软件(江门)有限公司") == norm_name("江门市新会区瑞业软件（江门）有限公司")
    assert norm_name("江门市 康信电机有限公司") == "江门市康信电机有限公司"


def test_two_consecutive_licences_of_different_parties_split():
    a = _page("营业执照", "名称 江门市康信电机有限公司", "法定代表人 张三")
    b = _page("营业执照", "名称 开平市宏隆汽车零部件有限公司", "法定代表人 李四")
    b.index = 2
    docs = split_pages([a, b])
    assert [d.kind for d in docs] == [DocKind.business_license] * 2
    assert [d.extra["subject"] for d in docs] == ["江门市康信电机有限公司", "开平市宏隆汽车零部件有限公司"]


def _doc(kind, file, ocr=False, **fields):
    from models.provenance import Document, Field
    return Document(kind=kind, pages=[(file, 1)], ocr=ocr, extra={"folder": file.rsplit("/", 1)[0]},
                    fields={k: Field(name=k, value=v) for k, v in fields.items()})


def test_ocr_noise_in_form_names_is_corrected_from_the_parties_documents():
    from models.provenance import Field
    from pipeline.classify.parties import build_parties, tie_documents
    t1 = _doc(DocKind.application_form, "form.pdf", ocr=True, lead_name="江门市江海区住金数字科技有限公司")
    t1.fields["lead_name"].confidence = 0.95
    t1.section = "table1"
    t1.rows = [{"role": Field(name="role", value="provider"),
                "name": Field(name="name", value="江门市顺安信技十有限公", confidence=0.9)}]
    docs = [t1, _doc(DocKind.business_license, "P/lic.pdf", name="江门市顺安信息技术有限公司"),
            _doc(DocKind.business_license, "L/lic.pdf", name="江门市江海区佳金数字科技有限公司")]
    parties = build_parties(docs)
    tie_documents(docs, parties)
    names = {p.role: (p.name, p.name_as_read, p.documents) for p in parties}
    assert names["lead"] == ("江门市江海区佳金数字科技有限公司", "江门市江海区住金数字科技有限公司", [2])
    assert names["provider"] == ("江门市顺安信息技术有限公司", "江门市顺安信技十有限公", [1])


def test_names_from_a_text_layer_are_never_corrected():
    from pipeline.classify.parties import build_parties, tie_documents
    cover = _doc(DocKind.application_form, "form.pdf", ocr=False, lead_name="江门市江海区住金数字科技有限公司")
    cover.section = "cover"
    docs = [cover, _doc(DocKind.business_license, "L/lic.pdf", name="江门市江海区佳金数字科技有限公司")]
    parties = build_parties(docs)
    tie_documents(docs, parties)
    assert parties[0].name == "江门市江海区住金数字科技有限公司" and parties[0].name_as_read is None


@pytest.mark.parametrize("uscc", ["91440704528379119W", None])
def test_an_ocr_garbled_table1_row_is_the_table2_party(uscc):
    """Also when the 表二's code was not read (科盛农产品加工限科 on 表一 and a 表二 without its code made two
    parties: a false PARTY_LIST_MISMATCH each way)."""
    from models.provenance import Field
    from pipeline.classify.parties import build_parties
    t1 = _doc(DocKind.application_form, "form.pdf", ocr=True, lead_name="江门市新会区昌信数字科技有限公司")
    t1.section = "table1"
    t1.rows = [{"role": Field(name="role", value="enterprise"),
                "name": Field(name="name", value="江门市瑞通制衣有限酒软件", confidence=0.93)}]
    t2 = _doc(DocKind.application_form, "form.pdf", ocr=True, name="江门市瑞通制衣有限公司", uscc=uscc)
    t2.section = "table2"
    parties = build_parties([t1, t2])
    ents = [p for p in parties if p.role == "enterprise"]
    assert len(ents) == 1 and ents[0].name == "江门市瑞通制衣有限公司" and ents[0].listed_in_table1


def _cover(lead="江门市江海区富康数字科技有限公司"):
    cover = _doc(DocKind.application_form, "form.pdf", ocr=True, lead_name=lead)
    cover.section = "cover"
    return cover


def _table1(*rows, lead="江门市江海区富康数字科技有限公司"):
    from models.provenance import Field
    t1 = _doc(DocKind.application_form, "form.pdf", ocr=True, lead_name=lead)
    t1.section = "table1"
    t1.rows = [{"role": Field(name="role", value=role), "name": Field(name="name", value=name, confidence=conf)}
               for role, name, conf in rows]
    return t1


def _table2(name, uscc):
    t2 = _doc(DocKind.application_form, "form.pdf", ocr=True, name=name, uscc=uscc)
    t2.section = "table2"
    return t2


ENTS = [("enterprise", n, 1.0) for n in ("江门市鸿博电池材料有限公司", "江门市恒益电池材料有限公司", "台山市腾瑞新能源科技有限公司")]


def test_a_table2_missing_from_table1_does_not_take_a_row_whose_own_table2_comes_later():
    """表一 lists 昌润电机股份 (read right, once) and not 明和电机; 明和's 表二 comes first in the 申报书 and took the
    昌润 row as a garbled reading of its own name (similarity 0.75): 明和 counted as listed, 昌润 not (the
    injected PARTY_LIST_MISMATCH missed on a fresh one-file scan)."""
    from pipeline.classify.parties import build_parties
    t1 = _table1(*ENTS, ("enterprise", "江门市昌润电机股份有限公司", 0.99))
    docs = [_cover(), t1, _table2("江门市明和电机有限公司", "91440705MAHBUYX557"),
            _table2("江门市昌润电机股份有限公司", "914407054936832753")]
    by_name = {p.name: p for p in build_parties(docs)}
    assert by_name["江门市昌润电机股份有限公司"].listed_in_table1
    assert not by_name["江门市明和电机有限公司"].listed_in_table1


def test_a_lead_name_garbled_on_the_cover_but_read_right_on_table1_is_corrected():
    from pipeline.classify.parties import build_parties, tie_documents
    cover = _doc(DocKind.application_form, "form.pdf", ocr=True, lead_name="江门市江海区富康数宁科技育限公司")
    cover.section, cover.fields["lead_name"].confidence = "cover", 0.9904
    t1 = _table1(*ENTS)
    t1.fields["lead_name"].confidence = 0.9993
    docs = [cover, t1, _doc(DocKind.business_license, "L/lic.pdf", name="江门市江海区富康数字科技有限公司")]
    parties = build_parties(docs)
    tie_documents(docs, parties)
    assert next(p for p in parties if p.role == "lead").name == "江门市江海区富康数字科技有限公司"


def test_table1_names_cut_short_under_seals_are_their_parties():
    """表一 rows under the providers' seals are read cut short and garbled: a provider row takes the name its
    documents carry, an enterprise row is the 表二 party; the other members' longer, alike names (…电池材料
    有限公司, …科技有限公司) do not stand in the way."""
    from pipeline.classify.parties import build_parties, tie_documents
    t1 = _table1(("provider", "江门市腾骏数枝有限", 0.942), ("provider", "江门市骏博软件科技有限公司", 0.99),
                 *ENTS, ("enterprise", "鹤山市源通电池科仟配", 0.805), ("enterprise", "江门市海联制取有限公司", 0.999))
    docs = [_cover(), t1, _table2("鹤山市源通电池材料有限公司", "91440784631251471D"),
            _table2("江门市海联制衣股份有限公司", "91440785MAP7TH7AXT"),
            _doc(DocKind.business_license, "P1/lic.pdf", name="江门市腾骏数字科技有限公司"),
            _doc(DocKind.business_license, "P2/lic.pdf", name="江门市骏博软件科技有限公司")]
    parties = build_parties(docs)
    tie_documents(docs, parties)
    names = sorted(p.name for p in parties)
    assert "江门市腾骏数字科技有限公司" in names and "鹤山市源通电池材料有限公司" in names
    assert not any(n in names for n in ("江门市腾骏数枝有限", "鹤山市源通电池科仟配", "江门市海联制取有限公司"))
    assert next(p for p in parties if p.name.startswith("鹤山市源通")).listed_in_table1


def test_a_row_cut_short_takes_its_licence_name_though_the_lead_is_one_character_off():
    """A provider row read 江门市佳博信息科技有限 (公司 under the seals) whose licence says 江门市佳博信息科技有限公司:
    the lead 江门市佳润信息科技有限公司 is one 字号 character away, yet its licence carries another credit code,
    so the provider's licence name is no misreading of the lead's (its documents were left to nobody)."""
    from pipeline.classify.parties import build_parties, tie_documents
    lead = "江门市佳润信息科技有限公司"
    t1 = _table1(*ENTS, ("provider", "江门市佳博信息科技有限", 0.976), lead=lead)
    docs = [_cover(lead), t1,
            _doc(DocKind.business_license, "L/lic.pdf", name=lead, uscc="91440704691023016J"),
            _doc(DocKind.commitment_letter, "L/letter.pdf", committer=lead),
            _doc(DocKind.business_license, "P/lic.pdf", ocr=True, name="江门市佳博信息科技有限公司",
                 uscc="91440705929414536E"),
            _doc(DocKind.commitment_letter, "P/letter.pdf", committer="江门市佳博信息科技有限公司")]
    parties = build_parties(docs)
    tie_documents(docs, parties)
    provider = next(p for p in parties if p.role == "provider")
    assert provider.name == "江门市佳博信息科技有限公司" and provider.uscc == "91440705929414536E"
    assert sorted(provider.documents) == [4, 5]


def test_a_table1_name_read_surely_is_what_the_form_says():
    """A 表一 / 表二 name read surely that differs from the licence (建隆电机 declared, 建隆储能科技 registered) is
    a real difference (NAME_MISMATCH), not OCR noise to correct."""
    from pipeline.classify.parties import build_parties, tie_documents
    t1 = _table1(*ENTS, ("enterprise", "江门市建隆电机有限公司", 0.99))       # read the same on 表一 and 表二
    docs = [t1, _table2("江门市建隆电机有限公司", "91440704845686462T"),
            _doc(DocKind.business_license, "E/lic.pdf", name="江门市建隆储能科技有限公司", uscc="91440704845686462T")]
    parties = build_parties(docs)
    tie_documents(docs, parties)
    assert "江门市建隆电机有限公司" in [p.name for p in parties]


def test_statements_after_a_tax_report_belong_to_it():
    a = _page("企业所得税汇算清缴报告", "纳税人名称：江门市骏富五金制品有限公司", "税款所属期间：2023年01月01日至2023年12月31日")
    b = _page("资产负债表", "编制单位：江门市骏富五金制品有限公司 2023年12月31日 单位：元", "资 产 期末余额 上年年末余额")
    b.index = 2
    docs = split_pages([a, b])
    assert [(d.kind, len(d.pages)) for d in docs] == [(DocKind.tax_report, 2)]


def test_a_table2_product_table_running_over_continues_the_table2():
    """One-file scan: a 表二's product table ran over onto an untitled page (its last row and 申请产品自付费金额);
    that page belongs to the 表二, while an untitled page after a 表二 without its words does not."""
    a = _page("表二、产业集群内企业信息表（一企一表）", "单位名称 江门市建华汽车零部件股份有限公司",
              "统一社会信用代码 914407048176322723", "拟申请联合体服务商产品明细表", "序号 产品名称 供应商 拟成交单价")
    tail = _page("申请产品自付费金额", "876500.00", "第 19 页")
    other = _page("附：其他说明", "无")
    tail.index, other.index = 2, 3
    docs = split_pages([a, tail, other])
    assert [(d.kind, d.section, len(d.pages)) for d in docs] == [
        (DocKind.application_form, "table2", 2), (DocKind.other, None, 1)]


def test_a_partys_files_spread_over_kept_as_subfolders_are_one_bundle():
    """企业材料/<名称>/盖章件|扫描|资料: a commitment letter whose committer name lies under its seal (OCR reads
    no name) is tied by the bundle its sub-folder belongs to."""
    from models.provenance import Field
    from pipeline.classify.parties import build_parties, bundle_folder, tie_documents
    assert bundle_folder("企业材料/恩平市力泰电机有限公司/盖章件") == "企业材料/恩平市力泰电机有限公司"
    assert bundle_folder("服务商/顺安") == "服务商/顺安" and bundle_folder("盖章件") == "盖章件"
    t2 = _doc(DocKind.application_form, "form.pdf", name="恩平市力泰电机有限公司", uscc="91440785960158251G")
    t2.section = "table2"
    root = "企业材料/恩平市力泰电机有限公司"
    lic = _doc(DocKind.business_license, f"{root}/扫描/lic.pdf", name="恩平市力泰电机有限公司", uscc="91440785960158251G")
    audit = _doc(DocKind.audit_report, f"{root}/资料/audit.pdf", entity="恩平市力泰电机有限公司")
    letter = _doc(DocKind.commitment_letter, f"{root}/盖章件/letter.png")
    docs = [t2, lic, audit, letter]
    parties = build_parties(docs)
    tie_documents(docs, parties)
    assert letter.party_key == lic.party_key == parties[0].key


def test_a_nameless_table1_row_is_filled_by_the_one_licence_no_party_answers_to():
    """A provider row whose name lies wholly under the seals is read nameless; the provider's licence is there:
    it becomes the provider of that row. A licence already held by a party (by its code) fills nothing."""
    from models.provenance import Field
    from pipeline.classify.parties import build_parties, tie_documents
    t1 = _table1(("provider", "江门市骏博软件科技有限公司", 0.99), *ENTS)
    t1.rows.insert(0, {"role": Field(name="role", value="provider"), "seq": Field(name="seq", value=1),
                       "name": Field(name="name", value=None, confidence=0.0)})
    t2 = _table2("江门市建隆电机有限公司", "91440704845686462T")
    docs = [t1, t2, _doc(DocKind.business_license, "P/lic1.pdf", name="江门市新会区华宇信息科技有限公司"),
            _doc(DocKind.business_license, "E/lic2.pdf", name="江门市建隆储能科技有限公司", uscc="91440704845686462T")]
    parties = build_parties(docs)
    tie_documents(docs, parties)
    hua = next(p for p in parties if p.name == "江门市新会区华宇信息科技有限公司")
    assert hua.role == "provider" and hua.listed_in_table1 and hua.documents == [2]
    assert not any(p.name == "江门市建隆储能科技有限公司" for p in parties)
    # without a gap in 表一 an unknown licence makes no party
    docs[0].rows.pop(0)
    parties = build_parties(docs)
    tie_documents(docs, parties)
    assert not any(p.name == "江门市新会区华宇信息科技有限公司" for p in parties)


def test_a_table1_name_read_surely_but_missing_characters_takes_its_licence_name():
    """鹤山市隆华数字有限公司 read at 0.9996 lost 科技: the provider's licence name is its name (its letter and
    report are then its own); a lead read surely, with no licence in the packet, keeps its own name."""
    from pipeline.classify.parties import build_parties, tie_documents
    t1 = _table1(("provider", "鹤山市隆华数字有限公司", 0.9996), *ENTS)
    docs = [t1, _doc(DocKind.business_license, "P/lic.pdf", name="鹤山市隆华数字科技有限公司"),
            _doc(DocKind.commitment_letter, "P/letter.pdf", committer="鹤山市隆华字科技有限公司")]   # a misread too
    parties = build_parties(docs)
    tie_documents(docs, parties)
    names = [p.name for p in parties]
    assert "鹤山市隆华数字科技有限公司" in names and "江门市江海区富康数字科技有限公司" in names


def test_table1_rows_lost_under_seals_of_both_roles_are_filled_by_the_licences_folder_role():
    """Provider row 1 not read at all (its 序号 missing), provider row 3 and enterprise row 4 read nameless: the
    two unclaimed licences filed under 服务商/ become the providers; one filed nowhere telling is left alone."""
    from models.provenance import Field
    from pipeline.classify.parties import build_parties, tie_documents
    t1 = _table1(*ENTS, ("provider", "台山市威骏信息技术有限公司", 0.99))
    for i, r in enumerate(t1.rows, 1):
        r["seq"] = Field(name="seq", value=i if r["role"].value == "enterprise" else 2)
    t1.rows.append({"role": Field(name="role", value="enterprise"), "seq": Field(name="seq", value=4),
                    "name": Field(name="name", value=None)})
    t1.rows.append({"role": Field(name="role", value="provider"), "seq": Field(name="seq", value=3),
                    "name": Field(name="name", value=None)})
    docs = [_cover(), t1, _doc(DocKind.business_license, "服务商/德润/lic.pdf", name="江门市德润智能科技有限公司"),
            _doc(DocKind.business_license, "服务商/富科/lic.pdf", name="广东富科（江门）信息技术有限公司"),
            _doc(DocKind.business_license, "misc/lic.pdf", name="江门市某某五金有限公司")]
    parties = build_parties(docs)
    tie_documents(docs, parties)
    roles = {p.name: p.role for p in parties}
    assert roles.get("江门市德润智能科技有限公司") == "provider" and roles.get("广东富科（江门）信息技术有限公司") == "provider"
    assert "江门市某某五金有限公司" not in roles


@pytest.mark.quick
def test_garbled_name_tied_between_two_members_goes_to_the_one_whose_beginning_it_spells():
    from pipeline.classify.parties import closest_name
    heng, lian = "台山市恒瑞五金制品股份有限公司", "台山市联瑞五金制品有限公司"
    assert closest_name("台山市恒瑞五金制月限可", [heng], [lian]) == heng
    assert closest_name("台山市联瑞五金制月限可", [heng], [lian]) is None      # the rival's beginning: not ours
    assert closest_name("台山市瑞五金制品限可", [heng], [lian]) is None        # no beginning tells them apart


@pytest.mark.quick
def test_a_scanned_letter_whose_committer_is_garbled_under_the_seal_is_its_partys():
    """Both providers' files lie in one folder, so the folder does not tell; the letter's 承诺方 read
    江门市永基件科技有限公 under the seal (永泰软件 lost): it stands clearly for 永泰. The same reading typed in a
    text layer ties to nobody (a name typed differently is what the applicant wrote)."""
    from pipeline.classify.parties import build_parties, tie_documents
    yong, sheng = "江门市永泰软件科技有限公司", "恩平市盛鸿网络科技有限公司"
    t1 = _table1(("provider", yong, 0.99), ("provider", sheng, 0.99), *ENTS)

    def letter_party(ocr: bool):
        docs = [_cover(), t1, _doc(DocKind.business_license, "服务商/lic1.pdf", ocr=True, name=yong),
                _doc(DocKind.business_license, "服务商/lic2.pdf", ocr=True, name=sheng),
                _doc(DocKind.commitment_letter, "服务商/扫描件9601.pdf", ocr=ocr, committer="江门市永基件科技有限公")]
        tie_documents(docs, build_parties(docs))
        return docs[-1].party_name
    assert letter_party(ocr=True) == yong
    assert letter_party(ocr=False) is None


def test_documents_under_the_licence_name_of_a_party_declared_otherwise_are_its_own():
    """宏顺 declares 恩平市宏顺汽车零部件有限公司 on 表二 while its licence (same credit code) reads 宏顺金属结构; its
    audit report, statements and letter name the licence's company. They went to 开平市兴顺金属结构 (the closest
    declared name): its documents doubled and 宏顺 got three false DOC_MISSING (fresh scanned packet)."""
    from pipeline.classify.parties import build_parties, tie_documents
    docs = [_table1(*ENTS), _table2("恩平市宏顺汽车零部件有限公司", "91440785479460120B"),
            _table2("开平市兴顺金属结构有限公司", "91440783MA2QDYKEX9"),
            _doc(DocKind.business_license, "企业材料/宏顺/lic.pdf", ocr=True, name="恩平市宏顺金属结构有限公司",
                 uscc="91440785479460120B"),
            _doc(DocKind.audit_report, "企业材料/宏顺/audit.pdf", ocr=True, entity="恩平市宏顺金属结构有限公司"),
            _doc(DocKind.commitment_letter, "企业材料/宏顺/letter.pdf", ocr=True, committer="恩平市宏顺金属结构有限公司"),
            _doc(DocKind.business_license, "企业材料/兴顺/lic.pdf", ocr=True, name="开平市兴顺金属结构有限公司",
                 uscc="91440783MA2QDYKEX9")]
    parties = build_parties(docs)
    tie_documents(docs, parties)
    by_name = {p.name: p for p in parties}
    assert by_name["恩平市宏顺汽车零部件有限公司"].documents[-3:] == [3, 4, 5]
    assert by_name["开平市兴顺金属结构有限公司"].documents[-1:] == [6]


def test_the_one_garbled_row_left_takes_the_one_licence_no_party_answers_to():
    """A provider row read 江门市蓬江区电科司 (和华信息科技 under the seals, no code): as close to another member's
    name (博和船舶配件) as to its own licence's, so it stayed a made-up party with four DOC_MISSING while 和华's
    licence, report and letter were tied to nobody. One unresolved row and one unclaimed licence of its role are
    each other's."""
    from pipeline.classify.parties import build_parties, tie_documents
    lead, bohe = "江门市江海区富康数字科技有限公司", "江门市蓬江区博和船舶配件有限公司"
    t1 = _table1(("provider", "江门市蓬江区电科司", 0.9), ("enterprise", bohe, 0.99), lead=lead)
    docs = [t1, _table2(bohe, "91440703313400347A"),
            _doc(DocKind.business_license, "服务商/和华营业执照.pdf", ocr=True, name="江门市蓬江区和华信息科技有限公司",
                 uscc="91440703254780342K"),
            _doc(DocKind.business_license, "企业材料/博和/lic.pdf", ocr=True, name=bohe, uscc="91440703313400347A"),
            _doc(DocKind.business_license, "牵头/lic.pdf", ocr=True, name=lead, uscc="91440704528379119W")]
    parties = build_parties(docs)
    tie_documents(docs, parties)
    p = next(p for p in parties if p.role == "provider")
    assert (p.name, p.name_as_read, p.documents) == ("江门市蓬江区和华信息科技有限公司", "江门市蓬江区电科司", [2])
    # a licence filed under the other role's folder is not this row's
    docs[2].extra["folder"] = "企业材料/和华"
    parties = build_parties(docs)
    tie_documents(docs, parties)
    assert next(p for p in parties if p.role == "provider").name == "江门市蓬江区电科司"
