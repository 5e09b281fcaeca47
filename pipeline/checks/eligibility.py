"""申报条件: NOT_IN_JIANGMEN, COMPANY_TOO_YOUNG, NOT_INDEPENDENT_LEGAL_PERSON, CONSORTIUM_TOO_SMALL,
PARTY_LIST_MISMATCH, TOO_MANY_PROVIDERS."""
from __future__ import annotations

import re

from models.packet import Party, ReviewContext
from models.provenance import DocKind
from models.report import FindingOut
from pipeline.checks.base import (Findings, add_years, edit_distance, twin_parties, application_date, cover, ffield, fmt_date, norm_name,
                                  own_doc, party_anchor, rval, rules_of, similarity, squash, table1, th, to_date)
from pipeline.checks.completeness import orphan_parties
from pipeline.checks.uscc import compact, is_valid, region

# Roles the guide's 满足条件 apply to: the 扶持对象 (工业企业).
ELIGIBLE_ROLES = {"enterprise"}
_ADMIN = re.compile(r"([\u4e00-\u9fff]{2,6}?(?:省|自治区|市|自治州|地区|盟|县|旗))")


def where_is(address: str, rules: dict) -> tuple[bool | None, str | None]:
    """(inside, district): True when the address names 江门市 or one of its districts, False when it names
    another province/city/county first, None when it names no administrative unit at all."""
    reg = rules["region"]
    s = squash(address)
    for d in reg["districts"]:
        if d in s:
            return True, d
    city = reg["city"]
    if city in s or city.rstrip("市") in s:
        return True, None
    s2 = s
    prov = reg.get("province")
    if prov and s2.startswith(prov):
        s2 = s2[len(prov):]
    m = _ADMIN.match(s2)
    if m and m.group(1) != prov and not re.search(r"[镇乡街路道村号巷园厂楼]", m.group(1)):
        # a town/street (镇, 街道) would not match; a 市/区/县 that is not Jiangmen's is outside
        return False, m.group(1)
    if s.startswith(("北京", "上海", "天津", "重庆")) or (prov and not s.startswith(prov) and re.match(
            r"[\u4e00-\u9fff]{2,3}省", s)):
        return False, s[:3]
    return None, None


def _jiangmen(ctx: ReviewContext, out: Findings, party: Party) -> None:
    rules = rules_of(ctx)
    lic = own_doc(ctx, party, DocKind.business_license)
    t2 = own_doc(ctx, party, DocKind.application_form, "table2")
    fa = ffield(lic, "address") if lic and ffield(lic, "address") and ffield(lic, "address").value else \
        ffield(t2, "address")
    fu = ffield(lic, "uscc") if lic and ffield(lic, "uscc") and ffield(lic, "uscc").value else ffield(t2, "uscc")
    address = fa.value if fa is not None and fa.value else None
    code = compact(fu.value) if fu is not None and fu.value and is_valid(fu.value) else None
    inside, unit = where_is(address, rules) if address else (None, None)
    out.use(party, fa, fu, label="住所")
    src = "营业执照住所" if lic is not None and fa is ffield(lic, "address") else "表二单位地址"
    if inside is False:
        out.add("NOT_IN_JIANGMEN", party, [fa], f"{party.name}：{src}（{address}）不在江门市行政区域内",
                declared=party.name, found=address, detail={"found": address, "unit": unit})
        return
    reg = region(code)
    if reg is None or reg.endswith("0000"):  # province/national registrations carry no city
        return
    prefix = rules["region"]["code_prefix"]
    if not reg.startswith(prefix):
        if inside:
            msg = f"{party.name}：统一社会信用代码登记地码（{reg}）不属江门市，与{src}（{address}）不符"
        else:
            msg = f"{party.name}：统一社会信用代码登记地码（{reg}）不属江门市"
        out.add("NOT_IN_JIANGMEN", party, [fu, fa], msg, declared=address, found=reg,
                detail={"found": address or code, "region_code": reg})


def _too_young(ctx: ReviewContext, out: Findings, party: Party) -> None:
    app = application_date(ctx)
    if app is None:
        return
    lic = own_doc(ctx, party, DocKind.business_license)
    f = ffield(lic, "established")
    if f is None or to_date(f.value) is None:
        f = ffield(own_doc(ctx, party, DocKind.application_form, "table2"), "established")
    est = to_date(f.value) if f else None
    if est is None:
        return
    out.use(party, f, label="成立日期")
    years = th(ctx, "company_min_age_years")
    if add_years(est, years) > app:
        app_f = ffield(cover(ctx), "application_date")
        out.add("COMPANY_TOO_YOUNG", party, [f, app_f],
                f"{party.name}：成立日期{fmt_date(est)}，至申报日期{fmt_date(app)}未满{years}年",
                declared=app, found=est, detail={"established": est, "application_date": app})


