"""The party records of report.json: which seals are listed as a party's own."""
from __future__ import annotations

import pytest

from models.provenance import Page, Seal
from pipeline.assemble import party_out
from tests.checks_fixtures import clean_context, doc

pytestmark = pytest.mark.quick


def test_party_seals_leave_out_marks_that_are_not_the_partys_seal():
    ctx = clean_context(2)
    lic = doc(ctx, "business_license")
    party = next(p for p in ctx.parties if p.key == lic.party_key)
    file, index = lic.pages[0]
    page = ctx.pages.setdefault(f"{file}#{index}", Page(file=file, index=index, width=595, height=842))
    mk = lambda x, **kw: Seal(file=file, page=index, bbox=(x, 500, x + 120, 620), **kw)  # noqa: E731
    page.seals = [mk(50, shape="round", text=party.name, kind="company"),
                  mk(200, shape="rect", text=None),                       # a rectangular mark nobody could read
                  mk(350, shape="rect", text="与原件一致", is_copy_stamp=True),
                  mk(400, shape="rect", text="一书单与"),                 # a copy stamp read garbled
                  mk(700, shape="rect", text=party.name, kind="company"),  # a rectangular seal naming the party
                  mk(450, shape="blob"),                                  # red ink too blurred to resolve
                  mk(560, shape="round", text=party.name, edge="right")]  # a 骑缝章 slice
    seals = party_out(party, ctx).seals
    assert [(s.bbox[0], s.text) for s in seals] == [(50, party.name), (700, party.name)]
