"""Extractors on hand-built Pages: OCR-like boxes (split labels, glued labels, watermarks, skew, low
confidence) and the free-text pipeline. Fast: no OCR, no PDFs."""
import datetime as dt

import pytest

from extractors import build_nlp, extract, identify
from extractors.base import line_lookup
from extractors.nlp import entities, opinion_from_text
from extractors.vocab import canonical_company_type
from models.provenance import DocKind, Document, Page, Seal, TextLine

pytestmark = pytest.mark.quick
OCR = "paddleocr-onnx:PP-OCRv6-small"


def page(boxes, ocr=True, w=842.0, h=595.0) -> Page:
    """boxes: (text, x0, top, x1, bottom[, confidence])."""
    lines = [TextLine(text=b[0], bbox=tuple(b[1:5]), confidence=b[5] if len(b) > 5 else 1.0,
                      engine=OCR if ocr else "pdfplumber") for b in boxes]
    return Page(file="x.pdf", index=1, width=w, height=h, ocr=ocr, text_layer=not ocr, lines=lines)


def doc(kind, section=None) -> Document:
    return Document(kind=kind, pages=[("x.pdf", 1)], section=section)


LICENCE = [
    ("统一社会信用代码", 59, 87, 139, 100), ("9144O784797764357F", 60, 106, 215, 119, 0.97),
    ("名", 63, 174, 75, 192), ("称 鹤山市昌豪信息技术有限公司", 100, 175, 289, 188),
    ("注册资本", 460, 172, 507, 186), ("壹佰贰拾捌万元整", 541, 173, 629, 184),
    ("类型", 64, 202, 113, 218), ("有限责任公司(外商投资企业法人独资）", 146, 202, 336, 215, 0.947),
    ("成立日期", 460, 200, 507, 213), ("2015年01月23日", 540, 199, 617, 212),
    ("法定代表人", 66, 230, 122, 243), ("仅供有卡啦网站展示", 130, 200, 300, 290), ("伍雄", 144, 228, 171, 243),
    ("营业期限", 461, 226, 507, 240), ("2015年01月23日至长期", 541, 226, 652, 238),
    ("经营范围", 66, 257, 111, 271), ("一般项目：软件开发；信息技术咨询服务；住所", 145, 252, 509, 270),
    ("鹤山市共和镇富民路69号", 541, 253, 662, 265),
    ("登记机关", 557, 455, 626, 471), ("2022年10月20日", 623, 501, 708, 515),
]


def test_licence_from_ocr_boxes():
    d = extract(doc(DocKind.business_license), [page(LICENCE)])
    v = d.value
    assert v("uscc") == "91440784797764357F" and "O→0" in d.fields["uscc"].repaired
    assert v("name") == "鹤山市昌豪信息技术有限公司"
    assert v("company_type") == "有限责任公司（外商投资企业法人独资）"
    assert v("legal_representative") == "伍雄"          # not the big watermark box on the same row
    assert v("registered_capital_wan") == 128 and v("registered_capital_text") == "壹佰贰拾捌万元整"
    assert v("established") == dt.date(2015, 1, 23)
    assert v("term") == "2015年01月23日至长期"
    assert v("address") == "鹤山市共和镇富民路69号"    # label glued to the end of the 经营范围 line
    assert v("issued") == dt.date(2022, 10, 20)
    ev = d.fields["name"].evidence
    assert ev.page == 1 and ev.engine == OCR and ev.bbox is not None


def test_licence_abstains_on_doubt():
    boxes = [b if b[0] != "伍雄" else ("伍雄", 144, 228, 171, 243, 0.62) for b in LICENCE]
    boxes = [b if not b[0].startswith("有限责任公司") else ("有限责任公司(白然人投资或控股)", 146, 202, 336, 215, 0.92)
             for b in boxes]
    boxes = [b for b in boxes if b[0] != "9144O784797764357F"] + [("91440784797764357E", 60, 106, 215, 119)]
    d = extract(doc(DocKind.business_license), [page(boxes)])
    assert d.value("legal_representative") is None and d.fields["legal_representative"].raw == "伍雄"
    assert d.value("company_type") is None
    assert d.value("uscc") is None
    assert d.value("name") == "鹤山市昌豪信息技术有限公司"


