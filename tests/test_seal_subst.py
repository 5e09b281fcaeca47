"""A one-character 字号 change in a seal reading is believed only when the party's other seals read its name."""
import pytest

from models.packet import Packet, Party, ReviewContext
from models.provenance import Page, Seal
from pipeline.checks.seal_change import confirmed_by_copies

pytestmark = pytest.mark.quick
NAME = "江门市宇明机械设备股份有限公司"


def _ctx(*texts: str) -> tuple[ReviewContext, list[Seal]]:
    seals = [Seal(file=f"f{i}.pdf", page=1, bbox=(10, 10, 100, 100), text=t) for i, t in enumerate(texts)]
    pages = {f"f{i}.pdf#1": Page(file=f"f{i}.pdf", index=1, width=595, height=842, seals=[s])
             for i, s in enumerate(seals)}
    return ReviewContext(packet=Packet(id="x", source="x"), pages=pages), seals


def test_the_same_misreading_everywhere_is_the_recogniser():
    ctx, seals = _ctx("江门市字明机械设备股份有限公司", "江门市字明机械设备股份有限公司")
    assert not confirmed_by_copies(ctx, seals[0], Party(key="E01", role="enterprise", name=NAME))


def test_a_change_at_one_place_beside_exact_readings_elsewhere_is_real():
    ctx, seals = _ctx("江门市胜明机械设备股份有限公司", NAME, NAME)
    assert confirmed_by_copies(ctx, seals[0], Party(key="E01", role="enterprise", name=NAME))


def test_no_other_reading_abstains():
    ctx, seals = _ctx("江门市胜明机械设备股份有限公司")
    assert not confirmed_by_copies(ctx, seals[0], Party(key="E01", role="enterprise", name=NAME))


def test_grey_scans_are_told_from_colour_ones():
    import numpy as np

    from pipeline.read.scan import is_grey
    grey = np.full((200, 200, 3), 230, np.uint8)
    grey[50:60, 20:180] = 30
    colour = grey.copy()
    colour[100:140, 100:140] = (200, 30, 30)   # a red seal
    assert is_grey(grey) and not is_grey(colour)


def test_an_unresolved_seal_sized_red_mark_is_kept_as_a_blob():
    """The sample licence's oval seal is fused with the 与原件一致 stamp and a printed line: detection cannot
    resolve it, but the red mark is kept (shape 'blob') so the checks abstain rather than claim SEAL_MISSING."""
    from pathlib import Path

    from pipeline.read.render import load_image
    from pipeline.seals import find_seals
    img = load_image(Path(__file__).parents[1] / "sample_docs/SAMPLE-02/企业材料/江门市蓬江区威鸿卫浴股份有限公司/扫描/威鸿 营业执照.png")
    blobs = [s for s in find_seals(img, "x.png", 1, 1.0, None) if s.shape == "blob"]
    seal = (444.6, 543.9, 614.5, 659.0)   # the company seal's box in the sample's truth.json
    assert any(b.bbox[0] < seal[2] and seal[0] < b.bbox[2] and b.bbox[1] < seal[3] and seal[1] < b.bbox[3]
               for b in blobs)
    assert all(max(b.bbox[2] - b.bbox[0], b.bbox[3] - b.bbox[1]) >= 90 for b in blobs)   # not the licence emblem
