"""The one intake path: SMTP, the command line and the Python API all come through ``receive``.

Store first, acknowledge after: the request, the inbound contact and the queued acknowledgement
commit in one transaction, and the outbox sends it later (``outbox.send_pending``).
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from goodterms.app import Goodterms
from goodterms.calendar import BusinessCalendar
from goodterms.desk import promise as pr
from goodterms.desk.acknowledge import is_promise_kept, queue_ack
from goodterms.desk.addresses import own_addresses, usable_address
from goodterms.desk.config import DeskSettings
from goodterms.desk.hygiene import machine_sent
from goodterms.desk.matching import AddressBook, client_by_ref, match_or_prospect
from goodterms.desk.repeats import OpenRequest, find_repeat
from goodterms.desk.responses import note_breach
from goodterms.desk.threading import format_reference, threaded_request
from goodterms.ledger import models as m
from goodterms.ledger.importers.mail import ParsedMail
from goodterms.ledger.stale import mark_stale
from goodterms.settings import BusinessSettings

_OPEN = ("open", "waiting")
#: Most characters of text stored in a request or contact, as the JSON Lines import allows;
#: the rest of a longer text is kept whole in ``kept_files`` beside the contact.
TEXT_CAP = 1_000_000
REST_NAME = "text-continued.txt"


def clean_text(value: str) -> str:
    """Return text any database can store: NUL removed, stray surrogates decoded or replaced.

    Headers read with compat32 can carry raw 8-bit bytes as surrogate escapes; those that are UTF-8
    are decoded, anything else becomes U+FFFD. PostgreSQL refuses NUL in text, SQLite keeps it:
    both backends get the same text.
    """
    if "\x00" in value:
        value = value.replace("\x00", "")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        value = value.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        value = value.encode("utf-8", "replace").decode("utf-8")
    return value


def _clean_opt(value: str | None) -> str | None:
    return None if value is None else clean_text(value)


def clean_mail(mail: ParsedMail) -> ParsedMail:
    """Return the message with every text field made storable (see ``clean_text``)."""
    return dataclasses.replace(
        mail,
        key=clean_text(mail.key),
        sender=_clean_opt(mail.sender),
        sender_name=_clean_opt(mail.sender_name),
        to=[clean_text(a) for a in mail.to],
        subject=clean_text(mail.subject),
        message_id=_clean_opt(mail.message_id),
        in_reply_to=_clean_opt(mail.in_reply_to),
        references=[clean_text(r) for r in mail.references],
        text=clean_text(mail.text),
        attachments=[(clean_text(name), size) for name, size in mail.attachments],
    )


class IntakeProblem(ValueError):
    """The message cannot be taken as given (e.g. an unknown client reference)."""


@dataclass
class DeskContext:
    """What intake needs from the application, read once (the business, its calendar, settings)."""

    app: Goodterms
    business: BusinessSettings
    calendar: BusinessCalendar
    desk: DeskSettings
    addresses: AddressBook = field(default_factory=AddressBook)

    @classmethod
    def of(cls, app: Goodterms) -> DeskContext:
        desk = getattr(app.settings, "desk", None) or DeskSettings()
        return cls(app, app.business(), app.calendar(), desk)


@dataclass
class IntakeResult:
    """What happened to one message."""

    outcome: str  # new | repeat | resumed | reopened | automatic | duplicate | unmatched | refused
    reason: str | None = None
    client_id: int | None = None
    request_id: int | None = None
    contact_id: int | None = None
    reference: str | None = None
    promised_at: datetime | None = None
    ack_key: str | None = None
    repeat_reason: str | None = None
    analysis: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """Return the JSON-ready form."""
        data = dict(self.__dict__)
        data["promised_at"] = self.promised_at.isoformat() if self.promised_at else None
        return data


@dataclass(frozen=True)
class _Reading:
    """What intake reads from a message at once: its language and any deadline asked for.

    Tone is left to ``tone_service.fill_tone``, which labels stored messages in batches before an
    assessment, so the tone model stays off the path that answers the client.
    """

    language: str
    deadline: Any

    def to_json(self) -> dict[str, Any]:
        d = self.deadline
        when = None if d is None else {"at": d.at.isoformat(), "urgency": d.urgency, "phrase": d.phrase}
        return {"language": self.language, "deadline": when}


def _analyse(text: str, lang: str | None, at: datetime, tz: str) -> _Reading | None:
    try:
        from goodterms.text import detect_language, find_deadline
    except ImportError:  # text analysis not installed: intake still works without deadlines
        return None
    sample = text[:20000]
    language = lang if lang in ("th", "et", "en") else detect_language(sample)
    try:
        return _Reading(language, find_deadline(sample, at, tz))
    except ValueError:
        return _Reading(language, None)


def refuse(
    *,
    session: Session,
    key: str,
    sender: str | None,
    subject: str,
    at: datetime | None,
    reason: str,
    text: str | None = None,
    raw: bytes | None = None,
) -> m.UnmatchedMessage | None:
    """Record a message we will not take (too large, machine-sent stranger) with its reason.

    ``text`` and ``raw`` keep what the message said for staff (raw as ``message.eml`` in
    ``kept_files``). Returns the stored row, or None if this very message was kept before.
    """
    key, sender, subject, reason = (
        clean_text(key),
        _clean_opt(sender),
        clean_text(subject),
        clean_text(reason),
    )
    seen = session.scalars(
        select(m.UnmatchedMessage).where(m.UnmatchedMessage.message_key == key[:500])
    ).first()
    if seen is not None:
        if (seen.sender, seen.subject) == (sender[:320] if sender else None, subject[:500]):
            return None  # the same message again
        key = f"{key[:400]}#{_content_digest(sender, subject, reason)}"
    row = m.UnmatchedMessage(
        message_key=key[:500],
        sender=sender[:320] if sender else None,
        subject=subject[:500],
        at=at,
        source="desk",
        reason=reason[:200],
        text=clean_text(text)[:TEXT_CAP] if text else None,
    )
    session.add(row)
    if raw is not None:
        session.flush()
        session.add(_kept(name="message.eml", media_type="message/rfc822", data=raw, unmatched_id=row.id))
    return row


def _kept(
    *, name: str, media_type: str, data: bytes, contact_id: int | None = None, unmatched_id: int | None = None
) -> m.KeptFile:
    return m.KeptFile(
        contact_id=contact_id,
        unmatched_id=unmatched_id,
        name=name,
        media_type=media_type,
        size=len(data),
        data=data,
        created_at=datetime.now(UTC),
    )


def receive(
    *,
    app: Goodterms,
    mail: ParsedMail | None = None,
    client_ref: str | None = None,
    sender: str | None = None,
    subject: str = "",
    text: str = "",
    at: datetime | None = None,
    channel: str = "email",
    context: DeskContext | None = None,
    session: Session | None = None,
) -> IntakeResult:
    """Take one client message in: match, thread, fold repeats, store, queue the acknowledgement."""
    ctx = context or DeskContext.of(app)
    if session is not None:
        return _marked(session, _receive(ctx, session, mail, client_ref, sender, subject, text, at, channel))
    with app.sessions() as own, own.begin():
        return _marked(own, _receive(ctx, own, mail, client_ref, sender, subject, text, at, channel))


def _marked(session: Session, result: IntakeResult) -> IntakeResult:
    """Mark the client of a stored message stale (its assessment is refreshed), in the same transaction."""
    if result.client_id is not None and result.outcome != "duplicate":
        mark_stale(session, [result.client_id])
    return result


def _receive(
    ctx: DeskContext,
    session: Session,
    mail: ParsedMail | None,
    client_ref: str | None,
    sender: str | None,
    subject: str,
    text: str,
    at: datetime | None,
    channel: str,
) -> IntakeResult:
    now = datetime.now(UTC)
    if mail is not None:
        mail = clean_mail(mail)
        sender, subject, text = mail.sender, mail.subject, mail.text
        at = mail.at if mail.at is not None and mail.at <= now else now
        key = mail.key
    else:
        sender, subject, text = _clean_opt(sender), clean_text(subject), clean_text(text)
        client_ref = _clean_opt(client_ref)
        at = at or now
        if at.tzinfo is None:
            raise IntakeProblem("the time of the message must carry a timezone")
        digest = hashlib.sha256(
            f"{client_ref}|{sender}|{at.isoformat()}|{subject}|{text}".encode()
        ).hexdigest()
        key = f"submit:{digest[:40]}"
    text, rest = text[:TEXT_CAP], text[TEXT_CAP:]
    ext_id = f"desk:{key}"[:200]
    seen = session.scalars(select(m.Contact).where(m.Contact.ext_id == ext_id)).first()
    if seen is not None:
        if (seen.sender, seen.subject, seen.text) == (sender, subject[:500], text):
            return IntakeResult("duplicate", reason="this message was already taken in", contact_id=seen.id)
        # Same Message-ID, different message (broken mailers reuse ids): keep it under its own key.
        key = f"{key[:150]}#{_content_digest(sender, subject, text)}"
        ext_id = f"desk:{key}"
        again = session.scalars(select(m.Contact.id).where(m.Contact.ext_id == ext_id)).first()
        if again is not None:
            return IntakeResult("duplicate", reason="this message was already taken in", contact_id=again)
    limits = _too_large(mail, ctx.desk)
    if limits is not None:
        refuse(session=session, key=key, sender=sender, subject=subject, at=at, reason=limits)
        return IntakeResult("refused", reason=limits)

    client: m.Client | None
    if client_ref is not None:
        client = client_by_ref(session=session, ref=client_ref)
        if client is None:
            raise IntakeProblem(f"no client {client_ref!r} in the ledger")
    elif sender is None:
        reason = "no sender address (null sender)"
        refuse(session=session, key=key, sender=None, subject=subject, at=at, reason=reason)
        return IntakeResult("unmatched", reason=reason)
    else:
        client = None
    own = own_addresses(
        session=session, business_email=ctx.business.email, from_address=ctx.desk.from_address
    )
    if client is None and sender is not None:
        unusable = _unusable_sender(sender, own)
        if unusable is not None:
            refuse(
                session=session, key=key, sender=sender, subject=subject, at=at, reason=unusable, text=text
            )
            return IntakeResult("unmatched", reason=unusable)
    automatic = machine_sent(mail) if mail is not None else None
    analysis = _analyse(text, client.language if client else None, at, ctx.business.timezone)
    if client is None:
        assert sender is not None
        if automatic is not None:
            found = ctx.addresses.find(session=session, address=sender)
            if found is None:
                refuse(
                    session=session,
                    key=key,
                    sender=sender,
                    subject=subject,
                    at=at,
                    reason=f"automatic: {automatic}",
                )
                return IntakeResult("automatic", reason=automatic)
            client = found.client
        else:
            lang = (
                analysis.language
                if analysis is not None and analysis.language != "other"
                else ctx.business.language
            )
            name = mail.sender_name if mail is not None else None
            client = match_or_prospect(
                session=session,
                address=sender,
                name=name,
                language=lang,
                timezone=ctx.business.timezone,
                currency=ctx.business.currency,
                book=ctx.addresses,
            ).client

    ids = ([mail.in_reply_to] if mail and mail.in_reply_to else []) + (list(mail.references) if mail else [])
    request = threaded_request(
        session=session,
        client_id=client.id,
        message_ids=ids,
        subject=subject,
        prefix=ctx.desk.reference_prefix,
    )
    contact = m.Contact(
        ext_id=ext_id,
        client_id=client.id,
        at=at,
        channel=channel,
        direction="inbound",
        answered=True,
        subject=subject[:500],
        text=text,
        sender=sender[:320] if sender else None,  # the columns' sizes: PostgreSQL refuses longer values
        message_id=mail.message_id[:500] if mail and mail.message_id else None,
        in_reply_to=mail.in_reply_to[:500] if mail and mail.in_reply_to else None,
    )
    info = analysis.to_json() if analysis is not None else {}
    if automatic is not None:
        # Machine-sent mail from a known client is kept in the ledger but never answered (no loops).
        contact.request_id = request.id if request else None
        contact.problem = f"automatic: {automatic}"
        session.add(contact)
        session.flush()
        return IntakeResult(
            "automatic", reason=automatic, client_id=client.id, contact_id=contact.id, analysis=info
        )

    target = pr.response_target(client_hours=client.response_target_hours, business_hours=_biz_target(ctx))
    outcome, repeat_reason = "new", None
    if request is not None and request.status == "waiting":
        outcome = "resumed"
        _resume(ctx, request, at)
    elif request is not None and request.status in ("answered", "closed"):
        outcome = "reopened"
        request.status = "open"
        request.promised_at = pr.promised_at(calendar=ctx.calendar, received=at, target_hours=target)
    elif request is not None:
        outcome, repeat_reason = "repeat", "thread"
    else:
        request, repeat_reason = _find_repeat(ctx, session, client.id, subject, text)
        if request is not None:
            outcome = "repeat"
    promise_kept = True
    if outcome == "repeat":
        assert request is not None
        promise_kept = is_promise_kept(request.promised_at, now)
        if not promise_kept and request.promised_at is not None:
            note_breach(session=session, calendar=ctx.calendar, request=request, now=now)
        request.chases += 1
        request.priority += 1
        request.promised_at = pr.refreshed_promise(
            calendar=ctx.calendar, now=max(at, now), current=request.promised_at, target_hours=target
        )
    if request is None:
        request = m.Request(
            ext_id=ext_id,
            client_id=client.id,
            at=at,
            subject=subject[:500],
            text=text,
            kind="email" if channel == "email" else channel,
            deadline=analysis.deadline.at if analysis is not None and analysis.deadline is not None else None,
            promised_at=pr.promised_at(calendar=ctx.calendar, received=at, target_hours=target),
            status="open",
            priority=0,
            chases=0,
        )
        session.add(request)
        session.flush()
        request.reference = format_reference(ctx.desk.reference_prefix, request.id)
    _take_up(ctx, request, max(at, now), target)
    contact.request_id = request.id
    session.add(contact)
    session.flush()
    if rest:
        session.add(
            _kept(
                name=REST_NAME,
                media_type="text/plain; charset=utf-8",
                data=rest.encode(),
                contact_id=contact.id,
            )
        )
    result = IntakeResult(
        outcome,
        client_id=client.id,
        request_id=request.id,
        contact_id=contact.id,
        reference=request.reference,
        promised_at=request.promised_at,
        repeat_reason=repeat_reason,
        analysis=info,
    )
    if rest:
        result.reason = f"the text is longer than {TEXT_CAP:,} characters; the rest is kept as {REST_NAME}"
    to_addr = sender or (client.emails[0] if client.emails else None)
    unusable = _no_ack_to(to_addr, own)
    if to_addr is None or unusable is not None:
        unusable = unusable or "no address to acknowledge to"
        contact.problem = unusable
        result.reason = unusable if result.reason is None else f"{result.reason}; {unusable}"
        return result
    row = queue_ack(
        session=session,
        desk=ctx.desk,
        business_name=ctx.business.name,
        business_email=ctx.business.email,
        client=client,
        request=request,
        to_addr=to_addr,
        key=f"ack:{key}"[:200],
        repeat=outcome == "repeat",
        promise_kept=promise_kept,
        target_hours=target,
        subject=subject,
        reply_to_id=mail.message_id if mail else None,
        references=list(mail.references) if mail else [],
        paused_note=_paused_note(ctx, session, client),
    )
    result.ack_key = row.key
    return result


def _unusable_sender(sender: str, own: set[str]) -> str | None:
    """Say why mail from this address is kept for staff instead of taken as a client's request."""
    if not usable_address(sender):
        return f"the sender's address {sender[:100]!r} is not a usable e-mail address"
    if sender.lower() in own:
        return f"sent from our own address {sender}; our own addresses are never clients"
    return None


