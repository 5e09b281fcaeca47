"""表二 vs 营业执照: USCC_INVALID, USCC_MISMATCH, NAME_MISMATCH, ESTABLISHED_MISMATCH, CAPITAL_MISMATCH,
ADDRESS_MISMATCH."""
from __future__ import annotations

import re

from models.packet import Party, ReviewContext
from models.provenance import DocKind, Document, Field
from models.report import FindingOut
from pipeline.checks.base import (Findings, capital_wan_from_text, edit_distance, ffield, fmt_date, fmt_num,
                                  norm_name, own_doc, party_docs, rules_of, squash, th, to_date, to_number)
from pipeline.checks.uscc import compact, uscc_problem

ROLE_CN = {"lead": "牵头单位", "enterprise": "", "provider": "服务商"}


def _conf(f: Field | None) -> float:
    if f is None:
        return 0.0
    c = f.confidence
    if f.evidence is not None and f.evidence.confidence is not None:
        c = min(c, f.evidence.confidence)
    return c


def norm_address(s: str, rules: dict) -> str:
    """Address compared without province/city prefixes, spaces, brackets' width and punctuation (no address
    differs by a colon or a comma: OCR reads a speck after 金星路 as ':')."""
    t = re.sub(r"[:：;；,，、.。·'\"“”‘’]", "", norm_name(s))
    for pre in ("中国", "中华人民共和国", squash(rules["region"].get("province") or "广东省"),
                squash(rules["region"]["city"])):
        if t.startswith(pre):
            t = t[len(pre):]
    return t


def _code_in(raw: str | None) -> str | None:
    """An 18-character code-like string in the raw text of a field whose value could not be validated."""
    if not raw:
        return None
    m = re.search(r"[0-9A-Z]{18}", compact(raw))
    return m.group() if m else None


def _check_uscc(ctx: ReviewContext, out: Findings, party: Party, t2: Document | None, lic: Document | None) -> set[str]:
    """USCC_INVALID for each distinct bad code of the party; returns the invalid codes."""
    bad: dict[str, list[Field]] = {}
    reason: dict[str, str] = {}
    for doc in (t2, lic):
        f = ffield(doc, "uscc")
        if f is None:
            continue
        code = compact(f.value) if f.value else _code_in(f.raw)
        if not code:
            continue
        if f.value:
            out.use(party, f, label="统一社会信用代码")
        problem = uscc_problem(code)
        if problem is None:
            continue
        # an unrepairable code comes as value None: trust the reading itself
        conf = _conf(f) if f.value else (f.evidence.confidence if f.evidence and f.evidence.confidence is not None
                                         else 0.0)
        if f.evidence is not None and f.evidence.engine == "pdfplumber":
            conf = max(conf, 1.0 if not f.value else conf)
        if conf < th(ctx, "ocr_low_confidence"):
            continue  # likely an OCR misread: no claim
        bad.setdefault(code, []).append(f)
        reason[code] = problem
    for code, fields in bad.items():
        where = "、".join(("表二" if fl is ffield(t2, "uscc") else "营业执照") for fl in fields)
        out.add("USCC_INVALID", party, fields,
                f"{where}统一社会信用代码“{code}”不符合GB 32100-2015（{reason[code]}）",
                declared=code, found=reason[code], detail={"reason": reason[code]})
    return set(bad)


def _licence_name_misread(ctx: ReviewContext, party: Party, fd: Field, fl: Field) -> bool:
    """An OCR'd licence name one or two characters off the 表二 name ('盛三' for '盛丰') is a misread when the
    party's text-layer documents (audit report, statements, commitment letter: typed, not OCR'd) name the
    表二 form exactly and none names the licence's form; with no typed document, when two scanned ones do. A real mismatch shows the other way round: those
    documents carry the registered (licence) name."""
    if fl.evidence is None or fl.evidence.engine == "pdfplumber":
        return False
    a, b = norm_name(fd.value), norm_name(fl.value)
    if edit_distance(a, b) > 2:
        return False
    typed: list[str] = []
    scanned: list[str] = []
    for d in ctx.documents:
        if d.kind not in (DocKind.audit_report, DocKind.tax_report, DocKind.financial_statements,
                          DocKind.commitment_letter):
            continue
        if not (d.party_key == party.key or (party.uscc and d.party_uscc == party.uscc)):
            continue
        for k in ("entity", "committer"):
            f = d.fields.get(k)
            if f is not None and isinstance(f.value, str) and f.value:
                typed_field = not d.ocr and (f.evidence is None or f.evidence.engine == "pdfplumber")
                (typed if typed_field else scanned).append(norm_name(f.value))
    if typed:
        return a in typed and b not in typed
    # all scanned: two documents read the 表二 form exactly and none the licence's (an OCR misread of the
    # licence's 宇 as 字 is not repeated letter for letter on the report and the letter)
    return scanned.count(a) >= 2 and b not in scanned


