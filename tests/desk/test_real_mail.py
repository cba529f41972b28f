"""Every real message in ../shared/data/mail goes through intake: no traceback, no silent drop."""

from __future__ import annotations

import csv
import mailbox
from collections import Counter
from pathlib import Path

from sqlalchemy import func, select

from goodterms.app import Goodterms
from goodterms.desk.intake import DeskContext, receive
from goodterms.ledger import models as m
from goodterms.ledger.importers.mail import parse_mail
from goodterms.ledger.importing import import_event_dicts
from tests.conftest import shared_data
from tests.factories import business


def read_message(root: Path, name: str) -> bytes:
    """Return one message's bytes; ``box.mbox#2`` is the second message of an mbox file."""
    if "#" not in name:
        return (root / name).read_bytes()
    path, number = name.rsplit("#", 1)
    box = mailbox.mbox(root / path, create=False)
    try:
        return box.get_bytes(box.keys()[int(number) - 1])
    finally:
        box.close()


def test_every_real_message_is_stored_or_refused_with_a_reason_and_robots_get_no_ack(db_url: str) -> None:
    app = Goodterms.open(db_url, "/nonexistent/goodterms.toml")
    import_event_dicts(app.engine, [business()])
    ctx = DeskContext.of(app)
    root = shared_data("mail")
    with (root / "INDEX.tsv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    assert len(rows) > 700
    outcomes: Counter[str] = Counter()
    robots = 0
    for row in rows:
        parsed = parse_mail(read_message(root / row["source"], row["file"]))
        result = receive(app=app, mail=parsed, context=ctx)
        outcomes[result.outcome] += 1
        if result.outcome in ("automatic", "unmatched", "refused"):
            assert result.reason, row["file"]
        flags = row["flags"].split(",")
        if "bounce" in flags or "autoreply" in flags:
            robots += 1
            assert result.ack_key is None, f"{row['source']}/{row['file']} was acknowledged"
        with app.sessions() as session:
            stored = result.contact_id is not None and session.get(m.Contact, result.contact_id) is not None
            kept = session.scalar(
                select(func.count())
                .select_from(m.UnmatchedMessage)
                .where(m.UnmatchedMessage.message_key.startswith(parsed.key[:400], autoescape=True))
            )
        assert stored or kept, f"{row['source']}/{row['file']} was dropped ({result.outcome})"
    assert robots > 200
    with app.sessions() as session:
        kept_all = session.scalar(select(func.count()).select_from(m.UnmatchedMessage)) or 0
        contacts = session.scalar(select(func.count()).select_from(m.Contact)) or 0
    assert kept_all + contacts + outcomes["duplicate"] >= len(rows)
    assert outcomes["new"] > 100 and outcomes["automatic"] > 100, outcomes
