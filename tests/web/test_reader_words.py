"""The reader's words: portfolio, client page and the CLI table in th, et and en show no internal code
(flag, verdict, severity, advice key) and no summary in a language other than the reader's.

Names and the client's own words are excepted: the pages mark them with the client's ``lang``, and the
walk leaves out any text inside an element whose language is not the reader's.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from goodterms.app import Goodterms
from goodterms.assess import messages as msg
from goodterms.assess.flags import FLAGS
from goodterms.cli import app as cli
from goodterms.demo import generate
from goodterms.ledger.importing import import_event_dicts
from goodterms.web.accounts import add_user
from goodterms.web.app import create_app
from goodterms.web.format import Formatter
from goodterms.web.i18n import translations
from tests.web.conftest import PASSWORD, TestClient, new_client, sign_in
from tests.web.test_money import AS_OF, DemoEndCache, _mark_the_aggressive_client_rude

READERS = ("th", "et", "en")
VERDICTS = ("keep", "set_boundaries", "renegotiate", "let_go")
SEVERITIES = ("low", "medium", "high")
CODES = (*FLAGS, "slow_response", *VERDICTS, *SEVERITIES, *msg.ADVICE["en"])


class _Visible(HTMLParser):
    """The text a reader sees in the reader's language (not head, scripts, or text marked another lang)."""

    VOID = frozenset({"br", "img", "input", "meta", "link", "hr", "col", "source", "wbr", "area", "base"})

    def __init__(self, lang: str) -> None:
        super().__init__()
        self.stack: list[tuple[str, bool]] = []
        self.lang = lang
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.VOID:
            return
        own = dict(attrs).get("lang")
        hidden = tag in ("head", "script", "style", "template") or (own is not None and own != self.lang)
        self.stack.append((tag, hidden or (bool(self.stack) and self.stack[-1][1])))

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        if not (self.stack and self.stack[-1][1]):
            self.parts.append(data)


def visible(html: str, lang: str) -> str:
    parser = _Visible(lang)
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def codes_in(text: str, lang: str) -> list[str]:
    """Return the internal codes in ``text`` (a code that is also the reader's word for it is no leak),
    and any other snake_case code (event types, sorts) an English page would show as it is."""
    snake = re.findall(r"(?<![\w@./-])[a-z]+(?:_[a-z0-9]+)+(?![\w@/-])", text)
    return snake + [
        c for c in CODES if msg.name(c, lang) != c and re.search(rf"(?<![\w-]){re.escape(c)}(?![\w-])", text)
    ]


@pytest.fixture
def demo(db_url: str) -> Iterator[Goodterms]:
    gt = Goodterms.open(db_url, "/nonexistent/goodterms.toml")
    import_event_dicts(gt.engine, generate(seed=7))
    _mark_the_aggressive_client_rude(gt)
    add_user(engine=gt.engine, email="owner@biz.example", role="owner", password=PASSWORD, sees_money=True)
    yield gt
    gt.engine.dispose()


def _owner(gt: Goodterms, tmp_path: Path) -> TestClient:
    app = create_app(gt, output_dir=tmp_path / "out")
    app.state.web.assessment = DemoEndCache(gt)
    return sign_in(new_client(app), "owner@biz.example")


def _summary(found: dict[str, Any], lang: str) -> str:
    """Return a finding's summary as a reader of ``lang`` should read it."""
    return msg.Message.from_json(found["message"]).text(lang)


