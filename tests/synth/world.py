"""Build a clean, rule-abiding packet (PacketSpec) from a seed."""
from __future__ import annotations

import datetime as dt
import math
import random

from . import uscc as U
from . import vocab as V
from .cnfmt import add_years, capital_daxie, rand_date_style
from .model import Declared, Financials, Hints, Kpi, License, PacketSpec, Party, Product, SealSpec, SurveyRow

CAPITALS = [50, 100, 128, 200, 300, 368, 500, 800, 1000, 1200, 1500, 2000, 3000, 5000]
KPI_NAMES = ["降低运营成本", "降低不良品率", "提升生产效率", "提升能耗利用", "提升组织与人员能力"]


def _d(s: str) -> dt.date:
    return dt.date.fromisoformat(s)


def rand_date(rng: random.Random, lo: dt.date, hi: dt.date) -> dt.date:
    return lo + dt.timedelta(days=rng.randint(0, max(0, (hi - lo).days)))


def person(rng: random.Random) -> str:
    return rng.choice(V.SURNAMES) + "".join(rng.choice(V.GIVEN) for _ in range(rng.choice([1, 2, 2])))


def address(rng: random.Random, district: str) -> str:
    town = rng.choice(V.DISTRICTS[district])
    head = district if district in V.CITY_LEVEL else "江门市" + district
    if rng.random() < 0.15:
        head = "广东省" + head
    return f"{head}{town}{rng.choice(V.ROADS)}{rng.randint(1, 399)}号{rng.choice(V.ADDR_TAIL)}"


def authority(rng: random.Random, district: str) -> str:
    if rng.random() < 0.4:
        return "江门市市场监督管理局"
    return (district if district in V.CITY_LEVEL else "江门市" + district) + "市场监督管理局"


