"""What each seal reads, constrained to the names it may carry (lexicon-constrained reading).

The recogniser's greedy reading of a seal ring on a scan is often garbled (江门市职会区市场生资管理处 for
江门市新会区市场监督管理局, 江门市五会计师事务有限公司). Every seal's ink is scored against the names the packet
gives it reason to carry — the parties' declared and registered names, the market regulators of the parties'
places and addresses, the accounting firms named anywhere in the packet — and its text becomes the name the
ink fits clearly (pipeline.seals.verdict.best_name); the recogniser's own reading is kept as `text_read`.
A company name is never taken against a surely read different character in its place or 字号, so a seal
with a changed 字号 keeps what it reads, and the place checks judge every seal by its ink all the same.
"""
from __future__ import annotations

from models.packet import Party, ReviewContext
from models.provenance import DocKind, SealKind
from pipeline.checks.base import norm_name, own_doc
from pipeline.seals.places import PLACE_NOTE
from pipeline.seals.verdict import best_name, office_names, seal_name

OFFICE_SUFFIX = "市场监督管理局"


def own_names(ctx: ReviewContext, party: Party) -> list[str]:
    """The party's names: the one the packet knows it by, its licence's and its 表二's."""
    names = [party.name]
    for d, key in ((own_doc(ctx, party, DocKind.business_license), "name"),
                   (own_doc(ctx, party, DocKind.application_form, "table2"), "name")):
        n = d.value(key) if d is not None else None
        if n and norm_name(n) not in {norm_name(x) for x in names}:
            names.append(n)
    return names


def lexicon(ctx: ReviewContext, places: list[str]) -> tuple[dict[str, str], set[str]]:
    """(name -> owner, office names): every party's names under one owner, and each office on its own —
    the regulators of the parties' places and of their licences' and 表二's addresses (a company registers
    where it stands, not always where its name says) and the accounting firms the packet's text names."""
    groups: dict[str, str] = {}
    for i, p in enumerate(ctx.parties):
        for n in own_names(ctx, p):
            groups.setdefault(seal_name(n), f"party{i}")
    addresses = [d.value("address") for d in ctx.documents
                 if d.kind in (DocKind.business_license, DocKind.application_form) and d.value("address")]
    lines = [ln.text for pg in ctx.pages.values() for ln in pg.lines]
    offices = {seal_name(o) for o in office_names([p.name for p in ctx.parties] + addresses, lines, places)}
    for o in sorted(offices, key=len, reverse=True):
        # an office named with or without its city (新会区市场监督管理局), a firm with or without its form
        # (…会计师事务所（特殊普通合伙）) is one office
        groups.setdefault(o, next((groups[x] for x in offices if len(x) > len(o) and (x.endswith(o) or x.startswith(o))), o))
    return groups, offices - {n for n, g in groups.items() if g.startswith("party")}


def by_deletions(text: str, groups: dict[str, str], likely: set[str], most: int = 2) -> str | None:
    """The one name a sure reading is that name short of a character or two (江门市市场监管理局, 广州市场监督管理局):
    seals do not leave characters out, recognisers do. Names of several owners fit: the one likely here, if one."""
    t = seal_name(text)

    def within(n: str) -> bool:
        it = iter(n)
        return 0 < len(n) - len(t) <= most and all(ch in it for ch in t)
    hits = [n for n in groups if within(n)]
    if len({groups[n] for n in hits}) > 1:
        hits = [n for n in hits if n in likely]
    if len({groups[n] for n in hits}) != 1:
        return None
    return min(hits, key=len)


def likely_names(ctx: ReviewContext) -> dict[tuple[str, int], set[str]]:
    """(file, page) -> names a seal there is likelier to carry: the party's own names on its documents, and
    on a licence the regulators of its address (where the company registered)."""
    out: dict[tuple[str, int], set[str]] = {}
    for d in ctx.documents:
        party = ctx.party(d.party_key) if d.party_key else None
        names = {seal_name(n) for n in own_names(ctx, party)} if party is not None else set()
        if d.kind == DocKind.business_license:
            names |= {seal_name(o) for o in office_names([d.value("name") or "", d.value("address") or ""], [])}
        for ref in d.pages:
            out.setdefault(tuple(ref), set()).update(names)
    return out


def resolve_texts(ctx: ReviewContext, places: list[str]) -> int:
    """Set every read seal's text to the name its ink fits, where one fits clearly; returns how many changed.
    A registration office's name makes the seal the authority's; a party's name on a seal that only its
    place on a licence had made the authority's makes it a company seal again."""
    groups, offices = lexicon(ctx, places)
    likely = likely_names(ctx)
    n = 0
    for pg in ctx.pages.values():
        for s in pg.seals:
            if not s.text or s.edge or s.is_copy_stamp or s.shape not in ("round", "oval"):
                continue
            near = likely.get((pg.file, pg.index), set())
            if s.ring_ctc:
                hit = best_name(s.ring_ctc, groups, offices, likely=near, cover=s.ring_print)
            else:
                hit = by_deletions(s.text, groups, near)     # read surely (no frames kept): 监督 read 监
            if hit is None or hit == seal_name(s.text):
                continue
            s.text_read, s.text = s.text, hit
            n += 1
            if hit in offices and hit.endswith(OFFICE_SUFFIX):
                s.kind = SealKind.authority
            elif hit not in offices and s.kind == SealKind.authority and PLACE_NOTE in s.engine:
                s.kind = SealKind.company
                s.engine = s.engine.replace(PLACE_NOTE, "")
    return n