def test_licence_address_wrapped_bracket_is_taken_but_a_cut_address_is_not():
    addr = [b for b in LICENCE if b[0] != "鹤山市共和镇富民路69号"]
    wrapped = addr + [("鹤山市共和镇富民路69号（自编2号", 541, 253, 710, 265, 0.985), ("）", 539, 270, 549, 282, 0.645)]
    d = extract(doc(DocKind.business_license), [page(wrapped)])
    assert d.value("address") == "鹤山市共和镇富民路69号（自编2号）"
    assert d.fields["address"].confidence == pytest.approx(0.985)
    assert d.fields["address"].evidence.bbox[3] == 282          # the bracket's line is in the evidence
    # the rest a full line's height below, where the licence sets its lines apart (之 / 一)
    apart = addr + [("鹤山市共和镇富民路69号之", 541, 253, 700, 265), ("一", 542, 278, 550, 290, 0.986)]
    assert extract(doc(DocKind.business_license), [page(apart)]).value("address") == "鹤山市共和镇富民路69号之一"
    cut = addr + [("鹤山市共和镇富民路69号之", 541, 253, 700, 265)]  # '一' lost on the next line
    assert extract(doc(DocKind.business_license), [page(cut)]).value("address") is None
    unsure = addr + [("鹤山市共和镇富民路69号（自编2号", 541, 253, 710, 265), ("）A", 539, 270, 559, 282, 0.6)]
    assert extract(doc(DocKind.business_license), [page(unsure)]).value("address") is None


def test_blank_licence_gives_nothing():
    boxes = [("名", 77, 304, 93, 325), ("称", 136, 306, 150, 322), ("住", 76, 344, 94, 364), ("所", 134, 346, 152, 364),
             ("法定代表人", 76, 368, 151, 385), ("注册资本", 76, 389, 152, 406), ("登记机关", 238, 602, 316, 619)]
    d = extract(doc(DocKind.business_license), [page(boxes, w=519, h=722)])
    assert all(f.value is None for f in d.fields.values())


def test_company_type_vocabulary():
    assert canonical_company_type("股份有限公司(非上市、自然人投资或控股)") == "股份有限公司（非上市、自然人投资或控股）"
    assert canonical_company_type("个体工商户") == "个体工商户"
    assert canonical_company_type("有限责任公词(自然人投资或控股)") is None
    assert canonical_company_type("有限责任公司(白然人独资)") is None


def test_line_lookup_same_line_right_and_below():
    p = page([("姓名 余坚芳 手机 18607702633", 150, 199, 400, 210), ("单位地址", 75, 248, 115, 258),
              ("鹤山市共和镇富民路69号", 150, 248, 300, 258), ("2024年主营业务收入", 68, 231, 153, 246),
              ("846.54", 231, 241, 268, 259), ("(万元)", 70, 242, 103, 260)], ocr=False)
    hits = line_lookup([p], {"n": ["姓名"], "m": ["手机"], "a": ["单位地址"], "r": ["2024年主营业务收入"]})
    assert hits["n"].text == "余坚芳" and hits["m"].text == "18607702633"
    assert hits["a"].text == "鹤山市共和镇富民路69号" and hits["r"].text == "846.54"


