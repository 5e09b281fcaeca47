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