def test_pages_and_the_cli_table_speak_the_readers_words(demo: Goodterms, tmp_path: Path) -> None:
    owner = _owner(demo, tmp_path)
    assessed = DemoEndCache(demo).get() or {}
    assert assessed, "the demo portfolio is assessed"
    worst = sorted(assessed.values(), key=lambda c: c["health"])
    # A client of each verdict there is, and the one with the most flags.
    walked = {
        c["id"]: c
        for c in [*{v["verdict"]: v for v in worst}.values(), max(worst, key=lambda c: len(c["flags"]))]
    }
    flagged = {f["code"] for c in walked.values() for f in c["flags"]}
    assert len(flagged) >= 5, flagged
    for lang in READERS:
        portfolio = owner.get("/", params={"lang": lang, "per_page": 200}).text
        seen = visible(portfolio, lang)
        assert not codes_in(seen, lang), (lang, codes_in(seen, lang))
        for verdict in {c["verdict"] for c in assessed.values()}:
            assert msg.name(verdict, lang) in seen
        _ = translations(lang).gettext
        day = html.unescape(owner.get("/today", params={"lang": lang}).text)
        seen = visible(day, lang)
        assert not codes_in(seen, lang), (lang, codes_in(seen, lang))
        assert _("Today") in seen and _("Requests due or overdue") in seen
        assert msg.name("slow_response", lang) in seen  # our own lateness, in the reader's words
        ours = [f for c in assessed.values() for f in c["ours"]]
        assert ours and _summary(ours[0], lang) in day
        mine = {_summary(f, lang) for f in ours}
        for found in ours:  # the findings on us are in the reader's language only
            for other in READERS:
                if _summary(found, other) not in mine:
                    assert _summary(found, other) not in day, (lang, other)
        for client in walked.values():
            page = html.unescape(owner.get(f"/clients/{client['id']}", params={"lang": lang}).text)
            seen = visible(page, lang)
            assert not codes_in(seen, lang), (lang, client["id"], codes_in(seen, lang))
            assert msg.name(client["verdict"], lang) in seen
            for item in client["advice"]:
                assert msg.advice(item["key"], lang) in seen
            if any(f["evidence"] for f in client["flags"]):  # evidence lines link to their records
                assert _("see it in the timeline") in seen
                link = re.search(r'<a href="([^"]*)#(rec-[^"]+)">', page)
                assert link is not None
                target = owner.get(link.group(1), params={"lang": lang}).text if link.group(1) else page
                assert f'id="{link.group(2)}"' in target
                # Local date and time in the business's time zone and the reader's calendar.
                flagged = owner.get(f"/api/clients/{client['id']}", params={"lang": lang}).json()
                line = next(f for f in flagged["assessment"]["flags"] if f["evidence"])["evidence_lines"][0]
                local = Formatter(lang, demo.business().timezone, buddhist_era=True).moment(line["at"])
                assert line["when"] == local and f">{local}</time>" in page
            for found in client["flags"]:
                mine = _summary(found, lang)
                assert mine in page, (lang, found["code"])
                for other in READERS:
                    theirs = _summary(found, other)
                    if other != lang and theirs != mine:
                        assert theirs not in page, (lang, other, found["code"])
    runner = CliRunner()
    for lang in READERS:
        out = runner.invoke(
            cli,
            [
                "--db",
                str(demo.engine.url.render_as_string(hide_password=False)),
                "assess",
                "--as-of",
                AS_OF.date().isoformat(),
                "--no-trend",
                "--lang",
                lang,
            ],
            env={"LANG": "C.UTF-8"},
        )
        assert out.exit_code == 0, out.output
        assert not codes_in(out.stdout, lang), (lang, codes_in(out.stdout, lang))
        assert msg.label("first_step", lang) in out.stdout
        if lang == "th":
            assert str(AS_OF.year + 543) in out.stdout  # the Buddhist era
        else:
            assert str(AS_OF.year) in out.stdout


