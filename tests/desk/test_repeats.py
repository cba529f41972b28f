from __future__ import annotations

import ast
from pathlib import Path

import pytest

import goodterms.desk.repeats as repeats
from goodterms.desk.config import DEFAULT_CHASE_PHRASES
from goodterms.desk.repeats import OpenRequest, cosine, find_repeat, learn_idf, vectorize

PAIRS = [
    (
        "ขอใบเสนอราคาสำหรับการถอดเทปการประชุมสามชั่วโมง",
        "ขอใบเสนอราคาสำหรับถอดเทปการประชุมสามชั่วโมงค่ะ",
        "ใบแจ้งหนี้เดือนมีนาคมผิด",
    ),
    (
        "Palun saatke märtsi arve uuesti õige käibemaksuga",
        "Palun saatke mulle märtsi arve uuesti, õige käibemaksuga",
        "Meie veebilehe logo on vale",
    ),
    (
        "Please transcribe the March board meeting recording",
        "Please transcribe the board meeting recording from March",
        "Our invoice has the wrong VAT number",
    ),
]


@pytest.mark.parametrize(("original", "repeat", "other"), PAIRS)
def test_a_reworded_repeat_is_closer_than_an_unrelated_request(
    original: str, repeat: str, other: str
) -> None:
    assert cosine(vectorize(original), vectorize(repeat)) > 0.4
    assert cosine(vectorize(original), vectorize(other)) < 0.25


@pytest.mark.parametrize(("original", "repeat", "other"), PAIRS)
def test_find_repeat_picks_the_request_it_repeats(original: str, repeat: str, other: str) -> None:
    open_requests = [OpenRequest(1, "", other), OpenRequest(2, "", original)]
    match = find_repeat(
        subject="",
        text=repeat,
        open_requests=open_requests,
        threshold=0.4,
        chase_phrases=DEFAULT_CHASE_PHRASES,
    )
    assert match is not None and match.request_id == 2 and match.reason == "similar"


@pytest.mark.parametrize("chase", ["Any news on my request?", "Kas on uudiseid?", "มีความคืบหน้าไหมคะ"])
def test_any_news_in_three_languages_folds_into_the_latest_open_request(chase: str) -> None:
    open_requests = [OpenRequest(3, "Logo", "Fix the logo"), OpenRequest(7, "Arve", "Saatke arve")]
    match = find_repeat(
        subject="",
        text=chase,
        open_requests=open_requests,
        threshold=0.4,
        chase_phrases=DEFAULT_CHASE_PHRASES,
    )
    assert match is not None and match.reason == "chase" and match.request_id == 7


def test_a_new_request_with_no_open_requests_is_not_a_repeat() -> None:
    assert (
        find_repeat(subject="x", text="any news?", open_requests=[], threshold=0.4, chase_phrases={}) is None
    )


def test_a_different_request_is_not_folded() -> None:
    open_requests = [OpenRequest(1, "Invoice", "Our invoice has the wrong VAT number")]
    match = find_repeat(
        subject="New job",
        text="Please transcribe two interviews for the newsletter",
        open_requests=open_requests,
        threshold=0.4,
        chase_phrases=DEFAULT_CHASE_PHRASES,
    )
    assert match is None


def test_idf_weights_down_words_every_document_has() -> None:
    idf = learn_idf(["the cat sat", "the dog ran", "the bird flew"])
    assert idf["w:the"] < idf["w:cat"] < idf[""]


def test_quoted_lines_and_references_do_not_count_as_similarity() -> None:
    a = vectorize("[GT-000001] new topic entirely\n> Please transcribe the March board meeting")
    b = vectorize("Please transcribe the March board meeting")
    assert cosine(a, b) < 0.2


def test_the_detector_imports_no_storage_web_or_mail() -> None:
    tree = ast.parse(Path(repeats.__file__).read_text(encoding="utf-8"))
    names = [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    names += [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
    assert not [
        n for n in names if n.startswith(("sqlalchemy", "goodterms.ledger", "goodterms.web", "smtplib"))
    ]
