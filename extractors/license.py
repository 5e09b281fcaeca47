"""营业执照: label/value rows on an OCR'd (or text-layer) page. Every value is checked (format, vocabulary,
check character, OCR confidence); a value that fails is given as None rather than guessed."""
from __future__ import annotations

import re

from extractors.base import Hit, make_field, nfkc
from extractors.vocab import canonical_company_type
from models.provenance import Document, Page, TextLine
from pipeline.normalize import parse_amount_cn, parse_date, repair_uscc, squash
from pipeline.normalize.uscc import REGNO_RE, USCC_RE

MIN_CONF = 0.935         # text fields (names, addresses): below this OCR is too often wrong to trust
MIN_CONF_NUM = 0.90      # dates, amounts: their format check catches most misreads

LABELS: dict[str, tuple[str, ...]] = {  # longest first within a field
    "uscc": ("统一社会信用代码",),
    "reg_no": ("注册号",),
    "name": ("企业名称", "名称"),
    "company_type": ("公司类型", "主体类型", "企业类型", "类型"),
    "legal_representative": ("法定代表人姓名", "法定代表人", "执行事务合伙人", "负责人", "经营者", "投资人"),
    "registered_capital": ("注册资本", "注册资金", "出资额"),
    "paid_capital": ("实收资本",),
    "established": ("成立日期", "注册日期"),
    "term": ("营业期限", "经营期限", "合伙期限"),
    "address": ("主要经营场所", "经营场所", "营业场所", "住所"),
    "scope": ("经营范围",),
    "form": ("组成形式",),
    "authority": ("登记机关",),
}
FRAGMENTS = {"称": "name", "型": "company_type", "所": "address"}   # right halves of spaced labels
LEFT_FRAGMENTS = {"名": "name", "类": "company_type", "住": "address"}
WHOLE_FRAGMENTS = {"资本": "registered_capital", "日期": "established", "期限": "term", "代表人": "legal_representative"}
ADDRESS_END = set("号室楼层栋幢村组铺区路街道镇园院座元内侧处米店场房库间厂仓旁边首一二三四五六七八九十）)") 
_LEFT_HALVES = set("名类住注册成立营业期限经范围")
NAME_RE = re.compile(r"^[\u4e00-\u9fff（）()A-Za-z0-9·]{4,60}$")
PERSON_RE = re.compile(r"^[\u4e00-\u9fff·]{2,6}$")
TERM_RE = re.compile(r"^(?:自?\d{4}年\d{1,2}月\d{1,2}日)?(?:至|-|—)?(?:长期|不约定期限|永久|\d{4}年\d{1,2}月\d{1,2}日)$")


class _Label:
    def __init__(self, field: str, line: TextLine, rest: str, rest_start: int):
        self.field, self.line, self.rest, self.rest_start = field, line, rest, rest_start


def _labels_in(line: TextLine) -> list[_Label]:
    text = nfkc(line.text).strip().lstrip("☑☐□■√✓●·•.,:;、|")   # OCR reads ruling/tick marks as symbols
    flat = re.sub(r"\s+", "", text)
    out = []
    for field, labs in LABELS.items():
        for lab in labs:
            m = re.match(r"\s*".join(map(re.escape, lab)) + r"[:：]?\s*", text)
            if m:
                out.append(_Label(field, line, text[m.end():].strip(), m.end()))
                return out
    if flat in LEFT_FRAGMENTS:   # '名' alone: the value follows on the right (maybe after '称')
        return [_Label(LEFT_FRAGMENTS[flat], line, "", len(text))]
    if flat in WHOLE_FRAGMENTS:
        return [_Label(WHOLE_FRAGMENTS[flat], line, "", len(text))]
    if flat[:1] in FRAGMENTS and (len(flat) == 1 or not flat[1:2] in "、，"):
        out.append(_Label(FRAGMENTS[flat[0]], line, flat[1:].strip(), 1))
        return out
    # label glued at the end of another line ('…服务；住所', '…制造；住'; '住经润人力' is not one)
    if len(flat) > 3 and re.search(r"[；;。，,]住所?$", flat):
        return [_Label("address", line, "", len(text))]
    for field, labs in LABELS.items():
        for lab in labs:
            if len(text) > len(lab) and re.search(re.escape(lab) + r"$", flat) and field in ("address", "registered_capital"):
                out.append(_Label(field, line, "", len(text)))
    return out


def _row_overlap(a: tuple, b: tuple) -> bool:
    ha, hb = a[3] - a[1], b[3] - b[1]
    return abs((a[1] + a[3]) / 2 - (b[1] + b[3]) / 2) <= 0.45 * max(ha, hb)


def _is_labelish(line: TextLine) -> bool:
    flat = squash(line.text)
    return bool(_labels_in(line)) or (len(flat) <= 3 and all(c in _LEFT_HALVES for c in flat))