def test_the_portfolio_opens_worst_first_with_a_summary_strip(demo: Goodterms, tmp_path: Path) -> None:
    owner = _owner(demo, tmp_path)
    assessed = DemoEndCache(demo).get() or {}
    data = owner.get("/api/portfolio", params={"per_page": 200}).json()
    rank = {v: i for i, v in enumerate(("let_go", "renegotiate", "set_boundaries", "keep"))}
    keys = [(c["health"], rank[c["verdict"]]) for c in data["clients"]]
    assert keys == sorted(keys) and len(keys) == len(assessed)  # lowest health, most severe verdict first
    first = data["clients"][0]
    assert first["verdict_words"] == msg.name(first["verdict"], "en")
    assert first["first_step"]["text"] == msg.advice(assessed[first["id"]]["advice"][0]["key"], "en")
    tally = {v: sum(1 for c in assessed.values() if c["verdict"] == v) for v in VERDICTS}
    for lang, words in (("en", "to renegotiate"), ("et", "uuesti kokku leppida"), ("th", "เจรจาใหม่")):
        page = owner.get("/portfolio", params={"lang": lang}).text
        strip = msg.counts(tally, lang)
        assert words in strip and f'<p class="summary-strip">{strip}</p>' in page
    # Health by colour (a band class) and number.
    assert re.search(r'<span class="health (bad|poor|fair|good)">\d+</span>', page)


@pytest.mark.parametrize("lang", READERS)
def test_the_follow_ups_page_says_why_in_the_readers_words(
    overdue: Goodterms, signed_in: Callable[[str], TestClient], lang: str
) -> None:
    from goodterms.handling.reasons import channel_name

    http = signed_in("manager")
    notices = http.get("/api/followups", params={"lang": lang}).json()["notices"]
    assert notices
    page = http.get("/followups", params={"lang": lang}).text
    seen = visible(html.unescape(page), lang)
    assert not codes_in(seen, lang), (lang, codes_in(seen, lang))
    for notice in notices:
        assert notice["rule"] not in seen and notice["reason"] not in seen  # codes and the ladder's English
        assert " ".join(notice["why"].split()) in seen and channel_name(notice["channel"], lang) in seen


def test_the_clients_table_speaks_the_readers_words(demo: Goodterms) -> None:
    from goodterms.ledger.queries import clients_overview

    rows = clients_overview(demo.engine)
    url = demo.engine.url.render_as_string(hide_password=False)
    for lang in READERS:
        out = CliRunner().invoke(cli, ["--db", url, "clients", "--lang", lang], env={"COLUMNS": "250"})
        assert out.exit_code == 0, out.output
        shown = " ".join(out.stdout.split())
        for row in rows:
            shown = shown.replace(row["name"], " ").replace(row["id"], " ")
        shown = re.sub(r"THB|EUR|GBP|€|£|฿", " ", shown)
        assert not codes_in(shown, lang), (lang, codes_in(shown, lang))
        if lang == "th":
            assert not re.findall(r"[A-Za-z]{2,}", shown), shown
            assert "ยังทำงานร่วมกันอยู่" in shown and "ยอดค้างชำระ" in shown
        else:
            assert not re.findall(r"[\u0e01-\u0e5b]", shown), shown
        if lang == "et":
            assert "aktiivne" in shown and "active" not in shown and "tasumata" in shown


def test_the_desk_parting_users_and_audit_pages_speak_the_readers_words(
    demo: Goodterms, tmp_path: Path
) -> None:
    """The pages a manager works in besides the portfolio: no internal code in any reader's language.

    /settings included: each assessment threshold is named in the reader's words, its boxes by severity,
    warning sign or channel, never by its goodterms.toml key (issue 15)."""
    owner = _owner(demo, tmp_path)
    assessed = DemoEndCache(demo).get() or {}
    let_go = next(c for c in assessed.values() if c["verdict"] == "let_go")
    leaks: dict[tuple[str, str], list[str]] = {}
    for lang in READERS:
        for path in ("/desk", f"/clients/{let_go['id']}/parting", "/users", "/audit", "/settings"):
            answer = owner.get(path, params={"lang": lang})
            assert answer.status_code == 200, (path, answer.status_code)
            seen = visible(html.unescape(answer.text), lang)
            # The client templates on /settings are shown as their source, so an owner can copy them into
            # an override: their {{ placeholders }} and {% tags %} are the words an owner writes them in.
            found = codes_in(re.sub(r"\{\{.*?\}\}|\{%.*?%\}", " ", seen), lang)
            if found:
                leaks[(lang, path)] = found
    assert not leaks, {k: sorted(set(v))[:8] for k, v in leaks.items()}