class World:
    """Random but plausible parties; `used` keeps names and 字号 unique within a packet."""

    def __init__(self, rng: random.Random, app: dt.date):
        self.rng, self.app = rng, app
        self.used_zihao: set[str] = set()
        self.used_names: set[str] = set()

    def zihao(self) -> str:
        while True:
            z = "".join(self.rng.sample(V.ZIHAO, 2))
            if z not in self.used_zihao:
                self.used_zihao.add(z)
                return z

    def company(self, role: str, key: str, words: list[str]) -> Party:
        rng = self.rng
        district = rng.choice(list(V.DISTRICTS))
        z = self.zihao()
        word = rng.choice(words)
        share = role == "enterprise" and rng.random() < 0.25
        if district in V.CITY_LEVEL and rng.random() < 0.6:
            prefix = district
        elif district not in V.CITY_LEVEL and rng.random() < 0.3:
            prefix = "江门市" + district
        else:
            prefix = "江门市"
        name = f"{prefix}{z}{word}{'股份' if share else ''}有限公司"
        if rng.random() < 0.07 and not share:           # 广东XX（江门）… style, full-width brackets
            name = f"广东{z}（江门）{word}有限公司"
        established = rand_date(rng, dt.date(2000, 1, 1), add_years(self.app, -3))
        code = U.make(rng, U.REGIONS[district], letters=established.year >= 2016 and rng.random() < 0.8)
        cap = rng.choice(CAPITALS)
        if rng.random() < 0.08:
            cap = round(cap + rng.randint(1, 99) / 10, 1)
        elif rng.random() < 0.04:
            cap = round(cap + rng.randint(1, 9999) / 1_000_000, 6)   # 角/分 in 大写
        term = rng.choice(["长期", f"{established:%Y年%m月%d日}至长期",
                           f"{established:%Y年%m月%d日}至{add_years(established, 30) - dt.timedelta(days=1):%Y年%m月%d日}"])
        issued = rand_date(rng, max(established, dt.date(2019, 1, 1)), self.app - dt.timedelta(days=60))
        lic = License(name=name, uscc=code, company_type=V.SHARE_TYPE if share else rng.choice(V.LTD_TYPES),
                      legal_representative=person(rng), registered_capital_wan=cap,
                      registered_capital_text=capital_daxie(cap, rng), established=established.isoformat(),
                      address=address(rng, district), term=term, authority=authority(rng, district),
                      issued=issued.isoformat())
        hints = Hints(zihao=z, district=district, contact=person(rng), contact_title=rng.choice(V.TITLES),
                      phone="1" + rng.choice("35789") + "".join(rng.choice("0123456789") for _ in range(9)),
                      email=f"info{rng.randint(10, 999)}@{rng.choice(['163.com', 'qq.com', '126.com'])}",
                      nature=rng.choices(["民营", "三资", "地方国企"], weights=[8, 2, 1])[0],
                      date_style=rand_date_style(rng), money_sep=rng.random() < 0.4,
                      prior_scale=rng.uniform(0.8, 1.15))
        slots = {"license": None, "commit": None, {"lead": "cover", "provider": "table1", "enterprise": "table2"}[role]: None}
        oval = rng.random() < 0.12
        hints.slots = {s: SealSpec(text=name, kind="company", oval=oval) for s in slots}
        p = Party(role=role, key=key, name=name, uscc=code, license=lic, hints=hints,
                  sign_date=(self.app - dt.timedelta(days=rng.randint(0, 12))).isoformat(),
                  statements_months=[1, 2, 3, 4, 5, 6] if rng.random() < 0.8 else [2, 3, 4, 5, 6, 7])
        p.financials = self.financials(p)
        if rng.random() < 0.12:                    # 企业所得税汇算清缴报告 instead of an audit report
            p.hints.audit_kind = "tax_report"
            p.financials.opinion = p.financials.firm = p.financials.report_no = None
        if role == "enterprise":
            p.table2_date = p.sign_date
        self.used_names.add(name)
        return p

    def financials(self, p: Party, revenue_wan: float | None = None) -> Financials:
        rng = self.rng
        rev = revenue_wan * 10000 if revenue_wan else math.exp(rng.uniform(math.log(3e6), math.log(4e8)))
        rev = round(rev + rng.randint(0, 99) / 100, 2)
        assets = round(rev * rng.uniform(0.5, 1.3), 2)
        liab = round(assets * rng.uniform(0.3, 0.7), 2)
        firm, prefix = rng.choice(V.FIRMS)
        n = rng.randint(1, 999)
        no = rng.choice([f"{prefix}（2025）第{n:03d}号", f"{prefix}〔2025〕{n}号", f"{prefix}[2025]第{n:04d}号"])
        return Financials(fiscal_year=2024, revenue=rev, total_assets=assets, total_liabilities=liab,
                          total_equity=round(assets - liab, 2), opinion="standard_unqualified",
                          entity=p.name, firm=firm, report_no=no)

    def products(self, suppliers: list[str], big: bool = False) -> list[Product]:
        rng = self.rng
        out: list[Product] = []
        scale = 4.0 if big else 1.0
        for name, lo, hi in rng.sample(V.SAAS, rng.choice([1, 2, 2, 3])):
            price = round(rng.uniform(lo, hi) * scale, -2)
            out.append(Product(name=name, supplier=rng.choice(suppliers), unit_price=price, quantity=1,
                               amount=price, kind="saas"))
        for name, lo, hi, qmax in rng.sample(V.CLOUD, rng.choice([0, 1, 1, 2, 3])):
            price, q = round(rng.uniform(lo, hi), -2), rng.randint(1, qmax)
            out.append(Product(name=name, supplier=V.CLOUD_VENDOR, unit_price=price, quantity=q,
                               amount=price * q, kind="cloud"))
        if rng.random() < 0.5:
            name, lo, hi, per_day = rng.choice(V.SERVICE)
            price = round(rng.uniform(lo, hi), -2)
            q = rng.randint(5, 25) if per_day else 1
            amt = price * q
            total = sum(x.amount for x in out)
            if amt <= 0.6 * total:                   # services stay well under 50 %
                out.append(Product(name=name, supplier=rng.choice(suppliers), unit_price=price, quantity=q,
                                   amount=amt, kind="service"))
        return out

    def declare(self, p: Party, products: list[Product], ratio: float | None = None) -> None:
        rng = self.rng
        total = round(sum(x.amount for x in products), 2)
        ratio = ratio if ratio is not None else rng.uniform(0.5, 0.78)
        subsidy = min(math.floor(total * ratio / 100) * 100, 500000)
        lic, fin = p.license, p.financials
        p.declared = Declared(name=lic.name, uscc=lic.uscc, established=lic.established,
                              registered_capital_wan=lic.registered_capital_wan, address=lic.address,
                              revenue_2024_wan=round(fin.revenue / 10000, 2),
                              employees=max(8, int(fin.revenue / 10000 / rng.uniform(40, 120))),
                              product_total=total, subsidy=float(subsidy), self_pay=round(total - subsidy, 2),
                              products=products)
        p.hints.intro = (f"{lic.name}成立于{lic.established[:4]}年，位于{lic.address}，主要从事相关产品的研发、"
                         f"生产与销售，拥有较完善的生产与管理体系。")


