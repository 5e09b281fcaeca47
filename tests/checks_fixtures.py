"""A clean baseline packet as typed Documents/Fields (no files read): the checks must find nothing in it.
Tests break one thing at a time and assert the right code fires."""
from __future__ import annotations

from datetime import date

from stdnum.cn import uscc as _uscc

from models.packet import Packet, Party, ReviewContext, StoredFile
from models.provenance import DocKind, Document, Evidence, Field, Page, TextLine
from pipeline.checks.uscc import org_code_ok
from pipeline.rules import load_rules

APP_DATE = date(2025, 8, 20)
DISTRICTS = [("440703", "江门市蓬江区"), ("440704", "江门市江海区"), ("440705", "江门市新会区"), ("440781", "台山市"),
             ("440783", "开平市"), ("440784", "鹤山市"), ("440785", "恩平市")]


def make_uscc(region: str, n: int) -> str:
    """A valid credit code: 91 + region + an organisation code with its check + the USCC check character."""
    for k in range(100):
        body = f"{(n * 7919 + k * 104729) % 10**8:08d}"
        for ck in "0123456789X":
            c17 = "91" + region + body + ck
            if org_code_ok(c17 + "0"):
                return c17 + _uscc.calc_check_digit(c17)
    raise ValueError("no code")


_BOX = [0.0]


def F(name: str, value, file: str, page: int, raw: str | None = None, conf: float = 1.0) -> Field:
    _BOX[0] = (_BOX[0] + 20) % 700
    top = 40 + _BOX[0]
    text = raw if raw is not None else ("" if value is None else str(value))
    return Field(name=name, value=value, raw=text, confidence=conf,
                 evidence=Evidence(file=file, page=page, bbox=(60.0, top, 400.0, top + 14), text=text,
                                   confidence=conf))


def _doc(kind: DocKind, file: str, page: int, party: Party | None, section: str | None = None,
         fields: dict | None = None, rows: list[dict] | None = None, n_pages: int = 1) -> Document:
    d = Document(kind=kind, pages=[(file, page + i) for i in range(n_pages)], section=section,
                 party_uscc=party.uscc if party else None, party_name=party.name if party else None,
                 party_key=party.key if party else None,
                 extra={"content_party": party.key if party else None, "context_party": party.key if party else None})
    for k, v in (fields or {}).items():
        d.fields[k] = F(k, v, file, page)
    for r in rows or []:
        d.rows.append({k: F(k, v, file, page) for k, v in r.items()})
    return d


ENTERPRISE_PRODUCTS = [
    ("MES 生产执行系统 标准版", "{p1}", 60000, 1),
    ("云服务器 ECS 通用计算增强型（包年）", "华为云计算技术有限公司", 9000, 2),
    ("MES 系统实施服务（人天）", "{lead}", 2000, 10),
]


