"""The commands an owner reads besides the tables of test_reader_words: `desk submit`, `import`,
`mailbox fetch` (tests/connect), `followup send` and `part` speak the reader's language (``--lang``, else the
LANG locale, else the business's), in words, with times in the business's time zone and calendar."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

from typer.testing import CliRunner

from goodterms.app import Goodterms
from goodterms.cli import app as cli
from goodterms.ledger.importing import import_event_dicts
from goodterms.web.i18n import translations
from tests.factories import business, client
from tests.web.conftest import TestClient
from tests.web.test_reader_words import READERS, _check_reader, cli_cells

runner = CliRunner()
#: Codes the desk and the importer keep in their JSON, none of which a reader should meet in a table.
DESK_CODES = re.compile(
    r"\b(new|repeat|resumed|reopened|automatic|duplicate|thread|similar|chase|jsonl|calls)\b"
)


def test_the_desk_submit_table_says_what_happened_and_the_promise_in_the_businesss_time(
    db_url: str, tmp_path: Path
) -> None:
    """A new request: the promise at 13:00 Bangkok time (four office hours after 09:00), in the reader's
    calendar. The client asking again: what the desk did and why, in words (a repeat of a request whose
    promise has passed is promised anew from the real clock, so its time is not checked here)."""
    gt = Goodterms.open(db_url, str(tmp_path / "none.toml"))
    import_event_dicts(gt.engine, [business(), client("mari", language="et", emails=["mari@example.ee"])])
    gt.engine.dispose()
    base = ["--db", db_url, "--config", str(tmp_path / "none.toml"), "desk", "submit", "--client", "mari"]
    asked = {
        "th": ("Tõlge", "Palun tõlkige leping inglise keelde."),
        "et": ("Kohtumine", "Kas saame neljapäeval kell kümme kokku?"),
        "en": ("Arve", "Palun saatke arve A-17 koopia."),
    }
    for n, lang in enumerate(READERS):
        _ = translations(lang).gettext
        subject, text = asked[lang]
        day = f"2026-03-0{2 + n}"  # Monday to Wednesday
        new = [*base, "--subject", subject, "--text", text, "--at", f"{day}T09:00:00+07:00", "--lang", lang]
        out = runner.invoke(cli, new, env={"COLUMNS": "200"})
        assert out.exit_code == 0, out.output
        heads, body = cli_cells(out.stdout)
        assert heads == [
            _("Request"),
            _("Outcome"),
            _("Reference"),
            f"{_('Promised')} (Asia/Bangkok)",
            _("Why"),
        ]
        [row] = [r for r in body if r[0]]
        assert row[0] == _("new request") and row[1].startswith("GT-"), row
        assert not re.search(r"\d\d:\d\d:\d\d", out.stdout)  # to the minute, no seconds
        assert row[2].endswith(" 13:00"), row  # office hours, Bangkok time, not UTC (06:00)
        assert row[2].startswith(str(2 + n)) and ("2569" if lang == "th" else "2026") in row[2], row  # B.E.
        again = [*base, "--subject", f"Re: {subject}", "--text", text, "--at", f"{day}T10:30:00+07:00"]
        out = runner.invoke(cli, [*again, "--lang", lang], env={"COLUMNS": "200"})
        assert out.exit_code == 0, out.output
        [row] = [r for r in cli_cells(out.stdout)[1] if r[0]]
        assert row[0] == _("asked again, added to the open request"), row
        assert row[3] in (_("the same request as an open one"), _("asks after an open request")), row
        _check_reader(" ".join([*heads[:3], _("Promised"), _("Why"), row[0], row[3]]), lang)


def test_the_import_table_says_what_was_read_in_the_readers_words(db_url: str, tmp_path: Path) -> None:
    events = tmp_path / "ledger.jsonl"
    records = [business(language="et"), client("mari", language="et", emails=["mari@example.ee"])]
    events.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    base = ["--db", db_url, "--config", str(tmp_path / "none.toml"), "import", str(events)]
    for lang in READERS:
        out = runner.invoke(cli, [*base, "--lang", lang], env={"LANG": "C.UTF-8", "COLUMNS": "200"})
        assert out.exit_code == 0, out.output
        _ = translations(lang).gettext
        heads, body = cli_cells(out.stdout)
        assert heads == [
            _(w) for w in ("Imported", "File", "What", "New", "Updated", "Unchanged", "Not matched")
        ]
        [row] = [r for r in body if r[0]]
        assert row[1] == _("ledger events")
        _check_reader(" ".join([*heads, row[1]]), lang)
        assert not DESK_CODES.search(" ".join([*heads, row[1]]))
    # Without --lang: the LANG locale, else the business's language, read after the file named it.
    plain = runner.invoke(cli, base, env={"LANG": "C.UTF-8", "COLUMNS": "200"})
    assert plain.exit_code == 0 and translations("et").gettext("Imported") in plain.stdout, plain.stdout
    thai = runner.invoke(cli, base, env={"LANG": "th_TH.UTF-8", "COLUMNS": "200"})
    assert translations("th").gettext("Imported") in thai.stdout, thai.stdout


def test_a_channel_is_said_the_same_way_on_every_surface(
    gt: Goodterms, signed_in: Callable[[str], TestClient]
) -> None:
    """One table of channel words (handling.reasons.CHANNELS): the reports, the settings page, the timeline
    and the client page's filters say "e-mail", "e-kiri", "ข้อความสั้น" alike; no code like ``email``."""
    from goodterms.handling.reasons import CHANNELS, channel_name
    from goodterms.reports.labels import word
    from goodterms.web.format import Formatter
    from goodterms.web.record_words import entry_words
    from goodterms.web.setting_words import part

    for lang in READERS:
        _ = translations(lang).gettext
        for code, said in CHANNELS[lang].items():
            assert said != code or (
                lang == "en" and code in ("call", "chat", "meeting", "voicemail", "letter")
            )
            assert word("channel", code, lang) == said == channel_name(code, lang)
            assert part("handling_minutes", code, lang) == said
        contact = {"type": "contact", "channel": "sms", "direction": "inbound"}
        assert CHANNELS[lang]["sms"] in entry_words(contact, _, Formatter(lang, "Asia/Bangkok"))
    assert (CHANNELS["en"]["email"], CHANNELS["th"]["sms"]) == ("e-mail", "ข้อความสั้น")
    owner = signed_in("owner")
    for lang in READERS:
        page = owner.get("/clients/c3", params={"lang": lang}).text
        filters = re.findall(r'name="channel" value="(\w+)"[^>]*> ([^<]+)</label>', page)
        assert filters and all(said == CHANNELS[lang][code] for code, said in filters), filters


def test_hours_are_numbers_of_the_readers_locale() -> None:
    """A promise's hours and a delivery's hours read as the reader writes numbers: 3,5 t in Estonian."""
    from datetime import UTC, datetime, timedelta

    from goodterms.web.format import Formatter, promise_label
    from goodterms.web.record_words import entry_words

    now = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)
    for lang, hours in (("en", "3.5 h"), ("et", "3,5 t"), ("th", "3.5 ชม.")):
        fmt, _ = Formatter(lang, "Asia/Bangkok"), translations(lang).gettext
        label = promise_label(promised_at=now + timedelta(hours=3.5), now=now, late=False, fmt=fmt, _=_)
        assert hours in label.text, label.text
        assert hours in entry_words({"type": "delivery", "hours": 3.5}, _, fmt)
