"""A seal found on a page image, before reading."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Candidate:
    """A seal found on the working image (pixel units of the *full* image)."""
    cx: float
    cy: float
    ax: float                 # half axis along x' (after rotation by `angle`)
    ay: float
    angle: float              # degrees, ellipse rotation
    shape: str                # round | oval | rect
    score: float              # 0..1 detection confidence
    bbox: tuple[float, float, float, float]   # visible part, full-image pixels
    edge: str | None = None
    inner: float = 0.0        # red density inside the ring
