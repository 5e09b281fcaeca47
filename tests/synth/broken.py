"""Unreadable files for DOC_UNREADABLE: corrupt, empty, encrypted, not a PDF, zero pages."""
from __future__ import annotations

import io
import random

ZERO_PAGES = (b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
              b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
              b"trailer\n<< /Root 1 0 R /Size 3 >>\n%%EOF\n")


def broken_file(reason: str, sample_pdf: bytes, rng: random.Random) -> bytes:
    if reason == "corrupt":
        # header and the start of the first object, then noise: no page tree survives for repair tools
        return sample_pdf[:rng.randint(60, 300)] + bytes(rng.randint(0, 255) for _ in range(rng.randint(2000, 20000)))
    if reason == "empty":
        return b""
    if reason == "not_pdf":
        return rng.choice([b"<html><head><meta charset='utf-8'></head><body>\xe4\xb8\x8b\xe8\xbd\xbd\xe5\xa4\xb1\xe8\xb4\xa5</body></html>",
                           b"PK\x03\x04" + bytes(rng.randint(0, 255) for _ in range(300)),
                           "这是一个文本文件，不是PDF。\n".encode("gbk")])
    if reason == "zero_pages":
        return ZERO_PAGES
    if reason == "encrypted":
        from reportlab.lib import pdfencrypt
        from reportlab.pdfgen import canvas
        from .fonts import FONT, register
        register()
        buf = io.BytesIO()
        enc = pdfencrypt.StandardEncryption(f"pw{rng.randint(1000, 9999)}", ownerPassword="owner", canPrint=0)
        c = canvas.Canvas(buf, encrypt=enc)
        c.setFont(FONT, 14)
        c.drawString(72, 760, "补充材料（加密）")
        c.showPage()
        c.save()
        return buf.getvalue()
    raise ValueError(reason)
