"""责任承诺函, 调研报告, 实施方案."""
from __future__ import annotations

import re
from collections import Counter

from extractors.base import (Hit, find_line, find_text, labelled_date, make_field, nfkc, row_hit, unit,
                             visual_rows)
from extractors.grid import rows_from_lines, rows_from_table
from models.provenance import Document, Page
from pipeline.normalize import parse_date, parse_number, squash

MIN_NAME_CONF = 0.96     # OCR'd names under a seal misread at 0.94-0.95
HINT_CONF = 0.8          # a name read this sure may still tell whose document it is (never a field value)
MIN_DATE_CONF = 0.90
_COMPANY_END = r"(?:有限公司|有限责任公司|股份有限公司|分公司|厂|商行|经营部|合作社|中心|研究院)"


def _contiguous(row: list) -> list:
    """The leading boxes of a row that touch each other (a seal covering part of a name leaves a gap: the
    pieces on either side are not one name)."""
    out = row[:1]
    for b in row[1:]:
        h = max(4.0, out[-1].bbox[3] - out[-1].bbox[1])
        if b.bbox[0] - out[-1].bbox[2] > 2.0 * h:
            break
        out.append(b)
    return out


def extract_commitment(doc: Document, pages: list[Page]) -> Document:
    f = doc.fields
    title = joined = "".join(squash(l.text) for p in pages for l in p.lines[:4])
    variant = "lead" if "牵头单位" in title else ("enterprise" if re.search(r"企业|工业企业|服务商", title) else None)
    th = find_text(pages, r"责任承诺函")
    f["variant"] = make_field("variant", variant, th[1] if th else None)
    # 承诺方（盖章）：name — same line, or the line(s) below
    committer = None
    for page in pages:
        rows = [_contiguous(r) for r in visual_rows(page)]
        for i, row in enumerate(rows):
            h = row_hit(page, row, sep="")
            t = squash(h.text)
            m = re.search(r"承诺方[（(]?(?:盖章|签章|公章)?[)）]?[:：]?(.*)", t)
            if not m:
                continue
            rest = re.split(r"签署日期|日期", m.group(1))[0]
            if len(rest) >= 6 and re.search(_COMPANY_END + "$", rest):
                committer = Hit(rest, page, h.bbox, h.confidence, h.engine)
            else:
                x0, u = row[0].bbox[0], unit(page)
                for nxt in rows[i + 1:i + 3]:
                    nh = row_hit(page, nxt, sep="")
                    nt = squash(nh.text)
                    # the name sits under the label, left-aligned with it; a fragment right of a seal is not it
                    # (a whole name further right, where the label's colon leads, is it too)
                    near_x = abs(nxt[0].bbox[0] - x0) < 40 * u or (
                        len(nt) >= 8 and x0 <= nxt[0].bbox[0] <= row[-1].bbox[2] + 60 * u)
                    if near_x and len(nt) >= 6 and re.search(_COMPANY_END + "$", nt):
                        committer = Hit(nt, page, nh.bbox, nh.confidence, nh.engine)
                        break
                    if near_x and len(nt) >= 8 and re.search(r"(?:有限(?:责任)?公?|公司)$", nt) \
                            and nh.confidence >= HINT_CONF:
                        # the name's end lies under the seal (…科技有限) or is garbled there (…科育限公司): no
                        # committer to give, but whose letter it is may still be told from it (a hint for
                        # tying, never a field value)
                        if not doc.extra.get("subject"):
                            doc.extra["subject"] = nt
                        break
            break
    ok = committer is not None and committer.confidence >= MIN_NAME_CONF
    f["committer"] = make_field("committer", committer.text.replace("(", "（").replace(")", "）")
                                if ok else None, committer)
    if committer is not None and not ok and not doc.extra.get("subject"):
        doc.extra["subject"] = committer.text      # read unsure (科通软件科育限公司): whose letter it is, a hint
    # 签署日期：date (None when blank)
    sd = labelled_date(pages, r"签署日期")
    # a date read under a seal is often garbled: kept as raw text (not blank) but not given as a value
    ok = sd is not None and sd[1].confidence >= MIN_DATE_CONF
    f["sign_date"] = make_field("sign_date", sd[0] if ok else None, sd[1] if sd else None)
    cd = find_text(pages, r"(?:于|在)(\d{4}年\d{1,2}月\d{1,2}日)(?:前)?(?:完工|完成|竣工)")
    f["completion_date"] = make_field("completion_date", parse_date(cd[0].group(1)) if cd else None,
                                      cd[1] if cd else None)
    return doc


SURVEY_COLS = {"seq": "序号", "name": "被调研企业名称", "type": "类型", "segment": "产业链环节",
               "process": "工艺工序", "output_value": "产值"}


def extract_survey(doc: Document, pages: list[Page]) -> Document:
    raw: list[dict[str, Hit]] = []
    for page in pages:
        got = None
        for t in page.tables:
            got = rows_from_table(page, t, SURVEY_COLS, r"合计|^[一二三四五六七八九十]、")
            if got is not None:
                break
        raw += got if got is not None else rows_from_lines(page, SURVEY_COLS, r"^[一二三四五六七八九十]、|合计")
    rows = []
    for r in raw:
        name = r.get("name")
        if not name or not squash(name.text):
            continue
        row = {"seq": make_field("seq", int(parse_number(r["seq"].text) or 0) if r.get("seq") else None, r.get("seq")),
               "name": make_field("name", squash(name.text).replace("(", "（").replace(")", "）"), name)}
        for k in ("type", "segment", "process"):
            row[k] = make_field(k, squash(r[k].text) if r.get(k) else None, r.get(k))
        ov = r.get("output_value")
        row["output_value"] = make_field("output_value", parse_number(ov.text) if ov else None, ov)
        rows.append(row)
    doc.rows = rows
    first = rows[0]["name"].evidence if rows else None
    hit = Hit(rows[0]["name"].raw or "", pages[0], first.bbox, first.confidence or 1.0, first.engine) if first else None
    counts = Counter(r["type"].value for r in rows if r["type"].value)
    doc.fields["n_enterprises"] = make_field("n_enterprises", len(rows) if rows else None, hit)
    doc.fields["type_counts"] = make_field("type_counts", dict(counts) if counts else None, hit)
    doc.fields["n_types"] = make_field("n_types", len(counts) if counts else None, hit)
    title = find_line(pages, r"(调研报告)")
    doc.fields["title"] = make_field("title", squash(title[1].text) if title else None, title[1] if title else None)
    return doc


def extract_plan(doc: Document, pages: list[Page]) -> Document:
    """The title: the lines above the first numbered heading of page 1."""
    if not pages:
        return doc
    page = pages[0]
    rows = visual_rows(page)
    parts, used = [], []
    for row in rows[:4]:
        t = squash(" ".join(l.text for l in row))
        if re.match(r"^[一二三四五六七八九十]+、|^[（(]", t):
            break
        parts.append(t)
        used += row
    title = "".join(parts) or None
    hit = row_hit(page, used, sep="") if used else None
    doc.fields["title"] = make_field("title", title, hit)
    return doc
