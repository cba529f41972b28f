from __future__ import annotations

from pathlib import Path

import pytest


def shared_data() -> Path:
    """Locate ../shared/data beside the repository root; fail clearly when it is missing."""
    path = (Path(__file__).resolve().parents[2] / ".." / "shared" / "data").resolve()
    if not path.is_dir():
        pytest.fail(f"shared data folder not found at {path} (CI provides it)")
    return path


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return shared_data()
