"""The four seal checks on small hand-built review contexts, and end to end on dev-set pages."""
from __future__ import annotations

import pytest

from models.packet import Packet, Party, ReviewContext
from models.provenance import DocKind, Document, Page, Seal, SealKind, TextLine
from pipeline.checks.seal_checks import check_seals, core_substitution, name_score
from pipeline.rules import load_rules
from tests.conftest import DEVSET, need

LEAD = "鹤山市昌豪信息技术有限公司"
E01 = "恩平市康锐汽车配件有限公司"
E02 = "江门市富盛电机股份有限公司"
P1 = "恩平市安成智能科技有限公司"
APP, COMMIT, LIC = "申报书.pdf", "康锐/承诺函.pdf", "康锐/营业执照.jpg"


def seal(file, page, text, kind="company", conf=0.99, bbox=(300, 360, 410, 470), edge=None, copy=False):
    return Seal(file=file, page=page, bbox=bbox, text=text, text_confidence=conf if text else None,
                kind=SealKind(kind), confidence=0.9, edge=edge, is_copy_stamp=copy, shape="rect" if copy else "round")


def page(file, index, seals, lines=(), scanned=False):
    return Page(file=file, index=index, width=595, height=842, text_layer=not scanned, ocr=scanned,
                lines=[TextLine(text=t, bbox=b) for t, b in lines], seals=seals)


def build(overrides: dict | None = None, scanned: bool = False, slices: bool = True) -> ReviewContext:
    """A packet: 申报书 cover (p1) / 表一 (p2) / 表二 of E01 (p3), E01's 责任承诺函 and licence."""
    o = overrides or {}
    edge = [] if not slices else [seal(APP, 0, None, kind="unknown", bbox=(560, 300, 595, 400), edge="right")]
    pages = [
        page(APP, 1, o.get("cover", [seal(APP, 1, LEAD)]) + [e.model_copy(update={"page": 1}) for e in edge],
             [("牵头单位（盖章）：鹤山市昌豪信息技术有限公司", (72, 400, 500, 415))], scanned),
        page(APP, 2, o.get("table1", [seal(APP, 2, P1, bbox=(400, 540, 513, 654))]) +
             [e.model_copy(update={"page": 2}) for e in edge], [("服务商", (100, 560, 150, 575))], scanned),
        page(APP, 3, o.get("table2", [seal(APP, 3, E01, bbox=(250, 290, 360, 400))]) +
             [e.model_copy(update={"page": 3}) for e in edge], [("单位盖章：", (72, 330, 140, 345))], scanned),
        page(COMMIT, 1, o.get("commit", [seal(COMMIT, 1, E01, bbox=(340, 600, 450, 710))]),
             [("承诺方（盖章）：", (300, 640, 400, 655))]),
        page(LIC, 1, o.get("license", [seal(LIC, 1, E01, bbox=(220, 370, 330, 480)),
                                       seal(LIC, 1, "恩平市市场监督管理局", kind="authority", bbox=(637, 427, 742, 532))]),
             scanned=True),
    ]
    docs = [
        Document(kind=DocKind.application_form, section="cover", pages=[(APP, 1)], party_key="L"),
        Document(kind=DocKind.application_form, section="table1", pages=[(APP, 2)]),
        Document(kind=DocKind.application_form, section="table2", pages=[(APP, 3)], party_key="E01"),
        Document(kind=DocKind.commitment_letter, pages=[(COMMIT, 1)], party_key="E01"),
        Document(kind=DocKind.business_license, pages=[(LIC, 1)], party_key="E01"),
    ]
    parties = [Party(key="L", role="lead", name=LEAD, uscc="91440784797764357F"),
               Party(key="E01", role="enterprise", name=E01, uscc="91440785562532279R"),
               Party(key="E02", role="enterprise", name=E02, uscc="91440784574478353J"),
               Party(key="P1", role="provider", name=P1, uscc="914407855704192339")]
    return ReviewContext(packet=Packet(id="t", source="t"), pages={f"{p.file}#{p.index}": p for p in pages},
                         documents=docs, parties=parties, rules=load_rules(None))


def codes(findings):
    return sorted((f.code, f.party_name) for f in findings)


