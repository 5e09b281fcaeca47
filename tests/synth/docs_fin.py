"""Financial documents: 2024 audit report (4 pages), 企业所得税汇算清缴 report, monthly statements."""
from __future__ import annotations

import random

from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.platypus import PageBreak, Spacer

from . import seals as S
from .docs_form import SEAL_PT
from .flow import P, Recorder, Rendered, Seal, build, grid, title
from .model import Party
from .world import person

OPINION = {
    "standard_unqualified": ("审计意见", "我们认为，后附的财务报表在所有重大方面按照企业会计准则的规定编制，公允反映了{e}{y}年12月31日的财务状况以及{y}年度的经营成果和现金流量。", ""),
    "unqualified_with_emphasis": ("审计意见", "我们认为，后附的财务报表在所有重大方面按照企业会计准则的规定编制，公允反映了{e}{y}年12月31日的财务状况以及{y}年度的经营成果和现金流量。",
                                  "三、强调事项<br/>我们提醒财务报表使用者关注，财务报表附注所述{e}存在大额应收账款逾期的情况。本段内容不影响已发表的审计意见。"),
    "qualified": ("保留意见", "我们认为，除“形成保留意见的基础”部分所述事项产生的影响外，后附的财务报表在所有重大方面按照企业会计准则的规定编制，公允反映了{e}{y}年12月31日的财务状况。", ""),
    "adverse": ("否定意见", "我们认为，由于“形成否定意见的基础”部分所述事项的重要性，后附的财务报表没有在所有重大方面按照企业会计准则的规定编制，未能公允反映{e}{y}年12月31日的财务状况。", ""),
    "disclaimer": ("无法表示意见", "我们不对后附的{e}财务报表发表审计意见。由于“形成无法表示意见的基础”部分所述事项的重要性，我们无法获取充分、适当的审计证据以作为发表审计意见的基础。", ""),
}


def split(total: float, n: int, rng: random.Random) -> list[float]:
    """n positive parts (2 decimals) summing exactly to total."""
    w = [rng.uniform(0.3, 1.0) for _ in range(n)]
    parts = [round(total * x / sum(w), 2) for x in w]
    parts[0] = round(total - sum(parts[1:]), 2)
    return parts


def m(v: float, sep: bool = True) -> str:
    return f"{v:,.2f}" if sep else f"{v:.2f}"


def balance_rows(p: Party, assets: float, liab: float, equity: float, rng: random.Random, scale: float):
    ca = split(assets * 0.55, 5, rng)
    nca = split(round(assets - sum(ca), 2), 4, rng)
    cl = split(liab * 0.8, 6, rng)
    ncl = [round(liab - sum(cl), 2)]
    eq = split(equity, 4, rng) if equity > 0 else [equity, 0, 0, 0]
    A = ["货币资金", "应收账款", "预付款项", "其他应收款", "存货"]
    NA = ["固定资产", "在建工程", "无形资产", "长期待摊费用"]
    L = ["短期借款", "应付账款", "合同负债", "应付职工薪酬", "应交税费", "其他应付款"]
    E = ["实收资本（或股本）", "资本公积", "盈余公积", "未分配利润"]
    left = [("流动资产：", None)] + list(zip(A, ca)) + [("流动资产合计", sum(ca)), ("非流动资产：", None)] + \
        list(zip(NA, nca)) + [("非流动资产合计", sum(nca))]
    right = [("流动负债：", None)] + list(zip(L, cl)) + [("流动负债合计", sum(cl)), ("长期借款", ncl[0]),
                                                      ("非流动负债合计", ncl[0]), ("负债合计", liab), ("所有者权益：", None)] + \
        list(zip(E, eq)) + [("所有者权益合计", equity)]
    n = max(len(left), len(right))
    left += [("", None)] * (n - len(left))
    right += [("", None)] * (n - len(right))
    rows = [["资　产", "期末余额", "上年年末余额", "负债和所有者权益", "期末余额", "上年年末余额"]]
    for (a, av), (b, bv) in zip(left, right):
        rows.append([a, m(av) if av is not None else "", m(av * scale) if av is not None else "",
                     b, m(bv) if bv is not None else "", m(bv * scale) if bv is not None else ""])
    rows.append(["资产总计", m(assets), m(assets * scale), "负债和所有者权益总计", m(liab + equity),
                 m((liab + equity) * scale)])
    return rows


