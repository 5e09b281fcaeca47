"""Seal names judged against the packet's names by the recogniser's frame posteriors (pipeline.seals.verdict)."""
import math

import pytest

from models.packet import Packet, Party, ReviewContext
from models.provenance import DocKind, Document, Field, Page, Seal
from pipeline.checks.seal_checks import check_seals
from pipeline.seals.ctc import name_logp, rotate_to_name
from pipeline.seals.reading import kind_of
from pipeline.seals.verdict import judge

pytestmark = pytest.mark.quick
OWN = "江门市宇信精密五金有限公司"
OTHER = "江门市新骏精密五金有限公司"


def frames_of(text: str, alts: dict[int, list[tuple[str, float]]] | None = None, p: float = 0.99):
    """CTC frames spelling `text` (char, blank, char, …); alts[i] replaces character i's frame."""
    out = [[("", -0.001)]]
    for i, ch in enumerate(text):
        f = (alts or {}).get(i) or [(ch, math.log(p)), ("", math.log(1 - p))]
        out += [f, [("", -0.001)]]
    return out


def test_name_logp_prefers_the_spelled_name():
    fr = frames_of(OWN)
    assert name_logp(fr, OWN) > name_logp(fr, OTHER) + 10
    assert name_logp(fr, OWN) > -1.0


def test_lookalike_misreading_is_the_own_name():
    # 精 read as 糖 (p .6) with 精 second (p .3): a look-alike, not a different company
    fr = frames_of(OWN, {5: [("糖", math.log(0.6)), ("精", math.log(0.3)), ("", math.log(0.1))]})
    assert judge(fr, OWN, [OWN, OTHER]).kind == "own"


def test_unsure_covered_character_is_not_a_change():
    # 宇 under black print: read as 净 with p .5, 宇 not among the guesses
    fr = frames_of(OWN, {3: [("净", math.log(0.5)), ("", math.log(0.5))]})
    assert judge(fr, OWN, [OWN, OTHER]).kind == "own"


def test_sure_change_in_the_trade_name_is_a_change():
    changed = OWN.replace("宇信", "宇达")
    v = judge(frames_of(changed), OWN, [OWN, OTHER])
    assert v.kind == "changed" and v.changes == [("信", "达")]


def test_sure_change_outside_the_trade_name_is_unsure():
    changed = OWN.replace("有限公司", "有眼公司")
    assert judge(frames_of(changed), OWN, [OWN, OTHER]).kind == "unsure"


def test_another_members_name_is_other():
    v = judge(frames_of(OTHER), OWN, [OWN, OTHER])
    assert v.kind == "other" and v.name == OTHER


def test_reading_started_inside_the_name_is_turned():
    fr = frames_of("有限公司江门市宇信精密五金")
    assert name_logp(rotate_to_name(fr), OWN) > -1.0


def test_misread_registration_office_is_authority():
    assert kind_of("", "江门市市新监备理局") == "authority"
    assert kind_of("", OWN) == "company"
    # a company seal misread into a 局 ending still shows its 有限公司: not an office (a false SEAL_MISSING on 表二)
    assert kind_of("", "江门1车装兴类门有服公局") == "company"


def _ctx(seal: Seal, digital: bool = False) -> ReviewContext:
    page = Page(file="c.pdf", index=1, width=595, height=842, text_layer=digital, ocr=not digital, seals=[seal])
    lead = Party(key="L", role="lead", name=OWN, uscc="91440700MA00000001")
    other = Party(key="E01", role="enterprise", name=OTHER, uscc="91440700MA00000002")
    doc = Document(kind=DocKind.commitment_letter, pages=[("c.pdf", 1)], party_key="L", party_uscc=lead.uscc)
    return ReviewContext(packet=Packet(id="x", source="x"), pages={"c.pdf#1": page}, documents=[doc],
                         parties=[lead, other])


