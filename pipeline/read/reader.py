"""read_file: a stored PDF or image -> list[Page], through the text layer or OCR.

One rendering per page; pages are processed one at a time (bounded memory).
"""
from __future__ import annotations

import logging
from pathlib import Path

import numpy as np

from models.packet import StoredFile
from models.provenance import Page
from pipeline.read.cache import OcrCache
from pipeline.read.options import ReadOptions, UnreadableFile
from pipeline.read.render import IMAGE_SUFFIXES

log = logging.getLogger(__name__)
_IMAGE_MAGIC = (b"\xff\xd8\xff", b"\x89PNG", b"GIF8", b"BM", b"II*\x00", b"MM\x00*", b"RIFF")


def _fail(sf: StoredFile, zh: str, en: str) -> UnreadableFile:
    return UnreadableFile(f"文件无法读取（{zh}）：{sf.path} / unreadable file ({en}): {sf.path}", sf.path)


def file_kind(sf: StoredFile) -> str:
    """'pdf' or 'image' from the bytes; raises UnreadableFile for empty or other files."""
    p = Path(sf.blob)
    if not p.exists():
        raise _fail(sf, "文件不存在", "file not found")
    if p.stat().st_size == 0:
        raise _fail(sf, "空文件，0 字节", "empty file, 0 bytes")
    with open(p, "rb") as fh:
        head = fh.read(1024)
    if b"%PDF-" in head:
        return "pdf"
    if head.startswith(_IMAGE_MAGIC) or p.suffix.lower() in IMAGE_SUFFIXES:
        return "image"
    raise _fail(sf, "不是 PDF 或图片文件", "not a PDF or image file")


class OcrUnavailable(RuntimeError):
    """The OCR engine cannot be created (configuration / installation problem): not a page error."""


def _engine(options: ReadOptions):
    from pipeline.ocr import get_engine
    try:
        return get_engine(options.engine)
    except Exception as e:
        raise OcrUnavailable(f"OCR 引擎不可用 / OCR engine unavailable: {e}") from e


def _cache(options: ReadOptions) -> OcrCache | None:
    return OcrCache(options.cache_dir) if options.use_cache else None


def _find_seals():
    try:
        from pipeline.seals import find_seals
        return find_seals
    except Exception:  # seals stage absent or broken: reading goes on
        return None


def _add_seals(page: Page, image: np.ndarray | None, scale: float, engine, options: ReadOptions) -> None:
    if not options.seals or image is None:
        return
    fs = _find_seals()
    if fs is None:
        return
    try:
        page.seals = list(fs(image, page.file, page.index, scale, engine if options.read_seals else None))
    except Exception as e:  # a seal failure must not lose the page
        log.warning("find_seals failed on %s p%d: %s", page.file, page.index, e)
        return
    if page.ocr and page.grey and engine is not None:
        from pipeline.read.second_look import look_under_grey_seals
        try:
            look_under_grey_seals(page, image, scale, engine)
        except Exception as e:  # the first reading stands
            log.warning("reading under grey seals failed on %s p%d: %s", page.file, page.index, e)
    if page.ocr and page.grey:
        from pipeline.read.ink import unread_ink
        try:
            page.unread_ink = unread_ink(page, image, scale)
            page.ink_mapped = True
        except Exception as e:  # no ink map: blanks are taken as read
            log.warning("ink map failed on %s p%d: %s", page.file, page.index, e)


def _read_image(sf: StoredFile, options: ReadOptions) -> list[Page]:
    from PIL import Image, UnidentifiedImageError

    from pipeline.read.render import load_image
    from pipeline.read.scan import ocr_page
    from PIL import ImageOps
    try:
        with Image.open(sf.blob) as im:
            im.verify()
        with Image.open(sf.blob) as im:
            frames = getattr(im, "n_frames", 1) if im.format == "TIFF" else 1
            mode = im.mode
        rgb = load_image(sf.blob)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as e:
        raise _fail(sf, "图片损坏或格式无法识别", f"corrupt or unrecognised image: {e}") from e
    if rgb.size == 0:
        raise _fail(sf, "图片为空", "empty image")
    engine, cache = _engine(options), _cache(options)
    pages = []
    for k in range(1, frames + 1):        # a multi-page TIFF gives one page per frame
        if k > 1:
            with Image.open(sf.blob) as im:
                im.seek(k - 1)
                rgb = np.asarray(ImageOps.exif_transpose(im).convert("RGB"))
        page, upright = ocr_page(rgb, sf.path, k, 1.0, engine, options, cache, want_upright=options.seals)
        page.grey_image = mode in ("1", "L", "LA", "I", "I;16")
        _add_seals(page, upright, 1.0, engine, options)
        pages.append(page)
    return pages


def _zero_pages(sf: StoredFile, options: ReadOptions) -> bool:
    """pdfium refuses an empty page tree; pdfminer tells whether that is what it is."""
    import pdfplumber
    try:
        with pdfplumber.open(sf.blob, password=options.password or "") as pdf:
            return len(pdf.pages) == 0
    except Exception:
        return False


def _open_pdf(sf: StoredFile, options: ReadOptions):
    import pypdfium2 as pdfium
    try:
        pdf = pdfium.PdfDocument(sf.blob, password=options.password)
    except pdfium.PdfiumError as e:
        msg = str(e).lower()
        if "password" in msg:
            raise _fail(sf, "PDF 已加密，需要密码", "encrypted PDF, password required") from e
        if _zero_pages(sf, options):
            raise _fail(sf, "PDF 没有页面", "PDF has zero pages") from e
        raise _fail(sf, "PDF 文件损坏", f"corrupt PDF: {e}") from e
    if len(pdf) == 0:
        pdf.close()
        raise _fail(sf, "PDF 没有页面", "PDF has zero pages")
    return pdf


