"""Synthetic application packets with ground truth (truth.json), like ../shared/devset."""
from .generate import generate_packet  # noqa: F401
from .inject import ALL_CODES  # noqa: F401
