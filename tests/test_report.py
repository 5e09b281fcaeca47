"""Report stage: report.json against the exported JSON Schema, evidence crops on real dev-set pages and a
real rotated licence photo, and report.html as a real headless Chromium shows it."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema
import numpy as np
import pytest
from PIL import Image, ImageOps

from models.report import (DeclaredOut, DocumentOut, EvidenceOut, FindingOut, LicenseOut, PacketInfo, PartyOut,
                           ReportModel, SealOut, status_of)
from pipeline.report import write_report
from pipeline.report.crops import turn_clockwise
from pipeline.report.schema import DEFAULT as SCHEMA_PATH, report_schema

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
P901 = SHARED / "devset" / "P901-06"
FORM = "江门市新能源汽车零部件产业集群申报书.pdf"
LIC_KANGRUI = "企业材料/康锐/康锐 营业执照.pdf"          # an image-only licence page (842×595 pt)
COMMIT_YONGCHEN = "企业材料/永辰/责任承诺函_永辰.pdf"
LIC_PHOTO = "服务商/营业执照.jpg"                        # a real licence photo lying on its side
LIC_PHOTO_SRC = SHARED / "real" / "license" / "jingong_zhuye_rotated.jpg"
EVIL = "江门市<script>alert(1)</script>智造&\"云\"科技有限公司"
EMBLEM = (345.0, 46.0, 433.0, 142.0)     # the red national emblem, upright frame of LIC_PHOTO (turned 270° cw)

needs_data = pytest.mark.skipif(not (P901 / FORM).exists() or not LIC_PHOTO_SRC.exists(),
                                reason="dev set or real licence images not present in ../shared")

U = {"lead": "91440784797764357F", "anc": "914407855704192339", "evil": "91440703MA4WXXXX1X",
     "kangrui": "91440785562532279R", "kangxin": "91440704197563914P", "yongchen": "91440783570521916U",
     "fusheng": "91440784574478353J"}


def files_map() -> dict[str, str]:
    return {FORM: str(P901 / FORM), LIC_KANGRUI: str(P901 / LIC_KANGRUI),
            COMMIT_YONGCHEN: str(P901 / COMMIT_YONGCHEN), LIC_PHOTO: str(LIC_PHOTO_SRC)}


def build_report() -> ReportModel:
    parties = [
        # enterprises first and the lead in the middle: the HTML must still order lead, providers, enterprises
        PartyOut(role="enterprise", name="恩平市康锐汽车配件有限公司", uscc=U["kangrui"],
                 license=LicenseOut(name="恩平市康锐汽车配件有限公司", uscc=U["kangrui"], registered_capital_wan=1000,
                                    established="2002-07-22", address="恩平市圣堂镇迎宾路139号1幢",
                                    company_type="有限责任公司（自然人投资或控股）", legal_representative="陈德添"),
                 declared=DeclaredOut(name="恩平市康锐汽车配件有限公司", uscc=U["kangrui"], established="2002-07-12",
                                      registered_capital_wan=1000, revenue_2024_wan=1348.88, employees=12,
                                      product_total=281600.0, subsidy=167800.0, self_pay=113800.0),
                 seals=[SealOut(file=LIC_KANGRUI, page=1, bbox=(637.5, 427.5, 742.5, 532.5), text="恩平市市场监督管理局",
                                kind="authority")]),
        PartyOut(role="enterprise", name="江门市康信电机有限公司", uscc=U["kangxin"],
                 declared=DeclaredOut(product_total=78900.0, subsidy=53800.0, self_pay=25100.0)),
        PartyOut(role="lead", name="鹤山市昌豪信息技术有限公司", uscc=U["lead"],
                 seals=[SealOut(file=FORM, page=1, bbox=(301.2, 368.6, 414.6, 482.0), text="鹤山市昌豪信息技术有限公司",
                                kind="company")]),
        PartyOut(role="enterprise", name="开平市永辰汽车零部件有限公司", uscc=U["yongchen"],
                 seals=[SealOut(file=COMMIT_YONGCHEN, page=1, bbox=(346.3, 610.6, 459.7, 724.0),
                                text="开平市永辰汽车零部件有限公司", kind="finance")]),
        PartyOut(role="enterprise", name="江门市富盛电机股份有限公司", uscc=U["fusheng"]),
        PartyOut(role="provider", name="恩平市安成智能科技有限公司", uscc=U["anc"]),
        PartyOut(role="provider", name=EVIL, uscc=U["evil"],
                 seals=[SealOut(file=LIC_PHOTO, page=1, bbox=(585, 395, 700, 510), text="<b>晋城市行政审批服务管理局</b>",
                                kind="authority")]),
    ]
    f = FindingOut
    findings = [
        f(code="LINE_AMOUNT_MISMATCH", severity="error", party_uscc=U["kangxin"], party_name="江门市康信电机有限公司",
          file=FORM, page=10, bbox=(74.8, 536.4, 531.0, 545.4), declared=10700.0, found=8700.0, confidence=1.0,
          message="表二第3行：拟成交单价2,900.00元×拟购数量3=8,700.00元，申报拟成交金额为10,700.00元。",
          evidence=[EvidenceOut(file=FORM, page=10, bbox=(74.8, 536.4, 531.0, 545.4),
                                text="3 华为云计算技术有限公司 2900.00 3 10700.00", engine="pdfplumber", confidence=1.0)]),
        f(code="DOC_MISSING", severity="error", party_uscc=U["kangxin"], party_name="江门市康信电机有限公司",
          message="未找到该企业2024年度审计报告或企业所得税汇算清缴报告。", detail={"doc_kind": "audit_report"}),
        f(code="REVENUE_MISMATCH", severity="error", party_uscc=U["kangrui"], party_name="恩平市康锐汽车配件有限公司",
          file=FORM, page=4, bbox=(228.4, 248.3, 290.0, 257.8), declared=1348.88, found=1402.5, confidence=0.98,
          message="表二2024年主营业务收入与审计报告营业收入相差超过1%。"),
        f(code="ESTABLISHED_MISMATCH", severity="error", party_uscc=U["kangrui"], party_name="恩平市康锐汽车配件有限公司",
          file=LIC_KANGRUI, page=1, bbox=(460.0, 199.0, 625.0, 216.0), declared="2002-07-12", found="2002-07-22",
          confidence=0.95, message="表二成立时间与营业执照成立日期不一致。",
          evidence=[EvidenceOut(file=FORM, page=4, bbox=(72.0, 111.4, 508.4, 120.9),
                                text="成立时间 2002年7月12日", engine="pdfplumber"),
                    EvidenceOut(file=LIC_KANGRUI, page=1, bbox=(460.0, 199.0, 625.0, 216.0), text="2002年07月22日",
                                engine="ppocrv6", confidence=0.95)]),
        f(code="SEAL_WRONG_TYPE", severity="warning", party_uscc=U["yongchen"], party_name="开平市永辰汽车零部件有限公司",
          file=COMMIT_YONGCHEN, page=1, bbox=(346.3, 610.6, 459.7, 724.0), declared="company", found="finance",
          confidence=0.9, detail={"slot": "commit", "found": "finance"},
          message="责任承诺函承诺方处加盖的是财务专用章，应加盖公章。"),
        f(code="NOT_IN_JIANGMEN", severity="error", party_uscc=U["evil"], party_name=EVIL,
          file=LIC_PHOTO, page=1, bbox=(528.0, 356.0, 705.0, 380.0), declared="江门市蓬江区", found="山西省晋城市泽州县",
          confidence=0.87, message="营业执照住所不在江门市：<img src=x onerror=\"window.__xss=1\"> & 'quoted'"),
        f(code="OCR_LOW_CONFIDENCE", severity="info", party_uscc=U["evil"], party_name=EVIL,
          file=LIC_PHOTO, page=1, bbox=EMBLEM, confidence=0.41, message="国徽区域识别置信度低。"),
        # crop failures must not be fatal: unknown file, bbox off the page, page past the end
        f(code="SEAL_MISSING", severity="error", party_uscc=U["kangrui"], file="企业材料/康锐/不存在.pdf", page=1,
          bbox=(10, 10, 50, 50), message="表二单位盖章处未发现印章。"),
        f(code="SIGN_DATE_MISSING", severity="warning", party_uscc=U["lead"], file=FORM, page=2,
          bbox=(5000, 5000, 5100, 5100), message="申报日期未填写。"),
        f(code="FIELD_EMPTY", severity="error", party_uscc=U["lead"], file=FORM, page=99, bbox=(10, 10, 50, 50),
          message="表一项目起止时间为空。"),
        # packet level, and a code the report does not know yet
        f(code="OVERVIEW_TOO_LONG", severity="warning", declared=1000, found=1236,
          message="产业集群概述1236字，超过1000字。"),
        f(code="SOME_FUTURE_CODE", severity="info", message="新增检查项。"),
    ]
    docs = [
        DocumentOut(file=FORM, pages=(1, 16), kind="application_form", text_layer=True, ocr=False),
        DocumentOut(file=LIC_KANGRUI, pages=(1, 1), kind="business_license", party_uscc=U["kangrui"],
                    text_layer=False, ocr=True),
        DocumentOut(file=COMMIT_YONGCHEN, pages=(1, 1), kind="commitment_letter", party_uscc=U["yongchen"],
                    text_layer=True, ocr=False),
        DocumentOut(file=LIC_PHOTO, pages=(1, 1), kind="business_license", party_uscc=U["evil"],
                    text_layer=False, ocr=True),
        DocumentOut(file="企业材料/康锐/审计.pdf", pages=(1, 4), kind="tax_report", party_uscc=U["kangrui"],
                    text_layer=True, ocr=False),
    ]
    return ReportModel(
        packet=PacketInfo(id="P901-06", source="/inbox/P901-06.zip", cluster_name="江门市新能源汽车零部件产业集群",
                          application_date="2025-08-27"),
        status=status_of(findings), documents=docs, parties=parties, findings=findings,
        engines={"ocr": "ppocrv6-small-onnx"}, rule_pack="2025-jiangmen", generated_at="2025-08-28T09:00:00+08:00")


# expected groups in the HTML: (data-role, party name, number of findings)
EXPECTED_GROUPS = [
    ("lead", "鹤山市昌豪信息技术有限公司", 2),
    ("provider", EVIL, 2),
    ("enterprise", "恩平市康锐汽车配件有限公司", 3),
    ("enterprise", "江门市康信电机有限公司", 2),
    ("enterprise", "开平市永辰汽车零部件有限公司", 1),
    ("packet", "整体（申报材料层面）", 2),
]


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    report = build_report()
    paths = write_report(report, out, files_map(), lic_frames())
    return report, paths, out


def lic_frames() -> dict:
    """LIC_PHOTO was read turned 270° clockwise: its upright size is the stored photo's, sideways."""
    from pipeline.report.frames import PageFrame
    with Image.open(LIC_PHOTO_SRC) as im:
        w, h = ImageOps.exif_transpose(im).size
    return {(LIC_PHOTO, 1): PageFrame(rotation=270, width=h, height=w)}


