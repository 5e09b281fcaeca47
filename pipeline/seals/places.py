"""Where a seal stands can say whose it is, when its ring was not read.

On a licence the registration authority stamps over the issue date under 登记机关: a seal there whose ring
does not read as a company's is the authority's (a faint scan reads 江门市职会区市场生务管理是, or nothing),
not the applicant's. Used by the seal checks before the seal places are judged.
"""
from __future__ import annotations

import re
import unicodedata

from models.provenance import Page, SealKind

COMPANY_TRACE = re.compile(r"公司|有限|厂$|合作社")
AUTHORITY_LABEL = re.compile(r"登\s*记\s*机\s*关")
PLACE_NOTE = "+登记机关位置"        # appended to the seal's engine: how its kind was decided


def _inside(x: float, y: float, box, margin: float) -> bool:
    x0, y0, x1, y1 = box
    mx, my = margin * (x1 - x0), margin * (y1 - y0)
    return x0 - mx <= x <= x1 + mx and y0 - my <= y <= y1 + my


def authority_by_place(page: Page, date_box=None) -> int:
    """Company-kind seals on a licence page that cover its issue date (date_box, PDF points) or stand just right
    of the 登记机关 label, their ring not read as a company's, become the authority's. Returns how many."""
    label = [ln for ln in page.lines if AUTHORITY_LABEL.search(ln.text)][-1:]
    n = 0
    for s in page.seals:
        if s.edge or s.shape not in ("round", "oval") or s.kind != SealKind.company or s.is_copy_stamp:
            continue
        if s.text and COMPANY_TRACE.search(unicodedata.normalize("NFKC", s.text)):
            continue
        x0, y0, x1, y1 = s.bbox
        w = x1 - x0
        on_date = date_box is not None and _inside((date_box[0] + date_box[2]) / 2, (date_box[1] + date_box[3]) / 2,
                                                   s.bbox, 0.15)
        by_label = any(x0 - 0.3 * w <= ln.bbox[2] <= x0 + 0.5 * w and y0 <= (ln.bbox[1] + ln.bbox[3]) / 2 <= y1
                       for ln in label)
        if on_date or by_label:
            s.kind = SealKind.authority
            s.engine = f"{s.engine}{PLACE_NOTE}"
            n += 1
    return n