def test_check_snaps_a_lookalike_reading_to_the_party_and_claims_nothing():
    fr = frames_of(OWN, {5: [("糖", math.log(0.95)), ("精", math.log(0.04)), ("", math.log(0.01))]})
    seal = Seal(file="c.pdf", page=1, bbox=(300, 400, 413, 513), text="江门市宇信糖密五金有限公司",
                text_confidence=0.98, kind="company", ring_ctc=fr)
    found = check_seals(_ctx(seal))
    assert not [f for f in found if f.code.startswith("SEAL")]
    assert seal.text == OWN


def test_check_claims_a_surely_changed_trade_name_on_a_digital_page_only():
    changed = OWN.replace("宇信", "宇达")

    def seal():
        return Seal(file="c.pdf", page=1, bbox=(300, 400, 413, 513), text=changed, text_confidence=0.99,
                    kind="company", ring_ctc=frames_of(changed))
    assert [f.code for f in check_seals(_ctx(seal(), digital=True)) if f.severity != "info"] == ["SEAL_NAME_MISMATCH"]
    # on a scan a sure-looking changed glyph may be a degraded one: look, don't claim
    assert [f.code for f in check_seals(_ctx(seal()))] == ["OCR_LOW_CONFIDENCE"]


def test_garbled_reading_is_not_another_members_seal():
    # a reading of two characters fits a short name less badly than the party's, but fits neither
    fr = frames_of("门公")
    assert judge(fr, OWN, [OWN, "江门市新兴电机有限公司"]).kind == "unsure"


@pytest.mark.parametrize("side,abstain", [(144, True), (129, True), (124, True), (119, False)])
def test_stacked_provider_seals_found_as_one_oversized_seal_abstain(side, abstain):
    """Providers stamped over each other on 表一 are found as one seal larger than a seal (three stacked: 144 pt,
    two almost on one centre: 129 pt, two 10 pt apart on a digital page: 124 pt, against 114 pt seals): the one
    read (surely 源新) does not prove the others stamped nowhere. A seal of about the usual size is one seal: the
    provider without one misses it."""
    big = Seal(file="a.pdf", page=2, bbox=(319, 484, 319 + side - 17, 484 + side), text="江门市源新数字科技有限公司",
               text_confidence=0.95,
               kind="company", shape="round")
    others = [Seal(file="a.pdf", page=i, bbox=(240, 230, 354, 344), text=f"某{i}", kind="company", shape="round")
              for i in (3, 4, 5)]
    pages = {"a.pdf#2": Page(file="a.pdf", index=2, width=595, height=842, text_layer=True, seals=[big])}
    pages |= {f"a.pdf#{s.page}": Page(file="a.pdf", index=s.page, width=595, height=842, text_layer=True, seals=[s])
              for s in others}
    provs = [Party(key=f"P{i}", role="provider", name=n, uscc=f"9144070000000000{i}X")
             for i, n in enumerate(["江门市源新数字科技有限公司", "江门市顺恒软件科技有限公司"], 1)]
    doc = Document(kind=DocKind.application_form, section="table1", pages=[("a.pdf", 2)])
    ctx = ReviewContext(packet=Packet(id="x", source="x"), pages=pages, documents=[doc], parties=provs)
    found = check_seals(ctx)
    assert bool([f for f in found if f.code == "SEAL_MISSING"]) is not abstain
    assert any(f.code == "OCR_LOW_CONFIDENCE" and f.detail.get("shared") for f in found) is abstain


def test_wrapped_company_reading_ending_in_ju_is_still_a_company_seal():
    assert kind_of("", "(江门)全员购有服公司广东器局") == "company"


def test_pink_paper_at_a_page_edge_is_not_a_straddle_slice():
    import numpy as np

    from pipeline.seals import find_seals
    img = np.full((1200, 850, 3), (244, 233, 237), np.uint8)      # a pink-tinted scan
    img[300:420, 0:14] = (234, 214, 225)                           # its skew fill at the left edge
    img[0:8, 500:640] = (234, 214, 225)
    assert not [s for s in find_seals(img, "a.pdf", 1, 150 / 72, None) if s.edge]