def _independent(ctx: ReviewContext, out: Findings, party: Party) -> None:
    lp = rules_of(ctx)["legal_person"]
    lic = own_doc(ctx, party, DocKind.business_license)
    ft, fn, fu = ffield(lic, "company_type"), ffield(lic, "name"), ffield(lic, "uscc")
    ctype = squash(ft.value) if ft and ft.value else None
    words = lp["branch_words"] + lp["individual_words"]
    hit = next((w for w in words if ctype and w in ctype), None)
    if hit:
        out.use(party, ft, label="类型")
        out.add("NOT_INDEPENDENT_LEGAL_PERSON", party, [ft],
                f"{party.name}：营业执照类型为“{ft.value}”，不是独立法人企业", declared=party.name, found=ft.value,
                detail={"found": ft.value, "word": hit})
        return
    code = fu.value if fu and fu.value else party.uscc
    if code and is_valid(code) and compact(code)[:2] in lp.get("uscc_non_independent_prefixes", []):
        out.add("NOT_INDEPENDENT_LEGAL_PERSON", party, [fu],
                f"{party.name}：统一社会信用代码前两位“{compact(code)[:2]}”表示个体工商户，不是独立法人企业",
                declared=party.name, found=compact(code)[:2], detail={"found": compact(code)[:2]})
        return
    if ctype is None:  # type unread: a name ending in 分公司 still says branch
        name = (fn.value if fn and fn.value else None) or party.name
        if name and re.search(r"(分公司|分厂|办事处)$", squash(name)):
            out.add("NOT_INDEPENDENT_LEGAL_PERSON", party, [fn], f"{party.name}：单位名称表明为分支机构，不是独立法人企业",
                    declared=party.name, found=name, detail={"found": name})


def _t1_names(ctx: ReviewContext, role: str) -> list[tuple[str, object]]:
    t1 = table1(ctx)
    if t1 is None:
        return []
    out = []
    for r in t1.rows:
        name = rval(r, "name")
        if name and (rval(r, "role") or "enterprise") == role:
            out.append((norm_name(name), r))
    return out


def _listed(name: str, listed: list[str], fuzzy: bool = True) -> bool:
    """Named in the list: exactly, or (OCR'd forms) one entry within two characters / 90 % similar."""
    n = norm_name(name)
    if n in listed:
        return True
    if not fuzzy:
        return False
    if not listed:
        return False
    # a 表一 cell cut off by OCR (under a seal): the cut entry, or the cut name looked up, begins the other
    pre = [x for x in listed if (len(x) >= 5 and n.startswith(x)) or (len(n) >= 6 and x.startswith(n))]
    if len(pre) == 1:
        return True
    dist = sorted(edit_distance(x, n) for x in listed)
    if len(n) >= 8 and dist[0] <= 2 and (len(dist) == 1 or dist[1] > dist[0]):
        return True   # one closest entry, a character or two off
    return sum(1 for x in listed if similarity(x, n) >= 0.9) == 1


def t1_count(ctx: ReviewContext, role: str = "enterprise") -> tuple[int, bool]:
    """(how many rows 表一 lists for the role, whether every row was read). The highest 序号 counts rows that
    OCR lost; a gap in 序号 means the list as read is incomplete."""
    t1 = table1(ctx)
    rows = [r for r in (t1.rows if t1 else []) if (rval(r, "role") or "enterprise") == role]
    seqs = [rval(r, "seq") for r in rows]
    names = {norm_name(rval(r, "name")) for r in rows if rval(r, "name")}
    if not rows:
        return 0, False
    if all(isinstance(x, (int, float)) for x in seqs):
        top = int(max(seqs))
        complete = sorted(int(x) for x in seqs) == list(range(1, top + 1)) and len(names) == len(rows)
        return max(top, len(names)), complete
    return len(names), len(names) == len(rows)


def _ocr_form(ctx: ReviewContext) -> bool:
    """Names on an OCR'd 表一 may be a character or two off; on a text layer they must match exactly."""
    t1 = table1(ctx)
    if t1 is None:
        return True
    engines = {r["name"].evidence.engine for r in t1.rows if r.get("name") is not None and r["name"].evidence}
    return t1.ocr or any(e != "pdfplumber" for e in engines)