@pytest.mark.quick
def test_rule_pack_has_seal_places():
    cfg = load_rules(None)["seals"]
    assert {r["slot"] for r in cfg["required"]} >= {"cover", "table2", "commit", "license"}


@pytest.mark.quick
def test_clean_packet_has_no_seal_findings():
    assert check_seals(build()) == []


@pytest.mark.quick
def test_ocr_noise_is_tolerated():
    ctx = build({"commit": [seal(COMMIT, 1, "平市康锐汽车配件有限公司", conf=0.97)],          # ring start cut
                 "table2": [seal(APP, 3, "恩平市康锐汽车配件有限公司 ", conf=0.95)],
                 "license": [seal(LIC, 1, "恩平市康锐汽车配件有限公司", conf=0.9),
                             seal(LIC, 1, "恩平市市场监督管理局", kind="authority")]})
    assert check_seals(ctx) == []


@pytest.mark.quick
def test_other_members_seal_is_a_mismatch():
    ctx = build({"commit": [seal(COMMIT, 1, E02, conf=0.98, bbox=(340, 600, 450, 710))]})
    got = check_seals(ctx)
    assert codes(got) == [("SEAL_NAME_MISMATCH", E01)]
    f = got[0]
    assert f.severity == "error" and f.found == E02 and f.declared == E01 and f.file == COMMIT and f.page == 1
    assert f.bbox == (340, 600, 450, 710) and f.evidence and f.detail["slot"] == "commit"


@pytest.mark.quick
def test_one_character_change_in_the_trade_name():
    sure = build({"table2": [seal(APP, 3, "恩平市康瑞汽车配件有限公司", conf=0.99)]})
    assert codes(check_seals(sure)) == [("SEAL_NAME_MISMATCH", E01)]
    unsure = build({"table2": [seal(APP, 3, "恩平市康瑞汽车配件有限公司", conf=0.93)]})
    got = check_seals(unsure)
    assert codes(got) == [("OCR_LOW_CONFIDENCE", E01)] and got[0].severity == "info"
    # on a scan look-alike characters are swapped with high confidence: abstain
    scan = build({"table2": [seal(APP, 3, "恩平市康瑞汽车配件有限公司", conf=0.99)]}, scanned=True)
    assert codes(check_seals(scan)) == [("OCR_LOW_CONFIDENCE", E01)]


@pytest.mark.quick
def test_low_confidence_reading_abstains():
    got = check_seals(build({"cover": [seal(APP, 1, "某某科技公司", conf=0.4)]}))
    assert [f.code for f in got] == ["OCR_LOW_CONFIDENCE"]


@pytest.mark.quick
def test_missing_seal_points_at_the_empty_place():
    got = check_seals(build({"table2": []}))
    assert codes(got) == [("SEAL_MISSING", E01)]
    f = got[0]
    assert f.page == 3 and f.file == APP and f.bbox is not None and f.bbox[1] < 345 < f.bbox[3]


@pytest.mark.quick
def test_licence_with_only_the_authority_seal_is_missing_the_copy_seal():
    ctx = build({"license": [seal(LIC, 1, "恩平市市场监督管理局", kind="authority"),
                             seal(LIC, 1, "与原件一致", kind="unknown", copy=True)]})
    assert codes(check_seals(ctx)) == [("SEAL_MISSING", E01)]


@pytest.mark.quick
def test_finance_seal_on_commitment_letter_is_wrong_type():
    got = check_seals(build({"commit": [seal(COMMIT, 1, E01, kind="finance")]}))
    assert codes(got) == [("SEAL_WRONG_TYPE", E01)]
    assert got[0].severity == "warning" and got[0].detail["slot"] == "commit" and got[0].detail["found"] == "finance"


@pytest.mark.quick
def test_company_seal_beside_a_finance_seal_is_fine():
    ctx = build({"commit": [seal(COMMIT, 1, E01, kind="finance", bbox=(100, 600, 210, 710)),
                            seal(COMMIT, 1, E01)]})
    assert check_seals(ctx) == []


@pytest.mark.quick
def test_provider_seal_missing_in_table1():
    got = check_seals(build({"table1": []}))
    assert codes(got) == [("SEAL_MISSING", P1)]


