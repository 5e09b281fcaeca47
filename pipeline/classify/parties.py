"""Tie documents to parties: by 统一社会信用代码, then by name (full/half-width tolerant), then by context."""
from __future__ import annotations

from collections import Counter
from difflib import SequenceMatcher
from os.path import commonprefix

from models.packet import Party
from models.provenance import DocKind, Document
from pipeline.classify.cues import norm_name
from pipeline.classify.split import similar

# Which extracted field names the subject of a document of each kind.
NAME_FIELD = {DocKind.business_license: "name", DocKind.audit_report: "entity", DocKind.tax_report: "entity",
              DocKind.financial_statements: "entity", DocKind.commitment_letter: "committer"}
PARTY_KINDS = set(NAME_FIELD)


def _val(doc: Document, name: str):
    return _val_of(doc.fields, name)


def build_parties(docs: list[Document]) -> list[Party]:
    """Parties from the 申报书: lead from the cover/表一, providers and enterprises from 表一 rows, plus 表二."""
    parties: list[Party] = []

    def add(role: str, name: str | None, uscc: str | None = None, listed: bool = False,
            ocr: bool = False) -> Party | None:
        if not name:
            return None
        key_name = norm_name(name)
        for p in parties:
            if norm_name(p.name) == key_name or (uscc and p.uscc == uscc):
                p.uscc = p.uscc or uscc
                p.listed_in_table1 = p.listed_in_table1 or listed
                p.name_by_ocr = p.name_by_ocr and ocr
                if norm_name(p.name) == key_name:       # another reading of the same name
                    p.name_readings += 1
                return p
        if not listed:
            # a 表二 title (its code read or not) for a 表一 row that OCR garbled: the one close, still
            # unidentified listed party
            others = [norm_name(p.name) for p in parties if p.role == role]
            rows = [p for p in parties if p.role == role and p.listed_in_table1 and p.name_by_ocr and not p.uscc
                    and not _sure(p)
                    and closest_name(norm_name(p.name), [key_name], [n for n in others if n != norm_name(p.name)])]
            if len(rows) == 1:
                p = rows[0]
                p.name_as_read, p.name, p.uscc, p.name_by_ocr = p.name, key_name, uscc, ocr
                p.name_readings = 1
                return p
        lead = next((p for p in parties if p.role == "lead"), None)
        if role == "lead" and lead is not None:   # one lead unit: the cover and 表一 name it twice
            if lead.name_by_ocr and not ocr:
                lead.name, lead.name_by_ocr = key_name, False
            return lead
        party = Party(key=_next_key(parties, role), role=role, name=norm_name(name), uscc=uscc,
                      listed_in_table1=listed, name_by_ocr=ocr)
        parties.append(party)
        return party

    forms = [d for d in docs if d.kind == DocKind.application_form]
    for d in forms:
        if d.section in ("cover", "table1"):
            add("lead", _val(d, "lead_name"), ocr=d.ocr)
    for d in forms:
        if d.section == "table1":
            for row in d.rows:
                role = row.get("role").value if row.get("role") else "enterprise"
                name = row.get("name").value if row.get("name") else None
                add("provider" if role == "provider" else "enterprise", name, listed=True, ocr=d.ocr)
    def known(d: Document) -> bool:
        name, uscc = norm_name(_val(d, "name") or ""), _val(d, "uscc")
        return any(norm_name(p.name) == name or (uscc and p.uscc == uscc) for p in parties)
    # 表二 titles that name a party exactly are settled first, so that a 表二 of a member missing from 表一 cannot
    # take, as a garbled reading of its name, a row whose own 表二 comes later (明和电机 took 昌润电机股份's row)
    t2 = [d for d in forms if d.section == "table2"]
    for d in [d for d in t2 if known(d)] + [d for d in t2 if not known(d)]:
        add("enterprise", _val(d, "name"), _val(d, "uscc"), ocr=d.ocr)
    return parties


def _next_key(parties: list[Party], role: str) -> str:
    """The key of the role's next party: L, P1, P2 …, E01, E02 … (parties are only ever added)."""
    n = sum(1 for p in parties if p.role == role) + 1
    return {"lead": "L", "provider": f"P{n}", "enterprise": f"E{n:02d}"}[role]


def _sure(p: Party) -> bool:
    """The forms' name of the party is what they say when read the same twice (表一 row and 表二 title, cover
    and 表一): a real difference then stays a finding (a declared 建隆电机 against a registered 建隆储能科技). A
    name read once may be garbled however sure the reading (海联制取 for 海联制衣股份 read at 0.999, 隆华数字有限
    for 隆华数字科技有限): the party's documents decide."""
    return p.name_readings >= 2


