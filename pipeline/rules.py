"""Rule packs: the guide's numbers and word lists as data (rules/<year>-<city>.yaml).

    rules = load_rules()                 # the packaged default, rules/2025-jiangmen.yaml
    rules = load_rules("2025-jiangmen")  # by name
    rules = load_rules("/path/x.yaml")   # by path
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

RULES_DIR = Path(__file__).resolve().parent.parent / "rules"
DEFAULT_RULES = "2025-jiangmen"


class RulesError(ValueError):
    """A rule pack that cannot be found, parsed or validated."""


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class Thresholds(_Open):
    subsidy_ratio_max: float = Field(gt=0, le=1)
    subsidy_cap_yuan: float = Field(gt=0)
    cluster_cap_yuan: float = Field(gt=0)
    services_share_max: float = Field(gt=0, le=1)
    min_enterprises: int = Field(ge=1)
    max_providers: int = 3
    project_max_years: int = Field(ge=1)
    kpi_min: int = Field(ge=0)
    kpi_total: int = 5
    overview_max_chars: int = Field(gt=0)
    revenue_tolerance_ratio: float = Field(ge=0)
    revenue_tolerance_wan: float = Field(ge=0)
    amount_tolerance_yuan: float = 0.5
    total_tolerance_wan: float = 0.01
    capital_tolerance_wan: float = 0.005
    audit_fiscal_year: int
    statements_months: int = Field(ge=1)
    statements_window_months: int = 9
    company_min_age_years: int = Field(ge=0)
    survey_min_enterprises: int
    survey_min_types: int
    survey_min_per_type: int
    ocr_low_confidence: float = Field(ge=0, le=1)
    duplicate_dhash_max_distance: int = 110
    duplicate_dhash_grid: int = 64


class Region(_Open):
    city: str
    province: str | None = None
    districts: list[str] = Field(min_length=1)
    codes: dict[str, str]
    code_prefix: str


class SealSlot(_Open):
    slot: str
    doc: str
    section: str | None = None
    party: str
    anchor: str | None = None
    # grey scans: zone around the anchor (pt left, up, right, down) that must hold no unread ink for a claim
    grey_blank: list[float] | None = Field(default=None, min_length=4, max_length=4)


class Seals(_Open):
    required: list[SealSlot]
    special_kinds: list[str]
    straddle: dict[str, Any]


class Keywords(_Open):
    codes: list[str] = Field(default_factory=list)
    words: list[str] = Field(default_factory=list)
    markers: list[str] = Field(default_factory=list)
    not_service: list[str] = Field(default_factory=list)


class LegalPerson(_Open):
    branch_words: list[str]
    individual_words: list[str]
    uscc_non_independent_prefixes: list[str] = Field(default_factory=list)


class RulePack(_Open):
    name: str
    title: str | None = None
    program_year: int
    application_date: dict[str, Any] = Field(default_factory=dict)
    thresholds: Thresholds
    region: Region
    required_documents: dict[str, list[str]]
    required_fields: dict[str, dict[str, str]] = Field(default_factory=dict)
    sign_dates: dict[str, dict[str, str]] = Field(default_factory=dict)
    saas: Keywords
    services: Keywords
    legal_person: LegalPerson
    eligibility_roles: list[str] = Field(default_factory=lambda: ["enterprise"])
    kpis: list[str] = Field(default_factory=list)
    audit_opinions: dict[str, list[str]] = Field(default_factory=dict)
    duplicates: dict[str, Any] = Field(default_factory=dict)
    seals: Seals


def _resolve(path_or_name: str | Path | None) -> Path:
    if path_or_name is None:
        return RULES_DIR / f"{DEFAULT_RULES}.yaml"
    p = Path(path_or_name)
    if p.suffix in (".yaml", ".yml") or p.exists():
        return p
    return RULES_DIR / f"{path_or_name}.yaml"


@lru_cache(maxsize=16)
def _load(path: str) -> dict:
    p = Path(path)
    if not p.is_file():
        known = ", ".join(sorted(x.stem for x in RULES_DIR.glob("*.yaml")))
        raise RulesError(f"rule pack not found: {p} (known packs: {known or 'none'})")
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as e:
        raise RulesError(f"rule pack {p} is not valid YAML: {e}") from e
    if not isinstance(data, dict):
        raise RulesError(f"rule pack {p} must be a mapping at the top level, got {type(data).__name__}")
    try:
        pack = RulePack.model_validate(data)
    except ValidationError as e:
        lines = [f"  {'.'.join(str(x) for x in err['loc'])}: {err['msg']}" for err in e.errors()]
        raise RulesError(f"rule pack {p} is invalid:\n" + "\n".join(lines)) from e
    out = pack.model_dump()
    out["_path"] = str(p)
    return out


def load_rules(path_or_name: str | Path | None = None) -> dict:
    """Load and validate a rule pack; returns a plain dict (a fresh copy each call).

    Raises RulesError (a ValueError) naming the file and the offending keys."""
    import copy
    return copy.deepcopy(_load(str(_resolve(path_or_name).resolve())))