def _no_ack_to(to_addr: str | None, own: set[str]) -> str | None:
    """Say why no acknowledgement goes to this address, or None if one can."""
    if to_addr is None:
        return "no address to acknowledge to"
    if not usable_address(to_addr):
        return f"no acknowledgement: the address {to_addr[:100]!r} is not a usable e-mail address"
    if to_addr.lower() in own:
        return f"no acknowledgement: {to_addr} is our own address"
    return None


def _take_up(ctx: DeskContext, request: m.Request, now: datetime, target: float) -> None:
    """Give a request the desk takes up a reference and a promise if it has none (e.g. imported history)."""
    if request.reference is None:
        request.reference = format_reference(ctx.desk.reference_prefix, request.id)
    if request.promised_at is None:
        request.promised_at = pr.promised_at(calendar=ctx.calendar, received=now, target_hours=target)


def _paused_note(ctx: DeskContext, session: Session, client: m.Client) -> str | None:
    """While work is paused for payment, say so honestly in the acknowledgement."""
    if client.status != "paused":
        return None
    # Imported here: the follow-up package sends through the desk's outbox.
    from goodterms.handling.followup import paused_note_in

    return paused_note_in(session=session, client=client, settings=ctx.app.settings.followup)


def _content_digest(sender: str | None, subject: str, text: str) -> str:
    return hashlib.sha256(f"{sender}|{subject}|{text}".encode()).hexdigest()[:16]