def test_straddle_claimed_on_a_colour_scan_with_one_grey_looking_page():
    pages = {f"a.pdf#{i}": Page(file="a.pdf", index=i, width=595, height=842, ocr=True, grey=(i == 4))
             for i in range(1, 5)}
    pages["a.pdf#1"].seals = [Seal(file="a.pdf", page=1, bbox=(300, 400, 413, 513), text=OWN, kind="company")]
    lead = Party(key="L", role="lead", name=OWN, uscc="91440700MA00000001")
    doc = Document(kind=DocKind.application_form, pages=[("a.pdf", i) for i in range(1, 5)])
    ctx = ReviewContext(packet=Packet(id="x", source="x"), pages=pages, documents=[doc], parties=[lead])
    assert "STRADDLE_SEAL_MISSING" in [f.code for f in check_seals(ctx)]
    for p in pages.values():
        p.grey = True
    assert "STRADDLE_SEAL_MISSING" not in [f.code for f in check_seals(ctx)]


def test_misread_registration_office_is_set_to_the_office_the_ink_fits():
    from pipeline.seals.verdict import best_office, office_names
    offices = office_names([OWN], [], ["江门市", "恩平市", "开平市", "江门市新会区"])
    assert "江门市市场监督管理局" in offices
    read = "江门市市场监督管理局".replace("督", "备")
    fr = frames_of(read, {4: [("场", math.log(0.6)), ("新", math.log(0.3)), ("", math.log(0.1))]})
    assert best_office(fr, offices) == "江门市市场监督管理局"
    # a surely different place is never snapped to another place's office
    assert best_office(frames_of("开平市市场监督管理局".replace("开", "升")), ["恩平市市场监督管理局"]) is None
    # the firm named on the audit page
    assert "广东中天粤会计师事务所（特殊普通合伙）" in office_names([], ["广东中天粤会计师事务所（特殊普通合伙）"])


def test_a_company_the_packet_never_names_is_a_stranger():
    # the ink surely reads 康瑞饮料 where 宇信精密五金 belongs; the seal's start is garbled (unsure)
    read = "五冉江门市蓬江区康瑞饮料有限公司"
    alts = {i: [(ch, math.log(0.45)), ("", math.log(0.55))] for i, ch in enumerate(read[:2])}
    v = judge(frames_of(read, alts), OWN, [OWN, OTHER])
    assert v.kind == "stranger" and "".join(c for _, c in v.changes) == "蓬康瑞饮料"


def test_two_surely_misread_characters_of_a_blurred_own_seal_are_no_stranger():
    read = OWN.replace("宇信", "字倍")                      # look-alikes read surely, nothing else foreign
    assert judge(frames_of(read), OWN, [OWN, OTHER]).kind != "stranger"
    # a misread character whose party character is a close second guess is not foreign either
    alts = {k: [(c, math.log(0.92)), (OWN[k], math.log(0.05)), ("", math.log(0.03))] for k, c in ((3, "字"), (4, "倍"), (5, "糖"))}
    assert judge(frames_of(OWN, alts), OWN, [OWN, OTHER]).kind != "stranger"


def test_stranger_seal_on_a_licence_is_a_name_mismatch_but_not_on_table1():
    frames = frames_of("江门市蓬江区康瑞饮料有限公司")
    party = Party(key="E1", role="enterprise", name=OWN, uscc="91440700000000001X")
    for section, kind, want in ((None, DocKind.business_license, "SEAL_NAME_MISMATCH"),
                                ("table1", DocKind.application_form, None)):
        if section == "table1":
            party = party.model_copy(update={"role": "provider"})
        seal = Seal(file="a.pdf", page=1, bbox=(300, 400, 414, 514), text="江门市蓬江区康瑞饮料有限公司",
                    text_confidence=0.97, kind="company", shape="round", ring_ctc=frames)
        page = Page(file="a.pdf", index=1, width=595, height=842, text_layer=False, ocr=True, seals=[seal])
        doc = Document(kind=kind, section=section, pages=[("a.pdf", 1)], party_key="E1", party_name=OWN)
        ctx = ReviewContext(packet=Packet(id="x", source="x"), pages={"a.pdf#1": page}, documents=[doc],
                            parties=[party.model_copy(update={"documents": [0]})])
        got = [f for f in check_seals(ctx) if f.code == "SEAL_NAME_MISMATCH"]
        assert (got[0].code if got else None) == want