def _table2_page(amount_text="39400.00", amount_conf=1.0, ocr=True):
    slope = 0.03   # the scan is skewed: boxes to the right sit lower
    rows = [("单位名称", 98, 75, 142, 94), ("江门市益兴卫浴科技有限公司", 172, 79, 345, 98),
            ("统一社会信用代码", 80, 101, 158, 117), ("91440781MA816BG15X", 171, 103, 278, 120),
            ("2024年主营业务收入", 68, 231, 153, 246), ("846.54", 231, 241, 268, 259), ("(万元)", 70, 242, 103, 260),
            ("员工总数（人）", 345, 245, 409, 263), ("12", 473, 250, 492, 266),
            ("□中央企业 □地方国企", 171, 127, 277, 143), ("☑民营□三资", 170, 139, 240, 156),
            ("单位盖章：", 164, 320, 213, 336), ("日期：", 164, 347, 200, 362)]
    head = [("序号", 62, 423), ("产品名称", 146, 427), ("供应商", 287, 432), ("拟成交单价", 369, 434),
            ("拟购数量", 428, 436), ("拟成交金额", 477, 438)]
    rows += [(t, x, y, x + 12 * len(t), y + 17) for t, x, y in head]
    items = [("1", 69, 455), ("SRM 供应商关系管理平台", 95, 452), ("江门市天信数字科技有限公", 244, 455), ("司", 242, 467),
             ("39400.00", 378, 464), ("1套", 437, 465), (amount_text, 485, 468),
             ("2", 69, 491), ("EAM设备资产管理系统", 93, 492), ("华为云计算技术有限公司", 243, 495),
             ("47700.00", 377, 499), ("2套", 436, 500), ("95400.00", 485, 503), ("3", 67, 519), ("4", 66, 542)]
    rows += [(t, x, y + slope * (x - 70), x + 8 * len(t), y + slope * (x - 70) + 15) for t, x, y in items]
    rows += [("产品总金额", 118, 657, 168, 674), ("134800.00", 238, 662, 287, 677),
             ("申请产品财政扶持金额", 97, 681, 188, 696), ("95300.00", 236, 684, 281, 701)]
    boxes = [r if r[0] != amount_text else r + (amount_conf,) for r in rows]
    return page(boxes, ocr=ocr, w=595, h=842)


def test_table2_date_printed_a_little_lower_than_its_label_is_read():
    p = _table2_page()
    p.lines.append(TextLine(text="2025年8月9日", bbox=(205, 353, 280, 366), confidence=0.99, engine=OCR))
    d = extract(doc(DocKind.application_form, "table2"), [p])
    assert d.value("sign_date") == dt.date(2025, 8, 9)


def test_table2_products_on_a_skewed_scan():
    d = extract(doc(DocKind.application_form, "table2"), [_table2_page()])
    v = d.value
    assert v("name") == "江门市益兴卫浴科技有限公司" and v("uscc") == "91440781MA816BG15X"
    assert v("revenue_2024_wan") == 846.54 and v("employees") == 12 and v("nature") == "民营"
    assert v("sign_date") is None                     # 日期： left blank: a located blank
    assert d.fields["sign_date"].evidence.bbox == (164, 347, 200, 362) and d.fields["sign_date"].raw == ""
    assert v("product_total") == 134800 and v("subsidy") == 95300
    assert len(d.rows) == 2                           # empty numbered rows 3 and 4 are skipped
    r0, r1 = d.rows
    assert r0["supplier"].value == "江门市天信数字科技有限公司" and r0["quantity"].value == 1
    assert r1["quantity"].value == 2 and r1["amount"].value == 95400


def test_garbled_amount_repaired_only_on_ocr_pages():
    d = extract(doc(DocKind.application_form, "table2"), [_table2_page("39480.00", 0.81)])
    assert d.rows[0]["amount"].value == 39400 and "修正" in d.rows[0]["amount"].repaired
    d = extract(doc(DocKind.application_form, "table2"), [_table2_page("39480.00", 1.0, ocr=False)])
    assert d.rows[0]["amount"].value == 39480 and d.rows[0]["amount"].repaired is None


def test_kpis_count_numbers_on_the_next_line():
    p = page([("●预计运营成本降低量化指标（%）：8", 374, 200, 540, 211),
              ("●预计产品不良品率降低量化指标（%）：", 374, 266, 540, 277), ("12", 374, 277, 384, 288),
              ("●生产效率提高量化指标（%）：", 374, 343, 540, 354),
              ("●建设前生产效率情况：人均日产164件", 374, 356, 540, 366)], w=595, h=842)
    d = extract(doc(DocKind.application_form, "table1"), [p])
    assert d.value("kpis_quantified") == 2


OPINION = "一、审计意见 我们审计了江门市甲乙有限公司财务报表，包括2024年12月31日的资产负债表。{} 二、形成审计意见的基础"


@pytest.mark.parametrize("sentence,code", [
    ("我们认为，后附的财务报表在所有重大方面公允反映了财务状况。", "standard_unqualified"),
    ("我们出具了无保留意见。", "standard_unqualified"),
    ("我们认为，除“形成保留意见的基础”部分所述事项的影响外，公允反映了。", "qualified"),
    ("由于“形成否定意见的基础”部分所述事项的重要性，未能公允反映。", "adverse"),
    ("我们不对后附的财务报表发表审计意见。我们无法表示意见。", "disclaimer"),
    ("我们认为公允反映。三、强调事项 我们提醒财务报表使用者关注。", "unqualified_with_emphasis"),
])
def test_opinion(sentence, code):
    assert opinion_from_text(OPINION.format(sentence)) == code


