"""Whose name a seal's ink shows, judged against the packet's names (lexicon-constrained reading).

The greedy reading of a blurred, partly covered or JPEG-noisy seal differs from the true name by
look-alike characters; comparing that reading with the names claims false mismatches. Here each
candidate name is scored against the recogniser's frame posteriors (pipeline.seals.ctc), and a character
of the reading is taken as a real difference from a name only when the recogniser is sure of it (p ≥ 0.9)
and the name's character is not among its top guesses at that place.

    judge(frames, reading, own, names) -> Verdict(kind, name, changes)
      kind: "own"     the ink is the party's name (differences are unsure readings)
            "other"   another name fits the ink clearly better than the party's
            "changed" the party's name with a surely changed character (the 字号 altered)
            "stranger" a company name the packet does not hold: several surely read characters foreign
                      to the party's name
            "unsure"  nothing fits well enough to decide
"""
from __future__ import annotations

import difflib
import logging
import math
import re
import unicodedata
from dataclasses import dataclass, field

from pipeline.seals.ctc import FLOOR, greedy, name_logps

log = logging.getLogger(__name__)

SURE_P = 0.9                 # a read character counts as a real difference only this sure
PRINT_COVER = 0.1            # share of a ring column covered by black print that makes a reading there unsure
STRANGER_CHARS = 3           # surely read characters foreign to the party's name that make a stranger's seal
NEAR_LOGP = math.log(0.02)   # a guess this likely nearby may be the party's character misread
GENERIC = set("省市区县镇州有限责任股份公司集团")
LIKELY = math.log(10)      # prior weight of a name the seal's place makes likely
OTHER_MARGIN = 6.0           # log-likelihood margin for another name to beat the party's
OTHER_FITS = -15.0           # another name fitting the ink this well (and by 2 × OTHER_MARGIN) is its name,
                             # though a few of its characters were read as look-alikes (腾润 read 腾利)
# a city ends in 市 (广州市: its 州 is no end), an autonomous prefecture in 州, a league in 盟
PLACE_RE = re.compile(r"^(.{1,4}?省)?(.{1,4}?(?:市|州(?!市)|盟))?(.{1,4}?[区县旗])?")
SUFFIX_RE = re.compile(r"(股份有限公司|有限责任公司|有限公司|集团|公司|分公司)+$")


def seal_name(s: str) -> str:
    """A name as seals are scored: NFKC, no spaces, full-width brackets (the recogniser's alphabet)."""
    s = unicodedata.normalize("NFKC", s or "")
    return re.sub(r"\s+", "", s).replace("(", "（").replace(")", "）")


@dataclass
class Verdict:
    kind: str
    name: str | None = None
    changes: list[tuple[str, str]] = field(default_factory=list)   # (name char, read char) surely different
    margin: float = 0.0
    at: list[int] = field(default_factory=list)    # where each of `changes` stands in the party's name (seal_name)


def _crossed(cover: list[float] | None, t: int) -> bool:
    """Black print crosses the ring at frame t (± 1): a glyph read there may be one the print cut."""
    return bool(cover) and max(cover[max(0, t - 1):t + 2], default=0.0) >= PRINT_COVER


def sure_changes(frames, name: str, cover: list[float] | None = None) -> tuple[list[tuple[int, str, str]], int]:
    """Characters of the greedy reading that surely differ from `name` (index in name, name char, read
    char), and how many differences there are in all (sure or not). A character read where black print
    crosses the ring (`cover`, per frame) is never sure."""
    em = greedy(frames)
    read = "".join(c for c, _ in em)
    sm = difflib.SequenceMatcher(None, name, read, autojunk=False)
    sure, total = [], 0
    ops = sm.get_opcodes()
    for k, (op, i0, i1, j0, j1) in enumerate(ops):
        if op == "equal" or (op == "insert" and k in (0, len(ops) - 1)):
            continue          # read characters before / after the name (the ring read twice, code digits)
        total += max(i1 - i0, j1 - j0)
        if op != "replace" or i1 - i0 != j1 - j0:
            continue
        for k in range(i1 - i0):
            ch, t = em[j0 + k]
            want = name[i0 + k]
            p_read = math.exp(dict(frames[t]).get(ch, FLOOR))
            near = [dict(frames[u]) for u in range(max(0, t - 1), min(len(frames), t + 2))]
            if p_read >= SURE_P and all(want not in f for f in near) and not _crossed(cover, t):
                sure.append((i0 + k, want, ch))
    return sure, total


