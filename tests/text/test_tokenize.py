from __future__ import annotations

from goodterms.text import stems, tokenize
from goodterms.text.tokenize import stem_word


def test_thai_is_split_into_words_by_newmm() -> None:
    words = tokenize("ช่วยส่งงานภายในวันนี้ได้ไหมครับ", "th")
    assert words
    assert "ส่ง" in words
    assert "".join(words) == "ช่วยส่งงานภายในวันนี้ได้ไหมครับ"


def test_estonian_words_are_stemmed_with_snowball() -> None:
    assert stems("arved arvetega", "et")[0] == stems("arve", "et")[0][: len(stems("arved", "et")[0])]
    assert stems("hommikuks", "et") == ["hommiku"]


def test_english_words_are_stemmed_and_keep_unicode() -> None:
    assert stems("Invoices waiting", "en") == ["invoic", "wait"]
    assert tokenize("naïve café", "en") == ["naïve", "café"]


def test_thai_segmentation_is_reused_but_never_shared() -> None:
    first = tokenize("ขอส่วนลดหน่อยได้ไหมครับ", "th")
    first.append("changed")
    assert tokenize("ขอส่วนลดหน่อยได้ไหมครับ", "th") == first[:-1]


def test_numbers_are_their_own_stems() -> None:
    from goodterms.text.tokenize import _stemmer

    numbers = [str(n) for n in range(0, 3000, 7)] + ["0000", "2025", "١٢", "１２"]
    for lang, name in (("en", "english"), ("et", "estonian")):
        stemmer = _stemmer(name)
        for number in numbers:
            assert stem_word(number, lang) == number == stemmer.stemWord(number)


def test_thai_uses_pythainlp_own_trie_and_restores_the_garbage_collector() -> None:
    import gc

    from pythainlp.tokenize import word_dict_trie, word_tokenize

    from goodterms.text.tokenize import thai_dictionary

    text = "รบกวนขอใบเสนอราคาถอดเทปการประชุมสามชั่วโมงค่ะ"
    for collecting in (True, False):
        thai_dictionary.cache_clear()
        (gc.enable if collecting else gc.disable)()
        try:
            trie = thai_dictionary()
            assert gc.isenabled() is collecting
        finally:
            gc.enable()
        assert trie is word_dict_trie() and len(trie) > 60_000
    assert tokenize(text, "th") == [w for w in word_tokenize(text, engine="newmm") if w.strip()]