def _values(page: Page) -> dict[str, tuple[str, list[TextLine]]]:
    """field → (value text, lines it came from)."""
    lines = [l for l in page.lines if l.text.strip()]
    out: dict[str, tuple[str, list[TextLine]]] = {}
    labelled = {id(l) for l in lines if _is_labelish(l)}
    for line in lines:
        for lab in _labels_in(line):
            if lab.field in out:
                continue
            if lab.rest:
                out[lab.field] = (lab.rest, [line])
            else:
                lh = line.bbox[3] - line.bbox[1]
                right = [l for l in lines if l is not line and _row_overlap(l.bbox, line.bbox)
                         and l.bbox[0] >= (line.bbox[0] + line.bbox[2]) / 2 + 0.1 * (line.bbox[2] - line.bbox[0])
                         and l.bbox[0] - line.bbox[2] < 0.35 * page.width
                         and (l.bbox[3] - l.bbox[1]) <= 1.7 * lh]   # watermarks are big
                right.sort(key=lambda l: l.bbox[0])
                if not right:
                    continue
                first = right[0]
                if id(first) in labelled and len(right) > 1:   # '名' … '称' … value
                    sub = _labels_in(first)
                    if sub and sub[0].field == lab.field and not sub[0].rest:
                        first = right[1]
                if id(first) in labelled:
                    sub = _labels_in(first)
                    if sub and sub[0].field == lab.field and sub[0].rest:   # '名' … '称 XX公司'
                        out[lab.field] = (sub[0].rest, [first])
                    continue
                out[lab.field] = (nfkc(first.text).strip(), [first])
            if lab.field == "address":   # wrapped address: next line directly below, same left edge
                text, used = out[lab.field]
                last = used[-1]
                h = last.bbox[3] - last.bbox[1]
                below = [l for l in lines if id(l) not in labelled and -0.3 * h <= l.bbox[1] - last.bbox[3] < 1.3 * h
                         and abs(l.bbox[0] - last.bbox[0]) < max(12, 1.5 * h) and l.bbox[2] - l.bbox[0] < last.bbox[2] - last.bbox[0]]
                if len(below) == 1 and not any(_row_overlap(below[0].bbox, l.bbox) for l in lines
                                                if id(l) in labelled):
                    out[lab.field] = (text + nfkc(below[0].text).strip(), used + below)
    return out


def _hit(page: Page, text: str, used: list[TextLine]) -> Hit:
    xs = [l.bbox for l in used]
    bbox = (min(b[0] for b in xs), min(b[1] for b in xs), max(b[2] for b in xs), max(b[3] for b in xs))
    # a lone closing bracket that balances the text is certain from the text itself, whatever OCR scored it
    sure = [l for l in used if not (_lone_closer(l.text) and _balances(text))] or used
    return Hit(text=text, page=page, bbox=bbox, confidence=min(l.confidence for l in sure), engine=used[0].engine)


def _lone_closer(s: str) -> bool:
    return nfkc(s).strip() == ")"


def _balances(text: str) -> bool:
    t = nfkc(text)
    return t.count("(") == t.count(")") > 0


def _code_from_lines(page: Page) -> tuple[str | None, str | None, Hit | None, str | None]:
    """(uscc, repair note, hit, reg_no) from anywhere on the page (the code sits under or after its label)."""
    for line in page.lines:
        text = nfkc(line.text).replace(" ", "").upper()
        for m in USCC_RE.finditer(text):
            code, note = repair_uscc(m.group(), ocr=line.engine != "pdfplumber")
            if code:
                return code, note, Hit(m.group(), page, line.bbox, line.confidence, line.engine), None
    for line in page.lines:
        text = nfkc(line.text).replace(" ", "")
        if "注册号" in text or re.fullmatch(r"\d{15}", text):
            m = REGNO_RE.search(text)
            if m and len(m.group()) == 15 and line.confidence >= MIN_CONF_NUM:
                return None, None, Hit(m.group(), page, line.bbox, line.confidence, line.engine), m.group()
    return None, None, None, None


def _issued(page: Page) -> tuple[object, Hit | None]:
    """The issue date printed under 登记机关 (possibly split into several OCR boxes)."""
    anchors = [l for l in page.lines if re.search(r"登\s*记\s*机\s*关", l.text)]
    if not anchors:
        return None, None
    a = anchors[-1]
    w, h = a.bbox[2] - a.bbox[0], a.bbox[3] - a.bbox[1]
    near = [l for l in page.lines if l.bbox[1] >= a.bbox[1] - 0.5 * h and l.bbox[1] < a.bbox[3] + 5 * h
            and l.bbox[2] > a.bbox[0] - 1.5 * w and l.bbox[0] < a.bbox[2] + 2.5 * w and l is not a]
    near.sort(key=lambda l: (round((l.bbox[1] + l.bbox[3]) / 2 / max(h, 1)), l.bbox[0]))
    parts = [l for l in near if re.search(r"[\d年月日]", l.text)]
    joined = "".join(squash(l.text) for l in parts)
    m = re.search(r"\d{4}年\d{1,2}月\d{1,2}日", joined)
    if not m:
        return None, None
    used = [l for l in parts if squash(l.text) and squash(l.text) in m.group() or m.group() in squash(l.text)]
    used = used or parts
    if min(l.confidence for l in used) < MIN_CONF_NUM:
        return None, None
    return parse_date(m.group()), _hit(page, m.group(), used)


