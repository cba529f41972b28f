"""The parting packet speaks the reader's words: every spreadsheet cell and every PDF page in th, et and en.

A walk over the evidence workbook, the final report (client's and business's copies), the letter and the
hand-over checklist fails on any internal code (flag, severity, verdict, channel, tone, status, record
type, ask kind, snake_case key) and on text in another language: Latin words in a Thai document, Thai
in an Estonian or English one, English words in an Estonian one. Names and the client's own words are
excepted: the free-text columns of the workbook, and every name, title and number the ledger holds,
which the walk removes from the text before it looks.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from goodterms.app import Goodterms
from goodterms.assess import messages as msg
from goodterms.assess.flags import FLAGS
from goodterms.demo import generate
from goodterms.handling.notices import ASK_KINDS
from goodterms.ledger import models as m
from goodterms.ledger.importing import import_event_dicts
from goodterms.reports import labels as report_labels
from goodterms.reports.evidence_xlsx import DAY_FORMATS, TIME_FORMAT, moment_format
from goodterms.reports.packet import build_packet

READERS = ("th", "et", "en")
AS_OF = date(2026, 6, 30)
#: The demo's client with the most flags (let go: over-contact, unpaid time, hostile tone, strain, margin).
CLIENT = "c004"
CODES = (
    *FLAGS,
    "slow_response",
    "keep",
    "set_boundaries",
    "renegotiate",
    "let_go",
    "low",
    "medium",
    "high",
    *(code for group in ("channel", "tone", "status", "record") for code in report_labels.codes(group)),
    *ASK_KINDS["en"],
)
#: Workbook columns that hold the ledger's own text (the client's words, titles, names, numbers).
FREE = {
    k: {report_labels.labels(k)[c] for c in ("client_words", "subject", "problem", "our_response", "staff")}
    | {report_labels.labels(k)[c] for c in ("number", "invoice", "item", "value")}
    for k in READERS
}
#: The reader's words in each language: labels, words for codes, flag and verdict names.
VOCABULARY = {
    k: {
        *report_labels.labels(k).values(),
        *(
            report_labels.word(g, c, k) or ""
            for g in ("channel", "tone", "status", "record")
            for c in report_labels.codes(g)
        ),
        *(msg.name(c, k) for c in CODES),
        *ASK_KINDS[k].values(),
    }
    for k in READERS
}


def codes_in(text: str, lang: str) -> list[str]:
    """Return the internal codes in ``text``: snake_case keys, and codes that are not the reader's word."""
    snake = re.findall(r"(?<![\w@./-])[a-z]+(?:_[a-z0-9]+)+(?![\w@/-])", text)
    mine = {w.lower() for w in VOCABULARY[lang]}
    return snake + [
        c
        for c in CODES
        if c not in mine and re.search(rf"(?<![\w-]){re.escape(c)}(?![\w-])", text, flags=re.IGNORECASE)
    ]


def foreign_in(text: str, lang: str) -> list[str]:
    """Return text in a language other than ``lang`` (after names and the client's words are removed)."""
    if lang == "th":
        return re.findall(r"[A-Za-zÀ-ž]{2,}", text)
    thai = re.findall(r"[\u0e01-\u0e3a\u0e40-\u0e5b]+", text)  # not ฿ (U+0E3F): money
    if lang == "en":
        return thai
    english = {
        w
        for w in VOCABULARY["en"] - VOCABULARY["et"]
        if len(w) > 3 and re.search(rf"(?<!\w){re.escape(w)}(?!\w)", text)
    }
    return thai + sorted(english)


def build(db_url: str, out: Path, lang: str) -> tuple[Any, list[str]]:
    """Build the demo client's parting packet in ``lang``, its business working in that language too;
    return it with the ledger's own text (names, titles, numbers) that the walk leaves out."""
    events = [{**e, "language": lang} if e["type"] == "business" else e for e in generate(seed=7)]
    app = Goodterms.open(db_url, str(out / "goodterms.toml"))
    try:
        import_event_dicts(app.engine, events)
        with app.sessions() as s:
            cid = s.scalar(select(m.Client.id).where(m.Client.ext_id == CLIENT))
            ledger_text = [
                *s.scalars(select(m.Client.name).where(m.Client.ext_id == CLIENT)),
                app.business().name,
                *s.scalars(select(m.Delivery.title).where(m.Delivery.client_id == cid)),
                *(o for o in s.scalars(select(m.Delivery.outcome).where(m.Delivery.client_id == cid)) if o),
                *s.scalars(select(m.Invoice.number).where(m.Invoice.client_id == cid)),
                *s.scalars(select(m.Account.service).where(m.Account.client_id == cid)),
                *s.scalars(select(m.Account.handle).where(m.Account.client_id == cid)),
                *s.scalars(select(m.Account.access).where(m.Account.client_id == cid)),
            ]
        packet = build_packet(app=app, client=CLIENT, out=out / "packet", as_of=AS_OF, lang=lang)
    finally:
        app.engine.dispose()
    return packet, sorted({t for t in ledger_text if t}, key=len, reverse=True)


