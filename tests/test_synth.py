"""Tests of the synthetic packet generator (tests/synth)."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
from pathlib import Path

import pytest

from tests.synth import ALL_CODES, generate_packet
from tests.synth import uscc as U
from tests.synth.build import build_spec
from tests.synth.cli import spread_codes
from tests.synth.cnfmt import capital_daxie, fmt_date
from tests.synth.inject2 import apply, check_compatible
from tests.synth.oracle import expected

DEVSET = Path(__file__).resolve().parents[1].parent / "shared" / "devset"


@pytest.mark.quick
def test_uscc_check_characters():
    rng = random.Random(1)
    for region in U.REGIONS.values():
        for letters in (False, True):
            c = U.make(rng, region, letters=letters)
            assert len(c) == 18 and c[2:8] == region and U.is_valid(c)
            assert not U.is_valid(U.corrupt(rng, c))
    for c in ("91440704MA8ARTLA2T", "914407037624222852", "9144070570596642XD"):    # devset codes
        assert U.is_valid(c)
    assert not U.is_valid("91440704MA8ARTLA2U")


@pytest.mark.quick
def test_chinese_formats():
    r = random.Random(0)
    assert capital_daxie(500, r, prefix=True).startswith("人民币伍佰万元")
    assert capital_daxie(128, r, prefix=False).startswith("壹佰贰拾捌万元")
    assert capital_daxie(50.123456, r, prefix=False) == "伍拾万壹仟贰佰叁拾肆元伍角陆分"
    d = dt.date(2019, 3, 15)
    assert fmt_date(d, "hanzi") == "二〇一九年三月十五日"
    assert fmt_date(d, "dot") == "2019.3.15" and fmt_date(d, "cn0") == "2019年03月15日"


@pytest.mark.quick
def test_clean_spec_respects_rules():
    for seed in range(30):
        s = build_spec(seed, "digital", "separate", "T")
        assert 10 <= len(s.enterprises) <= 15 and 1 <= len(s.providers) <= 3
        app = dt.date.fromisoformat(s.application_date)
        assert sum(p.declared.subsidy for p in s.enterprises) <= 5_000_000
        for p in s.parties:
            assert U.is_valid(p.uscc) and p.uscc[2:6] == "4407"
            assert dt.date.fromisoformat(p.license.established) <= app.replace(year=app.year - 1)
            f = p.financials
            assert f.fiscal_year == 2024 and abs(f.total_assets - f.total_liabilities - f.total_equity) < 0.01
        for p in s.enterprises:
            d = p.declared
            assert abs(sum(x.amount for x in d.products) - d.product_total) < 0.01
            assert all(abs(x.unit_price * x.quantity - x.amount) < 0.01 for x in d.products)
            assert d.subsidy + d.self_pay == pytest.approx(d.product_total)
            assert d.subsidy <= 0.8 * d.product_total and d.subsidy <= 500000
            assert any(x.kind == "saas" for x in d.products)
            assert sum(x.amount for x in d.products if x.kind == "service") <= 0.5 * d.product_total
            assert d.revenue_2024_wan == round(p.financials.revenue / 10000, 2)
        assert sum(k.quantified for k in s.kpis) >= 3 and len(s.overview) <= 1000
        assert len(s.survey_rows) >= 15


@pytest.mark.quick
@pytest.mark.parametrize("code", ALL_CODES)
def test_every_code_injects_alone(code):
    n = 8 if code == "CONSORTIUM_TOO_SMALL" else 13
    s = build_spec(7, "digital", "separate", "T", n_enterprises=n)
    apply(s, [code], random.Random(7))
    assert [f["code"] for f in s.expected] == [code]
    f = s.expected[0]
    assert f["severity"] in ("error", "warning")
    if f["party_uscc"] is not None:
        assert f["party_uscc"] in {p.uscc for p in s.parties}


@pytest.mark.quick
def test_incompatible_and_unknown_codes_rejected():
    with pytest.raises(ValueError):
        check_compatible(["CONSORTIUM_TOO_SMALL", "CLUSTER_CAP_EXCEEDED"])
    with pytest.raises(ValueError):
        check_compatible(["NO_SUCH_CODE"])


@pytest.mark.quick
def test_all_codes_spread_covers_every_code():
    for n in (8, 20, 37):
        plan = spread_codes(n, 100)
        assert len(plan) == n
        assert {c for p in plan for c in p} == set(ALL_CODES)
        assert any(not p for p in plan)


@pytest.mark.quick
@pytest.mark.parametrize("name", ["P901-06", "P902-01"])
def test_oracle_agrees_with_devset(name):
    """The rule re-derivation used to verify generated truth reproduces the devset's expected findings."""
    path = DEVSET / name / "truth.json"
    if not path.exists():
        pytest.skip("devset not available")
    t = json.loads(path.read_text(encoding="utf-8"))
    t["table1"].update(survey_types={k: 3 for k in "abcde"}, overview_chars=400)
    t["packet"]["unreadable_files"] = []
    assert expected(t) == {(f["code"], f["party_uscc"]) for f in t["expected_findings"]}