def extract_license(doc: Document, pages: list[Page]) -> Document:
    page = pages[0] if pages else None
    if page is None:
        return doc
    vals = _values(page)
    f = doc.fields

    def text_field(name: str, key: str, check, min_conf: float = MIN_CONF, clean=lambda s: s):
        if key not in vals:
            f[name] = make_field(name, None, None)
            return
        text, used = vals[key]
        hit = _hit(page, text, used)
        value = clean(squash(text))
        ok = bool(value) and check(value) and hit.confidence >= min_conf
        f[name] = make_field(name, value if ok else None, hit, raw=text,
                             confidence=hit.confidence if ok else 0.0)

    code, note, hit, reg_no = _code_from_lines(page)
    f["uscc"] = make_field("uscc", code, hit, repaired=note, confidence=1.0 if code and not note else 0.9)
    f["reg_no"] = make_field("reg_no", reg_no, hit if reg_no else None)

    text_field("name", "name", lambda v: bool(NAME_RE.match(v)),
               clean=lambda s: s.replace("(", "（").replace(")", "）"))
    # type: a known form is trusted at lower OCR confidence (the vocabulary check catches misreads)
    if "company_type" in vals:
        text, used = vals["company_type"]
        hit = _hit(page, text, used)
        canon = canonical_company_type(text)
        ok = canon is not None and hit.confidence >= 0.85
        f["company_type"] = make_field("company_type", canon if ok else None, hit, raw=text,
                                       confidence=hit.confidence if ok else 0.0)
    else:
        f["company_type"] = make_field("company_type", None, None)
    text_field("legal_representative", "legal_representative", lambda v: bool(PERSON_RE.match(v)))
    text_field("address", "address", lambda v: bool(re.search(r"[\u4e00-\u9fff]{2}", v)) and len(v) >= 6
               and (v[-1] in ADDRESS_END or v[-1].isalnum() and v[-1].isascii()),
               clean=lambda s: s.replace("(", "（").replace(")", "）"))
    text_field("term", "term", lambda v: bool(TERM_RE.match(v)), min_conf=MIN_CONF_NUM,
               clean=lambda s: s.lstrip("/").replace("—", "至"))

    if "registered_capital" in vals:
        text, used = vals["registered_capital"]
        hit = _hit(page, text, used)
        yuan, unit = parse_amount_cn(text)
        ok = yuan is not None and hit.confidence >= MIN_CONF_NUM and "美元" not in (unit or "")
        f["registered_capital_wan"] = make_field("registered_capital_wan", round(yuan / 1e4, 6) if ok else None,
                                                 hit, raw=text)
        f["registered_capital_text"] = make_field("registered_capital_text", squash(text) if ok else None, hit)
    else:
        f["registered_capital_wan"] = make_field("registered_capital_wan", None, None)
        f["registered_capital_text"] = make_field("registered_capital_text", None, None)

    if "established" in vals:
        text, used = vals["established"]
        hit = _hit(page, text, used)
        d = parse_date(text)
        f["established"] = make_field("established", d if d and hit.confidence >= MIN_CONF_NUM else None, hit)
    else:
        f["established"] = make_field("established", None, None)

    auth = None
    if "authority" in vals:
        text, used = vals["authority"]
        hit = _hit(page, text, used)
        v = squash(text)
        if re.fullmatch(r"[\u4e00-\u9fff]{4,30}(?:局|委员会|厅)", v) and hit.confidence >= MIN_CONF:
            auth = make_field("authority", v, hit)
    if auth is None:   # the authority is often only in its seal's ring text
        seal = next((s for s in page.seals if s.kind.value == "authority" and s.text
                     and (s.text_confidence or 0) >= MIN_CONF), None)
        if seal:
            auth = make_field("authority", seal.text, Hit(seal.text, page, seal.bbox, seal.text_confidence or 0.0,
                                                          seal.engine))
    f["authority"] = auth or make_field("authority", None, None)
    d, hit = _issued(page)
    f["issued"] = make_field("issued", d, hit)
    est = f["established"].value
    if d and est and d < est:
        f["issued"] = make_field("issued", None, hit)
    return doc
