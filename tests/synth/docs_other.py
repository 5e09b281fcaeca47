"""调研报告 (附件1-2), 实施方案 (附件1-3), 责任承诺函 (附件1-4, lead and enterprise versions)."""
from __future__ import annotations

import datetime as dt
import random

from reportlab.lib.enums import TA_CENTER
from reportlab.platypus import Spacer

from .cnfmt import fmt_date
from .docs_form import seal_flow
from .flow import P, Recorder, Rendered, build, grid, title
from .model import PacketSpec, Party


def survey_report(spec: PacketSpec) -> Rendered:
    lead = spec.lead
    team = [["序号", "调研单位", "调研专家", "职务", "专业领域"]] + \
        [[str(i + 1), a, b, c, d] for i, (a, b, c, d) in enumerate(spec.survey_team)]
    rows = [["序号", "被调研企业名称", "类型", "产业链环节", "工艺工序环节", "企业年产值（万元）"]] + \
        [[str(i + 1), r.name, r.type, r.chain_pos, r.process, str(r.output_wan)] for i, r in enumerate(spec.survey_rows)]
    flow = [title("江门市产业集群数字化转型调研报告", 18), P(f"（{spec.cluster_name}）", 11, align=TA_CENTER),
            Spacer(1, 10), P("一、调研准备", 12),
            P(f"{lead.name}牵头组织调研团队，于2025年4月至7月采用实地走访、问卷调查与专家座谈相结合的方式，"
              f"对{spec.chain}产业链上中下游企业开展数字化转型调研。", 10, indent=20),
            P("（二）调研团队", 10), grid(team, [35, 170, 70, 100, 100]), P("（三）调研对象", 10),
            grid(rows, [30, 190, 75, 55, 65, 60], size=8.5), Spacer(1, 8), P("二、产业集群现状", 12),
            P(f"集群企业以中小企业为主，{spec.chain}产品配套齐全，但数字化基础薄弱，多数企业仍依靠纸质单据和Excel管理生产，"
              "设备联网率不足三成。", 10, indent=20),
            P("三、产业集群存在问题分析", 12),
            P("集群企业普遍面临订单碎片化、交期紧、质量追溯难和用工成本上升等问题，上下游协同依赖人工沟通。", 10, indent=20),
            P("四、产业集群发展转型需求", 12),
            P("按企业规模与数字化基础分级分类，凝练生产管控、仓储物流、设备管理与经营管理四类共性需求。", 10, indent=20),
            P("五、数字化转型诉求及发展建议", 12),
            P("建议以工业SaaS轻量化应用切入，先易后难、分步实施，同步加强数字化复合型人才培养。", 10, indent=20)]
    return build(flow)


def implementation_plan(spec: PacketSpec) -> Rendered:
    s, e = dt.date.fromisoformat(spec.project_start), dt.date.fromisoformat(spec.project_end)
    rows = [["序号", "项目名称", "项目单位", "建设内容", "投资额（万元）", "建设时间"]]
    for i, p in enumerate(spec.enterprises):
        prods = "、".join(x.name.split(" ")[0] for x in p.declared.products[:3])
        rows.append([str(i + 1), f"{p.hints.zihao}数字化改造项目", p.name, prods,
                     f"{p.declared.product_total / 10000:.2f}", f"{s:%Y.%m}-{e:%Y.%m}"])
    rows.append(["合计", "", "", "", f"{spec.project_total_wan:.2f}", ""])
    flow = [title("2025年江门市工业互联网产业集群试点项目<br/>实施方案", 18), P("一、产业集群分析", 12),
            P(f"（一）存在问题。{spec.cluster_name}企业普遍存在计划排产粗放、库存周转慢、设备数据孤岛等痛点。"
              "（二）原因分析。企业信息化投入不足，缺少适合中小企业的轻量化行业解决方案。", 10, indent=20),
            P("二、产业集群数字化转型方案", 12),
            P("（一）总体路径。以华为云为底座，以MES、WMS、ERP、IoT等工业SaaS为切入点，分批推进集群企业上云用数赋智。"
              "（二）重点任务。1、生产管控数字化；2、仓储物流数字化；3、设备互联与能耗管理；4、经营管理一体化。", 10, indent=20),
            P(f"（四）实施计划。项目于{s:%Y年%m月%d日}启动，{e:%Y年%m月%d日}前完成全部建设内容并申请验收。", 10, indent=20),
            P("（五）投资预算。产业集群数字化转型重点建设项目表如下：", 10, indent=20),
            grid(rows, [30, 95, 135, 110, 55, 55], size=8, spans=[((0, len(rows) - 1), (3, len(rows) - 1))]),
            Spacer(1, 8), P("（六）实施保障", 12),
            P("成立由牵头单位、服务商与集群企业组成的项目领导小组，建立周例会与月度进度报告制度，确保项目按期完成。", 10, indent=20)]
    return build(flow)