def _digest(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha1(p.read_bytes()).hexdigest() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.quick
def test_generated_packet_is_consistent_and_deterministic(tmp_path):
    codes = ["LINE_AMOUNT_MISMATCH", "SEAL_WRONG_TYPE", "DOC_UNREADABLE"]
    a = generate_packet(tmp_path / "a", 42, "digital", "separate", codes, "P1")
    b = generate_packet(tmp_path / "b", 42, "digital", "separate", codes, "P1")
    assert _digest(a) == _digest(b)
    t = json.loads((a / "truth.json").read_text(encoding="utf-8"))
    assert t["status"] == "fail" and sorted(f["code"] for f in t["expected_findings"]) == sorted(codes)
    assert expected(t) == {(f["code"], f["party_uscc"]) for f in t["expected_findings"]}
    for d in t["documents"]:
        assert (a / d["file"]).exists()
    for p in t["parties"]:
        assert U.is_valid(p["uscc"])
        for s in p["seals"]:
            assert (a / s["file"]).exists() and s["bbox"][0] < s["bbox"][2] and s["bbox"][1] < s["bbox"][3]
    c = generate_packet(tmp_path / "c", 43, "digital", "separate", None, "P1")
    assert _digest(c) != _digest(a)
    tc = json.loads((c / "truth.json").read_text(encoding="utf-8"))
    assert tc["status"] == "pass" and tc["expected_findings"] == []


@pytest.mark.quick
def test_digital_text_layer_and_seal_images(tmp_path):
    import pdfplumber
    root = generate_packet(tmp_path, 5, "digital", "separate", ["USCC_INVALID"], "P2")
    t = json.loads((root / "truth.json").read_text(encoding="utf-8"))
    app = next(d for d in t["documents"] if d["kind"] == "application_form")
    bad = t["expected_findings"][0]["party_uscc"]
    assert not U.is_valid(bad)
    sec = next(s for s in app["sections"] if s["name"] == "table2" and s["party_uscc"] == bad)
    with pdfplumber.open(root / app["file"]) as pdf:
        page = pdf.pages[sec["page"] - 1]
        assert bad in page.extract_text()
        assert page.images, "seal images on the 表二 page"


@pytest.mark.slow
def test_every_code_generates_verified_packets(tmp_path):
    for i, codes in enumerate(spread_codes(8, 5)):
        generate_packet(tmp_path, 500 + i, "digital", "separate", codes, f"A{i}")   # verify() raises on drift


@pytest.mark.slow
def test_scanned_combined_packet(tmp_path):
    import pypdfium2 as pdfium
    root = generate_packet(tmp_path, 9, "scanned", "combined", ["STRADDLE_SEAL_MISSING", "DUPLICATE_DOCUMENT"], "S",
                           scan_dpi=100)
    t = json.loads((root / "truth.json").read_text(encoding="utf-8"))
    files = {d["file"] for d in t["documents"]}
    assert len(files) == 1
    pdf = pdfium.PdfDocument(root / files.pop())
    last = max(d["pages"][1] for d in t["documents"])
    assert len(pdf) == last
    assert any("last_page_copy_of" in d for d in t["documents"])
    assert t["status"] == "review"


@pytest.mark.quick
def test_injections_have_no_side_effects_dry():
    """Many seeds, every code alone and --all-codes mixes: truth (without rendering) re-derives exactly the expected set."""
    from tests.synth.dry import dry_truth
    from tests.synth.generate import _consortium_size

    def run(seed: int, codes: list[str]) -> None:
        rng = random.Random(seed * 1009 + 17)
        s = build_spec(seed, "digital", "separate", "T", n_enterprises=_consortium_size(codes, rng))
        apply(s, codes, rng)
        t = dry_truth(s)
        assert expected(t) == {(f["code"], f["party_uscc"]) for f in t["expected_findings"]}, (seed, codes)
    for seed in range(12):
        run(seed, [])
        for c in ALL_CODES:
            run(seed, [c])
    for seed in range(6):
        for plan in spread_codes(10, seed):
            run(seed * 100, plan)
