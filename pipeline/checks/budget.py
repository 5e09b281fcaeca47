"""扶持标准: LINE_AMOUNT_MISMATCH, TOTAL_MISMATCH, SUBSIDY_RATIO_EXCEEDED, SUBSIDY_CAP_EXCEEDED,
CLUSTER_CAP_EXCEEDED, SERVICES_SHARE_EXCEEDED, NO_SAAS_PRODUCT, PROJECT_TOO_LONG, PROJECT_PERIOD_INVALID,
KPI_TOO_FEW, OVERVIEW_TOO_LONG, SUPPLIER_NOT_IN_CONSORTIUM."""
from __future__ import annotations

import re

from models.packet import Party, ReviewContext
from models.provenance import DocKind, Document, Field
from models.report import FindingOut
from pipeline.checks.base import (Findings, add_years, ffield, fmt_date, fmt_num, norm_name, own_doc, rules_of,
                                  rval, similarity, squash, table1, th, to_date, to_number)


# ------------------------------------------------------------------ product classification
def is_service(name: str, rules: dict) -> bool:
    """咨询、设计、检测、评价、实施、二次开发 … : a financed non-product item."""
    s = squash(name)
    svc = rules["services"]
    if any(squash(w) in s for w in svc.get("not_service", [])) and not any(
            squash(w) in s for w in svc.get("markers", [])):
        return False
    return any(squash(w) in s for w in svc["words"])


def is_saas(name: str, rules: dict) -> bool:
    """A product of the five industrial-SaaS scenarios (IOT, EAM, EMS, MES, … or their Chinese names)."""
    if is_service(name, rules):
        return False
    s = squash(name)
    for code in rules["saas"]["codes"]:
        if re.search(rf"(?<![A-Z]){re.escape(code.upper())}(?![A-Z])", s):
            return True
    return any(squash(w) in s for w in rules["saas"]["words"])


def _t2_docs(ctx: ReviewContext) -> list[tuple[Party | None, Document]]:
    """Every 表二 with its party (a 表二 with no party still gets its sums checked)."""
    out, seen = [], set()
    for p in ctx.parties:
        d = own_doc(ctx, p, DocKind.application_form, "table2")
        if d is not None and id(d) not in seen:
            out.append((p, d))
            seen.add(id(d))
    for d in ctx.docs_of_kind(DocKind.application_form, "table2"):
        if id(d) not in seen:
            out.append((None, d))
            seen.add(id(d))
    return out


def _num(f: Field | None) -> float | None:
    return to_number(f.value) if f is not None else None