def crop_of(report: ReportModel, code: str) -> str | None:
    return next(getattr(f, "crop", None) for f in report.findings if f.code == code)


@needs_data
@pytest.mark.quick
def test_committed_schema_is_current():
    assert SCHEMA_PATH.exists(), "run: python -m pipeline.report.schema"
    assert json.loads(SCHEMA_PATH.read_text(encoding="utf-8")) == report_schema(), \
        "docs/report.schema.json is stale: run python -m pipeline.report.schema"


@needs_data
def test_report_json_matches_schema(written):
    report, paths, out = written
    assert set(paths) == {"json", "html", "crops"}
    data = json.loads(paths["json"].read_text(encoding="utf-8"))
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.validate(data, schema, cls=jsonschema.Draft202012Validator)
    assert data["status"] == "fail"
    assert EVIL.replace('"', '\\"') in paths["json"].read_text(encoding="utf-8")  # ensure_ascii=False
    assert ReportModel.model_validate(data).findings[0].evidence[0].crop == data["findings"][0]["evidence"][0]["crop"]
    # the schema is a real check: a wrong status and a missing message are rejected
    bad = json.loads(json.dumps(data))
    bad["status"] = "ok"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema)
    bad = json.loads(json.dumps(data))
    del bad["findings"][0]["message"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema)


