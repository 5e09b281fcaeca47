"""申报书 (附件1-1): cover, 表一 (2 pages), one 表二 per enterprise, 表三-五, 六; 骑缝章 slices on the right edge."""
from __future__ import annotations

import datetime as dt
import random

from reportlab.lib.enums import TA_CENTER
from reportlab.platypus import PageBreak, Spacer

from . import seals as S
from .cnfmt import fmt_date, fmt_money
from .flow import Anchor, P, Recorder, Rendered, Seal, build, draw_png, grid, style, title
from .model import PacketSpec, Party
from .vocab import ALL_CHAINS

SEAL_PT = 113.4


def seal_flow(rec: Recorder, p: Party, slot: str, rng: random.Random, dx: float, dy: float) -> Seal:
    sp = p.hints.slots.get(slot)
    if sp is None or sp.text is None:
        return Seal(rec, None, 0, 0, 0, 0, None, "none", p.key, slot)
    png = S.seal_png(sp.text, sp.kind, sp.oval, seed=S.stable(sp.text))
    h = SEAL_PT * (0.68 if sp.oval else 1.0)
    return Seal(rec, png, SEAL_PT, h, dx + rng.uniform(-15, 15), dy + rng.uniform(-10, 10), sp.text, sp.kind,
                p.key, slot)


def box(options: list[str], chosen: str) -> str:
    return "  ".join(("■" if o == chosen else "□") + o for o in options)


def cover(spec: PacketSpec, rec: Recorder, rng: random.Random) -> list:
    lead = spec.lead
    date = fmt_date(dt.date.fromisoformat(spec.application_date), lead.hints.date_style)
    line = style(12)
    rows = [["牵头单位（盖章）：", [P(lead.name, 12), seal_flow(rec, lead, "cover", rng, 60, -60)]],
            ["产业集群名称：", spec.cluster_name], ["申 报 日 期 ：", date]]
    t = grid(rows, [130, 280], size=12, lines=False, extra=[
                                               ("LINEBELOW", (1, 0), (1, -1), 0.8, (0, 0, 0)),
                                               ("BOTTOMPADDING", (0, 0), (-1, -1), 10)])
    return [Anchor(rec, "cover", "L"), Spacer(1, 110), title("2025年江门市工业互联网产业集群<br/>试点项目申报书", 22),
            Spacer(1, 150), t, Spacer(1, 210), P("江门市工业和信息化局编制", 12, align=TA_CENTER), PageBreak()]


def table1(spec: PacketSpec, rec: Recorder, rng: random.Random) -> list:
    lead, ents, provs = spec.lead, spec.table1_enterprises, spec.providers
    chain = box(ALL_CHAINS, spec.chain if spec.chain in ALL_CHAINS else "其他")
    data = [["产业集群名称", spec.cluster_name, "", "", "", ""], ["所属产业链", chain, "", "", "", ""],
            ["牵头单位", lead.name, "", "", "", ""],
            ["单位性质", box(["中央企业", "地方国企", "民营", "三资"], lead.hints.nature), "", "", "", ""],
            ["联系人", "姓名", lead.hints.contact, "手机", lead.hints.phone, ""],
            ["", "职务", lead.hints.contact_title, "E-mail", lead.hints.email, ""],
            ["单位地址", lead.license.address if lead.license else "", "", "", "", ""],
            ["参与单位", "工业企业", "序号", "工业企业名称", "", ""]]
    spans = [((1, r), (5, r)) for r in (0, 1, 2, 3, 6)] + [((0, 4), (0, 5)), ((4, 4), (5, 4)), ((4, 5), (5, 5))]
    r0 = len(data) - 1
    for i, n in enumerate(ents):
        data.append(["", "", str(i + 1), n, "", ""])
    spans += [((1, r0), (1, len(data) - 1))]
    r1 = len(data)
    data.append(["", "服务商", "序号", "华为ISV服务商名称", "", ""])
    for i, p in enumerate(provs):
        data.append(["", "", str(i + 1), [P(p.name, 9), seal_flow(rec, p, "table1", rng, 60, -40)], "", ""])
    spans += [((1, r1), (1, len(data) - 1)), ((0, r0), (0, len(data) - 1))]
    spans += [((3, r), (5, r)) for r in range(r0, len(data))]
    t1 = grid(data, [70, 62, 62, 90, 90, 101], size=9, spans=spans,
              extra=[("ALIGN", (2, r0), (2, -1), "CENTER")])
    # page 2: amounts, period, KPIs, overview
    s, e = dt.date.fromisoformat(spec.project_start), dt.date.fromisoformat(spec.project_end)
    period = "    年   月   日至    年   月   日" if spec.project_blank else f"{s:%Y年%m月%d日}至{e:%Y年%m月%d日}"
    total = spec.project_total_wan + spec.extras.get("table1_total_off", 0)
    d2 = [["项目总投入额", f"{total:.2f}万元", "", "财政扶持额度", f"{spec.subsidy_wan:.2f}万元"],
          ["项目起止时间", period, "", "", ""],
          ["总体绩效目标", "经济效益", "提出不少于3项已实现的、量化的经济社会效益指标。",
           "●承诺三项以上已实现的、量化的经济社会效益指标；",
           "从以下5项经济效益指标中，承诺不少于3项量化的经济社会效益指标：<br/>"
           + "<br/>".join(("■" if k.quantified else "□") + k.name for k in spec.kpis)]]
    for k in spec.kpis:
        q = f"{k.pct}" if k.quantified else "______"
        b = k.before if k.quantified else "____________"
        a = k.after if k.quantified else "____________"
        d2.append(["", k.name, f"实施数字化智能化改造后，{k.name}取得成效。", f"●{k.name}；",
                   f"●预计{k.name}量化指标（%）：{q}<br/>●建设前情况：{b}<br/>●预计建设后情况：{a}"])
    n = len(spec.enterprises)
    d2.append(["", "验收标准", "试点企业数字化水平达到要求。", "数字化水平达到二级或以上",
               f"预计 {n} 家企业数字化水平达到二级及以上。"])
    osize = 8 if len(spec.overview) > 700 else 9
    d2.append(["产业集群概述", P(spec.overview, osize), "", "", ""])
    last = len(d2) - 1
    t2 = grid(d2, [70, 62, 110, 95, 138], size=8.5,
              spans=[((1, 0), (2, 0)), ((1, 1), (4, 1)), ((0, 2), (0, last - 1)), ((1, last), (4, last))])
    return [Anchor(rec, "table1", None), title("表一、产业集群信息表", 15), t1, PageBreak(), t2, PageBreak()]