def test_build_nlp_offline_with_parties():
    nlp = build_nlp(["江门市甲乙有限公司"], [{"label": "FIRM", "pattern": "江门市五邑会计师事务所有限公司"}])
    ents = entities("我们审计了江门市甲乙有限公司（以下简称甲乙公司）的财务报表。无保留意见", nlp)
    assert ("ORG", "江门市甲乙有限公司", "江门市甲乙有限公司") in ents
    assert any(e[0] == "OPINION" and e[2] == "standard_unqualified" for e in ents)


def test_identify_names_and_codes():
    p = page([("编制单位：鹤山市昌豪信息技术有限公司", 56, 131, 300, 141), ("广东中天粤会计师事务所（特殊普通合伙）", 150, 600, 400, 612),
              ("统一社会信用代码 9144O784797764357F", 60, 106, 300, 119), ("注册号 310110000759836", 60, 130, 300, 140)])
    got = identify([p])
    assert got["names"] == ["鹤山市昌豪信息技术有限公司"] and got["subject"] == "鹤山市昌豪信息技术有限公司"
    assert got["usccs"] == ["91440784797764357F"] and got["reg_nos"] == ["310110000759836"]


def test_extract_on_empty_pages_is_safe():
    for kind in DocKind:
        d = extract(Document(kind=kind, pages=[("x.pdf", 1)], section="table1"), [page([])])
        assert "extract_error" not in d.extra
        assert all(f.value is None for f in d.fields.values())


def test_commitment_letter_lines_and_abstention():
    title = [("2025年江门市工业互联网产业集群试点项目", 132, 83, 460, 98), ("责任承诺函（牵头单位）", 204, 103, 390, 118),
             ("本单位……并于2026年10月3日完工。", 72, 285, 500, 300), ("承诺方（盖章）：", 300, 629, 380, 644)]
    good = title + [("鹤山市昌豪信息技术有限公司", 300, 660, 440, 675), ("签署日期： 2025年8月23日", 300, 699, 440, 714)]
    d = extract(doc(DocKind.commitment_letter), [page(good, ocr=False, w=595, h=842)])
    assert d.value("committer") == "鹤山市昌豪信息技术有限公司" and d.value("variant") == "lead"
    assert d.value("sign_date") == dt.date(2025, 8, 23) and d.value("completion_date") == dt.date(2026, 10, 3)
    # under a seal: a fragment right of the seal is not the name; a garbled date is kept raw, not given
    sealed = title + [("江门市", 305, 656, 337, 669), ("鹤山分公司", 448, 652, 504, 666),
                      ("签署日期", 306, 695, 350, 710), ("22025年08月2(日", 361, 703, 409, 715, 0.879)]
    d = extract(doc(DocKind.commitment_letter), [page(sealed, w=595, h=842)])
    assert d.value("committer") is None
    assert d.value("sign_date") is None and d.fields["sign_date"].raw
    blank = title + [("鹤山市昌豪信息技术有限公司", 300, 660, 440, 675), ("签署日期：", 300, 699, 360, 714)]
    d = extract(doc(DocKind.commitment_letter), [page(blank, w=595, h=842)])
    assert d.value("sign_date") is None and d.value("committer") == "鹤山市昌豪信息技术有限公司"
    assert d.fields["sign_date"].evidence is not None                  # a located blank (SIGN_DATE_MISSING)
    # a grey scan with its seal over the blank: print under the seal that OCR did not read (unread ink, darker
    # than the seal's own) may be the date, so the place is not blank; the seal's own ink alone leaves it blank
    grey = page(blank, w=595, h=842).model_copy(update={"grey": True, "seals": [
        Seal(file="x.pdf", page=1, bbox=(340, 640, 450, 750))], "unread_ink": [(365.0, 700.0, 420.0, 713.0)]})
    d = extract(doc(DocKind.commitment_letter), [grey])
    assert d.value("sign_date") is None and d.fields["sign_date"].evidence is None
    assert extract(doc(DocKind.commitment_letter), [grey.model_copy(update={"unread_ink": []})]
                   ).fields["sign_date"].evidence is not None
    colour = grey.model_copy(update={"grey": False})                      # red ink is lifted off on colour scans
    assert extract(doc(DocKind.commitment_letter), [colour]).fields["sign_date"].evidence is not None
    away = grey.model_copy(update={"seals": [Seal(file="x.pdf", page=1, bbox=(300, 560, 400, 660))], "unread_ink": []})
    assert extract(doc(DocKind.commitment_letter), [away]).fields["sign_date"].evidence is not None