def clean_context(n_enterprises: int = 10) -> ReviewContext:
    """Lead + 2 providers + n enterprises, every document present and consistent."""
    _BOX[0] = 0.0
    parties: list[Party] = []
    docs: list[Document] = []
    pages: dict[str, Page] = {}

    def add_doc(d: Document, party: Party | None) -> Document:
        docs.append(d)
        if party is not None:
            party.documents.append(len(docs) - 1)
        for f, i in d.pages:
            pages.setdefault(f"{f}#{i}", Page(file=f, index=i, width=595, height=842, text_layer=True))
        return d

    lead = Party(key="L", role="lead", name="江门市广和信息科技有限公司", uscc=make_uscc("440783", 1),
                 listed_in_table1=True)
    p1 = Party(key="P1", role="provider", name="江门市永诚信息科技有限公司", uscc=make_uscc("440783", 2),
               listed_in_table1=True)
    p2 = Party(key="P2", role="provider", name="江门市天信数字科技有限公司", uscc=make_uscc("440784", 3),
               listed_in_table1=True)
    ents = []
    for i in range(n_enterprises):
        reg, place = DISTRICTS[i % len(DISTRICTS)]
        ents.append(Party(key=f"E{i + 1:02d}", role="enterprise", name=f"江门市第{i + 1}号五金制品有限公司",
                          uscc=make_uscc(reg, 100 + i), listed_in_table1=True))
    parties = [lead, p1, p2] + ents
    places = {p.key: DISTRICTS[i % len(DISTRICTS)][1] for i, p in enumerate(parties)}
    for i, p in enumerate(ents):
        places[p.key] = DISTRICTS[i % len(DISTRICTS)][1]

    form = "申报书.pdf"
    add_doc(_doc(DocKind.application_form, form, 1, lead, "cover",
                 {"lead_name": lead.name, "cluster_name": "江门市水暖卫浴产业集群", "application_date": APP_DATE}), lead)
    t2_totals = []
    rows_by_party = {}
    for p in ents:
        rows = []
        for j, (name, sup, price, qty) in enumerate(ENTERPRISE_PRODUCTS, 1):
            rows.append({"seq": j, "name": name, "supplier": sup.format(p1=p1.name, lead=lead.name),
                         "unit_price": float(price), "quantity": float(qty), "amount": float(price * qty)})
        total = sum(r["amount"] for r in rows)
        rows_by_party[p.key] = (rows, total)
        t2_totals.append(total)
    subsidy = {k: round(tot * 0.7, 2) for k, (_, tot) in rows_by_party.items()}
    t1_rows = [{"role": "enterprise", "seq": i + 1, "name": p.name} for i, p in enumerate(ents)]
    t1_rows += [{"role": "provider", "seq": i + 1, "name": p.name} for i, p in enumerate([p1, p2])]
    add_doc(_doc(DocKind.application_form, form, 2, None, "table1",
                 {"cluster_name": "江门市水暖卫浴产业集群", "chain": "水暖卫浴", "lead_name": lead.name,
                  "project_total_wan": round(sum(t2_totals) / 10000, 2),
                  "subsidy_wan": round(sum(subsidy.values()) / 10000, 2),
                  "project_start": date(2025, 9, 1), "project_end": date(2026, 8, 31),
                  "kpis_quantified": 5, "overview": "集群概述" * 100, "overview_chars": 400},
                 t1_rows, n_pages=2), None)
    for i, p in enumerate(ents):
        rows, total = rows_by_party[p.key]
        add_doc(_doc(DocKind.application_form, form, 4 + i, p, "table2",
                     {"name": p.name, "uscc": p.uscc, "established": date(2010, 3, 15),
                      "registered_capital_wan": 500.0, "address": f"{places[p.key]}迎宾路{i + 1}号",
                      "revenue_2024_wan": 1234.57, "employees": 88, "sign_date": date(2025, 8, 10),
                      "product_total": total, "subsidy": subsidy[p.key],
                      "self_pay": round(total - subsidy[p.key], 2)}, rows), p)
    add_doc(_doc(DocKind.survey_report, "调研报告.pdf", 1, None, None,
                 {"n_enterprises": 17, "n_types": 5,
                  "type_counts": {"龙头企业": 3, "专精特新企业": 3, "中小微企业": 4, "上游配套企业": 4, "下游销售企业": 3}},
                 [{"name": f"江门市调研{i}号企业", "segment": "上游"} for i in range(17)], n_pages=2), None)
    add_doc(_doc(DocKind.implementation_plan, "实施方案.pdf", 1, None, None, {}, n_pages=3), None)
    for n, p in enumerate(parties):
        folder = f"{p.key}/"
        add_doc(_doc(DocKind.business_license, folder + "营业执照.jpg", 1, p, None,
                     {"name": p.name, "uscc": p.uscc, "company_type": "有限责任公司（自然人投资或控股）",
                      "legal_representative": "张三", "registered_capital_wan": 500.0,
                      "registered_capital_text": "人民币伍佰万元整", "established": date(2010, 3, 15),
                      "address": f"{places[p.key]}迎宾路{ents.index(p) + 1 if p in ents else 99}号"}), p)
        add_doc(_doc(DocKind.audit_report, folder + "审计报告.pdf", 1, p, None,
                     {"entity": p.name, "fiscal_year": 2024, "opinion": "standard_unqualified",
                      "total_assets": 30000000.0, "total_liabilities": 12000000.0, "total_equity": 18000000.0,
                      "total_liabilities_and_equity": 30000000.0, "revenue": 12345678.9}, n_pages=4), p)
        add_doc(_doc(DocKind.financial_statements, folder + "财务报表.pdf", 1, p, None,
                     {"entity": p.name, "months": [f"2025-{m:02d}" for m in range(1, 7)],
                      "total_assets": 31000000.0 + n * 1000,
                      "total_liabilities_and_equity": 31000000.0 + n * 1000}), p)
        add_doc(_doc(DocKind.commitment_letter, folder + "承诺函.pdf", 1, p, None,
                     {"committer": p.name, "variant": "lead" if p.role == "lead" else "enterprise",
                      "sign_date": date(2025, 8, 12)}), p)
    files = sorted({f for d in docs for f, _ in d.pages})
    packet = Packet(id="T001", source="/tmp/T001", files=[
        StoredFile(path=f, sha256=f"{abs(hash(f)):064x}"[:64], size=1, blob=f"/nonexistent/{f}") for f in files])
    return ReviewContext(packet=packet, application_date=APP_DATE, cluster_name="江门市水暖卫浴产业集群",
                         pages=pages, documents=docs, parties=parties, rules=load_rules())


# ------------------------------------------------------------------ helpers for tests
def doc(ctx: ReviewContext, kind: str, key: str | None = None, section: str | None = None) -> Document:
    for d in ctx.documents:
        if d.kind.value == kind and (section is None or d.section == section) and (key is None or d.party_key == key):
            return d
    raise KeyError((kind, key, section))


def setf(d: Document, name: str, value, raw: str | None = None, conf: float = 1.0) -> None:
    ev = d.fields[name].evidence if name in d.fields else Evidence(file=d.pages[0][0], page=d.pages[0][1],
                                                                     bbox=(10, 10, 50, 20))
    text = raw if raw is not None else ("" if value is None else str(value))
    d.fields[name] = Field(name=name, value=value, raw=text, confidence=conf,
                           evidence=ev.model_copy(update={"text": text, "confidence": conf}))


def remove_doc(ctx: ReviewContext, d: Document) -> None:
    """Drop a document and re-index the parties' document lists."""
    i = next(j for j, x in enumerate(ctx.documents) if x is d)
    ctx.documents.pop(i)
    for p in ctx.parties:
        p.documents = [j - (j > i) for j in p.documents if j != i]


def add_page_text(ctx: ReviewContext, file: str, index: int, text: str) -> None:
    page = ctx.pages.setdefault(f"{file}#{index}", Page(file=file, index=index, width=595, height=842))
    page.lines.append(TextLine(text=text, bbox=(50, 50, 300, 64)))


def codes(findings, severities=("error", "warning")) -> list[str]:
    return sorted(f.code for f in findings if f.severity in severities)