def foreign_chars(frames, own: str, cover: list[float] | None = None) -> list[str]:
    """Characters of a company-name reading that the recogniser is sure of and that the party's name
    nowhere holds, not even among the top guesses nearby (places, company forms and digits aside). A
    blurred seal of the party's own misreads a glyph or two this surely; the seal of another company, one
    the packet never names, shows several (康瑞饮料 where 嘉广信息科技 belongs)."""
    em = greedy(frames)
    if not re.search(r"公司|有限|集团|厂", "".join(c for c, _ in em)):
        return []                     # not a whole company name read: nothing to judge by
    out = []
    for ch, t in em:
        if ch in own or ch in GENERIC or not "\u4e00" <= ch <= "\u9fff":
            continue
        near = [dict(frames[u]) for u in range(max(0, t - 1), min(len(frames), t + 2))]
        if math.exp(dict(frames[t]).get(ch, FLOOR)) >= SURE_P and not _crossed(cover, t) and not any(
                c and c in own and lp >= NEAR_LOGP for f in near for c, lp in f.items()):
            out.append(ch)
    return out


def core_span(name: str) -> tuple[int, int]:
    """Index range of the name between its place names and its company form (字号 + 行业)."""
    m = PLACE_RE.match(name)
    start = m.end() if m else 0
    s = SUFFIX_RE.search(name)
    return start, (s.start() if s else len(name))