def test_every_assessment_setting_has_a_label_in_each_language() -> None:
    """Each threshold on /settings is named in Thai, Estonian and English words, not by its key."""
    from goodterms.assess.config import AssessSettings
    from goodterms.web.setting_words import LABELS
    from goodterms.web.settings_page import ADVANCED

    shown = [n for n in AssessSettings.model_fields if n not in ADVANCED]
    assert sorted(LABELS) == sorted(shown)
    for name in shown:
        assert set(LABELS[name]) == {"en", "th", "et"}, name
        assert all(w and "_" not in w for w in LABELS[name].values()), name


# --- The CLI tables that words records, the desk's queue and message analyses (issue 15) ----------------

THAI = re.compile(r"[\u0e01-\u0e5b]")
#: English words of the old tables, none of which an Estonian reader should meet.
ENGLISH = re.compile(
    r"\b(inbound|outbound|request|reply|invoice|payment|delivery|discount|granted|asked|open|waiting|"
    r"promised|chases|late|LATE|polite|neutral|frustrated|hostile|threat|yes|urgency|deadline|message)\b",
    re.IGNORECASE,
)


def cli_cells(out: str) -> tuple[list[str], list[list[str]]]:
    """Return a Rich table's title and header cells, and the cells of each body line (a wrapped row is
    several lines: a cell is read column by column, so a long cell never runs into its neighbour)."""
    heads: list[str] = []
    body: list[list[str]] = []
    for line in out.splitlines():
        if "┃" in line:
            heads += [c.strip() for c in line.split("┃")[1:-1]]
        elif "│" in line:
            body.append([c.strip() for c in line.split("│")[1:-1]])
        elif line.strip() and not re.match(r"\s*[┏┡└]", line):
            heads.append(line.strip())  # the title
    return heads, body


def _check_reader(shown: str, lang: str) -> None:
    """Fail on an internal code, and on words in another language than the reader's."""
    assert not codes_in(shown, lang), (lang, codes_in(shown, lang))
    if lang == "th":
        assert not re.findall(r"[A-Za-z]{2,}", shown), shown
    else:
        assert not THAI.search(shown), shown
    if lang == "et":
        assert not ENGLISH.search(shown), (ENGLISH.findall(shown), shown)


def test_the_timeline_table_speaks_the_readers_words(demo: Goodterms) -> None:
    """`goodterms timeline --lang` words each record as the client page does: what it was in the reader's
    language, at the business's local time in the reader's calendar; the client's words are theirs."""
    import json

    url = demo.engine.url.render_as_string(hide_password=False)
    runner = CliRunner()
    # The client with the most kinds of record.
    clients = json.loads(runner.invoke(cli, ["--db", url, "clients", "--format", "json"]).stdout)["clients"]
    lines = {
        c["id"]: json.loads(runner.invoke(cli, ["--db", url, "timeline", c["id"], "--format", "json"]).stdout)
        for c in clients[:12]
    }
    ref = max(lines, key=lambda r: len({e["type"] for e in lines[r]["entries"]}))
    kinds = {e["type"] for e in lines[ref]["entries"]}
    assert {"contact", "request", "reply", "invoice", "payment", "concession", "work"} <= kinds, kinds
    tz = demo.business().timezone
    for lang in READERS:
        data = json.loads(
            runner.invoke(cli, ["--db", url, "timeline", ref, "--format", "json", "--lang", lang]).stdout
        )
        entries = data["entries"]
        assert data["lang"] == lang and {e["type"] for e in entries} == kinds  # codes stay in the JSON
        assert all(e["words"] and e["when"] for e in entries)
        out = runner.invoke(cli, ["--db", url, "timeline", ref, "--lang", lang], env={"LANG": "C.UTF-8"})
        assert out.exit_code == 0, out.output
        heads, body = cli_cells(out.stdout)
        assert len(body) >= len(entries)
        _ = translations(lang).gettext
        assert heads[:2] == [f"{_('Timeline')}: {data['client']['name']}", f"{_('When')} ({tz})"], heads
        # When and What; the record's id and the client's own words (Details) are not the reader's to read.
        shown = " ".join([*heads[2:], *(f"{row[0]} {row[2]}" for row in body)]).replace(f"({tz})", " ")
        for e in entries:
            if e["type"] in ("invoice", "payment"):
                shown = shown.replace(e["gist"], " ")  # the invoice's number
        shown = re.sub(r"THB|EUR|GBP|€|£|฿", " ", shown)
        _check_reader(shown, lang)
        local = Formatter(lang, tz, buddhist_era=True)
        first = entries[0]
        assert first["when"] == local.moment(first["at"]) and first["when"] in out.stdout
        year = datetime.fromisoformat(first["at"]).year
        assert (str(year + 543) in shown) == (lang == "th") and (str(year) in shown) == (lang != "th")
        for word in (_("our reply"), _("staff note") if "note" in kinds else _("our reply"), _("granted")):
            assert word in out.stdout, (lang, word)