def _check_party(ctx: ReviewContext, out: Findings, party: Party) -> None:
    rules = rules_of(ctx)
    t2 = own_doc(ctx, party, DocKind.application_form, "table2")
    lic = own_doc(ctx, party, DocKind.business_license)
    invalid = _check_uscc(ctx, out, party, t2, lic)
    if t2 is None or lic is None:
        return
    who = party.name

    # 统一社会信用代码
    fd, fl = ffield(t2, "uscc"), ffield(lic, "uscc")
    if fd and fl and fd.value and fl.value:
        a, b = compact(fd.value), compact(fl.value)
        same_typo = (a in invalid or b in invalid) and edit_distance(a, b) <= 1
        if a != b and not same_typo:
            out.add("USCC_MISMATCH", party, [fd, fl],
                    f"{who}：表二统一社会信用代码（{a}）与营业执照（{b}）不一致", declared=a, found=b)

    # 单位名称
    fd, fl = ffield(t2, "name"), ffield(lic, "name")
    if fd and fl and fd.value and fl.value:
        out.use(party, fd, fl, label="单位名称")
        a, b = norm_name(fd.value), norm_name(fl.value)
        if a != b and not _licence_name_misread(ctx, party, fd, fl):
            out.add("NAME_MISMATCH", party, [fd, fl], f"表二单位名称（{fd.value}）与营业执照名称（{fl.value}）不一致",
                    declared=fd.value, found=fl.value)

    # 成立时间
    fd, fl = ffield(t2, "established"), ffield(lic, "established")
    a, b = to_date(fd.value if fd else None), to_date(fl.value if fl else None)
    if a and b:
        out.use(party, fd, fl, label="成立时间")
        if a != b:
            out.add("ESTABLISHED_MISMATCH", party, [fd, fl],
                    f"{who}：表二成立时间（{fmt_date(a)}）与营业执照成立日期（{fmt_date(b)}）不一致",
                    declared=a, found=b)

    # 注册资本（万元）
    fd = ffield(t2, "registered_capital_wan")
    fl, ft = ffield(lic, "registered_capital_wan"), ffield(lic, "registered_capital_text")
    a = to_number(fd.value if fd else None)
    text = ft.value if ft and ft.value else None
    b = to_number(fl.value) if fl and fl.value is not None else capital_wan_from_text(text)
    foreign = text is not None and capital_wan_from_text(text) is None and any(
        c in squash(text) for c in ("美元", "港元", "港币", "欧元", "日元"))
    if a is not None and b is not None and not foreign:
        out.use(party, fd, fl if fl and fl.value is not None else ft, label="注册资本")
        if abs(a - b) > th(ctx, "capital_tolerance_wan") + 1e-9:
            shown = f"{text}={fmt_num(b)}万元" if text else f"{fmt_num(b)}万元"
            out.add("CAPITAL_MISMATCH", party, [fd, fl if fl and fl.value is not None else ft, ft if fl else None],
                    f"{who}：表二注册资本（{fmt_num(a)}万元）与营业执照（{shown}）不一致",
                    declared=a, found=b, detail={"license_text": text})

    # 单位地址
    fd, fl = ffield(t2, "address"), ffield(lic, "address")
    if fd and fl and fd.value and fl.value:
        out.use(party, fd, fl, label="单位地址")
        a, b = norm_address(fd.value, rules), norm_address(fl.value, rules)
        if a != b:
            out.add("ADDRESS_MISMATCH", party, [fd, fl],
                    f"{who}：表二单位地址（{fd.value}）与营业执照住所（{fl.value}）不一致",
                    declared=fd.value, found=fl.value)
    elif fd and fd.value and fl and fl.value is None and _cut_address_differs(ctx, fd.value, fl, rules):
        out.add("ADDRESS_MISMATCH", party, [fd, fl],
                f"{who}：表二单位地址（{fd.value}）与营业执照住所（{fl.raw}……，末尾未能识别）不一致",
                declared=fd.value, found=fl.raw, detail={"license_read": "partial"})


def _cut_address_differs(ctx: ReviewContext, declared: str, fl: Field, rules: dict) -> bool:
    """A licence address read confidently but rejected as incomplete (its last characters lost by OCR, e.g.
    '…250号之' for '…250号之一') still contradicts the declared address when its readable part differs from
    the declared one's start by more than OCR noise (two edits)."""
    conf = fl.evidence.confidence if fl.evidence is not None and fl.evidence.confidence is not None else 0.0
    if not fl.raw or conf < 0.95:    # a confident reading only: a garbled one proves nothing
        return False
    got = norm_address(fl.raw, rules)
    want = norm_address(declared, rules)
    if len(got) < 6:
        return False
    return edit_distance(got, want[:len(got)]) > 2


def check_identity(ctx: ReviewContext) -> list[FindingOut]:
    out = Findings(ctx)
    for party in ctx.parties:
        _check_party(ctx, out, party)
    return out.items
