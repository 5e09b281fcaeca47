"""Seal texts set to the name the ink fits (pipeline.checks.seal_names): lexicon-constrained reading."""
import math

import pytest

from models.packet import Packet, Party, ReviewContext
from models.provenance import DocKind, Document, Field, Page, Seal, TextLine
from pipeline.checks.seal_names import lexicon, resolve_texts
from tests.test_seal_verdict import OTHER, OWN, frames_of

pytestmark = pytest.mark.quick
FIRM = "江门市五邑会计师事务所有限公司"
OFFICE = "江门市新会区市场监督管理局"


def unsure(text: str, at: dict[int, str], p: float = 0.6):
    """Frames spelling `text` with the characters at `at` read as look-alikes (p), the right one second."""
    return frames_of(text, {i: [(c, math.log(p)), (text[i], math.log(0.3)), ("", math.log(0.1))] for i, c in at.items()})


def _ctx(*seals: Seal) -> ReviewContext:
    lic = Page(file="lic.jpg", index=1, width=1240, height=1754, ocr=True, seals=[s for s in seals if s.file == "lic.jpg"])
    audit = Page(file="audit.pdf", index=1, width=595, height=842, ocr=True,
                 seals=[s for s in seals if s.file == "audit.pdf"],
                 lines=[TextLine(text=f"{FIRM}（盖章）", bbox=(300, 700, 560, 720))])
    lead = Party(key="L", role="lead", name=OWN, uscc="91440700MA00000001")
    other = Party(key="E01", role="enterprise", name=OTHER, uscc="91440700MA00000002")
    # the member is named after 江门市 but registered in 新会区: its licence's address says so
    doc = Document(kind=DocKind.business_license, pages=[("lic.jpg", 1)], party_key="E01",
                   fields={"name": Field(name="name", value=OTHER),
                           "address": Field(name="address", value="江门市新会区会城街道今古洲路8号")})
    return ReviewContext(packet=Packet(id="x", source="x"), pages={"lic.jpg#1": lic, "audit.pdf#1": audit},
                         documents=[doc], parties=[lead, other])


def test_lexicon_holds_party_names_regulators_of_addresses_and_named_firms():
    groups, offices = lexicon(_ctx(), [])
    assert groups[OWN] != groups[OTHER]
    assert {OFFICE, "江门市市场监督管理局", FIRM} <= offices
    assert OWN not in offices


def test_garbled_office_and_firm_readings_become_the_names_the_ink_fits():
    office = Seal(file="lic.jpg", page=1, bbox=(800, 1400, 1000, 1600), text="江门市职会区市场监资管理局",
                  text_confidence=0.7, kind="company", ring_ctc=unsure(OFFICE, {3: "职", 10: "资"}))
    firm = Seal(file="audit.pdf", page=1, bbox=(400, 650, 513, 763), text="江门市五会计师事务有限公司",
                text_confidence=0.8, kind="company", ring_ctc=frames_of("江门市五会计师事务有限公司"))
    assert resolve_texts(_ctx(office, firm), []) == 2
    assert (office.text, office.kind.value, office.text_read) == (OFFICE, "authority", "江门市职会区市场监资管理局")
    assert firm.text == FIRM and firm.text_read == "江门市五会计师事务有限公司"


def test_a_surely_changed_trade_name_keeps_its_own_reading():
    changed = OWN.replace("宇信", "宇达")
    seal = Seal(file="audit.pdf", page=1, bbox=(400, 650, 513, 763), text=changed, text_confidence=0.99,
                kind="company", ring_ctc=frames_of(changed))
    look = Seal(file="lic.jpg", page=1, bbox=(100, 100, 213, 213), text="江门市宇信糖密五金有限公司",
                text_confidence=0.9, kind="company", ring_ctc=unsure(OWN, {5: "糖"}))
    assert resolve_texts(_ctx(seal, look), []) == 1
    assert seal.text == changed and seal.text_read is None
    assert look.text == OWN


def test_a_reading_fitting_two_owners_alike_is_left_alone():
    # 宇信 / 新骏 both unsure: the ink does not tell the two members apart
    amb = frames_of(OWN, {3: [("宇", math.log(0.4)), ("新", math.log(0.4)), ("", math.log(0.2))],
                          4: [("信", math.log(0.4)), ("骏", math.log(0.4)), ("", math.log(0.2))]})
    seal = Seal(file="audit.pdf", page=1, bbox=(400, 650, 513, 763), text="江门市宇骏精密五金有限公司",
                text_confidence=0.5, kind="company", ring_ctc=amb)
    assert resolve_texts(_ctx(seal), []) == 0 and seal.text == "江门市宇骏精密五金有限公司"