def test_the_desk_queue_table_speaks_the_readers_words(db_url: str, tmp_path: Path) -> None:
    """`goodterms desk queue --lang`: status and promise in the reader's words ("⚠ … missed by"), dates
    in the business's time and the reader's calendar, no LATE or open/waiting codes."""
    import json

    from goodterms.ledger.importing import import_event_dicts as load
    from tests.factories import business, client

    now = datetime.now(UTC).replace(microsecond=0)
    gt = Goodterms.open(db_url, str(tmp_path / "none.toml"))
    load(
        gt.engine,
        [
            business(),
            client("mari", name="Mari Tamm", language="et"),
            *(
                {
                    "type": "request",
                    "id": f"mari-r{n}",
                    "client": "mari",
                    "at": (now - timedelta(days=9)).isoformat(),
                    "subject": subject,
                    "promised_at": (now + timedelta(days=days)).isoformat(),
                    "status": status,
                }
                for n, (subject, days, status) in enumerate(
                    [("Arve", -3, "open"), ("Tõlge", 40, "open"), ("Leping", -1, "waiting")]
                )
            ),
        ],
    )
    gt.engine.dispose()
    base = ["--db", db_url, "--config", str(tmp_path / "none.toml"), "desk", "queue"]
    items = json.loads(CliRunner().invoke(cli, [*base, "--format", "json"]).stdout)
    assert {i["status"] for i in items} == {"open", "waiting"} and any(i["late"] for i in items)
    for lang in READERS:
        out = CliRunner().invoke(cli, [*base, "--lang", lang], env={"LANG": "C.UTF-8"})
        assert out.exit_code == 0, out.output
        heads, body = cli_cells(out.stdout)
        _ = translations(lang).gettext
        assert heads == [_(w) for w in ("Open requests", "Reference", "Client", "Subject", "Status")] + [
            _("Promise"),
            _("Chases"),
        ]
        rows = [row for row in body if row[0]]
        assert len(rows) == 3
        shown = " ".join(
            [*heads, *(" ".join(row[3:]) for row in body)]
        )  # the client's name and subject are theirs
        _check_reader(shown, lang)
        assert _("waiting on client") in shown and _("open") in shown
        late = next(row for row in rows if row[2] == "Arve")
        assert (
            late[4].startswith("⚠")
            and _("reply was due %(when)s · missed by %(h)s h").split(" ")[0] in late[4]
        )
        year = (now + timedelta(days=40)).year
        assert (str(year + 543) in shown) == (lang == "th")