LEAD_ITEMS = [
    "一、本单位对申报项目及申报资料的真实性、合法性和可行性负责。",
    "二、产业集群内的企业收到项目扶持服务券后，本单位将严格遵守《2025年江门市工业互联网产业集群试点专项资金申报指南》中的要求督促企业进行项目投资，在每月最后一个工作日向贵局汇报项目实施进度，并于{end}完工。",
    "三、本单位及产业集群内的企业将切实加强对本项目服务券支出的使用管理，专款专用，专账管理，严格执行财务规章制度和会计核算办法。",
    "四、本单位及产业集群内的企业将自觉和认真配合工业和信息化、财政、审计、检察部门对本项目开展的绩效评价、审计，自查自纠等后续跟踪管理、监督检查。",
    "五、本单位及产业集群内的企业承诺近三年内获各级财政资金支持项目执行情况良好，在相关绩效评价和监督检查中未出现违规、违法问题；近三年内信用良好（没有被纳入经营异常名录或严重违法失信企业名单），未发生重大安全、环保、质量事故；申报项目未获得过其他财政资金支持。",
    "本单位及产业集群内的企业若违背以上承诺，愿意按国家有关法律、法规和规定，承担相应责任。",
    "本承诺书一式两份，数字江门网络建设有限公司和项目承担单位各执一份。", "特此承诺。"]
ENT_ITEMS = [
    "一、本单位对申报项目及申报资料的真实性、合法性和可行性负责。",
    "二、收到项目扶持服务券后，本单位将严格遵守《2025年江门市工业互联网产业集群试点项目专项资金申报指南》中的要求进行项目投资，并于{end}完工。",
    "三、本单位将切实加强对本项目服务券支出的使用管理，专款专用，专账管理，严格执行财务规章制度和会计核算办法。",
    "四、本单位将自觉和认真配合工业和信息化、财政、审计、检查部门对本项目开展的绩效评价、审计，自查自纠等后续跟踪管理、监督检查。",
    "五、本单位承诺近三年内获各级财政资金支持项目执行情况良好，在相关绩效评价和监督检查中未出现违规、违法问题；近三年内信用良好（没有被纳入经营异常名录或严重违法失信企业名单），未发生重大安全、环保、质量事故；申报项目未获得过其他财政资金支持。",
    "本单位若违背以上承诺，愿意按国家有关法律、法规和规定，承担相应责任。",
    "本承诺函一式两份，数字江门网络建设有限公司和项目承担单位各执一份。", "特此承诺。"]


def commitment_letter(spec: PacketSpec, p: Party, rng: random.Random) -> Rendered:
    lead = p.role == "lead"
    end = dt.date.fromisoformat(spec.project_end)
    items = LEAD_ITEMS if lead else ENT_ITEMS
    rec = Recorder()
    sign = "" if p.sign_date is None else fmt_date(dt.date.fromisoformat(p.sign_date), p.hints.date_style)
    flow = [Spacer(1, 20), title("2025年江门市工业互联网产业集群试点项目<br/>责任承诺函（{}）".format(
        "牵头单位" if lead else "工业企业"), 16), Spacer(1, 8), P("江门市工业和信息化局：", 11),
        P("本单位承担了2025年江门市工业互联网产业集群试点项目，本单位承诺做好如下事项：", 11, indent=22)]
    flow += [P(t.format(end=f"{end.year}年{end.month}月{end.day}日"), 11, indent=22, space=3) for t in items]
    sig = grid([["承诺方（盖章）：", ""], ["", [P(p.name, 11), seal_flow(rec, p, "commit", rng, 30, -60)]],
                ["签署日期：", sign]], [115, 220], size=11,
               lines=False, extra=[ ("BOTTOMPADDING", (0, 0), (-1, -1), 9)])
    sig.hAlign = "RIGHT"
    flow += [Spacer(1, 40), sig]
    return build(flow, rec=rec)