def reading_similarity(read: str, full: str) -> float:
    """How well an OCR reading of a name fits a full name; a reading cut short under a seal (江门市腾骏数枝有限)
    is also compared with the full name's beginning of about its length."""
    sm = SequenceMatcher(None, read, full).ratio()
    return max(sm, SequenceMatcher(None, read, full[:len(read) + 1]).ratio()) if len(read) < len(full) else sm


def closest_name(read: str, candidates: list[str], others: list[str] = ()) -> str | None:
    """The candidate name a garbled OCR reading stands for: close (>= 0.75) and clearly closer than any other
    name (margin 0.05), or fairly close (>= 0.6) and far closer than every other name of the packet (margin
    0.15). None when it is not clear."""
    scored = sorted(((reading_similarity(read, n), i < len(candidates), n)
                     for i, n in enumerate([*candidates, *others]) if n != read), reverse=True)
    if not scored or not scored[0][1]:
        return None
    best, second = scored[0][0], (scored[1][0] if len(scored) > 1 else 0.0)
    if (best >= 0.75 and best - second >= 0.05) or (best >= 0.6 and best - second >= 0.15):
        return scored[0][2]
    if best >= 0.6:
        # a tie on similarity (台山市恒瑞五金制月限可: 恒瑞五金制品股份 or 联瑞五金制品?): a reading garbled at its end
        # keeps its beginning, so the candidate whose 字号 it spells out, by a beginning at least two characters
        # longer than every rival's (every name within the 0.15 margin), is the one
        near = [(len(commonprefix((read, n))), is_cand, n) for sim, is_cand, n in scored if best - sim < 0.15]
        near.sort(reverse=True)
        if near[0][1] and (len(near) == 1 or near[0][0] >= near[1][0] + 2):
            return near[0][2]
    return None



def _content_party(doc: Document, parties: list[Party], registered: dict[str, Party] | None = None) -> Party | None:
    usccs = [u for u in [_val(doc, "uscc")] + doc.extra.get("usccs", []) if u]
    for u in usccs:
        for p in parties:
            if p.uscc and p.uscc == u:
                return p
    names = [n for n in (_val(doc, NAME_FIELD.get(doc.kind, "name")), doc.extra.get("subject")) if n]
    for n in names:
        for p in parties:
            if norm_name(n) == norm_name(p.name):
                return p
    for n in names:   # the name on the party's licence (a declared name differing from it: NAME_MISMATCH)
        if (registered or {}).get(norm_name(n)) is not None:
            return registered[norm_name(n)]
    for n in names:  # OCR noise: one close match only
        close = [p for p in parties if similar(norm_name(n), norm_name(p.name), 0.9)]
        if len(close) == 1:
            return close[0]
    if doc.ocr:   # a name garbled under a seal (永泰软件 read 永基件): the one name it clearly stands for
        by_name = {norm_name(p.name): p for p in parties}
        for n in names:
            hit = closest_name(norm_name(n), list(by_name))
            if hit is not None:
                return by_name[hit]
    return None


# Folder leaves that say how a file was kept, not whose it is: a party's files spread over
# 企业材料/<名称>/盖章件, …/扫描, …/资料 form one bundle.
GENERIC_LEAVES = ("盖章件", "盖章版", "盖章", "扫描件", "扫描", "资料", "材料", "附件", "原件", "复印件", "证照", "财务")


def bundle_folder(folder: str) -> str:
    """The folder that stands for a party's bundle: generic leaves (盖章件, 扫描, 资料 …) stripped."""
    parts = [p for p in folder.split("/") if p]
    while len(parts) > 1 and parts[-1] in GENERIC_LEAVES:
        parts.pop()
    return "/".join(parts)


def _context(docs: list[Document], content: dict[int, Party | None]) -> dict[int, Party | None]:
    """Whose bundle a document sits in: its folder's party (separate files), or its neighbours' (one-file scan)."""
    ctx: dict[int, Party | None] = {}
    by_folder: dict[str, Counter] = {}
    for i, d in enumerate(docs):
        if content.get(i) is not None:
            by_folder.setdefault(bundle_folder(d.extra.get("folder", "")), Counter())[content[i].key] += 1
    keyed = {p.key: p for p in content.values() if p is not None}
    for i, d in enumerate(docs):
        if d.kind not in PARTY_KINDS:
            continue
        same_file = [j for j, e in enumerate(docs) if e.file == d.file and e.kind in PARTY_KINDS]
        if len(same_file) > 1:  # one-file scan: bundles run licence → audit → statements → commitment
            ctx[i] = _bundle_party(docs, same_file, same_file.index(i), content)
            continue
        counts = by_folder.get(bundle_folder(d.extra.get("folder", "")), Counter())
        if counts and d.extra.get("folder"):
            key, n = counts.most_common(1)[0]
            if n / sum(counts.values()) >= 0.6 and len(counts) <= 2:
                ctx[i] = keyed[key]
    return ctx