def income_rows(revenue: float, rng: random.Random, scale: float):
    cost = round(revenue * rng.uniform(0.7, 0.85), 2)
    items = [("税金及附加", 0.005), ("销售费用", 0.03), ("管理费用", 0.05), ("研发费用", 0.03), ("财务费用", 0.006)]
    exp = [(n, round(revenue * f * rng.uniform(0.5, 1.5), 2)) for n, f in items]
    op = round(revenue - cost - sum(v for _, v in exp), 2)
    oi, oe = round(revenue * 0.0005, 2), round(revenue * 0.0002, 2)
    total = round(op + oi - oe, 2)
    tax = round(max(total, 0) * 0.15, 2)
    rows = [("一、营业收入", revenue), ("减：营业成本", cost)] + exp + [("二、营业利润", op), ("加：营业外收入", oi),
                                                                ("减：营业外支出", oe), ("三、利润总额", total),
                                                                ("减：所得税费用", tax), ("四、净利润", round(total - tax, 2))]
    return [["项　目", "本期金额", "上期金额"]] + [[a, m(v), m(v * scale)] for a, v in rows]


def audit_report(p: Party, rng: random.Random) -> Rendered:
    f, h = p.financials, p.hints
    y = f.fiscal_year
    rec = Recorder()
    head, opinion, emphasis = OPINION[f.opinion or "standard_unqualified"]
    firm_png = S.seal_png(f.firm, "company", False, seed=S.stable(f.firm))
    basis = "形成审计意见的基础" if head == "审计意见" else f"形成{head}的基础"
    flow = [Spacer(1, 160), title(f.entity, 20), title(f"{y}年度财务报表审计报告", 18), P(f.report_no, 11, align=TA_CENTER),
            Spacer(1, 330), P(f.firm, 13, align=TA_CENTER), P("中国·江门", 11, align=TA_CENTER), PageBreak(),
            title("审 计 报 告", 18), P(f.report_no, 10, align=TA_RIGHT), P(f"{f.entity}全体股东：", 10.5),
            P(f"一、{head}", 11),
            P(f"我们审计了{f.entity}财务报表，包括{y}年12月31日的资产负债表，{y}年度的利润表、现金流量表、所有者权益变动表以及相关财务报表附注。", 10.5, indent=21),
            P(opinion.format(e=f.entity, y=y), 10.5, indent=21), P(f"二、{basis}", 11),
            P("我们按照中国注册会计师审计准则的规定执行了审计工作。审计报告的“注册会计师对财务报表审计的责任”部分进一步阐述了我们在这些准则下的责任。"
              "我们相信，我们获取的审计证据是充分、适当的，为发表审计意见提供了基础。", 10.5, indent=21)]
    if emphasis:
        flow.append(P(emphasis.format(e=f.entity), 10.5, indent=21))
    sig = grid([[[P(f.firm, 10), Seal(rec, firm_png, SEAL_PT, SEAL_PT, 20, -70, f.firm, "company", p.key, "audit")],
                 f"中国注册会计师：{person(rng)}"], ["", f"中国注册会计师：{person(rng)}"],
                ["中国·江门", f"{y + 1}年{rng.randint(3, 5)}月{rng.randint(1, 28)}日"]], [250, 200], size=10,
               lines=False, extra=[ ("BOTTOMPADDING", (0, 0), (-1, -1), 14)])
    flow += [Spacer(1, 20), sig, PageBreak()]
    liab_eq_total = f.total_liabilities + f.total_equity
    flow += [title("资产负债表", 15), P(f"编制单位：{f.entity}　　　　{y}年12月31日　　　　单位：元", 8.5),
             grid(balance_rows(p, f.total_assets, f.total_liabilities, f.total_equity, rng, h.prior_scale),
                  [75, 68, 68, 90, 68, 68], size=7),
             P(f"单位负责人：{p.license.legal_representative if p.license else person(rng)}　　主管会计工作负责人：{person(rng)}"
               f"　　会计机构负责人：{person(rng)}", 8), PageBreak(),
             title("利润表", 15), P(f"编制单位：{f.entity}　　　　{y}年度　　　　单位：元", 8.5),
             grid(income_rows(f.revenue, rng, h.prior_scale), [180, 130, 130], size=8.5)]
    assert abs(liab_eq_total + h.balance_off - f.total_assets) < 0.02
    return build(flow, rec=rec)