def test_commitment_letter_on_an_image_file_in_pixels():
    """A .jpg letter (page in pixels, ~2.8 a point): the 承诺方 name cut under its seal (…科技有限) stands 237 px
    right of the label's start, as far as 66 pt would on a PDF page; it was measured as points (40 / 60), so
    the letter gave no hint whose it is and was tied to nobody (a false DOC_MISSING)."""
    boxes = [("2025年江门市工业互联网产业集群试点项目", 407, 221, 1242, 258), ("责任承诺函", 438, 270, 793, 302),
             ("承诺方（盖章）：", 425, 928, 596, 953), ("江门市恒骏网络科技有限", 662, 980, 921, 1014),
             ("市", 743, 1010, 777, 1030, 0.908), ("签署日期：", 423, 1042, 530, 1071),
             ("2025年08月14日", 662, 1038, 820, 1071)]
    d = extract(doc(DocKind.commitment_letter), [page(boxes, w=1654, h=2339)])
    assert d.extra.get("subject") == "江门市恒骏网络科技有限" and d.value("committer") is None
    assert d.value("sign_date") == dt.date(2025, 8, 14)


def test_commitment_letter_name_right_of_the_label_and_seal_ring_on_the_date_row():
    """A grey scan read again under its seal: the name stands right of the label's colon on the next row, and
    ring characters of the seal ('A', '司') share the rows of the name and the date."""
    title = [("2025年江门市工业互联网产业集群试点项目", 147, 80, 446, 93), ("责任承诺函（工业企业）", 210, 102, 381, 117)]
    boxes = title + [("承诺方（盖章）：", 204, 446, 286, 458, 0.964), ("江门市盛永软件科技有限公司", 320, 475, 462, 485),
                     ("A", 437, 493, 448, 505, 0.855), ("签署日期：", 203, 501, 255, 515, 0.996),
                     ("2025.8.25", 319, 502, 362, 514), ("司", 432, 506, 445, 518, 0.525)]
    d = extract(doc(DocKind.commitment_letter), [page(boxes, w=595, h=842)])
    assert d.value("committer") == "江门市盛永软件科技有限公司"
    assert d.value("sign_date") == dt.date(2025, 8, 25) and d.fields["sign_date"].confidence > 0.99
    far = [b if b[0] != "江门市盛永软件科技有限公司" else ("软件科技有限公司", 420, 475, 520, 485) for b in boxes]
    assert extract(doc(DocKind.commitment_letter), [page(far, w=595, h=842)]).value("committer") is None
    # the name's end under the seal: no committer, but a hint whose letter it is
    cut = [b if b[0] != "江门市盛永软件科技有限公司" else ("江门市盛永软件科技有限", 319, 471, 443, 486) for b in boxes]
    d = extract(doc(DocKind.commitment_letter), [page(cut, w=595, h=842)])
    assert d.value("committer") is None and d.extra["subject"] == "江门市盛永软件科技有限"
    # the whole name read unsure (科技 → 科育 at 0.957): no committer either, and the reading as the hint
    unsure = [b if b[0] != "江门市盛永软件科技有限公司" else ("江门市盛永软件科育限公司", 320, 475, 462, 485, 0.957)
              for b in boxes]
    d = extract(doc(DocKind.commitment_letter), [page(unsure, w=595, h=842)])
    assert d.value("committer") is None and d.extra["subject"] == "江门市盛永软件科育限公司"