def test_report_lists_the_name_and_keeps_the_reading():
    from pipeline.assemble import _seals_of
    office = Seal(file="lic.jpg", page=1, bbox=(800, 1400, 1000, 1600), text="江门市职会区市场监资管理局",
                  text_confidence=0.7, kind="company", ring_ctc=unsure(OFFICE, {3: "职", 10: "资"}))
    ctx = _ctx(office)
    ctx.parties[1].documents = [0]
    resolve_texts(ctx, [])
    (out,) = _seals_of(ctx.parties[1], ctx)
    assert (out.text, out.kind, out.read) == (OFFICE, "authority", "江门市职会区市场监资管理局")


def test_a_short_office_reading_becomes_the_full_name_its_seal_carries():
    # the ring's start (江门市) lost: read exactly 新会区市场监督管理局, a shorter form the lexicon holds
    short = Seal(file="lic.jpg", page=1, bbox=(800, 1400, 1000, 1600), text="新会区市场监督管理局",
                 text_confidence=0.95, kind="authority", ring_ctc=frames_of("新会区市场监督管理局"))
    firm = Seal(file="audit.pdf", page=1, bbox=(400, 650, 513, 763), text="江门市五邑会计师事务所",
                text_confidence=0.95, kind="company", ring_ctc=frames_of("江门市五邑会计师事务所"))
    ctx = _ctx(short, firm)
    ctx.pages["audit.pdf#1"].lines[0].text = "江门市五邑会计师事务所（特殊普通合伙）"
    assert resolve_texts(ctx, []) == 2
    assert short.text == OFFICE and firm.text == "江门市五邑会计师事务所（特殊普通合伙）"
    # a province is not put before a name its seal does not show (广东省江门市新会区… is in the lexicon too)
    ctx.documents[0].fields["address"].value = "广东省江门市新会区会城街道今古洲路8号"
    short.text, short.text_read = "新会区市场监督管理局", None
    assert resolve_texts(ctx, []) == 1 and short.text == OFFICE


def test_a_sure_reading_short_of_a_character_is_that_name():
    # read at 0.999 (no CTC frames kept): 监督 read 监; a ring start lost before 市 is not told apart when two
    # regulators fit, unless the licence's own one is the likely one
    sure = Seal(file="lic.jpg", page=1, bbox=(800, 1400, 1000, 1600), text="江门市新会区市场监管理局",
                text_confidence=0.999, kind="authority")
    assert resolve_texts(_ctx(sure), []) == 1 and sure.text == OFFICE and sure.text_read == "江门市新会区市场监管理局"
    from pipeline.checks.seal_names import by_deletions
    groups = {"台山市市场监督管理局": "a", "鹤山市市场监督管理局": "b"}
    assert by_deletions("山市市场监督管理局", groups, set()) is None
    assert by_deletions("山市市场监督管理局", groups, {"台山市市场监督管理局"}) == "台山市市场监督管理局"
    assert by_deletions("江门市宇达精密五金有限公司", {OWN: "x"}, set()) is None    # a changed character is no deletion


def test_a_city_whose_name_ends_in_zhou_keeps_its_shi():
    from pipeline.seals.verdict import office_names
    offices = office_names(["广州市顺安电池材料有限公司", "广东省杭州市余杭区某某科技有限公司"], [])
    assert {"广州市市场监督管理局", "杭州市余杭区市场监督管理局"} <= set(offices)
    assert "广州市场监督管理局" not in offices


def test_a_form_page_seal_lists_under_the_party_it_names_exactly():
    """On 表一 the lead's seal (佳润) sits beside a provider's (佳博), one 字号 character apart: each is listed
    under its own party only."""
    from pipeline.assemble import _seals_of
    lead, provider = "江门市佳润信息科技有限公司", "江门市佳博信息科技有限公司"
    seals = [Seal(file="form.pdf", page=2, bbox=(300 + 120 * i, 500, 410 + 120 * i, 610), text=n,
                  text_confidence=0.99, kind="company") for i, n in enumerate((lead, provider))]
    page = Page(file="form.pdf", index=2, width=595, height=842, ocr=True, seals=seals)
    t1 = Document(kind=DocKind.application_form, section="table1", pages=[("form.pdf", 2)])
    ctx = ReviewContext(packet=Packet(id="x", source="x"), pages={"form.pdf#2": page}, documents=[t1],
                        parties=[Party(key="L", role="lead", name=lead), Party(key="P1", role="provider", name=provider)])
    assert [s.text for s in _seals_of(ctx.parties[0], ctx)] == [lead]
    assert [s.text for s in _seals_of(ctx.parties[1], ctx)] == [provider]
