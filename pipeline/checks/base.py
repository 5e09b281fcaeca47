"""Shared helpers of the checks: severities, value normalisation, evidence and a finding collector."""
from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from difflib import SequenceMatcher
from typing import Any, Iterable

from models.packet import Party, ReviewContext
from models.provenance import DocKind, Document, Evidence, Field
from models.report import EvidenceOut, FindingOut

SEVERITY: dict[str, str] = {
    # completeness
    "DOC_MISSING": "error", "DOC_UNREADABLE": "error", "FIELD_EMPTY": "error", "SIGN_DATE_MISSING": "warning",
    # seals (seal_checks.py)
    "SEAL_MISSING": "error", "SEAL_NAME_MISMATCH": "error", "SEAL_WRONG_TYPE": "warning",
    "STRADDLE_SEAL_MISSING": "warning",
    # identity
    "USCC_INVALID": "error", "USCC_MISMATCH": "error", "NAME_MISMATCH": "error", "ESTABLISHED_MISMATCH": "error",
    "CAPITAL_MISMATCH": "error", "ADDRESS_MISMATCH": "warning",
    # eligibility
    "NOT_IN_JIANGMEN": "error", "COMPANY_TOO_YOUNG": "error", "NOT_INDEPENDENT_LEGAL_PERSON": "error",
    "CONSORTIUM_TOO_SMALL": "error", "PARTY_LIST_MISMATCH": "error",
    # budget
    "LINE_AMOUNT_MISMATCH": "error", "TOTAL_MISMATCH": "error", "SUBSIDY_RATIO_EXCEEDED": "error",
    "SUBSIDY_CAP_EXCEEDED": "error", "CLUSTER_CAP_EXCEEDED": "error", "SERVICES_SHARE_EXCEEDED": "error",
    "NO_SAAS_PRODUCT": "error", "PROJECT_TOO_LONG": "error", "KPI_TOO_FEW": "error", "OVERVIEW_TOO_LONG": "warning",
    # financials
    "REVENUE_MISMATCH": "error", "BALANCE_SHEET_UNBALANCED": "error", "AUDIT_YEAR_WRONG": "error",
    "AUDIT_OPINION_MODIFIED": "warning", "AUDIT_ENTITY_MISMATCH": "error", "STATEMENTS_PERIOD_INCOMPLETE": "error",
    # integrity
    "DUPLICATE_DOCUMENT": "warning", "SURVEY_TOO_SMALL": "warning", "OCR_LOW_CONFIDENCE": "info",
    # added by this project (docs/findings.md)
    "PROJECT_PERIOD_INVALID": "error", "TOO_MANY_PROVIDERS": "warning", "SUPPLIER_NOT_IN_CONSORTIUM": "warning",
}
SEAL_CODES = {"SEAL_MISSING", "SEAL_NAME_MISMATCH", "SEAL_WRONG_TYPE", "STRADDLE_SEAL_MISSING"}

KIND_CN = {"application_form": "申报书", "survey_report": "调研报告", "implementation_plan": "实施方案",
           "business_license": "营业执照", "audit_report": "审计报告", "tax_report": "汇算清缴报告",
           "financial_statements": "财务报表", "commitment_letter": "责任承诺函", "table2": "表二",
           "table1": "表一", "cover": "申报书封面"}


# ------------------------------------------------------------------ rules
def rules_of(ctx: ReviewContext) -> dict:
    if not ctx.rules:
        from pipeline.rules import load_rules
        ctx.rules = load_rules()
    return ctx.rules


def th(ctx: ReviewContext, key: str) -> Any:
    """A threshold of the rule pack; a pack written before the key existed gets the model's default."""
    t = rules_of(ctx).get("thresholds", {})
    if key in t:
        return t[key]
    from pipeline.rules import Thresholds
    return Thresholds.model_fields[key].default


