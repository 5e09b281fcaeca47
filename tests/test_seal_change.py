"""A one-character 字号 change on a scanned seal (seal_change.scan_change), judged from the recogniser's frames of
real scanned seals: the seals of five packets of the generator's scanned renderings (tests/data/
scan_change_cases.json: per case the seal at the place, and the party's other seals in the packet)."""
import json
from pathlib import Path

import pytest

from models.packet import Packet, ReviewContext
from models.provenance import Page, Seal
from pipeline.checks.seal_change import scan_change
from pipeline.seals.verdict import judge

pytestmark = pytest.mark.quick
CASES = json.loads((Path(__file__).parent / "data/scan_change_cases.json").read_text(encoding="utf-8"))


def _seal(rec: dict, i: int) -> Seal:
    return Seal(file="scan.pdf", page=rec["page"], bbox=(10.0 + i, 10, 120, 120), text=rec["read"], text_read=rec["read"],
                ring_ctc=rec["frames"], ring_ctc_sharp=rec["sharp"], ring_print=rec["cover"])


def _case(key: str, extra: list[dict] = ()) -> tuple[ReviewContext, Seal, str]:
    c = CASES[key]
    seals = [_seal(r, i) for i, r in enumerate([c["target"], *c["others"], *extra])]
    pages = {}
    for s in seals:
        pages.setdefault(f"scan.pdf#{s.page}", Page(file="scan.pdf", index=s.page, width=595, height=842)).seals.append(s)
    return ReviewContext(packet=Packet(id="x", source="x"), pages=pages), seals[0], c["party"]


@pytest.mark.parametrize("key,change", [
    ("SYN71001/恩平市广德电机有限公司", ("德", "力")),          # read 惠平市广力电机有限公司
    ("SYN70101/江门市辉宏纺织股份有限公司", ("宏", "安")),      # read 门市耗安纺织股份有限公司
])
def test_a_wrong_seal_beside_the_partys_own_seals_is_a_changed_name(key, change):
    ctx, seal, party = _case(key)
    v = judge(seal.ring_ctc, party, [], seal.ring_print)
    assert scan_change(ctx, seal, party, v) and v.changes == [change]


@pytest.mark.parametrize("key", [
    "SYN70003/江门市新会区骏明汽车零部件有限公司",   # 骏 read 驶 (p .96) on the party's own seal: 驶明… fits the ink badly
    "SYN70005/江门市瑞宏智能科技有限公司",           # 市瑞宏 read 有有您: a garbled stretch, not one changed character
    "SYN71000/江门市明腾金属结构有限公司",           # a real change, but no other seal of the party tells 腾 from 永
])
def test_no_claim_without_the_evidence(key):
    ctx, seal, party = _case(key)
    assert not scan_change(ctx, seal, party, judge(seal.ring_ctc, party, [], seal.ring_print))


def test_the_same_change_on_another_copy_is_the_recogniser():
    key = "SYN71001/恩平市广德电机有限公司"
    ctx, seal, party = _case(key, extra=[{**CASES[key]["target"], "page": 200}])
    assert not scan_change(ctx, seal, party, judge(seal.ring_ctc, party, [], seal.ring_print))


def test_the_changed_name_is_the_partys_with_its_change():
    from pipeline.checks.seal_change import with_changes
    assert with_changes("恩平市广德电机有限公司", [4], [("德", "力")]) == "恩平市广力电机有限公司"
    assert with_changes("江门市江海区江盛涂料有限公司", [6], [("江", "海")]) == "江门市江海区海盛涂料有限公司"
    assert with_changes("广东华海（江门）服装有限公司", [3], [("海", "诚")]) == "广东华诚（江门）服装有限公司"
