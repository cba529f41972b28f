from __future__ import annotations

from goodterms.text.lexicon import find_hits


def test_a_gap_entry_matches_words_apart_but_not_too_far() -> None:
    near = find_hits("I will tell everyone I know that your firm is a scam", "en")
    assert any(h.category == "threat" and h.phrase.startswith("tell everyone") for h in near)
    far = "tell everyone " + "very " * 12 + "that it was a scam"
    assert not any(h.phrase.startswith("tell everyone") for h in find_hits(far, "en"))


def test_a_prefix_entry_matches_every_case_ending() -> None:
    for word in ("ebakompetentne", "ebakompetentsed", "ebakompetentsete"):
        hits = find_hits(f"Te olete {word}", "et")
        assert [(h.category, h.phrase) for h in hits] == [("insult", word)]


def test_a_threat_that_also_insults_is_a_threat() -> None:
    hits = find_hits("Te kasutud petised, ma teen politseisse avalduse.", "et")
    assert {"threat", "insult"} <= {h.category for h in hits}