def _biz_target(ctx: DeskContext) -> Decimal | None:
    return ctx.business.response_target_hours


def _too_large(mail: ParsedMail | None, desk: DeskSettings) -> str | None:
    if mail is None:
        return None
    if mail.size > desk.max_message_bytes:
        return f"message of {mail.size} bytes is over the {desk.max_message_bytes}-byte limit"
    for name, size in mail.attachments:
        if size > desk.max_attachment_bytes:
            return f"attachment {name!r} of {size} bytes is over the {desk.max_attachment_bytes}-byte limit"
    return None


def _resume(ctx: DeskContext, request: m.Request, at: datetime) -> None:
    request.status = "open"
    if request.waiting_since is not None and request.promised_at is not None:
        request.promised_at = pr.resume_after_waiting(
            calendar=ctx.calendar,
            waiting_since=request.waiting_since,
            resumed=at,
            promised=request.promised_at,
        ).promised_at
    request.waiting_since = None


def _find_repeat(
    ctx: DeskContext, session: Session, client_id: int, subject: str, text: str
) -> tuple[m.Request | None, str | None]:
    rows = list(
        session.scalars(
            select(m.Request)
            .where(m.Request.client_id == client_id, m.Request.status.in_(_OPEN))
            .order_by(m.Request.at.desc())
            .limit(50)
        )
    )
    match = find_repeat(
        subject=subject,
        text=text,
        open_requests=[OpenRequest(r.id, r.subject, r.text) for r in rows],
        threshold=ctx.desk.repeat_threshold,
        chase_phrases=ctx.desk.chase_phrases,
    )
    if match is None:
        return None, None
    return next(r for r in rows if r.id == match.request_id), match.reason