def test_table1_party_row_ignores_seal_text_over_it():
    """A provider seal stamped over an enterprise row of an OCR'd 表一: its tall ring text ('酒软件') is not part
    of the company name (it made a phantom party and a false PARTY_LIST_MISMATCH)."""
    from extractors.application import _party_rows
    boxes = [("参与单位", 60, 100, 110, 111), ("序号", 120, 100, 150, 111), ("工业企业名称", 260, 100, 340, 111)]
    for i, n in enumerate(["江门市康德服装有限公司", "江门市宇广纺织有限公司"], 1):
        y = 100 + 25 * i
        boxes += [(str(i), 130, y, 136, y + 11), (n, 260, y, 400, y + 11)]
    boxes += [("3", 130, 175, 136, 186), ("江门市瑞通制衣有限", 260, 175, 342, 186),
              ("酒软件", 336, 152, 405, 198, 0.877)]
    rows = _party_rows([page(boxes)])
    assert [r["name"].value for r in rows] == ["江门市康德服装有限公司", "江门市宇广纺织有限公司", "江门市瑞通制衣有限"]
    assert rows[-1]["name"].confidence <= 0.5


def test_tax_report_balance_sheet_totals_are_read():
    """A 汇算清缴 report with a 资产负债表 page gives its totals (they were left None: fields and
    BALANCE_SHEET_UNBALANCED were lost for every party filing one)."""
    p1 = [("企业所得税汇算清缴报告", 100, 40, 300, 52), ("税款所属期间：2024年01月01日至2024年12月31日", 60, 60, 400, 72),
          ("纳税人名称：江门市德昌服装有限公司", 60, 80, 300, 92), ("行次 项 目 金 额", 60, 110, 400, 122),
          ("1 一、营业收入 37,745,973.39", 60, 130, 400, 142)]
    p2 = [("资产负债表", 250, 40, 330, 52),
          ("编制单位：江门市德昌服装有限公司 2024年12月31日 单位：元", 60, 60, 500, 72),
          ("资 产 期末余额 上年年末余额 负债和所有者权益 期末余额 上年年末余额", 60, 80, 560, 92),
          ("负债合计 9,734,732.29 10,186,882.86", 300, 100, 560, 112),
          ("所有者权益合计 13,019,837.90 13,624,572.26", 300, 120, 560, 132),
          ("资产总计 22,754,570.19 23,811,455.12 负债和所有者权益总计 22,754,570.19 23,811,455.12", 60, 140, 560, 152)]
    pages = [page(p1, ocr=False, w=595, h=842), page(p2, ocr=False, w=595, h=842)]
    pages[1].index = 2
    d = extract(Document(kind=DocKind.tax_report, pages=[("x.pdf", 1), ("x.pdf", 2)]), pages)
    assert d.value("revenue") == 37745973.39
    assert d.value("total_assets") == 22754570.19
    assert d.value("total_liabilities_and_equity") == 22754570.19
    p1_only = extract(Document(kind=DocKind.tax_report, pages=[("x.pdf", 1)]), pages[:1])
    assert p1_only.value("total_assets") is None


def test_table1_row_whose_name_is_under_seal_ink_is_counted_without_a_name():
    """The last 表一 row under two provider seals: OCR reads its 序号 and only scraps of ring text. The row is kept
    with no name, so the list is known to be incomplete (it made a false 'not in 表一' PARTY_LIST_MISMATCH); a
    pre-numbered blank row is no row."""
    from extractors.application import _party_rows
    boxes = [("参与单位", 60, 100, 110, 111), ("序号", 120, 100, 150, 111), ("工业企业名称", 260, 100, 340, 111)]
    for i, n in enumerate(["江门市康德服装有限公司", "江门市宇广纺织有限公司"], 1):
        y = 100 + 25 * i
        boxes += [(str(i), 130, y, 136, y + 11), (n, 260, y, 400, y + 11)]
    boxes += [("3", 130, 175, 136, 186), ("江门市江海", 260, 175, 300, 186, 0.41), ("区富通", 305, 175, 330, 186, 0.3)]
    boxes += [("4", 130, 200, 136, 211)]
    rows = _party_rows([page(boxes)])
    assert [(r["seq"].value, r["name"].value) for r in rows] == [
        (1, "江门市康德服装有限公司"), (2, "江门市宇广纺织有限公司"), (3, None)]
    assert rows[-1]["name"].evidence is not None


