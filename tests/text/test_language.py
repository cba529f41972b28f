from __future__ import annotations

import zlib
from pathlib import Path

import pytest

from goodterms.text import detect_language


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Palun saatke arve", "et"),
        ("Kas arve on juba makstud?", "et"),
        ("Tänan, sain kätte", "et"),
        ("Please send the invoice", "en"),
        ("Is the invoice paid yet?", "en"),
        ("Thanks, got it", "en"),
        ("ส่งงานให้หน่อยครับ", "th"),
        ("ok ขอบคุณค่ะ", "th"),
        ("Привет, как дела у вас?", "other"),
        ("Bitte schicken Sie mir die Rechnung morgen früh", "other"),
    ],
)
def test_short_messages_get_the_right_language(text: str, lang: str) -> None:
    assert detect_language(text) == lang


def test_held_out_tatoeba_short_sentences_are_mostly_right(data_dir: Path) -> None:
    def sample(name: str) -> list[str]:
        lines = (data_dir / "language" / name).read_text(encoding="utf-8").splitlines()
        return [s for s in lines if 10 <= len(s) <= 30 and zlib.crc32(s.encode()) % 5 == 0]

    cases = [(s, "et") for s in sample("tatoeba.est-eng.est")] + [
        (s, "en") for s in sample("tatoeba.est-eng.eng")
    ]
    cases += [(s, "th") for s in sample("tatoeba.tha-eng.tha")]
    right = sum(detect_language(s) == lang for s, lang in cases)
    assert len(cases) > 200
    assert right / len(cases) >= 0.97


def test_shared_features_score_exactly_as_py3langid(data_dir: Path) -> None:
    """detect_language scores py3langid's features once for both models; it must agree with py3langid itself."""
    import py3langid.langid as langid

    from goodterms.text.language import _identifier, script_counts

    ident = _identifier()
    full = langid.LanguageIdentifier.from_model_file(langid.MODEL_FILE, norm_probs=True)
    pair = langid.LanguageIdentifier.from_model_file(langid.MODEL_FILE, norm_probs=True)
    pair.set_languages(["et", "en"])
    texts = [
        "",
        "!!!",
        "HELLO THERE MY FRIEND",
        "Bitte schicken Sie mir die Rechnung morgen früh",
        "Je voudrais une réduction s'il vous plaît",
        "Dziękuję bardzo za pomoc w tej sprawie",
        "Привет, как дела у вас? hello",
    ]
    for name in ("tatoeba.est-eng.est", "tatoeba.est-eng.eng"):
        lines = (data_dir / "language" / name).read_text(encoding="utf-8").splitlines()
        texts += [s for s in lines if zlib.crc32(s.encode()) % 25 == 1][:150]
    others = 0
    for text in texts:
        visits, size = ident.features(text)
        mine = {}
        for label, p in zip(ident.classes, ident.probs(visits, size).tolist(), strict=True):
            mine.setdefault(label, p)
        assert mine == dict(full.rank(text)), text
        pair_probs = ident.probs(visits, size, pair=True)
        best = int(pair_probs.argmax())
        assert (ident.pair_classes[best], float(pair_probs[best])) == pair.classify(text), text

        # latin() takes shortcuts around the normalisation; its answer must be the unshortened one.
        letters = script_counts(text)[1]
        ranked = dict(full.rank(text))
        top = max(ranked, key=lambda k: ranked[k])
        expected = "et" if pair.classify(text)[0] == "et" else "en"
        if (
            letters >= 15
            and top not in ("et", "en")
            and ranked[top] >= 0.9
            and ranked["et"] + ranked["en"] < 0.02
        ):
            expected = "other"
            others += 1
        assert ident.latin(text, letters) == expected, text
    assert others >= 2