@pytest.mark.quick
def test_straddle_seal_on_scanned_application():
    assert check_seals(build(scanned=True)) == []
    got = check_seals(build(scanned=True, slices=False))
    assert check_seals(build(slices=False)) == []      # digital: no 骑缝章 needed
    assert codes(got) == [("STRADDLE_SEAL_MISSING", LEAD)] and got[0].severity == "warning"


@pytest.mark.quick
def test_no_seal_found_anywhere_abstains():
    ctx = build({"cover": [], "table1": [], "table2": [], "commit": [], "license": []}, scanned=True, slices=False)
    assert check_seals(ctx) == []


@pytest.mark.quick
def test_name_helpers():
    assert name_score("（江门）康信电机有限公司", "(江门)康信电机有限公司") == 1.0
    assert name_score("平市康锐汽车配件有限公司", E01) > name_score("平市康锐汽车配件有限公司", E02)
    assert core_substitution("鹤山市昌毫信息技术有限公司", LEAD)
    assert not core_substitution("鹤山市昌豪信息技术有限公词", LEAD)


@pytest.mark.slow
def test_devset_commitment_letters_end_to_end():
    """Real pages, real detection and OCR: 永辰's letter carries a 财务专用章, 康锐's a company seal."""
    from pipeline.ocr import get_engine
    from pipeline.read.render import render_pdf_page
    from pipeline.seals import find_seals
    base = need(DEVSET / "P901-06")
    eng = get_engine()
    files = {"E01": ("企业材料/康锐/康锐-责任承诺函.pdf", "恩平市康锐汽车配件有限公司"),
             "E11": ("企业材料/永辰/责任承诺函_永辰.pdf", "开平市永辰汽车零部件有限公司")}
    pages, docs, parties = {}, [], []
    for key, (f, name) in files.items():
        seals = find_seals(render_pdf_page(base / f, 1, 100), f, 1, 100 / 72, eng)
        pages[f"{f}#1"] = Page(file=f, index=1, width=595, height=842, text_layer=True, seals=seals)
        docs.append(Document(kind=DocKind.commitment_letter, pages=[(f, 1)], party_key=key))
        parties.append(Party(key=key, role="enterprise", name=name))
    ctx = ReviewContext(packet=Packet(id="d", source="d"), pages=pages, documents=docs, parties=parties,
                        rules=load_rules(None))
    got = check_seals(ctx)
    assert [(f.code, f.party_name, f.detail.get("found")) for f in got] == \
        [("SEAL_WRONG_TYPE", "开平市永辰汽车零部件有限公司", "finance")]


P2 = "台山市康科网络科技有限公司"


def _two_providers(ctx: ReviewContext) -> ReviewContext:
    ctx.parties.append(Party(key="P2", role="provider", name=P2, uscc="91440781MAGPNJNM24"))
    return ctx


@pytest.mark.quick
def test_stacked_provider_seals_read_as_one_abstain():
    # two providers' seals stacked on one spot are found as one seal with a garbled reading:
    # either provider may own it, so no SEAL_MISSING, an OCR_LOW_CONFIDENCE for each instead
    ctx = _two_providers(build({"table1": [seal(APP, 2, "山功科算有公司", conf=0.84, bbox=(309, 463, 425, 585))]}))
    got = check_seals(ctx)
    assert "SEAL_MISSING" not in {f.code for f in got}
    assert codes(got) == sorted([("OCR_LOW_CONFIDENCE", P1), ("OCR_LOW_CONFIDENCE", P2)])


@pytest.mark.quick
def test_second_provider_missing_when_the_one_seal_surely_names_the_first():
    ctx = _two_providers(build({"table1": [seal(APP, 2, P1, bbox=(400, 540, 513, 654))]}))
    assert codes(check_seals(ctx)) == [("SEAL_MISSING", P2)]


@pytest.mark.quick
def test_misread_authority_seal_does_not_stand_for_the_company():
    # the registration office's seal read as 江门市市监备理局 is not the company's copy seal
    ctx = build({"license": [seal(LIC, 1, "江门市市监备理局", kind="company", conf=0.80, bbox=(637, 427, 742, 532))]})
    assert codes(check_seals(ctx)) == [("SEAL_MISSING", E01)]