# ------------------------------------------------------------------ normalisation
def squash(s: Any) -> str:
    """NFKC (full-width → half-width), no whitespace, upper case ASCII."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(s))).upper()


def norm_name(s: Any) -> str:
    """Company names: NFKC, no spaces, brackets unified, trailing punctuation dropped."""
    t = squash(s).replace("【", "(").replace("】", ")").replace("〔", "(").replace("〕", ")")
    return t.strip("。.,，:：;；")


def similarity(a: str, b: str) -> float:
    return SequenceMatcher(None, a, b).ratio()


def edit_distance(a: str, b: str) -> int:
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


_CN_NUM = "〇零○一二三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟萬两"


def to_number(v: Any) -> float | None:
    """A float from a float/int or a string: '1,234.50', '１２３', '壹佰贰拾叁万元整' (→ 1230000)."""
    if v is None or isinstance(v, bool):
        return None
    if isinstance(v, (int, float)):
        return float(v)
    s = unicodedata.normalize("NFKC", str(v)).strip()
    s = re.sub(r"[\s,，]", "", s).replace("人民币", "").replace("¥", "").replace("￥", "")
    s = re.sub(r"(元整|元|整)$", "", s)
    if not s:
        return None
    try:
        return float(s)
    except ValueError:
        pass
    if any(c in _CN_NUM for c in s):
        try:
            import cn2an
            return float(cn2an.cn2an(s, "smart"))
        except Exception:  # not a number we can read
            return None
    return None


def capital_wan_from_text(text: Any) -> float | None:
    """'人民币伍佰万元整' → 500.0; '568.5万元' → 568.5; None for foreign currencies or unreadable text."""
    if not text:
        return None
    s = squash(text)
    if any(c in s for c in ("美元", "港元", "港币", "欧元", "日元", "USD", "HKD")):
        return None
    s = s.replace("人民币", "")
    m = re.fullmatch(r"(.+?)万(元)?(整)?", s)
    if m:
        n = to_number(m[1])
        return n
    n = to_number(s)
    return n / 10000.0 if n is not None else None


def to_date(v: Any) -> date | None:
    if v is None:
        return None
    if isinstance(v, datetime):
        return v.date()
    if isinstance(v, date):
        return v
    s = squash(v)
    m = re.fullmatch(r"(\d{4})[-./年](\d{1,2})[-./月](\d{1,2})日?", s)
    if m:
        try:
            return date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            return None
    m = re.fullmatch(r"([〇零○O一二三四五六七八九]{4})年([一二三四五六七八九十]+)月([一二三四五六七八九十]+)日", s)
    if m:
        digits = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "○": 0, "O": 0}

        def small(t: str) -> int:
            if "十" in t:
                a, _, b = t.partition("十")
                return (digits.get(a, 1) if a else 1) * 10 + (digits.get(b, 0) if b else 0)
            return digits[t]
        try:
            return date(int("".join(str(digits[c]) for c in m[1])), small(m[2]), small(m[3]))
        except (KeyError, ValueError):
            return None
    return None


def add_years(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 Feb
        return d.replace(year=d.year + years, day=28)


def fmt_num(x: float | None) -> str:
    if x is None:
        return "—"
    return f"{x:,.2f}".rstrip("0").rstrip(".") if abs(x - round(x)) > 1e-9 else f"{int(round(x)):,}"


def fmt_date(d: date | None) -> str:
    return d.isoformat() if d else "—"


# ------------------------------------------------------------------ evidence
def ev_of(f: Field | None) -> EvidenceOut | None:
    if f is None or f.evidence is None:
        return None
    e: Evidence = f.evidence
    return EvidenceOut(file=e.file, page=e.page, bbox=e.bbox, text=e.text if e.text is not None else f.raw,
                       engine=e.engine, confidence=e.confidence if e.confidence is not None else f.confidence)


def doc_ev(doc: Document | None, text: str | None = None) -> EvidenceOut | None:
    """The first page of a document, when no field evidence is at hand."""
    if doc is None or not doc.pages:
        return None
    file, page = doc.pages[0]
    return EvidenceOut(file=file, page=page, text=text or KIND_CN.get(doc.section or "", KIND_CN.get(doc.kind.value)))


def fval(doc: Document | None, name: str) -> Any:
    if doc is None:
        return None
    f = doc.fields.get(name)
    return None if f is None else f.value


def ffield(doc: Document | None, name: str) -> Field | None:
    return None if doc is None else doc.fields.get(name)


def rval(row: dict[str, Field], name: str) -> Any:
    f = row.get(name)
    return None if f is None else f.value


def is_blank(f: Field | None) -> bool:
    """A field that was located on the form and found empty (not: never located)."""
    if f is None or f.evidence is None:  # never located on the page: unread, not blank
        return False
    if f.value not in (None, "", []):
        return False
    raw = re.sub(r"(签署日期|申报日期|申\s*报\s*日\s*期|日\s*期)", "", str(f.raw or ""))
    return bool(re.fullmatch(r"[\s_年月日至起止\-—/.:：（）()]*", raw))


# ------------------------------------------------------------------ parties and documents
def party_docs(ctx: ReviewContext, party: Party, kind: DocKind | str, section: str | None = None) -> list[Document]:
    """The party's documents of a kind: its own (content agrees) first."""
    kind = DocKind(kind)
    out = party.docs(ctx, kind, section)
    seen = {id(d) for d in out}
    for d in ctx.documents:  # documents tied by key/code but not listed on the party
        if id(d) in seen or d.kind != kind or (section is not None and d.section != section):
            continue
        if (d.party_key and d.party_key == party.key) or (party.uscc and d.party_uscc == party.uscc):
            out.append(d)
    if not out and not party.documents:
        out = [d for d in untied_named(ctx, party) if d.kind == kind and (section is None or d.section == section)]
    return sorted(out, key=lambda d: d.extra.get("content_party") not in (None, party.key))