def _name_logp_reference(frames, text):
    """The CTC forward pass with free frames before and after the text, one label at a time (plain Python)."""
    def lae(a, b):
        return b if a == -math.inf else a if b == -math.inf else max(a, b) + math.log1p(math.exp(-abs(a - b)))
    lab = [""] + [x for ch in text for x in (ch, "")]
    S, neg, floor = len(lab), -math.inf, math.log(1e-7)
    alpha, g0, g1 = [neg] * S, 0.0, neg
    for t, f in enumerate(frames):
        tb, new = dict(f), [neg] * S
        for s in range(S):
            a = alpha[s]
            a = lae(a, alpha[s - 1]) if s >= 1 else a
            a = lae(a, alpha[s - 2]) if s >= 2 and lab[s] and lab[s] != lab[s - 2] else a
            a = lae(a, g0) if s <= 1 else a
            new[s] = a + tb.get(lab[s], floor) if a != neg else neg
        best = f[0][1] if f else 0.0
        g1 = lae(g1, lae(alpha[-1], alpha[-2])) + best if t else neg
        g0 += best
        alpha = new
    return lae(g1, lae(alpha[-1], alpha[-2]))


def test_name_logps_all_at_once_equal_the_one_label_at_a_time_pass():
    import random

    from pipeline.seals.ctc import name_logps
    rnd = random.Random(5)
    chars = list("江门市宇信精密五金有限公司新骏")
    for _ in range(60):
        frames = []
        for _t in range(rnd.randint(1, 40)):
            cs = rnd.sample(chars + [""], rnd.randint(0, 5))
            ps = [rnd.random() + 1e-3 for _ in cs]
            frames.append(sorted(((c, math.log(p / sum(ps))) for c, p in zip(cs, ps)), key=lambda x: -x[1]))
        texts = ["".join(rnd.choice(chars) for _ in range(rnd.randint(1, 10))) for _ in range(4)] + ["江江门", ""]
        for text, got in zip(texts, name_logps(frames, texts)):
            want = _name_logp_reference(frames, text) if text else -math.inf
            assert got == want or abs(got - want) < 1e-9


def test_a_seal_with_the_registered_name_is_the_partys_when_table2_declares_another():
    """表二 declares 建隆电机 (NAME_MISMATCH), the licence registers 建隆储能科技: the licence's seal carries the
    registered name and is the party's own seal, not a stranger's."""
    registered, declared = "江门市建隆储能科技有限公司", "江门市建隆电机有限公司"
    party = Party(key="E1", role="enterprise", name=declared, uscc="91440704845686462T", documents=[0])
    seal = Seal(file="lic.pdf", page=1, bbox=(300, 400, 414, 514), text=registered, text_confidence=0.97,
                kind="company", shape="round", ring_ctc=frames_of(registered))
    page = Page(file="lic.pdf", index=1, width=842, height=595, text_layer=False, ocr=True, seals=[seal])
    lic = Document(kind=DocKind.business_license, pages=[("lic.pdf", 1)], party_key="E1", party_name=declared,
                   fields={"name": Field(name="name", value=registered)})
    ctx = ReviewContext(packet=Packet(id="x", source="x"), pages={"lic.pdf#1": page}, documents=[lic], parties=[party])
    assert not [f for f in check_seals(ctx) if f.code in ("SEAL_NAME_MISMATCH", "SEAL_MISSING")]


