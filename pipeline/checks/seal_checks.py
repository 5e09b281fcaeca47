"""盖章: SEAL_MISSING, SEAL_NAME_MISMATCH, SEAL_WRONG_TYPE, STRADDLE_SEAL_MISSING.

Seal places come from the rule pack (`seals.required`): a document (and 申报书 section), the party
that must stamp there, and the anchor text (牵头单位（盖章） …) near which the seal stands. For each
place the seal standing there is chosen (by name, then by nearness to the anchor); its text is
compared with ALL party names: the best match wins, so another member's seal is a mismatch.
When the reading is unsure the check abstains with OCR_LOW_CONFIDENCE instead of an error.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from models.packet import Party, ReviewContext
from models.provenance import DocKind, Document, Page, Seal
from models.report import EvidenceOut, FindingOut
from pipeline.checks.base import Findings, KIND_CN, norm_name, rules_of, similarity
from extractors.base import unit
from pipeline.read.ink import ink_in
from pipeline.seals.reading import office_reading
from pipeline.seals.ctc import name_logps
from pipeline.seals.places import authority_by_place
from pipeline.seals.verdict import PLACE_RE, SUFFIX_RE, judge
from pipeline.checks.seal_change import confirmed_by_copies, scan_change, sharp_agrees, with_changes
from pipeline.checks.seal_names import own_names, resolve_texts

DEFAULTS = {
    "required": [
        {"slot": "cover", "doc": "application_form", "section": "cover", "party": "lead", "anchor": "牵头单位（盖章）"},
        {"slot": "table1_provider", "doc": "application_form", "section": "table1", "party": "each_provider",
         "anchor": "服务商"},
        {"slot": "table2", "doc": "application_form", "section": "table2", "party": "section_party",
         "anchor": "单位盖章"},
        {"slot": "commit", "doc": "commitment_letter", "party": "doc_party", "anchor": "承诺方（盖章）"},
        {"slot": "license", "doc": "business_license", "party": "doc_party", "anchor": None},
    ],
    "special_kinds": ["finance", "contract", "invoice"],
    "straddle": {"doc": "application_form", "when": "scanned", "min_pages": 2},
    "min_text_confidence": 0.80,     # below: the seal text is not used for a claim
    "mismatch_confidence": 0.90,     # a name mismatch is claimed only from a reading this sure
    "subst_confidence": 0.97,        # ... and a one-character 字号 change only from this sure a reading
}
KIND_CN_SEAL = {"company": "公章", "finance": "财务专用章", "contract": "合同专用章", "invoice": "发票专用章",
                "authority": "登记机关印章", "unknown": "印章"}
# readings of seals that are not a party's: auditors, tax and registration offices (a misread
# 市场监督管理局 still ends in 局 or keeps 市监 / 监督: no company name does)
NOT_PARTY_RE = re.compile(r"(会计师|事务所|税务师|税务局|监督管理|管理局|工商行政|行政管理|发票监制)")


@dataclass
class Match:
    party: Party | None
    score: float
    own: float


def _cfg(ctx: ReviewContext) -> dict:
    got = (rules_of(ctx) or {}).get("seals") or {}
    return {**DEFAULTS, **{k: v for k, v in got.items() if v is not None}}


def _norm(s: str | None) -> str:
    return norm_name(s or "")


def name_score(text: str, name: str) -> float:
    """How well a seal reading names a party: 1.0 equal; a reading missing a few characters at its
    ends (a cut or covered ring start) scores like a near match, not like another name."""
    t, n = _norm(text), _norm(name)
    if not t or not n:
        return 0.0
    if t == n:
        return 1.0
    s = similarity(t, n)
    if len(t) >= 0.6 * len(n) and t in n:
        s = max(s, 0.9 + 0.1 * len(t) / len(n) - 0.01)
    return s


def best_party(text: str | None, parties: list[Party], own: Party | None) -> Match:
    scores = [(name_score(text or "", p.name), p) for p in parties]
    own_score = name_score(text or "", own.name) if own else 0.0
    if not scores:
        return Match(None, 0.0, own_score)
    s, p = max(scores, key=lambda x: (x[0], x[1] is own))
    return Match(p, s, own_score)


def core_substitution(text: str, name: str) -> bool:
    """The reading differs from the name by a changed character in the 字号 (the part after the
    place names and before the company form), e.g. 昌豪 → 昌毫."""
    t, n = _norm(text), _norm(name)
    if len(t) != len(n) or t == n:
        return False
    diff = [i for i, (a, b) in enumerate(zip(t, n)) if a != b]
    if len(diff) != 1:
        return False
    start = PLACE_RE.match(n).end() if PLACE_RE.match(n) else 0
    m = SUFFIX_RE.search(n)
    end = m.start() if m else len(n)
    return start <= diff[0] < min(end, start + 4)


# ------------------------------------------------------------------ places
def _party_of_doc(ctx: ReviewContext, doc: Document) -> Party | None:
    # a copy of another member's document filed in this party's bundle (DUPLICATE_DOCUMENT) carries that
    # member's seal: its seal is judged against the party the document itself names
    named = doc.extra.get("content_party")
    if named and named != doc.party_key and ctx.party(named):
        return ctx.party(named)
    if doc.party_key and ctx.party(doc.party_key):
        return ctx.party(doc.party_key)
    for p in ctx.parties:
        if doc.party_uscc and p.uscc == doc.party_uscc:
            return p
    name = doc.party_name or doc.value("name")
    if name:
        for p in ctx.parties:
            if _norm(p.name) == _norm(name):
                return p
    return None


def _docs(ctx: ReviewContext, req: dict) -> list[Document]:
    try:
        kind = DocKind(req.get("doc"))
    except ValueError:
        return []
    return ctx.docs_of_kind(kind, req.get("section"))


def _pages(ctx: ReviewContext, doc: Document) -> list[Page]:
    return [p for p in (ctx.page(f, i) for f, i in doc.pages) if p is not None]


def _candidates(pages: list[Page], parties: list[Party]) -> list[Seal]:
    """Seals that can stand at a place: whole seals, not copy stamps, not the registration
    authority's or an auditor's seal."""
    out = []
    for pg in pages:
        for s in pg.seals:
            if s.edge or s.is_copy_stamp or s.kind.value == "authority":
                continue
            if s.text and (NOT_PARTY_RE.search(_norm(s.text)) or office_reading(_norm(s.text))):
                continue
            if s.shape == "rect" and not rect_names_party(s, parties):
                continue
            out.append(s)
    return out


def rect_names_party(s: Seal, parties: list[Party]) -> bool:
    """A rectangular stamp counts as a seal only when it names a party: a red printed box, a 与原件一致 stamp
    read garbled (一书单与) is not one."""
    return bool(s.text) and max((name_score(s.text, p.name) for p in parties), default=0) >= 0.8


def _anchor_line(pages: list[Page], anchor: str | None):
    if not anchor:
        return None
    a = _norm(anchor)
    short = re.sub(r"[()（）]", "", a)
    for pg in pages:
        for ln in pg.lines:
            t = re.sub(r"[()（）]", "", _norm(ln.text))
            if a and (a in _norm(ln.text) or (short and short in t)):
                return pg, ln
    return None


def _dist(seal: Seal, anchor) -> float:
    if anchor is None:
        return 0.0
    pg, ln = anchor
    if (seal.file, seal.page) != (pg.file, pg.index):
        return 1e6
    sx, sy = (seal.bbox[0] + seal.bbox[2]) / 2, (seal.bbox[1] + seal.bbox[3]) / 2
    lx, ly = (ln.bbox[0] + ln.bbox[2]) / 2, (ln.bbox[1] + ln.bbox[3]) / 2
    return ((sx - lx) ** 2 + (sy - ly) ** 2) ** 0.5


def _seal_ev(s: Seal, label: str) -> EvidenceOut:
    return EvidenceOut(file=s.file, page=s.page, bbox=s.bbox, text=s.text or label, engine=s.engine,
                       confidence=s.text_confidence if s.text_confidence is not None else s.confidence)


def _place_ev(doc: Document, pages: list[Page], anchor) -> EvidenceOut:
    if anchor is not None:
        pg, ln = anchor
        x0, y0, x1, y1 = ln.bbox
        return EvidenceOut(file=pg.file, page=pg.index, bbox=(x0, y0 - 40, x1 + 120, y1 + 60),
                           text=ln.text, engine=ln.engine, confidence=ln.confidence)
    f, i = doc.pages[0]
    pg = pages[0] if pages else None
    return EvidenceOut(file=f, page=i, bbox=(0, 0, pg.width, pg.height) if pg else None,
                       text=KIND_CN.get(doc.section or "", KIND_CN.get(doc.kind.value, "")))


# ------------------------------------------------------------------ the checks
def check_seals(ctx: ReviewContext) -> list[FindingOut]:
    cfg = _cfg(ctx)
    out = Findings(ctx)
    if not any(p.seals for p in ctx.pages.values()):
        return []      # seal detection did not run (or found nothing anywhere): no claim either way
    _authority_places(ctx)
    resolve_texts(ctx, list(cfg.get("office_places") or []))
    for req in cfg["required"]:
        for doc in _docs(ctx, req):
            _check_place(ctx, cfg, req, doc, out)
    _check_straddle(ctx, cfg, out)
    return out.items


def _authority_places(ctx: ReviewContext) -> None:
    """A licence's seal over its issue date is the registration authority's (pipeline.seals.places)."""
    for doc in ctx.docs_of_kind(DocKind.business_license):
        pages = _pages(ctx, doc)
        issued = doc.fields.get("issued")
        ev = issued.evidence if issued is not None else None
        for pg in pages[:1]:
            authority_by_place(pg, ev.bbox if ev is not None and (ev.file, ev.page) == (pg.file, pg.index) else None)


def _check_place(ctx: ReviewContext, cfg: dict, req: dict, doc: Document, out: Findings) -> None:
    pages = _pages(ctx, doc)
    if not pages or any(p.error for p in pages):
        return
    who = req.get("party")
    if who == "lead":
        parties = [p for p in ctx.parties if p.role == "lead"][:1]
    elif who == "each_provider":
        parties = [p for p in ctx.parties if p.role == "provider"]
    else:
        p = _party_of_doc(ctx, doc)
        parties = [p] if p else [None]
    if not parties:
        return
    anchor = _anchor_line(pages, req.get("anchor"))
    seals = _candidates(pages, ctx.parties)
    taken: dict[int, tuple[Seal, Party | None]] = {}
    for party in parties:
        free = [s for s in seals if id(s) not in taken]
        if not free:
            unsure = [s for s, p in taken.values() if not _confirms(cfg, s, p) or _oversized(ctx, s)]
            if unsure and party is not None:
                # the seals here were all given to other parties, but one of them does not clearly
                # name its party (stacked seals read as one, a garbled reading): it may be this
                # party's seal, so abstain instead of claiming it missing
                s = unsure[0]
                conf = s.text_confidence or 0.0
                place = KIND_CN.get(req.get("section") or "", KIND_CN.get(doc.kind.value, doc.kind.value))
                _low(out, party, s, _seal_ev(s, KIND_CN_SEAL.get(s.kind.value, "印章")), place, conf,
                     {"slot": req.get("slot"), "field": "seal_text", "shared": True})
                continue
            _missing(ctx, req, doc, pages, anchor, party, out)
            continue
        seal = _choose(free, party, anchor)
        taken[id(seal)] = (seal, party)
        _judge(ctx, cfg, req, doc, seal, party, out)


def _oversized(ctx: ReviewContext, seal: Seal) -> bool:
    """A seal found larger than the packet's seals usually are: the outline of several seals stacked on one
    spot (表一 providers stamping over each other), read as the one on top."""
    sizes = sorted(max(s.bbox[2] - s.bbox[0], s.bbox[3] - s.bbox[1]) for p in ctx.pages.values() for s in p.seals
                   if not s.edge and s.shape in ("round", "oval") and s.file == seal.file)
    if len(sizes) < 3:
        return False
    # two seals stacked nearly on one centre outline only ~9-13 % more than one seal (10 pt apart: 125 for 115)
    return max(seal.bbox[2] - seal.bbox[0], seal.bbox[3] - seal.bbox[1]) > 1.06 * sizes[len(sizes) // 2]


def _confirms(cfg: dict, seal: Seal, party: Party | None) -> bool:
    """The seal's reading surely names `party` (so it cannot be another party's seal)."""
    if party is None or not seal.text:
        return False
    return (seal.text_confidence or 0.0) >= cfg["min_text_confidence"] and name_score(seal.text, party.name) >= 0.9


def _choose(seals: list[Seal], party: Party | None, anchor) -> Seal:
    """The seal standing for `party`: the best name match, then the company seal, then the nearest."""
    def key(s: Seal):
        score = name_score(s.text or "", party.name) if party else 0.0
        return (round(score, 1), s.kind.value == "company", -_dist(s, anchor))
    return max(seals, key=key)


def _missing(ctx, req, doc, pages, anchor, party, out: Findings) -> None:
    place = KIND_CN.get(req.get("section") or "", KIND_CN.get(doc.kind.value, doc.kind.value))
    who = party.name if party else "申报单位"
    ev = _place_ev(doc, pages, anchor)
    grey = _grey_file(ctx, pages)
    if not grey:
        code, message = "SEAL_MISSING", f"{place}应由“{who}”盖章处未见红色印章"
    elif _blank_place(anchor, req.get("grey_blank")):
        # grey: no red to go by, but the place holds nothing besides its print (no ring, no star, no mark)
        code, message = "SEAL_MISSING", f"{place}应由“{who}”盖章处未见印章（黑白扫描件，该处除文字外无印迹）"
    else:
        # a grey-scale scan shows no red: an absent red seal proves nothing there
        code, message = "OCR_LOW_CONFIDENCE", f"{place}为黑白扫描件，无法按颜色识别“{who}”的印章，请人工核对"
    out.add(code, party, [], message, declared=party.name if party else None, found=None, extra_evidence=[ev],
            detail={"slot": req.get("slot"), "doc_kind": doc.kind.value, **({"grey": True} if grey else {})},
            confidence=None)


def _blank_place(anchor, window: list[float] | None) -> bool:
    """On a grey OCR'd page, the seal place (`window`: points left of, above, right of and below the anchor
    line, from the rule pack) holds no ink that the OCR did not read as text and no seal found there
    (pipeline.read.ink): a seal leaves its ring and star however faint its grey, a blank place leaves nothing."""
    if anchor is None or not window:
        return False
    pg, ln = anchor
    if not (pg.ocr and pg.grey and pg.ink_mapped):
        return False            # no ink map for this page (seal detection off or failed there)
    left, up, right, down = (v * unit(pg) for v in window)     # an image file's page is in pixels
    zone = (max(0.0, ln.bbox[0] - left), max(0.0, ln.bbox[1] - up), min(pg.width, ln.bbox[2] + right),
            min(pg.height, ln.bbox[3] + down))
    return not ink_in(pg, zone, seals=True)


def _grey_file(ctx: ReviewContext, pages: list[Page]) -> bool:
    """The place is on a grey-scale scan: its pages' scan images are single-channel, or every page of its
    file(s) shows no colour (one page of black print in a colour scan shows none either, but the file's
    other pages do)."""
    if pages and all(p.grey_image for p in pages):
        return True          # the scan itself is single-channel (a file may merge grey and colour scans)
    files = {p.file for p in pages}
    every = [p for p in ctx.pages.values() if p.file in files] or pages
    return all(getattr(p, "grey", False) for p in every)


def _judge(ctx: ReviewContext, cfg: dict, req: dict, doc: Document, seal: Seal, party: Party | None,
           out: Findings) -> None:
    slot = req.get("slot")
    place = KIND_CN.get(req.get("section") or "", KIND_CN.get(doc.kind.value, doc.kind.value))
    ev = _seal_ev(seal, KIND_CN_SEAL.get(seal.kind.value, "印章"))
    if seal.kind.value in set(cfg["special_kinds"]):
        out.add("SEAL_WRONG_TYPE", party, [], f"{place}处加盖的是{KIND_CN_SEAL[seal.kind.value]}，应加盖单位公章",
                declared="company", found=seal.kind.value, extra_evidence=[ev],
                detail={"slot": slot, "found": seal.kind.value, "kind_text": seal.kind_text},
                confidence=seal.confidence)
    if party is None:
        return
    if seal.shape == "blob":   # a red mark of seal size that detection could not resolve: look, don't claim
        out.add("OCR_LOW_CONFIDENCE", party, [], f"{place}处有未能识别的红色印迹，无法确认是否为“{party.name}”的印章，请人工核对",
                declared=party.name, found=None, extra_evidence=[ev], confidence=None,
                detail={"slot": slot, "field": "seal", "unresolved": True})
        return
    conf = seal.text_confidence or 0.0
    if not seal.text:
        return
    if seal.ring_ctc:
        _judge_by_ink(ctx, slot, place, seal, party, ev, out)
        return
    m = best_party(seal.text, ctx.parties, party)
    # the party's seal carries its registered name, which may differ from the one declared on 表二
    m.own = max([m.own] + [name_score(seal.text, n) for n in own_names(ctx, party)[1:]])
    if m.own >= 0.999:
        return
    detail = {"slot": slot, "field": "seal_text"}
    if conf < cfg["min_text_confidence"]:
        _low(out, party, seal, ev, place, conf, detail)
        return
    other = m.party is not None and m.party is not party and m.score >= 0.8 and m.score - m.own >= 0.08
    if other and slot == "table1_provider" and m.party.role == "provider":
        # the providers stamp side by side on 表一: another provider's seal near this row is theirs, not a
        # wrong seal for this one; which seal covers which row is not certain enough to claim a mismatch
        _low(out, party, seal, ev, place, conf, detail)
        return
    stranger = m.own < 0.5 and (m.party is party or m.score < 0.6)
    subst = m.own >= 0.8 and core_substitution(seal.text, party.name)
    # a single changed character is claimed only on a digital page (a clean seal image): on scans
    # and photos the recogniser swaps look-alike characters with high confidence
    pg = ctx.page(seal.file, seal.page)
    clean = pg is not None and pg.text_layer and not pg.ocr
    if (other or stranger) and conf >= cfg["mismatch_confidence"]:
        who = f"（与“{m.party.name}”一致）" if other else ""
        out.add("SEAL_NAME_MISMATCH", party, [], f"{place}处印章文字“{seal.text}”{who}与应盖章单位“{party.name}”不符",
                declared=party.name, found=seal.text, extra_evidence=[ev], confidence=conf,
                detail={**detail, "matches": m.party.name if other else None})
    elif subst and clean and conf >= cfg["subst_confidence"] and confirmed_by_copies(ctx, seal, party):
        out.add("SEAL_NAME_MISMATCH", party, [], f"{place}处印章文字“{seal.text}”与应盖章单位“{party.name}”的字号不符",
                declared=party.name, found=seal.text, extra_evidence=[ev], confidence=conf, detail=detail)
    elif other or stranger or subst:
        _low(out, party, seal, ev, place, conf, detail)


def _judge_by_ink(ctx: ReviewContext, slot, place: str, seal: Seal, party: Party, ev: EvidenceOut,
                  out: Findings) -> None:
    """The seal's name judged against the party names by the recogniser's frame posteriors (pipeline.seals.
    verdict): a look-alike misreading is not a mismatch; another member's name, or the party's name with a
    surely changed 字号 character, is."""
    # the party's seal carries its registered name, which may differ from the one declared on 表二
    own = own_names(ctx, party)
    if len(own) > 1:
        own.sort(key=lambda n: -name_logps(seal.ring_ctc + seal.ring_ctc, [n])[0])
    v = judge(seal.ring_ctc, own[0], [p.name for p in ctx.parties if p is not party], seal.ring_print)
    conf = seal.text_confidence or 0.0
    detail = {"slot": slot, "field": "seal_text", "verdict": v.kind, "read": seal.text_read or seal.text}
    if v.kind == "own":
        seal.text = _norm_text(own[0])           # the ink fits the party's name it carries: that is what it reads
        return
    if v.kind == "other":
        other = next((p for p in ctx.parties if _norm(p.name) == _norm(v.name)), None)
        if other is not None and other.role == "provider" and slot == "table1_provider":
            _low(out, party, seal, ev, place, conf, detail)   # providers stamp side by side on 表一
            return
        seal.text = _norm_text(v.name)
        out.add("SEAL_NAME_MISMATCH", party, [], f"{place}处印章文字“{seal.text}”（与“{v.name}”一致）与应盖章单位“{party.name}”不符",
                declared=party.name, found=seal.text, extra_evidence=[ev], confidence=conf,
                detail={**detail, "matches": v.name})
        return
    if v.kind == "stranger" and slot != "table1_provider":   # (on 表一 stacked provider seals mix their names)
        foreign = "".join(c for _, c in v.changes)
        out.add("SEAL_NAME_MISMATCH", party, [], f"{place}处印章文字“{seal.text}”与应盖章单位“{party.name}”不符"
                f"（“{foreign}”等字确认不属于该单位名称）",
                declared=party.name, found=seal.text, extra_evidence=[ev], confidence=conf,
                detail={**detail, "foreign": foreign})
        return
    pg = ctx.page(seal.file, seal.page)
    clean = pg is not None and pg.text_layer and not pg.ocr
    # a changed 字号 character needs second opinions: the sharp ink on a digital page; on scans, where the
    # recogniser reads a degraded glyph as another character with p > 0.9 (润 → 期), also the party's own
    # seals elsewhere (seal_change)
    if (v.kind == "changed" and clean and sharp_agrees(seal, own[0], v.changes)) or \
            (not clean and scan_change(ctx, seal, own[0], v)):
        seal.text = _norm_text(with_changes(own[0], v.at, v.changes))   # what the seal says: its 字号 changed
        changed = "、".join(f"{a}→{b}" for a, b in v.changes)
        out.add("SEAL_NAME_MISMATCH", party, [], f"{place}处印章文字“{seal.text}”与应盖章单位“{party.name}”的字号不符（{changed}）",
                declared=party.name, found=seal.text, extra_evidence=[ev], confidence=conf,
                detail={**detail, "changes": v.changes})
        return
    _low(out, party, seal, ev, place, conf, detail)


def _norm_text(s: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", s or ""))


def _low(out: Findings, party, seal: Seal, ev: EvidenceOut, place: str, conf: float, detail: dict) -> None:
    out.add("OCR_LOW_CONFIDENCE", party, [], f"{place}处印章文字识别为“{seal.text}”（置信度{conf:.2f}），"
            f"无法确认是否为“{party.name}”的印章，请人工核对",
            declared=party.name, found=seal.text, extra_evidence=[ev], confidence=conf, detail=detail)


def _check_straddle(ctx: ReviewContext, cfg: dict, out: Findings) -> None:
    st = cfg.get("straddle") or {}
    try:
        kind = DocKind(st.get("doc", "application_form"))
    except ValueError:
        return
    refs = sorted({r for d in ctx.docs_of_kind(kind) for r in d.pages})
    pages = [p for p in (ctx.page(f, i) for f, i in refs) if p is not None and not p.error]
    if len(pages) < int(st.get("min_pages", 2)):
        return
    if st.get("when", "scanned") == "scanned" and not all(p.ocr and not p.text_layer for p in pages):
        return
    slices = [s for p in pages for s in p.seals if s.edge]
    if slices:
        return
    lead = next((p for p in ctx.parties if p.role == "lead"), None)
    f, i = refs[0]
    # grey scans: 骑缝章 slices cannot be told by their ink (a colour scan's page of black print alone looks
    # grey too: the scan is grey when most of its pages are); edges that hold no mark at all on any page have none
    if 2 * sum(bool(p.grey) for p in pages) >= len(pages):
        band = st.get("grey_edge")
        if band and all(p.grey and p.ink_mapped for p in pages) and not any(_edge_ink(p, band) for p in pages):
            ev = EvidenceOut(file=f, page=i, text=f"申报书共{len(pages)}页（黑白扫描件），各页页边均无印迹")
            out.add("STRADDLE_SEAL_MISSING", lead, [], f"装订成册的申报书（{len(pages)}页，黑白扫描件）各页页边均无印迹，未见骑缝章",
                    found=0, declared=len(pages), extra_evidence=[ev], detail={"pages": len(pages), "grey": True})
        else:
            ev = EvidenceOut(file=f, page=i, text=f"申报书共{len(pages)}页（黑白扫描件）")
            out.add("OCR_LOW_CONFIDENCE", lead, [], "申报书为黑白扫描件，无法按颜色识别骑缝章，请人工核对页边",
                    extra_evidence=[ev], detail={"field": "straddle_seal", "grey": True}, confidence=None)
        return
    ev = EvidenceOut(file=f, page=i, text=f"申报书共{len(pages)}页，页边未见骑缝章")
    out.add("STRADDLE_SEAL_MISSING", lead, [], f"装订成册的申报书（{len(pages)}页）未见骑缝章",
            found=0, declared=len(pages), extra_evidence=[ev], detail={"pages": len(pages)})


def _edge_ink(page: Page, band: float) -> bool:
    """Unread ink or a seal within `band` points of the page's left or right edge (where 骑缝 slices sit)."""
    b = band * unit(page)
    return ink_in(page, (0.0, 0.0, b, page.height), seals=True) or \
        ink_in(page, (page.width - b, 0.0, page.width, page.height), seals=True)