SUBJECT_FIELDS = ("name", "entity", "committer")


def subject_of(d: Document) -> str | None:
    for k in SUBJECT_FIELDS:
        v = d.value(k)
        if isinstance(v, str) and v.strip():
            return v
    v = d.extra.get("subject")
    return v if isinstance(v, str) and v.strip() else None


def name_matches(short: str, full: str) -> bool:
    """An OCR'd name matches a full one: equal, a cut-off prefix (>= 5 characters), or within two edits."""
    a, b = norm_name(short), norm_name(full)
    if a == b:
        return True
    if len(a) >= 5 and b.startswith(a):
        return True
    if len(a) >= 8 and edit_distance(a, b) <= 2:
        return True
    # characters dropped by OCR: the short name is a subsequence of the full one, at least 75 % of its length
    it = iter(b)
    return len(a) >= 8 and len(a) >= 0.75 * len(b) and all(c in it for c in a)


def untied_named(ctx: ReviewContext, party: Party) -> list[Document]:
    """Documents tied to no party whose subject is this (document-less) party's name, possibly cut off by OCR:
    a 表一 cell that wrapped gives '江门市永诚信' for 江门市永诚信息科技有限公司."""
    if len(norm_name(party.name)) < 5:
        return []
    subjects = {}
    for d in ctx.documents:
        holder = ctx.party(d.party_key) if d.party_key else None
        misfiled = holder is not None and subject_of(d) is not None and not name_matches(holder.name, subject_of(d)) \
            and not name_matches(subject_of(d), holder.name)
        if (misfiled or (d.party_key is None and d.party_uscc is None)) and d.kind not in (DocKind.application_form,
                                                                           DocKind.survey_report,
                                                                           DocKind.implementation_plan):
            s = subject_of(d)
            if s and name_matches(party.name, s):
                subjects.setdefault(norm_name(s), []).append(d)
    return next(iter(subjects.values())) if len(subjects) == 1 else []


def twin_parties(ctx: ReviewContext) -> set[str]:
    """Parties with no documents whose name is an OCR-cut or misread form of exactly one other party that has
    documents: the same company read twice (表一 vs 表二/licence). They take part in no check."""
    out = set()
    with_docs = [p for p in ctx.parties if p.documents]
    for p in ctx.parties:
        if p.documents or untied_named(ctx, p):
            continue
        hits = [q for q in with_docs if q.key != p.key and name_matches(p.name, q.name)]
        if len(hits) == 1:
            out.add(p.key)
    return out


def own_doc(ctx: ReviewContext, party: Party, kind: DocKind | str, section: str | None = None) -> Document | None:
    """The party's own document of a kind (not a copy of another party's filed in its bundle): one whose
    subject (name / code) is the party's first; None when every candidate plainly names another company."""
    docs = party_docs(ctx, party, kind, section)
    own = [d for d in docs if d.extra.get("content_party") in (None, party.key)]
    if DocKind(kind) == DocKind.application_form:
        return (own or [None])[0]
    from pipeline.checks.uscc import compact
    codes = {compact(party.uscc)} if party.uscc else set()
    t2 = [x for x in ctx.documents if x.kind == DocKind.application_form and x.section == "table2"
          and (x.party_key == party.key) and x.value("uscc")]
    codes |= {compact(x.value("uscc")) for x in t2}

    def mine(d: Document) -> bool | None:
        s, u = subject_of(d), d.value("uscc")
        if (u and compact(u) in codes) or (s and (name_matches(party.name, s) or name_matches(s, party.name))):
            return True
        if s and similarity(norm_name(s), norm_name(party.name)) < 0.6 and (not u or not codes or
                                                                             compact(u) not in codes):
            return False   # plainly another company's document
        return None        # unread: cannot tell
    # within each group the most complete copy first (a re-sent first part beside the whole report)
    ranked = sorted([d for d in own if mine(d) is True], key=_filled, reverse=True) + \
        sorted([d for d in own if mine(d) is None], key=_filled, reverse=True)
    return (ranked or [None])[0]


def _filled(d: Document) -> int:
    return sum(1 for f in d.fields.values() if f is not None and f.value not in (None, "", []))


def table1(ctx: ReviewContext) -> Document | None:
    return next(iter(ctx.docs_of_kind(DocKind.application_form, "table1")), None)


def cover(ctx: ReviewContext) -> Document | None:
    return next(iter(ctx.docs_of_kind(DocKind.application_form, "cover")), None)