# ------------------------------------------------------------------ per enterprise
def _enterprise(ctx: ReviewContext, out: Findings, party: Party | None, t2: Document) -> None:
    rules = rules_of(ctx)
    tol = th(ctx, "amount_tolerance_yuan")
    who = party.name if party else (t2.value("name") or "表二")

    amounts: list[float | None] = []
    for i, row in enumerate(t2.rows, 1):
        fp, fq, fa = row.get("unit_price"), row.get("quantity"), row.get("amount")
        p, q, a = _num(fp), _num(fq), _num(fa)
        amounts.append(a)
        if p is None or q is None or a is None:
            continue
        out.use(party, fp, fq, fa, label="产品明细金额")
        if abs(p * q - a) > tol:
            name = rval(row, "name") or f"第{rval(row, 'seq') or i}行"
            out.add("LINE_AMOUNT_MISMATCH", party, [fa, fp, fq],
                    f"{who}：产品“{name}”拟成交单价{fmt_num(p)}元×拟购数量{fmt_num(q)}={fmt_num(p * q)}元，"
                    f"与拟成交金额{fmt_num(a)}元不符", declared=a, found=round(p * q, 2),
                    detail={"row": i, "product": name, "unit_price": p, "quantity": q})

    ft, fs, fself = ffield(t2, "product_total"), ffield(t2, "subsidy"), ffield(t2, "self_pay")
    total, sub, selfpay = _num(ft), _num(fs), _num(fself)
    out.use(party, ft, fs, fself, label="产品金额合计")
    if total is not None and amounts and all(a is not None for a in amounts):
        s = sum(amounts)  # type: ignore[arg-type]
        if abs(s - total) > tol:
            out.add("TOTAL_MISMATCH", party, [ft] + [r.get("amount") for r in t2.rows],
                    f"{who}：产品明细合计{fmt_num(s)}元与产品总金额{fmt_num(total)}元不符",
                    declared=total, found=round(s, 2), detail={"what": "rows_vs_product_total"})
    if total is not None and sub is not None and selfpay is not None and abs(sub + selfpay - total) > tol:
        out.add("TOTAL_MISMATCH", party, [fs, fself, ft],
                f"{who}：财政扶持金额{fmt_num(sub)}元＋自付费金额{fmt_num(selfpay)}元＝{fmt_num(sub + selfpay)}元，"
                f"与产品总金额{fmt_num(total)}元不符", declared=total, found=round(sub + selfpay, 2),
                detail={"what": "subsidy_plus_self_pay"})

    ratio = th(ctx, "subsidy_ratio_max")
    if sub is not None and total is not None and total > 0 and sub > ratio * total + tol:
        out.add("SUBSIDY_RATIO_EXCEEDED", party, [fs, ft],
                f"{who}：财政扶持金额{fmt_num(sub)}元占产品总金额{fmt_num(total)}元的{sub / total:.1%}，"
                f"超过{ratio:.0%}", declared=sub, found=round(sub / total, 4),
                detail={"ratio": round(sub / total, 4), "max": ratio})
    cap = th(ctx, "subsidy_cap_yuan")
    if sub is not None and sub > cap + tol:
        out.add("SUBSIDY_CAP_EXCEEDED", party, [fs], f"{who}：财政扶持金额{fmt_num(sub)}元超过每家企业上限{fmt_num(cap)}元",
                declared=sub, found=cap, detail={"cap": cap})

    names = [rval(r, "name") for r in t2.rows]
    if t2.rows and all(names):
        svc_rows = [r for r in t2.rows if is_service(rval(r, "name"), rules)]
        svc = [_num(r.get("amount")) for r in svc_rows]
        base = total if total is not None else (sum(amounts) if all(a is not None for a in amounts) else None)  # type: ignore[arg-type]
        share_max = th(ctx, "services_share_max")
        if svc_rows and base and all(a is not None for a in svc):
            s = sum(svc)  # type: ignore[arg-type]
            if s > share_max * base + tol:
                out.add("SERVICES_SHARE_EXCEEDED", party, [r.get("amount") for r in svc_rows] + [ft],
                        f"{who}：咨询、设计、实施、二次开发等非应用产品合计{fmt_num(s)}元，占总投入{fmt_num(base)}元的"
                        f"{s / base:.1%}，超过{share_max:.0%}", declared=round(s, 2), found=round(s / base, 4),
                        detail={"services": [rval(r, "name") for r in svc_rows], "share": round(s / base, 4),
                                "max": share_max})
        if not any(is_saas(n, rules) for n in names):
            out.add("NO_SAAS_PRODUCT", party, [r.get("name") for r in t2.rows],
                    f"{who}：采购产品中没有五类工业SaaS应用产品（MES、ERP、PLM、SCM、WMS等）",
                    declared=names, found=None, detail={"products": names})
        _suppliers(ctx, out, party, t2, who)


def _suppliers(ctx: ReviewContext, out: Findings, party: Party | None, t2: Document, who: str) -> None:
    """SUPPLIER_NOT_IN_CONSORTIUM: a product from neither the lead, a 表一 provider, nor 华为云."""
    t1 = table1(ctx)
    if t1 is None or not t1.rows:
        return
    known = [norm_name(p.name) for p in ctx.parties if p.role in ("lead", "provider")]
    known += [norm_name(rval(r, "name")) for r in t1.rows if rval(r, "role") == "provider" and rval(r, "name")]
    lead = t1.value("lead_name")
    if lead:
        known.append(norm_name(lead))
    known += [norm_name(d.value("name")) for d in ctx.docs_of_kind(DocKind.business_license) if d.value("name")]
    known = [k for k in dict.fromkeys(known) if k]
    ocr = t2.ocr or any(p.ocr for p in [ctx.page(f, i) for f, i in t2.pages] if p is not None)
    if not any(p.role == "provider" for p in ctx.parties) and not any(rval(r, "role") == "provider" for r in t1.rows):
        return
    for r in t2.rows:
        fs = r.get("supplier")
        sup = rval(r, "supplier")
        if not sup:
            continue
        n = norm_name(sup)
        if "华为" in n or n in known or any(similarity(n, k) >= (0.5 if ocr else 0.75) for k in known) or \
                any(len(k) >= 5 and (n.startswith(k) or k.startswith(n)) for k in known):
            continue
        if fs is not None and fs.confidence < th(ctx, "ocr_low_confidence"):
            continue
        out.add("SUPPLIER_NOT_IN_CONSORTIUM", party, [fs],
                f"{who}：产品“{rval(r, 'name') or ''}”的供应商“{sup}”不是牵头单位、表一所列服务商或华为云",
                declared=sup, found=None, detail={"supplier": sup, "consortium": known})