def judge(frames, own: str, names: list[str], cover: list[float] | None = None) -> Verdict:
    """The verdict on a seal's ink (frames) against its party's name `own` and the packet's other names;
    `cover`: per frame, the share black print covers (Seal.ring_print)."""
    frames = frames + frames       # the ring read twice: a name that wraps past the strip's start is whole
    cover = cover + cover if cover and len(cover) * 2 == len(frames) else None
    own = seal_name(own)
    cands = {seal_name(n) for n in names if n} - {own}
    cands = sorted(cands)
    lp_own, *lps = name_logps(frames, [own, *cands])
    scored = sorted(zip(lps, cands), reverse=True)
    best_other = scored[0] if scored else (-math.inf, None)
    sure_own, total_own = sure_changes(frames, own, cover)
    # another company's seal shows another 字号: a reading that keeps a character of the party's 字号 is the
    # party's own seal blurred into look-alikes (天平市通字智能装各 for 开平市通宇智能装备, each surely read)
    a, b = core_span(own)
    kept = any(c in "".join(ch for ch, _ in greedy(frames[: len(frames) // 2])) for c in own[a:min(b, a + 2)])
    foreign = [] if kept else foreign_chars(frames[: len(frames) // 2], own, cover[: len(frames) // 2] if cover else None)
    stranger = Verdict("stranger", None, [("", c) for c in foreign], lp_own - best_other[0])
    if best_other[0] >= lp_own + OTHER_MARGIN:
        sure_other, total_other = sure_changes(frames, best_other[1], cover)
        # the other name must itself fit the ink (not merely less badly than the party's, as any short
        # name does against a garbled reading): no sure difference, and few differences at all or a close fit
        # far better than the party's name (达丹市腾利印染股份有限公司 for 江门市腾润印染股份有限公司: −10.6 against
        # −93 for 联骏服装)
        close = best_other[0] >= OTHER_FITS and best_other[0] - lp_own >= 2 * OTHER_MARGIN
        if not sure_other and (total_other <= max(1, len(best_other[1]) // 5) or close):
            return Verdict("other", best_other[1], [(a, b) for _, a, b in sure_own], best_other[0] - lp_own,
                           [i for i, _, _ in sure_own])
        if len(foreign) >= STRANGER_CHARS:
            return stranger
        return Verdict("unsure", best_other[1], [(a, b) for _, a, b in sure_own], best_other[0] - lp_own,
                       [i for i, _, _ in sure_own])
    if len(foreign) >= STRANGER_CHARS:
        return stranger
    if not sure_own:
        return Verdict("own", own, [], lp_own - best_other[0])
    if len(sure_own) == 1 and total_own == 1 and a <= sure_own[0][0] < b:
        return Verdict("changed", own, [(x, y) for _, x, y in sure_own], lp_own - best_other[0],
                       [i for i, _, _ in sure_own])
    return Verdict("unsure", own, [(x, y) for _, x, y in sure_own], lp_own - best_other[0], [i for i, _, _ in sure_own])


FIRM_RE = re.compile(r"[\u4e00-\u9fff（）()]{2,30}?会计师事务所(?:（特殊普通合伙）|\(特殊普通合伙\)|有限责任公司|有限公司)?")


def office_names(party_names: list[str], lines: list[str], places: list[str] = ()) -> list[str]:
    """Names an authority's or auditor's seal may carry: the market regulator of each given place and of
    each party's place (city, and city + district), and the accounting firms named in the page's text."""
    out = {seal_name(p) + "市场监督管理局" for p in places}
    for n in party_names:
        m = PLACE_RE.match(seal_name(n))
        if m and m.group(2):
            for prov in {"", m.group(1) or ""}:           # with and without the province (广东省…)
                out.add(prov + m.group(2) + "市场监督管理局")
                if m.group(3):
                    out.add(prov + m.group(2) + m.group(3) + "市场监督管理局")
            if m.group(3):
                out.add(m.group(3) + "市场监督管理局")
    for ln in lines:
        for f in FIRM_RE.findall(seal_name(ln)):
            out.add(seal_name(f))
            out.add(seal_name(f)[: seal_name(f).index("会计师事务所") + 6])   # its seal may leave out its form
    return sorted(out)


def best_office(frames, names: list[str], margin: float = 3.0) -> str | None:
    """The one office name the ink fits (no sure difference, clearly the best), else None."""
    return best_name(frames, {n: n for n in names}, set(names), margin)


def best_name(frames, groups: dict[str, str], offices: set[str], margin: float = 3.0,
              likely: set[str] = frozenset(), cover: list[float] | None = None) -> str | None:
    """The one name of `groups` (name -> whose it is: a party's declared and registered names share one
    owner) the ink fits: clearly likelier than any other owner's name, and no surely read character against
    it where that would matter. A company name takes no sure difference in its place or 字号 (a seal with a
    changed 字号 keeps its own reading) and few differences at all; an office name (`offices`) takes one
    sure difference in its office words (监督 misread), never in its place (恩平 → 开平). Names in `likely`
    are LIKELY times likelier before the ink is seen (the regulator of the licence's own address)."""
    names = sorted(groups)
    if not frames or not names:
        return None
    twice = frames + frames          # a name read from inside the ring wraps past the strip's start
    scored = sorted(((lp + (LIKELY if n in likely else 0.0), n) for lp, n in zip(name_logps(twice, names), names)),
                    reverse=True)
    lp, best = scored[0]
    rival = next((s for s, n in scored[1:] if groups[n] != groups[best]), -math.inf)
    if lp < rival + margin:
        log.debug("seal name: no clear best %s", scored[:2])
        return None
    # free frames explain a place the ink shows before a shorter form of a name (新会区… in 江门市新会区…), a
    # partnership's form after it (…会计师事务所（特殊普通合伙）): the longest form the ink fits as well is taken,
    # and an office's full name (its city, its form) wherever it fits at all
    forms = sorted((n for s, n in scored if groups[n] == groups[best] and (n == best or _fuller(best, n) or (
        s >= lp - 1.0 and (n.endswith(best) or n.startswith(best))))), key=len, reverse=True)
    for form in forms:
        if form in offices:
            m = PLACE_RE.match(form)
            place_end = m.end() if m else 0
            ok = _fits(frames, cover, form, lambda sure, total: len(sure) <= 1 and all(i >= place_end for i, _, _ in sure)
                       and total <= len(form) // 2)
        else:
            _, core_end = core_span(form)
            ok = _fits(frames, cover, form, lambda sure, total: all(i >= core_end for i, _, _ in sure)
                       and total <= len(form) // 3)
        if ok:
            return form
    return None


def _fuller(short: str, name: str) -> bool:
    """`name` is the full form an office's seal carries of `short`: a district's regulator with its city
    (江门市 + 蓬江区市场监督管理局), a firm with its form (…会计师事务所 + （特殊普通合伙）)."""
    return (name.endswith(short) and re.fullmatch(r"[^省市]{1,4}市", name[: -len(short)]) is not None) or (
        name.startswith(short) and name[len(short):].startswith("（"))


def _fits(frames, cover: list[float] | None, name: str, test) -> bool:
    """`test(sure, total)` on the name's differences from the reading, read once or (a name wrapping past
    the strip's start) twice round."""
    cover = cover if cover and len(cover) == len(frames) else None
    for fr, cv in ((frames, cover), (frames + frames, cover + cover if cover else None)):
        sure, total = sure_changes(fr, name, cv)
        if test(sure, total):
            return True
    log.debug("seal name: %s does not fit %s (sure %s, %d differences)", name, "".join(c for c, _ in greedy(frames)), sure, total)
    return False
