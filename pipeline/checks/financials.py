"""财务: REVENUE_MISMATCH, BALANCE_SHEET_UNBALANCED, AUDIT_YEAR_WRONG, AUDIT_OPINION_MODIFIED,
AUDIT_ENTITY_MISMATCH, STATEMENTS_PERIOD_INCOMPLETE."""
from __future__ import annotations

import re
from datetime import date

from models.packet import Party, ReviewContext
from models.provenance import DocKind, Document, Field
from models.report import FindingOut
from pipeline.checks.base import (Findings, application_date, edit_distance, ffield, fmt_num, norm_name, own_doc,
                                  party_docs, rules_of, th, to_date, to_number)

OPINION_CN = {"standard_unqualified": "标准无保留意见", "unqualified_with_emphasis": "带强调事项段的无保留意见",
              "qualified": "保留意见", "adverse": "否定意见", "disclaimer": "无法表示意见"}
KIND_CN = {DocKind.audit_report: "审计报告", DocKind.tax_report: "汇算清缴报告",
           DocKind.financial_statements: "财务报表"}


def _num(f: Field | None) -> float | None:
    return to_number(f.value) if f is not None and not isinstance(f.value, (list, tuple)) else None


def _audit(ctx: ReviewContext, party: Party) -> Document | None:
    return own_doc(ctx, party, DocKind.audit_report) or own_doc(ctx, party, DocKind.tax_report)


def _balance(ctx: ReviewContext, out: Findings, party: Party, doc: Document) -> None:
    fa, fle = ffield(doc, "total_assets"), ffield(doc, "total_liabilities_and_equity")
    fl, fe = ffield(doc, "total_liabilities"), ffield(doc, "total_equity")
    pairs: list[tuple[float, float, list[Field | None], str]] = []
    a = fa.value if fa else None
    b = fle.value if fle else None
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):  # one value per month
        for x, y in zip(a, b):
            x, y = to_number(x), to_number(y)
            if x is not None and y is not None:
                pairs.append((x, y, [fa, fle], "负债和所有者权益总计"))
    else:
        x, y = _num(fa), _num(fle)
        if x is not None and y is not None:
            pairs.append((x, y, [fa, fle], "负债和所有者权益总计"))
        elif x is not None and _num(fl) is not None and _num(fe) is not None:
            pairs.append((x, _num(fl) + _num(fe), [fa, fl, fe], "负债合计＋所有者权益合计"))  # type: ignore[operator]
    tol = max(th(ctx, "amount_tolerance_yuan"), 0.0)
    for x, y, fields, label in pairs:
        out.use(party, *fields, label="资产负债表合计")
        if abs(x - y) > max(tol, 1e-7 * abs(x)):
            out.add("BALANCE_SHEET_UNBALANCED", party, fields,
                    f"{party.name}{KIND_CN.get(doc.kind, '')}：资产总计{fmt_num(x)}元≠{label}{fmt_num(y)}元",
                    declared=x, found=y, detail={"doc_kind": doc.kind.value, "difference": round(x - y, 2)},
                    docs=[doc])
            break


def _months(v) -> list[tuple[int, int]]:
    """["2025-01", …] / [date, …] / ["2025年1月", …] → sorted distinct (year, month)."""
    out = set()
    for m in v or []:
        if isinstance(m, date):
            out.add((m.year, m.month))
            continue
        s = str(m)
        g = re.search(r"(\d{4})\D{0,2}(\d{1,2})", s)
        if g and 1 <= int(g[2]) <= 12:
            out.add((int(g[1]), int(g[2])))
    return sorted(out)


def _statements(ctx: ReviewContext, out: Findings, party: Party) -> None:
    docs = [d for d in party_docs(ctx, party, DocKind.financial_statements)
            if d.extra.get("content_party") in (None, party.key)]
    if not docs:
        return
    fields = [d.fields.get("months") for d in docs]
    months = sorted({m for f in fields if f is not None for m in _months(f.value)})
    if not months:
        return  # months unread: no claim
    need = th(ctx, "statements_months")
    app = application_date(ctx)
    window = th(ctx, "statements_window_months")
    if app is not None:
        idx = app.year * 12 + app.month - 1
        recent = [m for m in months if idx - window <= m[0] * 12 + m[1] - 1 <= idx]
    else:
        recent = months
    out.use(party, *fields, label="报表月份")
    if len(recent) < need:
        shown = "、".join(f"{y}-{m:02d}" for y, m in months)
        out.add("STATEMENTS_PERIOD_INCOMPLETE", party, fields,
                f"{party.name}：近期财务报表仅覆盖{len(recent)}个月（{shown}），应为申报日期前{need}个月",
                declared=need, found=[f"{y}-{m:02d}" for y, m in months],
                detail={"months": [f"{y}-{m:02d}" for y, m in months], "recent": len(recent), "required": need},
                docs=docs)