def _grey_image(pp) -> bool:
    """The page's largest image (the scan) is single-channel: a grey-scale scan whatever its pixels look like
    (a colour scan of black print can look just as grey)."""
    try:
        big = max(pp.images, key=lambda im: (im["x1"] - im["x0"]) * (im["bottom"] - im["top"]), default=None)
        return big is not None and "DeviceGray" in str(big.get("colorspace"))
    except Exception:       # an odd image dictionary: no claim
        return False


def _render(pdf, index: int, dpi: int) -> np.ndarray:
    page = pdf[index - 1]
    try:
        return np.asarray(page.render(scale=dpi / 72).to_pil().convert("RGB"))
    finally:
        page.close()


def _seal_dpi(pdf, pp, index: int, options: ReadOptions) -> float:
    """options.seal_dpi; a page whose images all lie inside it (seals, not a scan or a 骑缝章 slice at its edge)
    is rendered no larger than the seal detector's working size, which would only scale it down again, at a
    cost. An image at the page edge keeps the finer rendering: a slice is thin, and cut finely at the edge."""
    from pipeline.seals.detector import WORK_MAX_SIDE
    w, h = pdf.get_page_size(index - 1)
    if any(im["x0"] <= 2 or im["top"] <= 2 or im["x1"] >= w - 2 or im["bottom"] >= h - 2 for im in pp.images):
        return float(options.seal_dpi)
    return min(float(options.seal_dpi), (WORK_MAX_SIDE - 1) * 72 / max(w, h))


def _finer_dpi(pdf, index: int, options: ReadOptions) -> int | None:
    from pipeline.read.second_look import finer_dpi
    page = pdf[index - 1]
    try:
        return finer_dpi(page, options.dpi)
    finally:
        page.close()


def _read_pdf(sf: StoredFile, options: ReadOptions) -> list[Page]:
    import pdfplumber

    from pipeline.read.decide import has_usable_text
    from pipeline.read.scan import ocr_page
    from pipeline.read.textlayer import read_text_page
    pdf = _open_pdf(sf, options)
    try:
        plumber = pdfplumber.open(sf.blob, password=options.password or "")
    except Exception as e:
        plumber = None
        log.warning("pdfplumber cannot open %s (%s): OCR every page", sf.path, e)
    engine = cache = None
    pages: list[Page] = []
    try:
        n = len(pdf) if options.max_pages is None else min(len(pdf), options.max_pages)
        for i in range(1, n + 1):
            pp = plumber.pages[i - 1] if plumber is not None else None
            try:
                if pp is not None and not options.force_ocr and has_usable_text(pp):
                    page = read_text_page(pp, sf.path, i)
                    if pp.images and options.seals and _find_seals() is not None:
                        dpi = _seal_dpi(pdf, pp, i, options)
                        _add_seals(page, _render(pdf, i, dpi), dpi / 72, _engine(options), options)
                else:
                    if engine is None:
                        engine, cache = _engine(options), _cache(options)
                    rgb = _render(pdf, i, options.dpi)
                    fine = _finer_dpi(pdf, i, options) if options.second_look else None
                    page, upright = ocr_page(rgb, sf.path, i, options.dpi / 72, engine, options, cache,
                                             want_upright=options.seals,
                                             hires=(lambda i=i, fine=fine: _render(pdf, i, fine)) if fine else None,
                                             factor=fine / options.dpi if fine else 1.0)
                    pw, ph = pdf.get_page_size(i - 1)          # exact size in points
                    if (rgb.shape[1] > rgb.shape[0]) != (pw > ph):  # /Rotate'd page: as rendered
                        pw, ph = ph, pw
                    page.width, page.height = (ph, pw) if page.rotation in (90, 270) else (pw, ph)
                    del rgb
                    page.grey_image = pp is not None and _grey_image(pp)
                    _add_seals(page, upright, options.dpi / 72, engine, options)
            except (UnreadableFile, OcrUnavailable):
                raise
            except Exception as e:  # one bad page must not lose the others
                log.warning("page %d of %s failed: %s", i, sf.path, e)
                w, h = pdf.get_page_size(i - 1)
                page = Page(file=sf.path, index=i, width=w, height=h, error=f"页面读取失败 / page failed: {e}")
            finally:
                if pp is not None:
                    pp.close()
            pages.append(page)
    finally:
        if plumber is not None:
            plumber.close()
        pdf.close()
    return pages


def read_file(sf: StoredFile, options: ReadOptions | None = None) -> list[Page]:
    """All pages of one stored file. Raises UnreadableFile (Chinese + English message)."""
    options = options or ReadOptions()
    kind = file_kind(sf)
    return _read_pdf(sf, options) if kind == "pdf" else _read_image(sf, options)


def read_files(files: list[StoredFile], options: ReadOptions | None = None,
               problems: list | None = None) -> list[Page]:
    """Pages of many files in order. Unreadable files are skipped and, if `problems` is given,
    recorded there as models.packet.FileProblem."""
    from models.packet import FileProblem
    out: list[Page] = []
    for sf in files:
        try:
            out.extend(read_file(sf, options))
        except UnreadableFile as e:
            if problems is None:
                raise
            problems.append(FileProblem(file=sf.path, message=e.message))
    return out