def _red_fraction(img: np.ndarray) -> float:
    r, g, b = (img[..., i].astype(int) for i in range(3))
    return float(((r > 140) & (r - g > 60) & (r - b > 60)).mean())


@needs_data
def test_crops_written_marked_and_failures_skipped(written):
    report, paths, out = written
    by_code = {f.code: f for f in report.findings}
    expect = ["LINE_AMOUNT_MISMATCH", "REVENUE_MISMATCH", "ESTABLISHED_MISMATCH", "SEAL_WRONG_TYPE",
              "NOT_IN_JIANGMEN", "OCR_LOW_CONFIDENCE"]
    for code in expect:
        rel = by_code[code].crop
        assert rel and rel.startswith("crops/") and rel.endswith(".png"), code
        with Image.open(out / rel) as im:
            assert im.format == "PNG" and im.width > 50 and im.height > 20
            arr = np.asarray(im.convert("RGB"))
        # the drawn marker: a run of pure red pixels
        assert ((arr[..., 0] == 220) & (arr[..., 1] == 0) & (arr[..., 2] == 0)).sum() > 100, code
    # evidence crops: the 申报书 line and the licence line; the same region is rendered once
    ev = by_code["ESTABLISHED_MISMATCH"].evidence
    assert ev[0].crop and ev[1].crop and ev[0].crop != ev[1].crop
    assert ev[1].crop == by_code["ESTABLISHED_MISMATCH"].crop
    # a 150 dpi PDF page crop: the 表二 row is 456 pt wide, so the crop is wider than 456*150/72 px
    with Image.open(out / by_code["LINE_AMOUNT_MISMATCH"].crop) as im:
        assert im.width >= 456 * 150 / 72
    # no bbox -> no crop; unknown file, bbox off the page, page past the end -> skipped, never fatal
    for code in ("DOC_MISSING", "OVERVIEW_TOO_LONG", "SEAL_MISSING", "SIGN_DATE_MISSING", "FIELD_EMPTY"):
        assert getattr(by_code[code], "crop", None) is None, code
    assert {p.name for p in (out / "crops").iterdir()} == \
        {Path(r).name for f in report.findings for r in [getattr(f, "crop", None)] + [e.crop for e in f.evidence] if r}