def test_a_blurred_reading_that_keeps_the_trade_name_is_not_a_strangers_seal():
    """A grey-scan 责任承诺函 seal of 开平市通宇智能装备有限公司 read 天平市通字智能装各有限公司 (0.983): three look-alikes
    (开→天, 宇→字, 备→各), each surely read with the right one nowhere among the guesses. Three foreign characters
    made it a stranger's seal (a false SEAL_NAME_MISMATCH); it keeps 通 of the 字号, and the ink fits the party's
    name far better than any other (no sure change left): it is the party's own seal."""
    import json
    from pathlib import Path
    got = json.loads((Path(__file__).parent / "data/seal_ctc_tongyu_grey.json").read_text(encoding="utf-8"))
    frames = [[(c, lp) for c, lp in fr] for fr in got["ring_ctc"]]
    v = judge(frames, "开平市通宇智能装备有限公司", ["江门市嘉和信息科技有限公司", "江门市昌博信息技术有限公司"])
    assert v.kind == "own"
    # a seal with another 字号 altogether is still a stranger's
    assert judge(frames, "开平市华信科技装配有限公司", ["江门市嘉和信息科技有限公司"]).kind == "stranger"


def test_a_worn_glyph_the_sharp_ink_doubts_is_not_a_changed_trade_name():
    # 宇信 → 宇达 read surely from the ring; its sharp ink reads 达 unsure with 信 second: a worn stroke
    changed = OWN.replace("宇信", "宇达")
    sharp = frames_of(OWN, {4: [("达", math.log(0.6)), ("信", math.log(0.3)), ("", math.log(0.1))]})
    seal = Seal(file="c.pdf", page=1, bbox=(300, 400, 413, 513), text=changed, text_confidence=0.99,
                kind="company", ring_ctc=frames_of(changed), ring_ctc_sharp=sharp)
    assert [f.code for f in check_seals(_ctx(seal, digital=True))] == ["OCR_LOW_CONFIDENCE"]
    # read surely from both inks, the change is claimed
    seal.ring_ctc_sharp = frames_of(changed)
    assert [f.code for f in check_seals(_ctx(seal, digital=True)) if f.severity != "info"] == ["SEAL_NAME_MISMATCH"]


@pytest.mark.slow
def test_a_drawn_seal_with_a_changed_trade_name_reads_changed_from_both_inks():
    import io

    import numpy as np
    from PIL import Image

    from pipeline.checks.seal_change import sharp_agrees
    from pipeline.ocr import get_engine
    from pipeline.seals import find_seals
    from tests.synth.seals import seal_png
    page = Image.new("RGB", (800, 600), "white")
    s = Image.open(io.BytesIO(seal_png("广东华诚（江门）服装有限公司", seed=1))).convert("RGBA").resize((150, 150))
    page.paste(s, (300, 200), s)
    (seal,) = [x for x in find_seals(np.asarray(page), "x", 1, 94 / 72, get_engine()) if x.ring_ctc]
    v = judge(seal.ring_ctc, "广东华海（江门）服装有限公司", [])
    assert v.kind == "changed" and v.changes == [("海", "诚")] and sharp_agrees(seal, "广东华海（江门）服装有限公司", v.changes)


@pytest.mark.quick
def test_another_members_name_fitting_the_ink_closely_is_theirs_despite_look_alikes():
    """A licence of 联骏服装 on a fresh one-file scan carries 腾润印染's seal, read 达丹市腾利印染股份有限公司 (0.82).
    The member's name fits the ink at −10.6 against −93 for the party's, with no surely different character, but
    three differences in all (达丹 for 江门, 利 for 润): it was 'unsure' and the injected SEAL_NAME_MISMATCH missed."""
    import json
    from pathlib import Path
    rec = json.loads((Path(__file__).parent / "data/other_member_seal_frames.json").read_text(encoding="utf-8"))
    v = judge(rec["ring_ctc"], "江门市联骏服装有限公司", ["江门市腾润印染股份有限公司", "江门市联宏服装有限公司"],
              rec["ring_print"])
    assert (v.kind, v.name) == ("other", "江门市腾润印染股份有限公司")
    # the party's own name among the others does not make it another's
    v = judge(rec["ring_ctc"], "江门市腾润印染股份有限公司", ["江门市联骏服装有限公司"], rec["ring_print"])
    assert v.kind != "other"
