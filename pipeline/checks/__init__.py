"""Checks: ReviewContext → findings. One module per group; each check_* takes the context and returns
list[models.report.FindingOut]. run_checks() runs them all; a crashing group is logged and skipped."""
from __future__ import annotations

import importlib
import logging
import traceback
from typing import Callable

from models.packet import ReviewContext
from models.report import FindingOut
from pipeline.checks.base import SEVERITY, rules_of

log = logging.getLogger(__name__)

GROUPS: list[tuple[str, str]] = [
    ("pipeline.checks.completeness", "check_completeness"),
    ("pipeline.checks.identity", "check_identity"),
    ("pipeline.checks.eligibility", "check_eligibility"),
    ("pipeline.checks.budget", "check_budget"),
    ("pipeline.checks.financials", "check_financials"),
    ("pipeline.checks.integrity", "check_integrity"),
    ("pipeline.checks.seal_checks", "check_seals"),      # the seals engineer's; optional
]
_ORDER = {"error": 0, "warning": 1, "info": 2}


def _load(module: str, name: str) -> Callable[[ReviewContext], list[FindingOut]] | None:
    try:
        return getattr(importlib.import_module(module), name)
    except ModuleNotFoundError as exc:
        if exc.name == module:
            return None
        raise


def run_checks(ctx: ReviewContext, errors: list[str] | None = None) -> list[FindingOut]:
    """All check groups. A group that fails to import or raises emits nothing; its traceback goes to the log
    (and to `errors` when given, and to ctx.rules['_check_errors'])."""
    rules_of(ctx)
    found: list[FindingOut] = []
    failures: list[str] = []
    for module, name in GROUPS:
        try:
            fn = _load(module, name)
            if fn is None:
                continue
            got = fn(ctx)
            found.extend(f for f in got if isinstance(f, FindingOut))
        except Exception:
            tb = traceback.format_exc()
            log.error("check %s.%s failed; its findings are skipped\n%s", module, name, tb)
            failures.append(f"{module}.{name}: {tb}")
    if errors is not None:
        errors.extend(failures)
    if failures:
        ctx.rules.setdefault("_check_errors", []).extend(failures)
    return dedupe(found)


def dedupe(findings: list[FindingOut]) -> list[FindingOut]:
    """Drop exact repeats (same code, party, place, detail); order by severity, then as found."""
    seen, out = set(), []
    for f in findings:
        key = (f.code, f.party_uscc, f.party_name, f.file, f.page, f.bbox, repr(sorted(f.detail.items())))
        if key in seen:
            continue
        seen.add(key)
        if f.severity not in _ORDER:
            f.severity = SEVERITY.get(f.code, "warning")  # type: ignore[assignment]
        out.append(f)
    return sorted(out, key=lambda f: _ORDER.get(f.severity, 3))