@needs_data
def test_rotated_photo_is_cropped_in_the_upright_frame(written, tmp_path):
    """The bbox of the red emblem is in the frame the photo was turned to (270° clockwise) for OCR."""
    report, paths, out = written
    with Image.open(out / crop_of(report, "OCR_LOW_CONFIDENCE")) as im:
        arr = np.asarray(im.convert("RGB"))
    # count emblem red, not the drawn marker (220, 0, 0)
    marker = (arr[..., 0] == 220) & (arr[..., 1] == 0) & (arr[..., 2] == 0)
    r, g, b = (arr[..., i].astype(int) for i in range(3))
    emblem = (r > 140) & (r - g > 60) & (r - b > 60) & ~marker
    assert emblem.mean() > 0.05
    # report.json gives the emblem's box on the photo as stored (turned back: x = height - y', y = x')
    fr = lic_frames()[(LIC_PHOTO, 1)]
    got = json.loads(paths["json"].read_text(encoding="utf-8"))
    box = next(f["bbox"] for f in got["findings"] if f["code"] == "OCR_LOW_CONFIDENCE")
    assert box == [fr.height - EMBLEM[3], EMBLEM[0], fr.height - EMBLEM[1], EMBLEM[2]]
    # without the rotation the same bbox holds no emblem: the check above can fail
    one = build_report()
    one.findings = [f for f in one.findings if f.code == "OCR_LOW_CONFIDENCE"]
    write_report(one, tmp_path, files_map(), None)
    with Image.open(tmp_path / one.findings[0].crop) as im:
        arr = np.asarray(im.convert("RGB"))
    marker = (arr[..., 0] == 220) & (arr[..., 1] == 0) & (arr[..., 2] == 0)
    r, g, b = (arr[..., i].astype(int) for i in range(3))
    assert ((r > 140) & (r - g > 60) & (r - b > 60) & ~marker).mean() < 0.01