def _read_twice(ctx: ReviewContext, doc: Document, name: str, sure: float = 0.99) -> bool:
    """The name stands, read surely, on two lines of the document (纳税人名称 and a statement's 编制单位, the
    opinion and a statement): a one-character difference read the same twice is the document's, not OCR's."""
    hits = 0
    for ref in doc.pages:
        page = ctx.page(*ref)
        for line in page.lines if page else []:
            hits += line.confidence >= sure and name in norm_name(line.text)
    return hits >= 2


def _party(ctx: ReviewContext, out: Findings, party: Party) -> None:
    rules = rules_of(ctx)
    audit = _audit(ctx, party)
    year = th(ctx, "audit_fiscal_year")
    low = th(ctx, "ocr_low_confidence")
    if audit is not None:
        kind = KIND_CN[audit.kind]
        fy = ffield(audit, "fiscal_year")
        y = _num(fy)
        if y is not None:
            out.use(party, fy, label="审计年度")
            if int(y) != year:
                out.add("AUDIT_YEAR_WRONG", party, [fy], f"{party.name}：{kind}所属年度为{int(y)}年，应为{year}年度",
                        declared=year, found=int(y), detail={"doc_kind": audit.kind.value, "found": int(y)})
        fo = ffield(audit, "opinion")
        if audit.kind == DocKind.audit_report and fo is not None and fo.value:
            out.use(party, fo, label="审计意见")
            if fo.value in rules.get("audit_opinions", {}).get("modified", []):
                out.add("AUDIT_OPINION_MODIFIED", party, [fo],
                        f"{party.name}：审计意见为{OPINION_CN.get(fo.value, fo.value)}，非标准无保留意见",
                        declared="standard_unqualified", found=fo.value, detail={"opinion": fo.value})
        fent = ffield(audit, "entity")
        if fent is not None and fent.value:
            out.use(party, fent, label="被审计单位")
            names = {norm_name(party.name)}
            for d, key in ((own_doc(ctx, party, DocKind.business_license), "name"),
                           (own_doc(ctx, party, DocKind.application_form, "table2"), "name")):
                if d is not None and d.value(key):
                    names.add(norm_name(d.value(key)))
            ent = norm_name(fent.value)
            if ent not in names:
                dist = min(edit_distance(ent, n) for n in names)
                ocr_noise = fent.confidence < low or (audit.ocr and not _read_twice(ctx, audit, ent))
                if not (ocr_noise and dist <= 1):
                    out.add("AUDIT_ENTITY_MISMATCH", party, [fent],
                            f"{kind}的被审计单位“{fent.value}”与申报单位“{party.name}”不一致",
                            declared=party.name, found=fent.value, detail={"doc_kind": audit.kind.value})
        # 2024年主营业务收入 vs audited 营业收入
        t2 = own_doc(ctx, party, DocKind.application_form, "table2")
        fd, fr = ffield(t2, "revenue_2024_wan"), ffield(audit, "revenue")
        d, r = _num(fd), _num(fr)
        if d is not None and r is not None and (y is None or int(y) == year):
            out.use(party, fd, fr, label="营业收入")
            r_wan = r / 10000.0
            tol = max(th(ctx, "revenue_tolerance_ratio") * abs(r_wan), th(ctx, "revenue_tolerance_wan"))
            if abs(d - r_wan) > tol + 1e-9:
                out.add("REVENUE_MISMATCH", party, [fd, fr],
                        f"{party.name}：表二2024年主营业务收入{fmt_num(d)}万元与{kind}营业收入{fmt_num(r)}元"
                        f"（{fmt_num(round(r_wan, 2))}万元）相差{abs(d - r_wan) / r_wan:.1%}" if r_wan else
                        f"{party.name}：表二2024年主营业务收入{fmt_num(d)}万元与{kind}营业收入{fmt_num(r)}元不符",
                        declared=d, found=round(r_wan, 4), detail={"audited_yuan": r, "doc_kind": audit.kind.value})
    for kind in (DocKind.audit_report, DocKind.tax_report, DocKind.financial_statements):
        for doc in party_docs(ctx, party, kind):
            if doc.extra.get("content_party") in (None, party.key):
                _balance(ctx, out, party, doc)
    _statements(ctx, out, party)


def check_financials(ctx: ReviewContext) -> list[FindingOut]:
    out = Findings(ctx)
    for party in ctx.parties:
        _party(ctx, out, party)
    return out.items