def _num(v, sep: bool, dec: bool = True) -> str:
    if v is None:
        return ""
    return fmt_money(v, sep) if dec else (f"{v:g}")


def table2(spec: PacketSpec, p: Party, rec: Recorder, rng: random.Random) -> list:
    d, h = p.declared, p.hints
    est = fmt_date(dt.date.fromisoformat(d.established), h.date_style) if d.established else ""
    sign = "" if p.table2_date is None else fmt_date(dt.date.fromisoformat(p.table2_date), "cn")
    year = (d.established or (p.license.established if p.license else "") or "2010")[:4]
    text = f"{d.name}成立于{year}年，位于{d.address}，主要从事相关产品的研发、生产与销售，拥有较完善的生产与管理体系。"
    intro = [P(text, 9), Spacer(1, 14), P("单位盖章：", 9), seal_flow(rec, p, "table2", rng, 80, -50),
             Spacer(1, 8), P(f"日　　期：{sign}", 9)]
    cap = "" if d.registered_capital_wan is None else f"{d.registered_capital_wan:g}"
    rev = "" if d.revenue_2024_wan is None else f"{d.revenue_2024_wan:.2f}"
    top = [["单位名称", d.name, "", "", "", ""],
           ["统一社会信用代码", d.uscc or "", "", "成立时间", est, ""],
           ["单位性质", box(["中央企业", "地方国企", "民营", "三资"], h.nature), "", "注册资本（万元）", cap, ""],
           ["联系人", "姓名", h.contact, "手机", h.phone, ""], ["", "职务", h.contact_title, "E-mail", h.email, ""],
           ["单位地址", d.address, "", "", "", ""],
           ["2024年主营业务收入（万元）", rev, "", "员工总数（人）", str(d.employees), ""],
           ["单位简介", intro, "", "", "", ""],
           ["项目概述", "通过部署工业SaaS应用与云资源，打通设备、能耗、质量等环节数据，实现生产过程透明化管理。",
            "", "", "", ""]]
    spans = [((1, 0), (5, 0)), ((1, 1), (2, 1)), ((4, 1), (5, 1)), ((1, 2), (2, 2)), ((4, 2), (5, 2)),
             ((0, 3), (0, 4)), ((4, 3), (5, 3)), ((4, 4), (5, 4)), ((1, 5), (5, 5)), ((1, 6), (2, 6)),
             ((4, 6), (5, 6)), ((1, 7), (5, 7)), ((1, 8), (5, 8))]
    t1 = grid(top, [95, 60, 90, 90, 60, 80], size=9, spans=spans)
    head = grid([["拟申请联合体服务商产品明细表", "单位：元"]], [340, 135], size=8.5, lines=False)
    rows = [["序号", "产品名称", "供应商", "拟成交单价", "拟购数量", "拟成交金额"]]
    for i, x in enumerate(d.products):
        rows.append([str(i + 1), x.name, x.supplier, _num(x.unit_price, h.money_sep), str(x.quantity),
                     _num(x.amount, h.money_sep)])
    for i in range(len(d.products), max(8, len(d.products))):
        rows.append([str(i + 1), "", "", "", "", ""])
    n = len(rows)
    rows += [["产品总金额", "", _num(d.product_total, h.money_sep), "", "", ""],
             ["申请产品财政扶持金额", "", _num(d.subsidy, h.money_sep), "", "", ""],
             ["申请产品自付费金额", "", _num(d.self_pay, h.money_sep), "", "", ""]]
    spans = [((0, r), (1, r)) for r in range(n, n + 3)] + \
            [((2, r), (5, r)) for r in range(n, n + 3)]
    t2 = grid(rows, [30, 150, 120, 65, 45, 65], size=8.5, spans=spans,
              extra=[("ALIGN", (3, 1), (5, n - 1), "RIGHT")])
    return [Anchor(rec, "table2", p.key), title("表二、产业集群内企业信息表（一企一表）", 15), t1, head, t2, PageBreak()]


