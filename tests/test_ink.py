"""Unread ink on grey scans (pipeline.read.ink): a place is blank only where the image is blank too."""
from __future__ import annotations

import cv2
import numpy as np
import pytest

from extractors.base import labelled_date
from models.provenance import Page, TextLine
from pipeline.read.ink import ink_in, unread_ink

pytestmark = pytest.mark.quick
SCALE = 150 / 72


def _page_image(date: bool, rule: bool) -> np.ndarray:
    img = np.full((int(842 * SCALE), int(595 * SCALE), 3), 235, np.uint8)
    px = lambda v: int(v * SCALE)  # noqa: E731
    cv2.putText(img, "LABEL", (px(204), px(513)), cv2.FONT_HERSHEY_SIMPLEX, 0.9, (20, 20, 20), 2)
    if date:     # the date the OCR did not read (under a seal it missed), in seal-grey and black
        cv2.putText(img, "2025-08-24", (px(318), px(513)), cv2.FONT_HERSHEY_SIMPLEX, 0.9, (40, 40, 40), 2)
        cv2.ellipse(img, (px(420), px(505)), (px(60), px(40)), 15, 0, 360, (120, 120, 120), 3)
    if rule:     # an underline to write the date on: a ruled line, not ink of a character
        cv2.line(img, (px(300), px(517)), (px(480), px(517)), (30, 30, 30), 2)
    return img


def _page(img: np.ndarray, grey: bool = True) -> Page:
    p = Page(file="x.pdf", index=1, width=595, height=842, ocr=True, grey=grey,
             lines=[TextLine(text="签署日期：", bbox=(204, 500, 254, 514), confidence=0.99)])
    p.unread_ink = unread_ink(p, img, SCALE)
    return p


def test_unread_date_is_ink_and_the_place_is_not_blank():
    p = _page(_page_image(date=True, rule=False))
    zone = (254, 500, 404, 514)
    assert ink_in(p, zone)
    assert labelled_date([p], "签署日期") is None                   # unread, not a located blank
    assert not ink_in(p.model_copy(update={"grey": False}), zone)  # colour scans: the OCR saw the print


def test_a_blank_place_stays_blank():
    for rule in (False, True):
        p = _page(_page_image(date=False, rule=rule))
        assert not ink_in(p, (254, 500, 404, 514)), rule
        got = labelled_date([p], "签署日期")
        assert got is not None and got[0] is None and got[1].bbox == (204, 500, 254, 514)


def test_table1_row_whose_name_lies_under_a_grey_seal_is_counted():
    """表一 on a grey scan: row 14's name and the provider's lie under a seal the OCR read nothing from; the
    rows are counted (nameless), so the members' licences can fill them."""
    from extractors import extract
    from models.provenance import DocKind, Document, Seal
    lines = [("表一、产业集群信息表", 223, 58, 373, 72), ("序号", 195, 234, 218, 249), ("工业企业名称", 259, 234, 315, 248),
             ("1", 195, 254, 205, 267), ("江门市宏润制衣股份有限公司", 260, 254, 377, 265),
             ("2", 195, 273, 205, 287), ("开平市博威印染有限公司", 260, 273, 360, 285),
             ("3", 195, 292, 205, 305), ("序号", 195, 310, 218, 325), ("服务商", 133, 320, 165, 335),
             ("1", 193, 330, 205, 345)]
    p = Page(file="a.pdf", index=2, width=595, height=842, ocr=True, grey=True,
             lines=[TextLine(text=t, bbox=b, confidence=1.0) for t, *b in lines],
             seals=[Seal(file="a.pdf", page=2, bbox=(300, 280, 410, 390))])
    rows = extract(Document(kind=DocKind.application_form, section="table1", pages=[("a.pdf", 2)]), [p]).rows
    got = [(r["role"].value, r["seq"].value, r["name"].value) for r in rows]
    assert got[2:] == [("enterprise", 3, None), ("provider", 1, None)]
    bare = extract(Document(kind=DocKind.application_form, section="table1", pages=[("a.pdf", 2)]),
                   [p.model_copy(update={"seals": []})]).rows      # pre-numbered blank rows are no rows
    assert [(r["role"].value, r["seq"].value) for r in bare] == [("enterprise", 1), ("enterprise", 2)]


@pytest.mark.slow
@pytest.mark.parametrize("name, blank", [("commit_grey_no_date", True), ("commit_grey_date_under_seal", False)])
def test_a_grey_seal_over_the_date_place_hides_only_what_is_printed_under_it(tmp_path, name, blank):
    """Crops of two generated grey-scale 责任承诺函 scans, the 承诺方 seal stamped down to the 签署日期 line. Without a
    date (SYN69001) the place is blank: the seal's own grey ink is no unread print (it was, and SIGN_DATE_MISSING
    was never claimed on a grey page with a seal near the date). With a date under the seal that the OCR did not
    read (SYN68003) its print, darker than seal ink, keeps the place from being called blank."""
    from pathlib import Path

    from extractors import extract
    from models.packet import StoredFile
    from models.provenance import DocKind, Document
    from pipeline.checks.base import is_blank
    from pipeline.read import ReadOptions, read_file
    f = Path(__file__).parent / f"data/{name}.pdf"
    [page] = read_file(StoredFile(path=f.name, blob=str(f), sha256="x", size=f.stat().st_size),
                       ReadOptions(cache_dir=str(tmp_path)))
    assert page.grey and page.seals and not any(ch.isdigit() for ln in page.lines for ch in ln.text)
    doc = extract(Document(kind=DocKind.commitment_letter, pages=[(f.name, 1)]), [page])
    assert is_blank(doc.fields.get("sign_date")) is blank


def test_on_an_image_file_the_date_place_reaches_as_far_in_pixels():
    """A grey .jpg letter (coordinates in pixels, ~2.8 per point): the date under a seal the detector missed
    lies ~270 px right of 签署日期：, beyond the 150 units that reach 150 pt on a PDF page. It was a located blank
    (a false SIGN_DATE_MISSING); on a page in pixels the place reaches as far as 150 pt of an A4 page."""
    label = TextLine(text="签署日期：", bbox=(566, 1391, 704, 1426), confidence=0.99)
    p = Page(file="x.jpg", index=1, width=1654, height=2339, ocr=True, grey=True, lines=[label],
             unread_ink=[(978.0, 1348.0, 1115.0, 1523.0)])
    assert labelled_date([p], "签署日期") is None
    dated = p.model_copy(update={"unread_ink": [], "lines": [
        label, TextLine(text="2025年08月14日", bbox=(980, 1392, 1220, 1426), confidence=0.99)]})
    got = labelled_date([dated], "签署日期")
    assert got is not None and str(got[0]) == "2025-08-14"