# ------------------------------------------------------------------ cluster level (表一)
def _cluster(ctx: ReviewContext, out: Findings) -> None:
    t1 = table1(ctx)
    t2s = _t2_docs(ctx)
    tol_wan = th(ctx, "total_tolerance_wan") + 1e-6
    totals = [to_number(d.value("product_total")) for _, d in t2s]
    subs = [to_number(d.value("subsidy")) for _, d in t2s]
    from pipeline.checks.eligibility import t1_count
    n_listed = t1_count(ctx)[0] if t1 is not None else 0
    complete = bool(t2s) and (n_listed == 0 or n_listed == len(t2s))
    t2_fields = [d.fields.get("product_total") for _, d in t2s]
    if t1 is not None and complete:
        for key, label, vals, what in (("project_total_wan", "项目总投入额", totals, "product_total"),
                                       ("subsidy_wan", "财政扶持额度", subs, "subsidy")):
            f = t1.fields.get(key)
            v = _num(f)
            if v is None or any(x is None for x in vals):
                continue
            s = sum(vals) / 10000.0  # type: ignore[arg-type]
            out.use(None, f, label=label)
            if abs(v - s) > tol_wan:
                out.add("TOTAL_MISMATCH", None, [f] + [d.fields.get(what) for _, d in t2s],
                        f"表一{label}{fmt_num(v)}万元与各表二合计{fmt_num(round(s, 4))}万元不符",
                        declared=v, found=round(s, 4), detail={"what": f"table1_{key}"}, packet_level=True)
    cap = th(ctx, "cluster_cap_yuan")
    f = t1.fields.get("subsidy_wan") if t1 else None
    declared = _num(f)
    summed = sum(subs) if subs and all(x is not None for x in subs) else None  # type: ignore[arg-type]
    worst = max([x for x in ((declared * 10000.0) if declared is not None else None, summed) if x is not None],
                default=None)
    if worst is not None and worst > cap + th(ctx, "amount_tolerance_yuan"):
        out.add("CLUSTER_CAP_EXCEEDED", None, [f] + [d.fields.get("subsidy") for _, d in t2s],
                f"产业集群财政扶持总额{fmt_num(worst / 10000.0)}万元超过{fmt_num(cap / 10000.0)}万元上限",
                declared=worst, found=cap, detail={"table1_wan": declared, "table2_sum": summed, "cap": cap},
                docs=[t1], packet_level=True)
    del t2_fields
    if t1 is None:
        return
    # 项目起止时间
    fs, fe = t1.fields.get("project_start"), t1.fields.get("project_end")
    start, end = to_date(fs.value if fs else None), to_date(fe.value if fe else None)
    if start and end:
        out.use(None, fs, fe, label="项目起止时间")
        years = th(ctx, "project_max_years")
        if end < start:
            out.add("PROJECT_PERIOD_INVALID", None, [fs, fe],
                    f"表一项目起止时间{fmt_date(start)}至{fmt_date(end)}：结束早于开始", declared=[start, end],
                    detail={"start": start, "end": end}, packet_level=True)
        elif end > add_years(start, years):
            out.add("PROJECT_TOO_LONG", None, [fs, fe],
                    f"表一项目起止时间{fmt_date(start)}至{fmt_date(end)}，超过{years}年", declared=[start, end],
                    found=(end - start).days, detail={"start": start, "end": end, "days": (end - start).days},
                    packet_level=True)
    # 绩效目标
    fk = t1.fields.get("kpis_quantified")
    k = _num(fk)
    need = th(ctx, "kpi_min")
    # 0 is taken as unread: the form always prints the five KPI lines, so a count of 0 means the values
    # were not found (layouts wrap "量化指标（%）：" onto the next line) rather than left empty
    if k is not None and 0 < k < need:
        out.use(None, fk, label="量化绩效指标")
        out.add("KPI_TOO_FEW", None, [fk], f"表一量化经济效益指标仅{int(k)}项，少于{need}项",
                declared=int(k), found=int(k), detail={"count": int(k), "min": need}, docs=[t1], packet_level=True)
    # 产业集群概述
    fo, fc = t1.fields.get("overview"), t1.fields.get("overview_chars")
    n = _num(fc)
    if n is None and fo is not None and fo.value:
        n = len(re.sub(r"\s", "", str(fo.value)))
    most = th(ctx, "overview_max_chars")
    if n is not None and n > most:
        out.add("OVERVIEW_TOO_LONG", None, [fc, fo], f"表一产业集群概述{int(n)}字，超过{most}字",
                declared=int(n), found=int(n), detail={"chars": int(n), "max": most}, docs=[t1], packet_level=True)


def check_budget(ctx: ReviewContext) -> list[FindingOut]:
    out = Findings(ctx)
    for party, t2 in _t2_docs(ctx):
        _enterprise(ctx, out, party, t2)
    _cluster(ctx, out)
    return out.items