def tables345(spec: PacketSpec, rec: Recorder) -> list:
    need = [["序号", "需求分类", "需求详述", "对应产品模块"],
            ["1", "生产管控", "生产计划依赖人工排产，工单进度不透明，需实现工单下达、报工与进度实时可视。", "MES 生产执行系统"],
            ["2", "供应链管理", "原材料与成品库存账实不符，需实现扫码出入库与库位管理。", "WMS 仓储管理系统"],
            ["3", "经营销售管理", "订单、采购、财务数据分散，需统一业务与财务数据。", "ERP 企业资源计划"],
            ["4", "设备管理", "关键设备运行状态无法实时采集，需设备联网与告警。", "IoT 设备接入平台"]]
    func = [["功能模块", "功能子模块", "详细功能描述"], ["系统管理", "角色管理", "系统角色新增、删除、修改、查询"],
            ["生产管理", "工单管理", "工单创建、派工、报工、完工入库全流程管理"], ["", "质量追溯", "按批次追溯原料、工序、设备与检验记录"],
            ["仓储管理", "出入库管理", "扫码收货、上架、拣货、发运，库存实时更新"], ["设备管理", "设备监控", "设备状态、产量、能耗数据实时采集与告警"]]
    hours = [["项目阶段", "工作内容", "评估工时数（人时）"], ["项目启动阶段", "项目调研、需求确认与实施计划制定", "40"],
             ["项目执行阶段", "基础数据收集及整理、系统配置与联调测试", "280"], ["上线运行阶段", "用户培训、试运行与上线支持", "80"],
             ["验收阶段", "绩效数据采集与验收材料整理", "30"]]
    return [Anchor(rec, "tables345", None), title("表三、产业集群内企业需求表", 14), grid(need, [35, 80, 240, 120]),
            Spacer(1, 14), title("表四、产业集群内企业方案功能清单", 14), grid(func, [110, 110, 255]), Spacer(1, 14),
            title("表五、产业集群内企业方案人工工时评估表", 14), grid(hours, [110, 250, 115]), PageBreak(),
            title("六、产业集群内企业相关佐证材料", 14),
            P("产业集群内企业与项目相关的其它证明材料，包括制造业企业数字化水平评测结果、“信用中国”网站查验报告、各类相关资质证书、"
              "认证证书、知识产权证明、现场和装备照片、软件或系统界面截图等，详见各企业附件材料。", 10, indent=21)]


def application_form(spec: PacketSpec, rng: random.Random) -> Rendered:
    def flow(rec: Recorder) -> list:
        r = random.Random(spec.seed * 7 + 1)
        out = cover(spec, rec, r) + table1(spec, rec, r)
        for e in spec.enterprises:
            out += table2(spec, e, rec, r)
        return out + tables345(spec, rec)
    n = 5 + len(spec.enterprises)          # cover, 表一 x2, 表二 each, 表三-五, 六 (checked below)
    lead_png = S.seal_png(spec.lead.name, "company", False, seed=S.stable(spec.lead.name))
    y0 = rng.uniform(300, 420)

    def straddle(canv, doc):
        if not spec.straddle_seals:
            return
        i = canv.getPageNumber() - 1
        sl = S.slice_png(lead_png, min(i, n - 1), n)
        w = SEAL_PT * 0.22
        draw_png(canv, sl, 595.28 - w, 841.89 - y0 - SEAL_PT + rng.uniform(-3, 3), w, SEAL_PT)
    rec = Recorder()
    out = build(flow(rec), on_page=straddle, rec=rec)
    if len(out.sizes) != n:               # a section overflowed: rebuild with the real page count
        n = len(out.sizes)
        rec = Recorder()
        out = build(flow(rec), on_page=straddle, rec=rec)
    return out