def _bundle_party(docs: list[Document], run: list[int], pos: int,
                  content: dict[int, Party | None]) -> Party | None:
    """Whose bundle the document at run[pos] sits in: the neighbours' party when they agree; otherwise the
    preceding bundle's, unless that bundle already holds a document of this kind (then the following one's)."""
    prev = next((content[j] for j in reversed(run[:pos]) if content.get(j) is not None), None)
    nxt = next((content[j] for j in run[pos + 1:] if content.get(j) is not None), None)
    if prev is None or nxt is None or prev.key == nxt.key:
        return prev or nxt
    kind = docs[run[pos]].kind
    start = pos
    while start > 0 and content.get(run[start - 1]) in (None, prev):
        start -= 1
    prev_has_kind = any(docs[j].kind == kind and content.get(j) is prev for j in run[start:pos])
    return nxt if prev_has_kind else prev


def correct_ocr_names(docs: list[Document], parties: list[Party]) -> None:
    """A name read off an OCR'd form (表一, cover) that no document names exactly takes the closest name that
    the party's own documents carry (licence first), when that name is close to this party and to no other.
    Names read from a text layer are never changed: a real one-character difference stays a finding."""
    named: dict[str, int] = {}
    codes: dict[str, set[str]] = {}
    for d in docs:
        if d.kind not in PARTY_KINDS:
            continue
        for n in (_val(d, NAME_FIELD[d.kind]), d.extra.get("subject")):
            if n:
                w = 2 if d.kind == DocKind.business_license else 1
                named[norm_name(n)] = named.get(norm_name(n), 0) + w
                if code := _val(d, "uscc"):
                    codes.setdefault(norm_name(n), set()).add(code)
    # one company's name read a little differently on its documents (隆华字科技 on the letter, 隆华数字科技 on
    # the licence and the report) is one candidate: the most attested reading (licence first); names carried
    # with different credit codes (佳博信息科技, 佳润信息科技) are two companies
    ranked = sorted(named, key=lambda n: -named[n])
    variants = {n for i, n in enumerate(ranked) if any(
        similar(n, m, 0.85) and not (codes.get(n) and codes.get(m) and codes[n].isdisjoint(codes[m]))
        for m in ranked[:i])}
    known = {norm_name(p.name) for p in parties}
    for p in parties:
        if not p.name_by_ocr or norm_name(p.name) in named or _sure(p) or p.uscc:
            continue    # read twice the same, or a 表二 title with its code: what the forms declare (NAME_MISMATCH)
        best = closest_name(p.name, [n for n in named if n not in known and n not in variants],
                            [n for n in known if n != p.name])
        if best is None:
            continue
        score = reading_similarity(p.name, best)
        # another garbled reading, not yet resolved, that is at least as close takes nobody's name
        if any(q is not p and q.name_by_ocr and not _sure(q) and norm_name(q.name) not in named
               and reading_similarity(q.name, best) >= score for q in parties):
            continue
        p.name_as_read, p.name = p.name, best
        known.add(best)


# Folder words that say which role a member's files are filed under (服务商/…, 企业材料/…).
ROLE_FOLDERS = (("provider", ("服务商",)), ("enterprise", ("企业材料", "工业企业", "参与企业")))


def _role_by_folder(doc: Document) -> str | None:
    folder = doc.extra.get("folder", "")
    return next((role for role, words in ROLE_FOLDERS if any(w in folder for w in words)), None)


def adopt_nameless_rows(docs: list[Document], parties: list[Party]) -> None:
    """A 表一 row whose name lies wholly under a seal is read nameless, or not at all (a gap in its 序号); the
    member it stands for files its licence all the same. Each licence that no party answers to fills a gap of
    the role its folder names (服务商/…), or of the one role that has gaps: the member becomes a party of that
    role, listed in 表一 (its name from its licence)."""
    gaps: Counter = Counter()
    for d in docs:
        if d.kind == DocKind.application_form and d.section == "table1":
            for role in ("enterprise", "provider"):
                rows = [r for r in d.rows if (_val_of(r, "role") or "enterprise") == role]
                seqs = [v for r in rows if isinstance(v := _val_of(r, "seq"), int)]
                named = sum(1 for r in rows if _val_of(r, "name"))
                gaps[role] += max(max(seqs, default=0), len(rows)) - named
    gaps = Counter({r: n for r, n in gaps.items() if n > 0})
    if not gaps:
        return
    unclaimed: list[tuple[str, str | None]] = []
    for name, hint in _unanswered_licences(docs, parties):     # a second reading of one licence counts once
        if not any(similar(name, k, 0.9) for k, _ in unclaimed):
            unclaimed.append((name, hint))
    only = next(iter(gaps)) if len(gaps) == 1 else None
    for name, hint in unclaimed:
        role = hint if hint in gaps else only
        if role is None or gaps[role] <= 0:
            continue                # whose gap this licence fills is not clear: no party is made up
        gaps[role] -= 1
        parties.append(Party(key=_next_key(parties, role), role=role, name=name, listed_in_table1=True,
                             name_by_ocr=True, name_as_read=""))