def test_the_analyze_table_speaks_the_readers_words(tmp_path: Path) -> None:
    """`goodterms analyze --format table --reader-lang`: tone, language, discount and deadline in the reader's
    words (--lang stays the messages' own language); the JSON keeps its codes."""
    import json

    messages = "\n".join(
        json.dumps(m, ensure_ascii=False)
        for m in (
            {"text": "ขอส่วนลดหน่อยได้ไหมคะ ต้องการภายในพรุ่งนี้เช้า", "at": "2026-03-11T18:00:00+07:00"},
            {"text": "Palun saatke arve reedeks, muidu pöördume kohtusse", "at": "2026-03-09T10:00:00+02:00"},
            {"text": "You idiots lost my files. See you in court.", "at": "2026-03-09T10:00:00+00:00"},
            {
                "text": "Thank you, this is lovely. Could you send it within 7 days?",
                "at": "2026-03-09T10:00:00+00:00",
            },
        )
    )
    analyze = ["analyze", "-"]
    found = [
        json.loads(line) for line in CliRunner().invoke(cli, analyze, input=messages).stdout.splitlines()
    ]
    assert {f["tone"]["label"] for f in found} >= {"polite", "hostile"} and any(
        f["asks_discount"] for f in found
    )
    assert {f["deadline"]["urgency"] for f in found if f["deadline"]} >= {"high", "low"}
    theirs = [p for f in found for p in [*f["tone"]["phrases"], (f["deadline"] or {}).get("phrase", "")] if p]
    for lang in READERS:
        out = CliRunner().invoke(
            cli,
            [*analyze, "--format", "table", "--reader-lang", lang],
            input=messages,
            env={"COLUMNS": "400", "LANG": "C.UTF-8"},
        )
        assert out.exit_code == 0, out.output
        heads, body = cli_cells(out.stdout)
        _ = translations(lang).gettext
        assert heads[0] == _("Message") and heads[2] == _("Tone") and heads[-1] == _("Deadline"), heads
        # Everything but the messages and the phrases quoted from them.
        shown = " ".join([*heads, *(" ".join([*row[1:4], *row[5:]]) for row in body)])
        for phrase in sorted(theirs, key=len, reverse=True):
            shown = shown.replace(f"“{phrase}”", " ")
        _check_reader(shown, lang)
        assert msg.name("high", lang) in shown and (str(2026 + 543) in shown) == (lang == "th")
    # Without --reader-lang: the LANG locale, else the business's language in goodterms.toml.
    toml = tmp_path / "goodterms.toml"
    toml.write_text('[business]\nname = "Kohvik"\nlanguage = "et"\n', encoding="utf-8")
    table = [*analyze, "--format", "table"]
    by_locale = CliRunner().invoke(cli, table, input=messages, env={"COLUMNS": "400", "LANG": "th_TH.UTF-8"})
    by_business = CliRunner().invoke(
        cli, ["--config", str(toml), *table], input=messages, env={"COLUMNS": "400", "LANG": "C.UTF-8"}
    )
    assert cli_cells(by_locale.stdout)[0][0] == translations("th").gettext("Message")
    assert cli_cells(by_business.stdout)[0][0] == translations("et").gettext("Message")
    wrong = CliRunner().invoke(cli, [*table, "--reader-lang", "fr"], input=messages)
    assert wrong.exit_code == 2 and "--reader-lang" in wrong.output


def test_the_cli_borrows_the_web_words_without_the_web_server() -> None:
    """The CLI words records with the web app's modules: none of them may pull in FastAPI or the pages."""
    import ast

    import goodterms.web.format
    import goodterms.web.i18n
    import goodterms.web.record_words

    for module in (goodterms.web.format, goodterms.web.i18n, goodterms.web.record_words):
        tree = ast.parse(Path(str(module.__file__)).read_text(encoding="utf-8"))
        names = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module} | {
            a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names
        }
        server = {
            n for n in names if n.startswith(("fastapi", "starlette", "jinja2", "goodterms.web.context"))
        }
        assert not server, (module.__name__, server)
