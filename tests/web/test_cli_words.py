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
    gt = Goodterms.open(db_url, str(tmp_path / "none.toml"))
    import_event_dicts(gt.engine, [business(), client("mari", language="et", emails=["mari@example.ee"])])
    gt.engine.dispose()
    base = ["--db", db_url, "--config", str(tmp_path / "none.toml"), "desk", "submit", "--client", "mari"]
    asked = [
        "--subject",
        "Arve",
        "--text",
        "Palun saatke arve A-17 koopia.",
        "--at",
        "2026-03-02T09:00:00+07:00",
    ]
    first = json.loads(runner.invoke(cli, [*base, *asked, "--format", "json"]).stdout)
    assert first["outcome"] == "new" and first["promised_at"]
    for n, lang in enumerate(READERS):
        again = ["--subject", "Re: Arve", "--text", f"Palun saatke arve A-17 koopia, kiiresti {n}."]
        out = runner.invoke(cli, [*base, *again, "--at", f"2026-03-02T1{n}:30:00+07:00", "--lang", lang])
        assert out.exit_code == 0, out.output
        _ = translations(lang).gettext
        heads, body = cli_cells(out.stdout)
        assert heads[:3] == [_("Request"), _("Outcome"), _("Reference")]
        assert heads[3:] == [f"{_('Promised')} (Asia/Bangkok)", _("Why")]
        [row] = [r for r in body if r[0]]
        assert row[1].startswith("GT-")
        assert row[0] == _("asked again, added to the open request"), row
        assert not re.search(r"\d\d:\d\d:\d\d", out.stdout)  # to the minute, no seconds
        assert "13:00" in row[2], row  # office hours, Bangkok time, not UTC (06:00)
        assert ("2569" if lang == "th" else "2026") in row[2], row  # the Buddhist era for a Thai reader
        assert row[3] in (_("the same request as an open one"), _("asks after an open request")), row
        _check_reader(
            " ".join([*heads[:3], _("Promised"), _("Why"), row[0], " ".join(r[3] for r in body)]), lang
        )


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