def _unanswered_licences(docs: list[Document], parties: list[Party]) -> list[tuple[str, str | None]]:
    """(name, role by its folder) of each licence no party answers to: not its credit code, not its name or a
    reading of it (nor one 90 % like it)."""
    known = {norm_name(p.name) for p in parties} | {norm_name(p.name_as_read) for p in parties if p.name_as_read}
    codes = {p.uscc for p in parties if p.uscc}
    return [(norm_name(n), _role_by_folder(d)) for d in docs
            if d.kind == DocKind.business_license and (n := _val(d, "name")) and _val(d, "uscc") not in codes
            and norm_name(n) not in known and not any(similar(norm_name(n), k, 0.9) for k in known)]


def registered_names(docs: list[Document], parties: list[Party]) -> dict[str, Party]:
    """The names on the parties' own licences (the licence's credit code is the party's) that no party
    declares: a company declared 宏顺汽车零部件 whose licence reads 宏顺金属结构 files its report and letter under
    the licence's name, which a look-alike member's (兴顺金属结构) must not take."""
    declared = {norm_name(p.name) for p in parties}
    out: dict[str, Party] = {}
    for d in docs:
        if d.kind != DocKind.business_license or not (name := _val(d, "name")) or norm_name(name) in declared:
            continue
        p = next((p for p in parties if p.uscc and p.uscc == _val(d, "uscc")), None)
        if p is not None:
            out.setdefault(norm_name(name), p)
    return out


def pair_by_elimination(docs: list[Document], parties: list[Party]) -> None:
    """One 表一 name read too garbled to resolve (和华信息科技 read 电科司, no credit code) and one licence that no
    party answers to, of the same role by its folder (服务商/…): the row stands for that licence's company."""
    named = {norm_name(n) for d in docs if d.kind in PARTY_KINDS for n in (_val(d, NAME_FIELD[d.kind]),) if n}
    open_rows = [p for p in parties if p.name_by_ocr and not p.uscc and not _sure(p) and norm_name(p.name) not in named]
    if len(open_rows) != 1:
        return
    p = open_rows[0]
    free = dict(_unanswered_licences(docs, parties))
    if len(free) != 1:
        return
    (name, role), = free.items()
    if role in (None, p.role) and reading_similarity(norm_name(p.name), name) >= 0.5:
        p.name_as_read, p.name = p.name, name


def _val_of(fields: dict, name: str):
    """The value of one Field in a document's fields or an extracted row (None when absent)."""
    f = fields.get(name)
    return f.value if f is not None else None


def tie_documents(docs: list[Document], parties: list[Party]) -> None:
    """Set Document.party_* and Party.documents. Content wins, unless the named party already has its own
    document of that kind and the document sits in another party's bundle (a copy filed for the wrong party)."""
    correct_ocr_names(docs, parties)
    pair_by_elimination(docs, parties)
    adopt_nameless_rows(docs, parties)
    registered = registered_names(docs, parties)
    content = {i: _content_party(d, parties, registered) for i, d in enumerate(docs) if d.kind in PARTY_KINDS}
    ctx = _context(docs, content)
    own = {(p.key, docs[i].kind) for i, p in content.items() if p is not None and ctx.get(i) in (None, p)}
    for i, d in enumerate(docs):
        if d.kind == DocKind.application_form:
            party = None
            if d.section == "table2":
                party = next((p for p in parties if (p.uscc and p.uscc == _val(d, "uscc"))
                              or norm_name(p.name) == norm_name(_val(d, "name") or "")), None)
            elif d.section == "cover":
                party = next((p for p in parties if p.role == "lead"), None)
        elif d.kind in PARTY_KINDS:
            c, x = content.get(i), ctx.get(i)
            party = c
            if x is not None and (c is None or (c.key != x.key and (c.key, d.kind) in own)):
                party = x
            d.extra["content_party"] = c.key if c else None
            d.extra["context_party"] = x.key if x else None
        else:
            party = None
        if party is not None:
            d.party_key, d.party_name, d.party_uscc = party.key, party.name, party.uscc
            party.documents.append(i)
    # a party's own document (content agrees) comes first
    for p in parties:
        p.documents.sort(key=lambda i: (docs[i].extra.get("content_party") not in (None, p.key), i))
    # licences give parties their credit code when the forms did not
    for p in parties:
        if not p.uscc:
            for i in p.documents:
                if docs[i].kind == DocKind.business_license and docs[i].extra.get("content_party") == p.key:
                    p.uscc = _val(docs[i], "uscc") or p.uscc
        for i in p.documents:
            docs[i].party_uscc = p.uscc