@pytest.mark.quick
def test_turn_clockwise_matches_prep_convention():
    img = np.arange(2 * 3 * 3, dtype=np.uint8).reshape(2, 3, 3)
    cw = turn_clockwise(img, 90)
    assert cw.shape == (3, 2, 3) and (cw[0, 0] == img[1, 0]).all()   # bottom-left comes to top-left
    assert (turn_clockwise(img, 360) == img).all()
    assert (turn_clockwise(turn_clockwise(img, 90), 270) == img).all()
    prep = pytest.importorskip("pipeline.prep")
    for deg in (90, 180, 270):
        assert (turn_clockwise(img, deg) == prep.rotate(img, deg)).all()


@needs_data
def test_rerun_replaces_stale_crops_and_html_off(tmp_path):
    (tmp_path / "crops").mkdir()
    (tmp_path / "crops" / "old.png").write_bytes(b"x")
    report = build_report()
    paths = write_report(report, tmp_path, files_map(), lic_frames())
    assert not (tmp_path / "crops" / "old.png").exists()
    assert paths["html"].exists()
    lean = tmp_path / "lean"
    paths = write_report(build_report(), lean, files_map(), html=False)
    assert set(paths) == {"json"} and not (lean / "crops").exists() and not (lean / "report.html").exists()


@needs_data
def test_invalid_report_is_refused(tmp_path):
    report = build_report()
    report.status = "maybe"           # no validation on assignment: write_report checks before writing
    with pytest.raises(Exception):
        write_report(report, tmp_path, files_map(), html=False)
    assert not (tmp_path / "report.json").exists()


@needs_data
def test_html_escapes_injected_text(written):
    report, paths, out = written
    html = paths["html"].read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x" not in html and "&lt;img src=x onerror=" in html
    assert "&amp;" in html and "<b>晋城市" not in html
    assert "<script" not in html.lower()          # the page itself carries no script at all


BROWSER_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync"]
CHROMIUM = "/usr/bin/chromium"


