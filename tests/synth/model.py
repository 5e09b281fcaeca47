"""The generated packet: everything truth.json says, plus rendering hints (excluded from truth)."""
from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

Role = Literal["lead", "enterprise", "provider"]


class License(BaseModel):
    name: str
    uscc: str
    company_type: str
    legal_representative: str
    registered_capital_wan: float | None
    registered_capital_text: str | None
    established: str
    address: str
    term: str
    authority: str
    issued: str


class Product(BaseModel):
    name: str
    supplier: str
    unit_price: float
    quantity: int
    amount: float
    kind: Literal["saas", "cloud", "service"]


class Declared(BaseModel):
    name: str
    uscc: str | None
    established: str | None
    registered_capital_wan: float | None
    address: str
    revenue_2024_wan: float | None
    employees: int
    product_total: float
    subsidy: float
    self_pay: float
    products: list[Product]


class Financials(BaseModel):
    fiscal_year: int
    revenue: float
    total_assets: float
    total_liabilities: float
    total_equity: float
    opinion: str | None
    entity: str
    firm: str | None
    report_no: str | None


class SealOut(BaseModel):
    file: str
    page: int
    bbox: list[float]
    text: str | None
    kind: str


class SealSpec(BaseModel):
    """What stands in one seal slot; text None + kind None = no seal."""
    text: str | None
    kind: str = "company"
    oval: bool = False


class Hints(BaseModel):
    """Rendering-only data (not written to truth.json)."""
    zihao: str = ""
    district: str = ""
    nature: str = "民营"
    contact: str = ""
    contact_title: str = ""
    phone: str = ""
    email: str = ""
    intro: str = ""
    date_style: str = "cn"
    money_sep: bool = False
    slots: dict[str, SealSpec] = Field(default_factory=dict)
    sign_blank: bool = False
    table2_date_blank: bool = False
    scope: str = ""
    balance_off: float = 0.0          # 资产总计 minus (负债+权益) on the audit balance sheet
    prior_scale: float = 0.9
    audit_kind: Literal["audit_report", "tax_report"] = "audit_report"
    dup_license_of: str | None = None     # key of the party whose licence page is appended
    dup_statements_of: str | None = None
    missing_docs: list[str] = Field(default_factory=list)
    declared_name_in_table1: str | None = None
    opinion_text: str = "standard_unqualified"


class Party(BaseModel):
    role: Role
    key: str
    name: str
    uscc: str
    license: License | None
    declared: Declared | None = None
    financials: Financials | None = None
    statements_months: list[int] = Field(default_factory=list)
    sign_date: str | None = None
    table2_date: str | None = None      # 表二 日期 (enterprises)
    seals: list[SealOut] = Field(default_factory=list)
    hints: Hints = Field(default_factory=Hints, exclude=True)


class Kpi(BaseModel):
    name: str
    quantified: bool
    pct: int
    before: str
    after: str


class SurveyRow(BaseModel):
    name: str
    type: str
    chain_pos: str
    process: str
    output_wan: int


class PacketSpec(BaseModel):
    id: str
    seed: int
    cluster_name: str
    chain: str
    application_date: str
    project_start: str
    project_end: str
    rendering: str
    layout: str
    parties: list[Party]
    table1_enterprises: list[str]
    project_total_wan: float
    subsidy_wan: float
    kpis: list[Kpi]
    overview: str
    survey_rows: list[SurveyRow]
    survey_team: list[tuple[str, str, str, str]]
    straddle_seals: bool = True
    project_blank: bool = False
    injected: list[dict[str, Any]] = Field(default_factory=list)
    expected: list[dict[str, Any]] = Field(default_factory=list)
    extras: dict[str, Any] = Field(default_factory=dict)   # broken files etc.

    def party(self, key: str) -> Party:
        return next(p for p in self.parties if p.key == key)

    @property
    def lead(self) -> Party:
        return self.parties[0]

    @property
    def enterprises(self) -> list[Party]:
        return [p for p in self.parties if p.role == "enterprise"]

    @property
    def providers(self) -> list[Party]:
        return [p for p in self.parties if p.role == "provider"]
