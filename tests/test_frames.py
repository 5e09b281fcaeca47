"""report.json boxes on the page as stored (pipeline.report.frames): found on the turned and levelled image
the pipeline reads, mapped back onto the stored page."""
import numpy as np
import pytest

from pipeline.prep import deskew, rotate
from pipeline.report.frames import PageFrame, to_stored

pytestmark = pytest.mark.quick


def _box_of(mask: np.ndarray) -> tuple[float, float, float, float]:
    ys, xs = np.nonzero(mask)
    return float(xs.min()), float(ys.min()), float(xs.max() + 1), float(ys.max() + 1)


@pytest.mark.parametrize("rotation", [0, 90, 180, 270])
@pytest.mark.parametrize("skew", [0.0, 2.5, -3.0])
def test_a_box_found_upright_lands_on_the_stored_page_where_it_is(rotation, skew):
    stored = np.full((400, 300, 3), 255, np.uint8)          # a portrait page, 300 x 400 px (points: 1 px each)
    stored[60:100, 200:260] = (200, 0, 0)                   # a mark near its top-right corner
    want = _box_of(stored[..., 1] == 0)
    upright = deskew(rotate(stored, rotation), skew)
    h, w = upright.shape[:2]
    found = _box_of(upright[..., 1] < 128)
    got = to_stored(found, PageFrame(rotation=rotation, skew=skew, width=w, height=h))
    centre = lambda b: ((b[0] + b[2]) / 2, (b[1] + b[3]) / 2)  # noqa: E731
    assert all(abs(a - b) <= 1.5 for a, b in zip(centre(got), centre(want))), (got, want)
    # a box found on a levelled page holds its tilted corners: it is larger by about side x sin(skew) each way
    grow = 1.5 + 2 * 60 * abs(np.sin(np.radians(skew)))
    assert all(0 <= (b - a) * sign <= grow for a, b, sign in zip(got, want, (1, 1, -1, -1))), (got, want)