def survey(rng: random.Random, enterprises: list[Party], extra_names: list[str]) -> list[SurveyRow]:
    types = rng.sample(V.SURVEY_TYPES, rng.choice([5, 5, 6]))
    n = max(rng.randint(15, 20), 3 * len(types))
    names = ([p.name for p in enterprises] + extra_names)[:n]
    assigned = [t for t in types for _ in range(3)]
    assigned += [rng.choice(types) for _ in range(len(names) - len(assigned))]
    rng.shuffle(assigned)
    return [SurveyRow(name=nm, type=t, chain_pos=rng.choice(["上游", "中游", "下游"]),
                      process=rng.choice(V.PROCESSES), output_wan=rng.randint(1500, 60000))
            for nm, t in zip(names, assigned)]


def kpis(rng: random.Random, n_quant: int) -> list[Kpi]:
    quant = set(rng.sample(range(5), n_quant))
    out = []
    for i, name in enumerate(KPI_NAMES):
        pct = rng.randint(5, 30)
        before = {0: f"年运营成本约{rng.randint(500, 9000)}万元", 1: f"不良品率{rng.uniform(2, 6):.1f}%",
                  2: f"人均日产{rng.randint(80, 300)}件", 3: f"单位产值能耗{rng.uniform(0.1, 0.5):.2f}吨标煤/万元",
                  4: f"人均产出{rng.randint(30, 90)}万元/年"}[i]
        out.append(Kpi(name=name, quantified=i in quant, pct=pct, before=before, after="较建设前改善" + str(pct) + "%"))
    return out


def overview(spec_name: str, lead: str, n: int, chain: str, rng: random.Random, long: bool = False) -> str:
    base = (f"{spec_name}以{lead}为牵头单位，联合{n}家本地{chain}产业链企业组建产业集群联合体。集群企业普遍存在生产计划"
            f"依赖人工排产、设备联网率低、质量追溯困难、库存周转慢等共性问题。本项目围绕研发设计、生产管控、供应链管理、"
            f"经营销售和售后服务五类工业SaaS应用场景，基于华为云底座为集群企业部署MES、WMS、ERP、IoT等应用，形成"
            f"“小快轻准”的行业级数字化解决方案。项目实施后，集群企业生产效率预计提升{rng.randint(10, 30)}%，运营成本降低"
            f"{rng.randint(5, 20)}%，试点企业数字化水平达到二级及以上，并在{chain}行业内形成可复制推广的数字化转型样板。")
    if not long:
        return base
    filler = ("在项目必要性方面，集群企业订单碎片化、交期紧，亟需通过工业互联网平台打通计划、生产、仓储与质量数据；"
              "在工业互联网要素方面，项目将建设设备接入、数据采集、边缘计算与云端应用协同的技术体系；"
              "在方案合理性方面，项目坚持分步实施、先易后难，优先解决企业最迫切的痛点问题。")
    while len(base) <= 1050:
        base += filler
    return base