@needs_data
@pytest.mark.browser
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} missing: run scripts/install-system.sh")
def test_report_html_in_chromium(written):
    from playwright.sync_api import sync_playwright

    report, paths, out = written
    dialogs: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.goto(paths["html"].as_uri(), wait_until="load")
            page.wait_for_function("Array.from(document.images).every(i => i.complete)", timeout=10000)

            assert page.title().startswith("申报材料审查报告")
            assert page.inner_text("h1") == "申报材料审查报告"
            # the summary comes first, then findings, then parties
            order = page.evaluate("Array.from(document.querySelectorAll('main > section')).map(s => s.id)")
            assert order == ["summary", "findings", "parties"]
            summary = page.inner_text("#summary")
            for text in ("江门市新能源汽车零部件产业集群", "鹤山市昌豪信息技术有限公司", "2025年8月27日"):
                assert text in summary
            assert page.inner_text("#status") == "不通过"
            colour = page.eval_on_selector("#status", "e => getComputedStyle(e).backgroundColor")
            assert colour == "rgb(198, 40, 40)"
            counts = {s: int(page.inner_text(f"#counts b[data-sev={s}]")) for s in ("error", "warning", "info")}
            assert counts == {"error": 7, "warning": 3, "info": 2}
            rows = page.eval_on_selector_all("#documents tbody tr",
                                             "rs => rs.map(r => Array.from(r.cells).map(c => c.innerText))")
            assert rows[0] == [FORM, "第1–16页", "申报书", "整体", "文字层"]
            assert rows[1][2:] == ["营业执照", "恩平市康锐汽车配件有限公司", "OCR"]
            assert rows[4][2] == "汇算清缴报告"
            # a long list of documents is folded so the findings come into view; a short one is open
            assert page.evaluate("document.querySelector('#doclist').open") == (len(rows) <= 12)

            groups = page.eval_on_selector_all(
                "#findings .group",
                "gs => gs.map(g => [g.dataset.role, g.querySelector('.party-name').innerText,"
                " g.querySelectorAll('article.finding').length])")
            assert [tuple(g) for g in groups] == EXPECTED_GROUPS
            # errors first inside a group; Chinese titles and severities shown
            kangrui = page.locator("#findings .group").nth(2)
            sevs = kangrui.locator("article.finding").evaluate_all("as => as.map(a => a.dataset.severity)")
            assert sevs == ["error", "error", "error"]
            line = page.locator("article[data-code=LINE_AMOUNT_MISMATCH]")
            text = line.inner_text()
            for part in ("错误", "产品金额计算错误", "申报值", "10,700.00元", "核实值", "8,700.00元",
                         f"{FORM}，第10页", "置信度：100%"):
                assert part in text, part
            est = page.locator("article[data-code=ESTABLISHED_MISMATCH]").inner_text()
            assert "2002年7月12日" in est and "2002年7月22日" in est
            assert "1,348.88万元" in page.locator("article[data-code=REVENUE_MISMATCH]").inner_text()
            wrong = page.locator("article[data-code=SEAL_WRONG_TYPE]").inner_text()
            assert "警告" in wrong and "财务专用章" in wrong and "责任承诺函" in wrong
            missing = page.locator("article[data-code=DOC_MISSING]")
            assert "审计报告" in missing.inner_text() and missing.locator("img").count() == 0
            assert "其他问题（SOME_FUTURE_CODE）" in page.inner_text("#findings")

            # every crop image loads
            imgs = page.eval_on_selector_all("img.crop", "is => is.map(i => [i.getAttribute('src'), i.naturalWidth])")
            assert len(imgs) == 7
            assert all(w > 0 for _, w in imgs), imgs
            assert page.locator("article[data-code=OCR_LOW_CONFIDENCE] img.crop").count() == 1

            # injected text is shown as text and never runs
            evil_group = page.locator("#findings .group[data-role=provider] .party-name").inner_text()
            assert evil_group == EVIL
            assert "<img src=x onerror=" in page.locator("article[data-code=NOT_IN_JIANGMEN] .msg").inner_text()
            assert page.evaluate("window.__xss") is None
            assert page.evaluate("document.querySelectorAll('script').length") == 0
            assert dialogs == []

            # parties section: seals with text and kind
            parties = page.inner_text("#parties")
            assert "财务专用章" in parties and "登记机关印章" in parties and "<b>晋城市行政审批服务管理局</b>" in parties
            page.screenshot(path="/tmp/shenbao_report.png", full_page=True)
        finally:
            browser.close()
    assert not dialogs


@pytest.mark.quick
def test_clean_packet_html_passes(tmp_path):
    """No findings, no files: status 通过, an empty findings section, nothing to crop."""
    report = ReportModel(packet=PacketInfo(id="P1", source="x", cluster_name=None, application_date=None),
                         status="pass", parties=[PartyOut(role="lead", name="甲公司")])
    paths = write_report(report, tmp_path, {})
    html = paths["html"].read_text(encoding="utf-8")
    assert 'class="status status-pass" id="status">通过<' in html
    assert "未发现问题" in html and "审查发现（共 0 项）" in html and "<img" not in html
    assert set(paths) == {"json", "html"}
