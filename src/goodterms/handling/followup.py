"""The follow-up service: plan the notices due, and send them through the desk's outbox."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from goodterms.app import Goodterms
from goodterms.desk import outbox
from goodterms.desk.relay import Relay
from goodterms.handling import facts
from goodterms.handling.assessment import assess_clients, flag_codes
from goodterms.handling.config import FollowupSettings
from goodterms.handling.ladder import NoticeDue, plan_notices
from goodterms.handling.notices import TEMPLATES, Recipient, Rendered, Sender, render, render_notice
from goodterms.handling.status import set_status
from goodterms.ledger import models as m
from goodterms.ledger.db import session_scope
from goodterms.ledger.stale import mark_stale

#: Outbox kinds of follow-up mail, so sending touches only these rows.
KINDS = frozenset(f"followup_{name}" for name in TEMPLATES)


@dataclass(frozen=True)
class PlannedNotice:
    """A notice due, with the client it goes to."""

    notice: NoticeDue
    to: Recipient

    def as_json(self) -> dict[str, Any]:
        """Return the JSON form shown by ``followup plan --format json``."""
        n = self.notice
        return {
            "key": n.key,
            "client": n.client,
            "client_name": self.to.name,
            "to": self.to.email if n.channel != "manual" else None,
            "language": self.to.language,
            "rule": n.rule,
            "template": n.template,
            "channel": n.channel,
            "reason": n.reason,
            "records": [{"type": e.type, "id": e.id, "detail": e.detail} for e in n.records],
            "pauses_work": n.pauses_work,
            "resumes_work": n.resumes_work,
        }


@dataclass
class SendResult:
    """What ``send`` did."""

    queued: int = 0
    sent: int = 0
    written: list[Path] = field(default_factory=list)
    letters: list[Path] = field(default_factory=list)
    manual: list[tuple[PlannedNotice, Rendered]] = field(default_factory=list)
    skipped: list[tuple[PlannedNotice, str]] = field(default_factory=list)


def sender_of(app: Goodterms) -> Sender:
    """Return the business as the sender of notices."""
    biz = app.business()
    return Sender(
        name=biz.name,
        language=biz.language,
        timezone=biz.timezone,
        email=app.settings.desk.from_address or biz.email,
        hours=biz.hours,
        response_target_hours=biz.response_target_hours,
    )


def today(app: Goodterms) -> date:
    """Return today's date in the business's timezone."""
    return datetime.now(ZoneInfo(app.business().timezone)).date()


def plan(
    *,
    app: Goodterms,
    as_of: date | None = None,
    client: str | None = None,
    flags: dict[str, frozenset[str]] | None = None,
) -> list[PlannedNotice]:
    """Return every notice due on ``as_of`` (default today), why, and to whom."""
    tz = app.business().timezone
    day = as_of or today(app)
    until = facts.end_of_day(day, tz)
    if flags is None:
        flags = flag_codes(assess_clients(app=app, client=client, quick=True))
    with session_scope(app.engine) as session:
        recipients = facts.load_recipients(session, client=client)
        notices = plan_notices(
            clients=facts.load_clients(session, flags=flags, client=client),
            invoices=facts.load_unpaid_invoices(session, as_of=day, until=until, client=client),
            asks=facts.load_open_asks(session, until=until, client=client),
            sent=facts.load_sent(session, client=client),
            settings=app.settings.followup,
            as_of=day,
            as_of_moment=until,
        )
    return [PlannedNotice(n, recipients[n.client]) for n in notices if n.client in recipients]


def _render(app: Goodterms, item: PlannedNotice, sender: Sender, day: date) -> Rendered:
    return render_notice(
        notice=item.notice,
        to=item.to,
        sender=sender,
        as_of=day,
        override_dir=app.settings.followup.template_dir,
    )


def _headers(sender: Sender, item: PlannedNotice) -> dict[str, str]:
    headers = {"X-Goodterms-Followup": item.notice.rule}
    if sender.email:
        headers["From"] = f"{sender.name} <{sender.email}>"
    return headers


def write_review(*, app: Goodterms, as_of: date | None = None, directory: Path) -> SendResult:
    """Write every e-mail notice due as an .eml file for review; nothing is recorded as sent."""
    sender = sender_of(app)
    day = as_of or today(app)
    result = SendResult()
    directory.mkdir(parents=True, exist_ok=True)
    for index, item in enumerate(plan(app=app, as_of=day), start=1):
        rendered = _render(app, item, sender, day)
        if item.notice.channel != "email" or not item.to.email:
            result.manual.append((item, rendered))
            continue
        row = m.Outbox(
            key=item.notice.key,
            kind=f"followup_{item.notice.template}",
            to_addr=item.to.email,
            subject=rendered.subject,
            body=rendered.body,
            headers=_headers(sender, item),
            created_at=datetime.now(UTC),
        )
        safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in item.notice.key)[:120]
        path = directory / f"{index:05d}-{safe}.eml"
        path.write_bytes(outbox.build_message(row).as_bytes())
        result.written.append(path)
    return result


def send(
    *,
    app: Goodterms,
    as_of: date | None = None,
    relay_host: str | None = None,
    relay_port: int | None = None,
    rules: Collection[str] | None = None,
    relay: Relay | None = None,
    retry_delays: tuple[float, ...] | None = None,
) -> SendResult:
    """Queue every notice due in the outbox, record it, apply pause/resume, then send via the relay.

    ``rules`` (e.g. ``{"payment:reminder"}``) limits it to those notices; the rest wait for the next send.
    """
    sender = sender_of(app)
    day = as_of or today(app)
    items = [i for i in plan(app=app, as_of=day) if rules is None or i.notice.rule in rules]
    result = SendResult()
    now = datetime.now(UTC)
    with session_scope(app.engine) as session:
        ids = facts.client_ids(session, [item.notice.client for item in items])
        for item in items:
            n = item.notice
            if session.scalars(select(m.FollowupNotice.id).where(m.FollowupNotice.key == n.key)).first():
                continue  # recorded by a concurrent run
            if n.channel == "email" and not item.to.email:
                result.skipped.append((item, "the client has no e-mail address"))
                continue
            rendered = _render(app, item, sender, day)
            record = m.FollowupNotice(
                key=n.key,
                client_id=ids[n.client],
                rule=n.rule,
                template=n.template,
                channel=n.channel,
                sent_on=day,
                created_at=now,
                records=[e.id for e in n.records],
                reason=n.reason,
            )
            if n.channel == "email":
                assert item.to.email is not None
                row = outbox.enqueue(
                    session=session,
                    key=n.key,
                    client_id=ids[n.client],
                    kind=f"followup_{n.template}",
                    to_addr=item.to.email,
                    subject=rendered.subject,
                    body=rendered.body,
                    headers=_headers(sender, item),
                )
                record.outbox_id = row.id
                result.queued += 1
            elif n.channel == "letter":
                path = _write_letter(app, item, rendered, sender)
                record.document = str(path)
                result.letters.append(path)
            else:
                result.manual.append((item, rendered))
            session.add(record)
            mark_stale(session, [ids[n.client]])  # a notice sent: the client's ledger changed
            client_row = session.get(m.Client, ids[n.client])
            assert client_row is not None
            if n.pauses_work:
                set_status(session=session, client=client_row, status="paused", reason=n.key, at=now)
            elif n.resumes_work and client_row.status == "paused":
                set_status(session=session, client=client_row, status="active", reason=n.key, at=now)
    if relay is None:  # the [desk] relay, or a plain one at the host and port given
        relay = app.settings.desk.relay()
        if relay_host or relay_port:
            relay = Relay(host=relay_host or relay.host, port=relay_port or relay.port)
    result.sent = outbox.send_pending(
        engine=app.engine, relay=relay, kinds=set(KINDS), retry_delays=retry_delays
    )
    return result


def _write_letter(app: Goodterms, item: PlannedNotice, rendered: Rendered, sender: Sender) -> Path:
    from goodterms.reports.letter import write_letter_pdf  # WeasyPrint is heavy: load it only for letters

    folder = Path(app.settings.followup.letters_dir)
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in item.notice.key)[:120]
    return write_letter_pdf(
        path=folder / f"{safe}.pdf",
        subject=rendered.subject,
        body=rendered.body,
        lang=item.to.language,
        sender_name=sender.name,
    )


def paused_note(*, app: Goodterms, client: str) -> str | None:
    """Return the honest 'work is on hold until payment' paragraph for a paused client's acknowledgement.

    The desk adds it to its acknowledgement while the client is paused, so the client knows the
    message arrived and when work resumes; None when the client is not paused.
    """
    with session_scope(app.engine) as session:
        row = session.scalars(select(m.Client).where(m.Client.ext_id == client)).first()
        if row is None:
            return None
        return paused_note_in(session=session, client=row, settings=app.settings.followup)


def paused_note_in(*, session: Session, client: m.Client, settings: FollowupSettings) -> str | None:
    """Return the paused-work paragraph for a client inside the caller's session (None if not paused)."""
    if client.status != "paused":
        return None
    pausing = {f"payment:{level.name}" for level in settings.levels if level.pauses_work}
    invoice_ids = {
        r
        for n in session.scalars(
            select(m.FollowupNotice).where(
                m.FollowupNotice.client_id == client.id, m.FollowupNotice.rule.in_(pausing)
            )
        )
        for r in n.records
    }
    numbers = sorted(
        session.scalars(select(m.Invoice.number).where(m.Invoice.ext_id.in_(sorted(invoice_ids)))).all()
    )
    rendered = render(
        template="paused_note",
        lang=client.language,
        context={"numbers": ", ".join(numbers) or "—"},
        override_dir=settings.template_dir,
    )
    return rendered.body