def bare(text: str) -> str:
    """Return ``text`` without combining marks: a PDF's text layer may give a Thai tone mark back as
    another mark (the font draws both with one glyph), so compare what is left."""
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))


def _without(text: str, names: list[str]) -> str:
    text = bare(text)
    for name in names:
        text = text.replace(bare(name), " ")
    # Currency codes and symbols, the record ids the evidence names, the time zone: not words.
    return re.sub(r"\b(THB|EUR|GBP|c\d{3}-[\w-]+|[a-z]\d+|Asia/Bangkok|PDF)\b", " ", text)


@pytest.mark.parametrize("lang", READERS)
def test_every_spreadsheet_cell_is_in_the_readers_words(db_url: str, tmp_path: Path, lang: str) -> None:
    packet, names = build(db_url, tmp_path, lang)
    wb = load_workbook(packet.files["evidence"])
    walked = 0
    for ws in wb.worksheets:
        rows = list(ws.iter_rows())
        head = [c.value for c in rows[0]]
        assert ws.auto_filter.ref == f"A1:{ws.cell(1, len(head)).column_letter}{len(rows)}", ws.title
        for row in rows[1:]:
            for column, cell in zip(head, row, strict=False):
                value = cell.value
                if isinstance(value, datetime):
                    # Local times as real date cells, in the reader's calendar, to the minute.
                    assert cell.number_format in (DAY_FORMATS[lang], moment_format(lang), TIME_FORMAT), (
                        ws.title,
                        column,
                        cell.number_format,
                    )
                    assert value.second == 0 and value.microsecond == 0
                elif isinstance(value, time):
                    assert cell.number_format == TIME_FORMAT
                if not isinstance(value, str) or column in FREE[lang]:
                    continue
                walked += 1
                text = _without(value, names)
                assert not codes_in(text, lang), (ws.title, column, value, codes_in(text, lang))
                assert not foreign_in(text, lang), (ws.title, column, value, foreign_in(text, lang))
        for cell in rows[0]:
            assert not foreign_in(str(cell.value), lang) and not codes_in(str(cell.value), lang)
    assert walked > 500, walked  # channels, directions, tones, weekdays, flags and their evidence
    amount = wb[report_labels.labels(lang)["invoices"]].cell(2, 4)  # money carries its currency
    assert isinstance(amount.value, int | float) and amount.number_format.endswith('" THB"')


@pytest.mark.parametrize("lang", READERS)
def test_every_report_page_is_in_the_readers_words(db_url: str, tmp_path: Path, lang: str) -> None:
    packet, names = build(db_url, tmp_path, lang)
    for document in ("report", "internal", "letter", "handover"):
        _walk_document(packet.files[document], document, names, lang)


def _walk_document(path: Path, document: str, names: list[str], lang: str) -> None:
    if path.suffix == ".pdf":
        pages = [page.extract_text() for page in PdfReader(path).pages]
    else:
        pages = [path.read_text(encoding="utf-8")]
    for number, page in enumerate(pages, start=1):
        lines = [line for line in page.splitlines() if line.strip() and not re.fullmatch(r"\d+ / \d+", line)]
        assert len(lines) >= 3, (document, number, "a page with next to nothing on it", lines)
        text = _without(page, names)
        assert not codes_in(text, lang), (document, number, codes_in(text, lang))
        assert not foreign_in(text, lang), (document, number, foreign_in(text, lang))
    whole = " ".join(bare(" ".join(pages)).split())
    assert bare(report_labels.labels(lang)["draft"]) in whole  # the draft badge
    if document == "internal":
        for code in ("hostile_tone", "over_contact"):
            assert " ".join(bare(msg.name(code, lang)).split()) in whole
    if lang == "th" and document in ("report", "internal"):
        assert str(AS_OF.year + 543) in whole  # the Buddhist era


def test_invoice_labels_on_a_chart_never_run_together() -> None:
    from goodterms.reports.charts import LABEL_CHAR_PX, bar_chart

    numbers = [f"INV-C004-I{n}" for n in range(401, 441, 2)]
    chart = bar_chart(title="t", labels=numbers, values=[1.0] * len(numbers), headers=("a", "b"))
    shown = [
        (float(x), label)
        for x, label in re.findall(
            r'<text x="([\d.]+)" y="[\d.]+" font-size="7"[^>]*>([^<]+)</text>', chart.svg
        )
    ]
    assert len(shown) >= 2
    for (x1, a), (x2, b) in itertools.pairwise(shown):
        assert x2 - x1 >= (len(a) + len(b)) / 2 * LABEL_CHAR_PX, (a, b, x2 - x1)


def test_the_timeline_table_shows_the_businesss_local_time_to_the_minute(gt: Goodterms, db_url: str) -> None:
    from typer.testing import CliRunner

    from goodterms.cli import app as cli

    out = CliRunner().invoke(cli, ["--db", db_url, "timeline", "c1", "--lang", "en"], env={"COLUMNS": "200"})
    assert out.exit_code == 0, out.output
    assert "When (Asia/Bangkok)" in out.stdout
    assert "3 Mar 2026 23:00" in out.stdout  # the late call: 16:00 UTC, 23:00 in Bangkok
    assert "16:00" not in out.stdout
