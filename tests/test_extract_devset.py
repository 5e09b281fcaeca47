"""Extraction against the dev packets' truth.json, for all parties. Slow: the licence pages (P901) and the
scanned packet (P902) are OCR'd through the read stage (cached after the first run)."""
from pathlib import Path

import pytest

from extractors.evaluate import evaluate

pytestmark = pytest.mark.slow
DEVSET = Path(__file__).resolve().parents[2] / "shared" / "devset"


def test_p901_digital_packet_all_parties():
    r = evaluate(DEVSET / "P901-06")
    assert r["n"] >= 600                         # every party's licence, declared, financial, letter fields
    for group, (ok, n) in r["groups"].items():
        assert ok / n >= 0.98, (group, r["wrong"])
    assert r["accuracy"] >= 0.98, r["wrong"]


def test_p902_scanned_packet_first_documents():
    """申报书 (cover, 表一, 12 × 表二), survey, plan and the lead's licence, audit report, statements and
    letter, all from OCR: what is given must be right; seals over names make some fields abstain."""
    r = evaluate(DEVSET / "P902-01", max_page=28)
    assert r["precision"] >= 0.98, r["wrong"]
    assert r["accuracy"] >= 0.9, r["wrong"]
    for group in ("declared", "products", "financials"):
        ok, n = r["groups"][group]
        assert ok / n >= 0.97, (group, r["wrong"])