@pytest.mark.quick
def test_seal_with_the_registered_name_is_the_partys_own():
    """表二 declares another name than the licence (NAME_MISMATCH's business): the seals carry the registered
    name, and a third member with a name close to it does not make them someone else's."""
    from models.provenance import Field
    ctx = build()
    declared = "恩平市康锐机械设备有限公司"
    ctx.parties[1].name = declared
    ctx.parties[2].name = "恩平市安宏汽车配件有限公司"
    lic = next(d for d in ctx.documents if d.kind == DocKind.business_license)
    lic.fields = {"name": Field(name="name", value=E01), "uscc": Field(name="uscc", value=ctx.parties[1].uscc)}
    assert check_seals(ctx) == []
    stranger = build({"commit": [seal(COMMIT, 1, "恩平市安宏汽车配件有限公司", conf=0.99, bbox=(340, 600, 450, 710))]})
    stranger.parties[1].name = declared
    stranger.parties[2].name = "恩平市安宏汽车配件有限公司"
    next(d for d in stranger.documents if d.kind == DocKind.business_license).fields = dict(lic.fields)
    assert codes(check_seals(stranger)) == [("SEAL_NAME_MISMATCH", declared)]


@pytest.mark.quick
def test_missing_seal_on_a_grey_scan_merged_into_a_colour_file_is_not_claimed():
    """One PDF merging colour and grey scans: the grey page's scan image is single-channel, so the absent red
    seal proves nothing where the place holds unread ink (a grey seal the detector missed); on a colour page
    of the same file it is claimed."""
    def merged(grey_letter: bool) -> ReviewContext:
        ctx = build({"commit": []})
        letter = ctx.pages[f"{COMMIT}#1"]
        colour = page(COMMIT, 2, [], scanned=True)
        ctx.pages[f"{COMMIT}#1"] = letter.model_copy(update={"ocr": True, "text_layer": False, "grey": True,
                                                             "grey_image": grey_letter, "ink_mapped": True,
                                                             "unread_ink": [(330.0, 600.0, 440.0, 705.0)]})
        ctx.pages[f"{COMMIT}#2"] = colour
        return ctx
    assert ("SEAL_MISSING", E01) not in codes(check_seals(merged(True)))
    assert ("OCR_LOW_CONFIDENCE", E01) in codes(check_seals(merged(True)))
    assert ("SEAL_MISSING", E01) in codes(check_seals(merged(False)))   # black print of a colour scan looks grey


def _licence_lines(ctx):
    ctx.pages[f"{LIC}#1"].lines = [TextLine(text="登 记 机 关", bbox=(560, 460, 625, 473)),
                                   TextLine(text="2019年4月18日", bbox=(630, 505, 705, 516))]
    return ctx


@pytest.mark.quick
def test_unread_seal_over_the_issue_date_is_the_authority_not_the_applicants():
    # a faint scan: the registration authority's seal read as garbage, the applicant's seal absent
    garbled = seal(LIC, 1, "江门市职会区市场生务管理是", conf=0.45, bbox=(634, 431, 740, 537))
    ctx = _licence_lines(build({"license": [garbled]}))
    found = check_seals(ctx)
    assert ("SEAL_MISSING", E01) in codes(f for f in found if f.severity != "info")
    assert garbled.kind == SealKind.authority and garbled.engine.endswith("+登记机关位置")


@pytest.mark.quick
def test_seal_over_the_issue_date_by_the_date_alone_and_a_company_reading_keeps_its_kind():
    unread = seal(LIC, 1, None, bbox=(600, 470, 706, 576))                 # over the date, right of no label
    named = seal(LIC, 1, "恩平市康锐汽车配件有限公司", conf=0.95, bbox=(610, 420, 716, 526))
    ctx = _licence_lines(build({"license": [unread, named]}))
    ctx.pages[f"{LIC}#1"].lines = ctx.pages[f"{LIC}#1"].lines[1:]          # no 登记机关 line read
    from models.provenance import Evidence, Field
    ctx.documents[-1].fields["issued"] = Field(name="issued", value="2019-04-18",
                                               evidence=Evidence(file=LIC, page=1, bbox=(630, 505, 705, 516)))
    assert check_seals(ctx) == []
    assert unread.kind == SealKind.authority and named.kind == SealKind.company