@pytest.mark.parametrize("name", ["鹤山市海丰加工部", "江门市蓬江区荣记五金经营部", "台山市广海服务部", "恩平市永兴门市部"])
def test_sole_trader_names_are_names_everywhere(name):
    """个体工商户 names (…加工部, …服务部) are names for the 表二 extractor, the party finder and the page cues
    alike (a 表二 of '鹤山市海丰加工部' lost its name, was tied to nobody, and the party got a false DOC_MISSING)."""
    from extractors import COMPANY
    from extractors.application import _company
    from pipeline.classify.cues import COMPANY as CUE_COMPANY
    assert _company(name) == name
    assert COMPANY.search(f"单位名称：{name}").group(0).endswith(name)
    assert CUE_COMPANY.search(f"单位名称{name}").group(0).endswith(name)


def test_a_statement_row_whose_values_went_unread_gives_none_and_no_crash():
    """A 资产负债表 row label whose value cells OCR left empty once crashed the audit extractor (IndexError):
    every field after it, 营业收入 included, was lost. Its value is unknown; the other rows still read."""
    from extractors.statements import pick
    from models.provenance import Cell, Table
    cells = [Cell(row=0, col=0, bbox=(0, 0, 100, 20), text="项目"), Cell(row=0, col=1, bbox=(100, 0, 200, 20), text="期末余额"),
             Cell(row=1, col=0, bbox=(0, 20, 100, 40), text="所有者权益合计"), Cell(row=1, col=1, bbox=(100, 20, 200, 40), text=""),
             Cell(row=2, col=0, bbox=(0, 40, 100, 60), text="资产总计"), Cell(row=2, col=1, bbox=(100, 40, 200, 60), text="1,234.50")]
    p = page([("资产负债表", 200, 5, 260, 15)])
    p.tables = [Table(bbox=(0, 0, 200, 60), n_rows=3, n_cols=2, cells=cells, engine="opencv-grid")]
    assert pick([p], "total_equity") is None
    assert pick([p], "total_assets").text == "1,234.50"


def _grid(rows: list[list[str]], top: float = 100.0):
    from models.provenance import Cell, Table
    xs = [60, 90, 250, 400, 460, 500, 560]
    cells = [Cell(row=i, col=j, bbox=(xs[j], top + 20 * i, xs[j + 1], top + 20 * (i + 1)), text=txt)
             for i, row in enumerate(rows) for j, txt in enumerate(row)]
    return Table(bbox=(60, top, 560, top + 20 * len(rows)), n_rows=len(rows), n_cols=6, cells=cells, engine="pdfplumber")


def test_a_product_table_running_over_a_page_break_keeps_its_rows():
    """表二's product table continues on the next page without its header row (digital packet: 16 rows,
    4 of them on the second page). Its rows were lost: TOTAL_MISMATCH claimed, SERVICES_SHARE_EXCEEDED missed."""
    head = ["序号", "产品名称", "供应商", "拟成交单价（元）", "拟购数量", "拟成交金额（元）"]
    p1 = page([("表二、产业集群内企业信息表（一企一表）", 150, 40, 450, 56), ("单位名称 江门市力鸿金属结构有限公司", 60, 60, 400, 72)],
              ocr=False)
    p1.tables = [_grid([head, ["1", "MES 生产执行系统", "江门市诚锦信息科技有限公司", "107,000.00", "1", "107,000.00"],
                        ["2", "二次开发服务（人天）", "江门市诚锦信息科技有限公司", "1,800.00", "1", "1,800.00"]])]
    p2 = page([("产品总金额 152,300.00", 60, 300, 300, 312)], ocr=False)
    p2.index = 2
    p2.tables = [_grid([["3", "数字化转型咨询诊断服务", "江门市诚锦信息科技有限公司", "43,500.00", "1", "43,500.00"],
                        ["产品总金额", "", "", "", "", "152,300.00"]], top=40)]
    both = doc(DocKind.application_form, "table2").model_copy(update={"pages": [("x.pdf", 1), ("x.pdf", 2)]})
    d = extract(both, [p1, p2])
    assert [r["amount"].value for r in d.rows] == [107000.0, 1800.0, 43500.0]
    assert d.rows[2]["amount"].evidence.page == 2