def application_date(ctx: ReviewContext) -> date | None:
    if ctx.application_date:
        return ctx.application_date
    d = to_date(fval(cover(ctx), "application_date"))
    if d:
        return d
    cfg = rules_of(ctx).get("application_date", {}) or {}
    if cfg.get("default"):
        return to_date(cfg["default"])
    if cfg.get("fallback_latest_sign_date"):
        dates = [to_date(fval(d, "sign_date")) for d in ctx.docs_of_kind(DocKind.commitment_letter)]
        dates = [d for d in dates if d]
        return max(dates) if dates else None
    return None


def table1_row(ctx: ReviewContext, name: str | None) -> dict[str, Field] | None:
    t1 = table1(ctx)
    if t1 is None or not name:
        return None
    n = norm_name(name)
    rows = [r for r in t1.rows if rval(r, "name")]
    for r in rows:
        if norm_name(rval(r, "name")) == n:
            return r
    close = [r for r in rows if similarity(norm_name(rval(r, "name")), n) >= 0.9]
    return close[0] if len(close) == 1 else None


def party_anchor(ctx: ReviewContext, party: Party | None) -> list[EvidenceOut]:
    """Where a party is named: its 表一 row, else its 表二, else any of its documents, else the 表一/cover."""
    if party is not None:
        row = table1_row(ctx, party.name)
        if row is not None:
            e = ev_of(row.get("name"))
            if e:
                return [e]
        for d in party_docs(ctx, party, DocKind.application_form, "table2") + [ctx.documents[i] for i in party.documents]:
            e = ev_of(d.fields.get("name")) or doc_ev(d)
            if e:
                return [e]
    for d in (table1(ctx), cover(ctx)):
        e = doc_ev(d)
        if e:
            return [e]
    for d in ctx.documents:
        e = doc_ev(d)
        if e:
            return [e]
    if ctx.packet.files:
        return [EvidenceOut(file=ctx.packet.files[0].path, page=1, text="申报材料")]
    return [EvidenceOut(file=ctx.packet.source or ctx.packet.id, page=1, text="申报材料")]


# ------------------------------------------------------------------ collector
class Findings:
    """Collects findings of one check group; notes low-confidence fields once each."""

    def __init__(self, ctx: ReviewContext):
        self.ctx = ctx
        self.items: list[FindingOut] = []
        self._low: set[tuple] = set()

    def use(self, party: Party | None, *fields: Field | None, label: str | None = None) -> None:
        """A check depends on these fields: emit OCR_LOW_CONFIDENCE for any read with low confidence."""
        limit = th(self.ctx, "ocr_low_confidence")
        for f in fields:
            if f is None or f.value is None:
                continue
            conf = f.confidence if f.evidence is None or f.evidence.confidence is None \
                else min(f.confidence, f.evidence.confidence)
            if conf >= limit:
                continue
            e = ev_of(f)
            key = (f.name, e.file if e else None, e.page if e else None, e.bbox if e else None)
            if key in self._low or e is None:
                continue
            self._low.add(key)
            self.add("OCR_LOW_CONFIDENCE", party, [f],
                     f"{label or f.name}识别置信度较低（{conf:.2f}），读取值“{f.raw if f.raw is not None else f.value}”，请人工核对",
                     declared=None, found=f.value if isinstance(f.value, (str, int, float)) else str(f.value),
                     confidence=conf, detail={"field": f.name})

    def add(self, code: str, party: Party | None, fields: Iterable[Field | None], message: str, *,
            declared: Any = None, found: Any = None, detail: dict | None = None,
            docs: Iterable[Document | None] = (), extra_evidence: Iterable[EvidenceOut | None] = (),
            confidence: float | None = None, packet_level: bool = False) -> FindingOut:
        fields = [f for f in fields if f is not None]
        evidence = [e for e in (ev_of(f) for f in fields) if e is not None]
        evidence += [e for e in extra_evidence if e is not None]
        uniq: dict[tuple, EvidenceOut] = {}
        for e in evidence:
            uniq.setdefault((e.file, e.page, e.bbox, e.text), e)
        evidence = list(uniq.values())
        if not evidence:
            evidence = [e for e in (doc_ev(d) for d in docs) if e is not None]
        if not evidence:
            evidence = party_anchor(self.ctx, party)
        if confidence is None:
            confs = [f.confidence for f in fields] + [e.confidence for e in evidence if e.confidence is not None]
            confidence = min(confs) if confs else None
        first = evidence[0]
        f = FindingOut(
            code=code, severity=SEVERITY[code],
            party_uscc=None if packet_level or party is None else party.uscc,
            party_name=None if packet_level or party is None else party.name,
            file=first.file, page=first.page, bbox=first.bbox, declared=_plain(declared), found=_plain(found),
            confidence=confidence, message=message, detail=_plain(dict(detail or {})), evidence=evidence)
        self.items.append(f)
        return f


def _plain(v: Any) -> Any:
    if isinstance(v, (date, datetime)):
        return v.isoformat()
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    if isinstance(v, dict):
        return {k: _plain(x) for k, x in v.items()}
    return v