@pytest.mark.quick
def test_a_seal_read_as_the_registered_name_keeps_that_name():
    """The ink fits the licence's name, not 表二's: report.json lists the seal with the name it carries."""
    from models.provenance import Field
    from tests.test_seal_verdict import frames_of
    declared = "恩平市康锐机械设备有限公司"
    own = seal(COMMIT, 1, E01, bbox=(340, 600, 450, 710)).model_copy(update={"ring_ctc": frames_of(E01)})
    ctx = build({"commit": [own]})
    ctx.parties[1].name = declared
    next(d for d in ctx.documents if d.kind == DocKind.business_license).fields = {
        "name": Field(name="name", value=E01), "uscc": Field(name="uscc", value=ctx.parties[1].uscc)}
    assert check_seals(ctx) == []
    assert own.text == E01


@pytest.mark.quick
def test_a_blank_seal_place_on_a_grey_scan_is_a_missing_seal():
    """On a grey scan the place holds nothing but its print: no ring, no star, no mark the OCR left unread (the
    rule pack's grey_blank zone). Unread ink beside the zone does not count; inside it, the claim is left to a
    person (OCR_LOW_CONFIDENCE)."""
    def grey(ink) -> ReviewContext:
        ctx = build({"commit": []})
        letter = ctx.pages[f"{COMMIT}#1"]
        ctx.pages[f"{COMMIT}#1"] = letter.model_copy(update={"ocr": True, "text_layer": False, "grey": True,
                                                             "grey_image": True, "unread_ink": ink or [],
                                                             "ink_mapped": ink is not None})
        return ctx
    claimed = [f for f in check_seals(grey([(40.0, 100.0, 120.0, 130.0)])) if f.code == "SEAL_MISSING"]
    assert [f.party_name for f in claimed] == [E01] and claimed[0].detail["grey"]
    assert claimed[0].evidence and claimed[0].evidence[0].bbox is not None
    assert codes(check_seals(grey([(420.0, 690.0, 470.0, 760.0)]))) == [("OCR_LOW_CONFIDENCE", E01)]
    without = build({"commit": []})                 # a place the rule pack gives no zone: left to a person
    without.rules["seals"]["required"][3]["grey_blank"] = None
    without.pages[f"{COMMIT}#1"] = grey([]).pages[f"{COMMIT}#1"]
    assert codes(check_seals(without)) == [("OCR_LOW_CONFIDENCE", E01)]
    assert codes(check_seals(grey(None))) == [("OCR_LOW_CONFIDENCE", E01)]   # no ink map made: nothing is blank


@pytest.mark.quick
def test_straddle_seal_on_a_grey_scan_by_its_edges():
    """A grey 申报书 shows no red 骑缝 slices: edges without any mark on every page have none
    (STRADDLE_SEAL_MISSING); a mark at one page's edge, or a page without an ink map, is left to a person."""
    def grey(edge_ink: dict[int, list], mapped: bool = True) -> ReviewContext:
        ctx = build(scanned=True, slices=False)
        for i in (1, 2, 3):
            pg = ctx.pages[f"{APP}#{i}"]
            ctx.pages[f"{APP}#{i}"] = pg.model_copy(update={"grey": True, "ink_mapped": mapped,
                                                            "unread_ink": edge_ink.get(i, [(200.0, 300.0, 260.0, 330.0)])})
        return ctx
    got = [f for f in check_seals(grey({})) if f.code == "STRADDLE_SEAL_MISSING"]
    assert len(got) == 1 and got[0].detail["grey"] and got[0].evidence
    for ctx in (grey({2: [(570.0, 380.0, 595.0, 460.0)]}), grey({3: [(0.0, 500.0, 20.0, 560.0)]}), grey({}, mapped=False)):
        found = check_seals(ctx)
        assert "STRADDLE_SEAL_MISSING" not in [f.code for f in found]
        assert any(f.code == "OCR_LOW_CONFIDENCE" and f.detail.get("field") == "straddle_seal" for f in found)
