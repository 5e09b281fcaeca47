"""The report.json contract (see shared/spec/packet.md) as pydantic models.

`ReportModel.model_json_schema()` is exported to docs/report.schema.json and used in tests.
"""
from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field as PField

Severity = Literal["error", "warning", "info"]
Role = Literal["lead", "enterprise", "provider"]
Opinion = Literal["standard_unqualified", "unqualified_with_emphasis", "qualified", "adverse", "disclaimer"]
SealKindName = Literal["company", "finance", "contract", "invoice", "authority", "unknown"]


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class PacketInfo(_Open):
    id: str
    source: str
    cluster_name: str | None = None
    application_date: str | None = None   # YYYY-MM-DD


class SectionOut(_Open):
    name: str
    page: int
    party_uscc: str | None = None


class DocumentOut(_Open):
    file: str
    pages: tuple[int, int]
    kind: str
    party_uscc: str | None = None
    party_name: str | None = None
    text_layer: bool
    ocr: bool
    files: list[str] | None = None         # when a document spans several files
    sections: list[SectionOut] = PField(default_factory=list)


class LicenseOut(_Open):
    name: str | None = None
    uscc: str | None = None
    company_type: str | None = None
    legal_representative: str | None = None
    registered_capital_wan: float | None = None
    established: str | None = None
    address: str | None = None


class ProductOut(_Open):
    name: str | None = None
    supplier: str | None = None
    unit_price: float | None = None
    quantity: float | None = None
    amount: float | None = None


class DeclaredOut(_Open):
    name: str | None = None
    uscc: str | None = None
    established: str | None = None
    registered_capital_wan: float | None = None
    address: str | None = None
    revenue_2024_wan: float | None = None
    employees: int | None = None
    product_total: float | None = None
    subsidy: float | None = None
    self_pay: float | None = None
    products: list[ProductOut] = PField(default_factory=list)


class FinancialsOut(_Open):
    fiscal_year: int | None = None
    revenue: float | None = None
    total_assets: float | None = None
    total_liabilities: float | None = None
    total_equity: float | None = None
    opinion: Opinion | None = None


class SealOut(_Open):
    file: str
    page: int
    bbox: tuple[float, float, float, float]
    text: str | None = None
    kind: SealKindName = "unknown"
    read: str | None = None       # the recogniser's own reading, where `text` is the name the ink fits


class PartyOut(_Open):
    role: Role
    name: str
    uscc: str | None = None
    license: LicenseOut | None = None
    declared: DeclaredOut | None = None
    financials: FinancialsOut | None = None
    seals: list[SealOut] = PField(default_factory=list)


class EvidenceOut(_Open):
    file: str
    page: int
    bbox: tuple[float, float, float, float] | None = None
    text: str | None = None
    engine: str | None = None
    confidence: float | None = None
    crop: str | None = None                # path of the crop image, relative to the report folder


class FindingOut(_Open):
    code: str
    severity: Severity
    party_uscc: str | None = None
    party_name: str | None = None
    file: str | None = None
    page: int | None = None
    bbox: tuple[float, float, float, float] | None = None
    declared: Any = None
    found: Any = None
    confidence: float | None = None
    message: str
    detail: dict[str, Any] = PField(default_factory=dict)
    evidence: list[EvidenceOut] = PField(default_factory=list)
    crop: str | None = None                # crop of the finding's own region, relative to the report folder


class ReportModel(_Open):
    packet: PacketInfo
    status: Literal["pass", "fail", "review"]
    documents: list[DocumentOut] = PField(default_factory=list)
    parties: list[PartyOut] = PField(default_factory=list)
    findings: list[FindingOut] = PField(default_factory=list)
    engines: dict[str, str] = PField(default_factory=dict)
    rule_pack: str | None = None
    generated_at: str | None = None


def status_of(findings: list[FindingOut]) -> str:
    """fail: any error; review: warnings only; pass otherwise (info does not count)."""
    sev = {f.severity for f in findings}
    return "fail" if "error" in sev else "review" if "warning" in sev else "pass"
