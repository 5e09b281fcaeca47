"""Reading seals with the shared OCR engine: owner name, kind, copy stamps."""
from __future__ import annotations

import numpy as np
import pytest

from pipeline.read.render import load_image, render_pdf_page
from pipeline.seals import find_seals
from pipeline.seals.reading import R0, kind_of, ring_strips, strip_code
from tests.conftest import DEVSET, REAL, need

P901 = DEVSET / "P901-06"


@pytest.fixture(scope="module")
def engine():
    from pipeline.ocr import get_engine
    return get_engine()


def _seals(path, page=1, dpi=100, engine=None):
    img = render_pdf_page(need(path), page, dpi)
    return [s for s in find_seals(img, path.name, page, dpi / 72, engine) if s.edge is None]


@pytest.mark.quick
def test_kind_words():
    assert kind_of("财务专用章", "开平市永辰汽车零部件有限公司") == "finance"
    assert kind_of("合同专用章", "x") == "contract"
    assert kind_of("发票专用章", "x") == "invoice"
    assert kind_of("", "开平市永辰汽车零部件有限公司") == "company"
    assert kind_of("", "江门市江海区市场监督管理局") == "authority"
    assert kind_of("", "江门市工商行政管理局") == "authority"
    assert kind_of("", "门市家会区市场监有管理是行3江") == "authority"       # misread, read from a licence photo
    assert kind_of("", "江门市新会区场监科技有限公司") == "company"           # a company name keeps its 公司


@pytest.mark.quick
def test_code_digits_and_rotated_readings_are_cleaned():
    assert strip_code("2开平市宏隆汽车零部件有限公司") == "开平市宏隆汽车零部件有限公司"
    assert strip_code("锈钢制品有限公司江门市江海区泰辰不") == "江门市江海区泰辰不锈钢制品有限公司"
    assert strip_code("江门市益兴卫浴科技有限公司鹤山分公司") == "江门市益兴卫浴科技有限公司鹤山分公司"


@pytest.mark.quick
def test_ring_strip_is_a_horizontal_line():
    # a synthetic ring of ink with a gap at the bottom: the strip starts at the gap
    import cv2
    size = int(2.1 * R0)
    img = np.full((size, size, 3), 255, np.uint8)
    c = size // 2
    cv2.ellipse(img, (c, c), (int(0.76 * R0),) * 2, 0, 135, 405, (0, 0, 0), 18)   # text band, gap 45..135°
    (strip, gap), *_ = ring_strips(img)
    assert 60 <= gap <= 120
    assert strip.shape[1] > 3 * strip.shape[0]


@pytest.mark.slow
def test_devset_seal_texts_and_kinds(engine):
    cover = _seals(P901 / "江门市新能源汽车零部件产业集群申报书.pdf", engine=engine)
    assert [(s.text, s.kind.value) for s in cover] == [("鹤山市昌豪信息技术有限公司", "company")]
    assert cover[0].text_confidence > 0.9
    fin = _seals(P901 / "企业材料/永辰/责任承诺函_永辰.pdf", engine=engine)
    assert [(s.text, s.kind.value, s.kind_text) for s in fin] == [("开平市永辰汽车零部件有限公司", "finance", "财务专用章")]


@pytest.mark.slow
def test_licence_authority_and_copy_stamp(engine):
    seals = _seals(P901 / "牵头单位/营业执照_昌豪.pdf", engine=engine)
    kinds = sorted(s.kind.value for s in seals if not s.is_copy_stamp)
    assert kinds == ["authority", "company"]
    assert [s for s in seals if s.is_copy_stamp and s.shape == "rect"]
    auth = next(s for s in seals if s.kind.value == "authority")
    assert "监督管理局" in auth.text


@pytest.mark.slow
def test_real_invoice_seal_is_an_invoice_seal(engine):
    img = load_image(need(REAL / "invoice/tianjin_e_invoice_jd.png"))
    seals = [s for s in find_seals(img, "i", 1, 1.0, engine) if s.edge is None]
    assert any(s.kind.value == "invoice" for s in seals), [(s.text, s.kind_text) for s in seals]


@pytest.mark.parametrize("name,want", [
    ("license/hongxiu_guangzhou_getihu.jpg", "广州市越秀区工商行政管理局"),    # redness read 越务
    ("license/redacted_hangzhou_blurred.jpg", "杭州市西湖区市场监督管理局"),   # redness read 市头
])
def test_jpeg_seal_read_from_its_sharp_ink(name, want, engine):
    # a JPEG keeps colour at half resolution: the seal's redness blurs its strokes, its green channel does not
    img = load_image(need(REAL / name))
    texts = [s.text for s in find_seals(img, name, 1, 1.0, engine) if s.edge is None]
    assert want in texts, texts