def tax_report(p: Party, rng: random.Random) -> Rendered:
    """企业所得税年度纳税申报表（A类）主表 + 资产负债表."""
    f, h = p.financials, p.hints
    y = f.fiscal_year
    inc = income_rows(f.revenue, rng, 1.0)
    rows = [["行次", "项　目", "金　额"]] + [[str(i + 1), a, v] for i, (a, v, _) in enumerate(inc[1:])]
    flow = [title("中华人民共和国企业所得税年度纳税申报表（A类）", 15), P("企业所得税汇算清缴报告", 12, align=TA_CENTER),
            P(f"税款所属期间：{y}年01月01日至{y}年12月31日", 10), P(f"纳税人名称：{f.entity}", 10),
            P(f"纳税人识别号（统一社会信用代码）：{p.uscc}", 10), P("金额单位：元（列至角分）", 10),
            grid(rows, [40, 250, 150], size=9), PageBreak(), title("资产负债表", 15),
            P(f"编制单位：{f.entity}　　　　{y}年12月31日　　　　单位：元", 8.5),
            grid(balance_rows(p, f.total_assets, f.total_liabilities, f.total_equity, rng, h.prior_scale),
                 [75, 68, 68, 90, 68, 68], size=7)]
    return build(flow)


def statements(p: Party, rng: random.Random) -> Rendered:
    f = p.financials
    months = p.statements_months
    base_a = (f.total_assets if f else 2e7) / 1.0
    cols = [f"2025年{mo}月" for mo in months]
    bal = [["项　目"] + cols]
    vals = {k: [] for k in ["货币资金", "应收账款", "存货", "固定资产", "其他资产", "资产总计", "流动负债", "非流动负债",
                            "负债合计", "所有者权益合计", "负债和所有者权益总计"]}
    for _ in months:
        a = split(round(base_a * rng.uniform(0.95, 1.1), 2), 5, rng)
        tot = round(sum(a), 2)
        liab = round(tot * rng.uniform(0.35, 0.65), 2)
        cl = round(liab * 0.8, 2)
        for k, v in zip(["货币资金", "应收账款", "存货", "固定资产", "其他资产"], a):
            vals[k].append(v)
        vals["资产总计"].append(tot)
        vals["流动负债"].append(cl)
        vals["非流动负债"].append(round(liab - cl, 2))
        vals["负债合计"].append(liab)
        vals["所有者权益合计"].append(round(tot - liab, 2))
        vals["负债和所有者权益总计"].append(tot)
    bal += [[k] + [m(v) for v in vs] for k, vs in vals.items()]
    rev = (f.revenue if f else 2e7) / 12
    inc = {"营业收入": [round(rev * rng.uniform(0.8, 1.2), 2) for _ in months]}
    inc["营业成本"] = [round(v * rng.uniform(0.7, 0.85), 2) for v in inc["营业收入"]]
    inc["期间费用"] = [round(v * rng.uniform(0.08, 0.12), 2) for v in inc["营业收入"]]
    inc["利润总额"] = [round(a - b - c, 2) for a, b, c in zip(inc["营业收入"], inc["营业成本"], inc["期间费用"])]
    inc["净利润"] = [round(v * 0.85, 2) for v in inc["利润总额"]]
    incr = [["项　目"] + cols + ["本年累计"]] + [[k] + [m(v) for v in vs] + [m(sum(vs))] for k, vs in inc.items()]
    name = f.entity if f else p.name
    w = 475 / (len(months) + 2)
    flow = [title(f"{p.name}<br/>2025年{months[0]}-{months[-1]}月财务报表", 15), P("资产负债表（月报）", 11, align=TA_CENTER),
            P(f"编制单位：{p.name}　　　　单位：元", 8), grid(bal, [w * 1.3] + [w] * len(months), size=6.5),
            Spacer(1, 10), P("利润表（月报）", 11, align=TA_CENTER), P(f"编制单位：{p.name}　　　　单位：元", 8),
            grid(incr, [w * 1.1] + [w * 0.95] * (len(months) + 1), size=6.5),
            P(f"单位负责人：{person(rng)}　　财务负责人：{person(rng)}　　制表：{person(rng)}", 8)]
    del name
    return build(flow)
