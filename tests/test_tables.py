"""Ruled-table grid from a scanned 表二 page (P902-01 page 4): label cells next to value cells."""
from __future__ import annotations

import cv2
import numpy as np
import pytest

from pipeline.ocr import get_engine
from pipeline.prep import prepare
from pipeline.read.render import render_pdf_page
from pipeline.tables import ENGINE, find_tables


@pytest.mark.quick
def test_grid_with_merged_cells_on_synthetic_table():
    img = np.full((400, 600), 255, np.uint8)
    for y in (50, 150, 250, 350):
        cv2.line(img, (50, y), (550, y), 0, 2)
    for x in (50, 550):
        cv2.line(img, (x, 50), (x, 350), 0, 2)
    cv2.line(img, (250, 50), (250, 250), 0, 2)        # last row spans both columns
    cv2.line(img, (400, 150), (400, 250), 0, 2)       # middle row has three columns
    [t] = find_tables(img, [], scale=2.0)
    assert (t.n_rows, t.n_cols) == (3, 3) and t.engine == ENGINE
    spans = sorted((c.row, c.col, c.rowspan, c.colspan) for c in t.cells)
    assert spans == [(0, 0, 1, 1), (0, 1, 1, 2), (1, 0, 1, 1), (1, 1, 1, 1), (1, 2, 1, 1), (2, 0, 1, 3)]
    assert t.bbox == pytest.approx((25, 25, 275, 175), abs=2)      # points = pixels / scale


@pytest.mark.slow
def test_scanned_table2_label_next_to_value(devset):
    img = render_pdf_page(devset / "P902-01/全套申报材料.pdf", 4, 150)
    eng = get_engine()
    prep = prepare(img)
    boxes = eng.recognize(prep.ocr_image)
    tables = find_tables(prep.ocr_image, boxes, scale=150 / 72)
    assert tables
    t = max(tables, key=lambda t: len(t.cells))
    label = next(c for c in t.cells if "统一社会信用代码" in c.text)
    value = t.cell(label.row, label.col + label.colspan)
    assert value is not None and "91440781MA816BG15X" in value.text.replace(" ", "")
    name = next(c for c in t.cells if c.text.strip() == "单位名称")
    right = t.cell(name.row, name.col + name.colspan)
    assert "江门市益兴卫浴科技有限公司" in right.text and right.colspan > 1     # merged value cell
    assert all(0 <= c.bbox[0] < c.bbox[2] <= 596 and 0 <= c.bbox[1] < c.bbox[3] <= 843 for c in t.cells)