def _consortium(ctx: ReviewContext, out: Findings) -> None:
    t1 = table1(ctx)
    ents = _t1_names(ctx, "enterprise")
    count = t1_count(ctx)[0] if ents else len([p for p in ctx.parties if p.role == "enterprise"])
    if count == 0 and t1 is None:
        return
    need = th(ctx, "min_enterprises")
    if count < need:
        fields = [r.get("name") for _, r in ents]
        out.add("CONSORTIUM_TOO_SMALL", None, fields, f"产业集群联合体工业企业仅{count}家，少于{need}家",
                declared=count, found=count, detail={"count": count, "min": need}, docs=[t1], packet_level=True)
    provs = _t1_names(ctx, "provider")
    most = th(ctx, "max_providers")
    if len({n for n, _ in provs}) > most:
        out.add("TOO_MANY_PROVIDERS", None, [r.get("name") for _, r in provs],
                f"表一列出服务商{len({n for n, _ in provs})}家，超过{most}家", declared=len(provs),
                detail={"count": len(provs), "max": most}, docs=[t1], packet_level=True)


def _party_list(ctx: ReviewContext, out: Findings) -> None:
    t1 = table1(ctx)
    ents = _t1_names(ctx, "enterprise")
    if t1 is None or not ents:
        return
    listed = [n for n, _ in ents]
    others = {norm_name(p.name) for p in ctx.parties if p.role in ("lead", "provider")}
    orphans = orphan_parties(ctx)
    twins = twin_parties(ctx)
    complete = t1_count(ctx)[1]
    fuzzy = _ocr_form(ctx)
    with_docs = [norm_name(p.name) for p in ctx.parties if p.role == "enterprise" and p.key not in orphans]
    for party in ctx.parties:
        if party.role != "enterprise" or norm_name(party.name) in others or party.key in twins:
            continue
        taken = {norm_name(p.name) for p in ctx.parties if p.key != party.key and p.key not in orphans}
        # every entry taken: an entry may still be this party's, unless another company (another credit code)
        # holds it (宏诚电机 is not the 金锦电机 row, two characters off, that 金锦电机's own 表二 answers to)
        other_co = {norm_name(p.name) for p in ctx.parties if p.key != party.key and p.key not in orphans
                    and p.uscc and party.uscc and p.uscc != party.uscc}
        # a party made from a 表一 row (its garbled reading joined by its 表二 or documents) is listed
        made_from_row = party.listed_in_table1 and party.name_as_read is not None
        in_t1 = made_from_row or norm_name(party.name) in listed or \
            _listed(party.name, [n for n in listed if n not in taken] or [n for n in listed if n not in other_co], fuzzy)
        twin = fuzzy and party.key in orphans and _listed(party.name, [n for n in with_docs if n not in listed], True)
        if party.key in orphans and in_t1 and not twin:
            out.add("PARTY_LIST_MISMATCH", party, [], f"表一所列工业企业“{party.name}”无表二、营业执照及承诺函等材料",
                    declared=party.name, found=None, detail={"missing_in": ["table2", "business_license",
                                                                            "commitment_letter"]},
                    extra_evidence=party_anchor(ctx, party))
        elif not in_t1 and party.key not in orphans and complete:
            t2 = own_doc(ctx, party, DocKind.application_form, "table2")
            docs = [ctx.documents[i] for i in party.documents]
            kinds = sorted({("table2" if d.section == "table2" else d.kind.value) for d in docs})
            out.add("PARTY_LIST_MISMATCH", party, [ffield(t2, "name")],
                    f"“{party.name}”提交了材料（{'、'.join(kinds) or '表二'}），但不在表一工业企业名单中",
                    declared=None, found=party.name, detail={"missing_in": ["table1"], "present": kinds},
                    docs=[t2] + docs)
    _unmatched_rows(ctx, out, ents)


def _unmatched_rows(ctx: ReviewContext, out: Findings, ents: list) -> None:
    """表一 enterprises that no party (表二, licence, letter) answers to."""
    names = [norm_name(n) for p in ctx.parties for n in (p.name, p.name_as_read) if n]
    fuzzy = _ocr_form(ctx)
    for n, row in ents:
        if not _listed(n, names, fuzzy):
            f = row.get("name")
            out.add("PARTY_LIST_MISMATCH", None, [f], f"表一所列工业企业“{f.value}”无对应的表二、营业执照及承诺函",
                    declared=f.value, found=None, detail={"name": f.value, "missing_in": ["table2", "business_license",
                                                                                          "commitment_letter"]})


def check_eligibility(ctx: ReviewContext) -> list[FindingOut]:
    out = Findings(ctx)
    roles = set(rules_of(ctx).get("eligibility_roles") or ELIGIBLE_ROLES)
    for party in ctx.parties:
        if party.role in roles:
            _jiangmen(ctx, out, party)
            _too_young(ctx, out, party)
            _independent(ctx, out, party)
    _consortium(ctx, out)
    _party_list(ctx, out)
    return out.items
