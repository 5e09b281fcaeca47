"""Shared fixtures: where the shared dev set and real images are, and a per-session cache dir."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("SHENBAO_SHARED", ROOT.parent / "shared"))
DEVSET = SHARED / "devset"
REAL = SHARED / "real"


def need(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"{path} is not here (the shared/ folder beside the project)")
    return path


@pytest.fixture(scope="session")
def devset() -> Path:
    return need(DEVSET)


@pytest.fixture(scope="session")
def real_dir() -> Path:
    return need(REAL)
