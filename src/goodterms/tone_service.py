"""The business's own tone model: staff marks in the ledger, a refit on them, and tone labels for contacts.

Storage lives here; ``goodterms.text`` stays pure and only sees ``(text, is_rude)`` pairs and model bytes.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import CursorResult, Engine, func, select, update
from sqlalchemy.orm import Session

from goodterms.ledger.models import MARK_NOT_RUDE, MARK_RUDE, Blob, Client, Contact
from goodterms.ledger.stale import mark_stale
from goodterms.text import ToneModel, analyze, learn, load_default_model
from goodterms.text.embed import EmbedUnavailable

log = logging.getLogger(__name__)

MODEL_BLOB = "tone_model"
RUDE = MARK_RUDE
NOT_RUDE = MARK_NOT_RUDE


class ContactNotFound(LookupError):
    """No contact has the given id."""


def mark_message(*, engine: Engine, contact_ext_id: str, rude: bool) -> str:
    """Record a staff member's judgement that one contact's message is rude (or not).

    Returns the source id of the client who sent it. Raises ContactNotFound when no contact has
    *contact_ext_id*.
    """
    with Session(engine) as session, session.begin():
        contact = session.scalar(select(Contact).where(Contact.ext_id == contact_ext_id))
        if contact is None:
            raise ContactNotFound(f"no contact with id {contact_ext_id!r}")
        contact.staff_mark = RUDE if rude else NOT_RUDE
        mark_stale(session, [contact.client_id])
        return str(session.scalar(select(Client.ext_id).where(Client.id == contact.client_id)))


def _marks(session: Session) -> list[tuple[str, bool]]:
    rows = session.execute(
        select(Contact.text, Contact.staff_mark)
        .where(Contact.staff_mark.in_((RUDE, NOT_RUDE)), Contact.text.is_not(None))
        .order_by(Contact.id)
    )
    return [(text, mark == RUDE) for text, mark in rows if text and text.strip()]


def shipped_model(*, embed: bool = False) -> ToneModel:
    """Return the shipped tone model: the default path, or with ``embed`` the embedding path (``[text] tone_model =
    "embed"``), which falls back to the default path, with a warning, when the ``goodterms[embed]`` extra is
    not installed."""
    if not embed:
        return load_default_model()
    try:
        return load_default_model(embed=True)
    except EmbedUnavailable as exc:
        log.warning("%s; reading tone with the default model", exc)
        return load_default_model()


def learn_from_marks(*, engine: Engine, embed: bool = False) -> dict[str, int]:
    """Refit the business's tone model on every staff mark (on top of the shipped model) and store it.

    Tone that goodterms read from text (it has a score) is cleared so that :func:`fill_tone` reads it again
    with the new model; a tone the import source gave (no score) is the source's word and is kept.
    Returns counts: ``marks``, ``rude``, ``not_rude`` and ``cleared`` (contacts whose tone was reset).
    """
    with Session(engine) as session, session.begin():
        marks = _marks(session)
        rude = sum(1 for _, is_rude in marks if is_rude)
        if not marks:
            return {"marks": 0, "rude": 0, "not_rude": 0, "cleared": 0}
        # Always refit from the shipped model on all marks, so a changed mark replaces the old one; the
        # adjustment is fitted on top of the path that will read the messages.
        model = learn(marks, base=shipped_model(embed=embed))
        now = datetime.now(UTC)
        blob = session.get(Blob, MODEL_BLOB)
        if blob is None:
            session.add(Blob(name=MODEL_BLOB, data=model.to_bytes(), updated_at=now))
        else:
            blob.data = model.to_bytes()
            blob.updated_at = now
        result = session.execute(
            update(Contact)
            .where(Contact.tone_score.is_not(None), Contact.direction == "inbound")
            .values(tone=None, tone_score=None)
        )
        cleared = result.rowcount if isinstance(result, CursorResult) else 0
        if cleared:
            mark_stale(session, None)  # tone read again with the new model: everyone's may change
    return {"marks": len(marks), "rude": rude, "not_rude": len(marks) - rude, "cleared": int(cleared or 0)}


def business_model(*, engine: Engine, embed: bool = False) -> ToneModel | None:
    """Return the business's learned tone model, or None when staff have not taught one yet.

    The stored adjustment is put on the shipped model of the chosen path (see ``shipped_model``).
    """
    with Session(engine) as session:
        data = session.scalar(select(Blob.data).where(Blob.name == MODEL_BLOB))
    return ToneModel.from_bytes(data, base=shipped_model(embed=embed)) if data is not None else None


def reading_model(*, engine: Engine, embed: bool = False) -> ToneModel:
    """Return the model that reads the business's messages: its learned one, else the shipped one."""
    return business_model(engine=engine, embed=embed) or shipped_model(embed=embed)


def fill_tone(
    *, engine: Engine, batch: int = 2000, client_ids: Sequence[int] | None = None, embed: bool = False
) -> int:
    """Label inbound contacts with text and no tone yet (of *client_ids*, default everyone's), with the
    business's learned model when there is one; the assessment calls this before it counts tone.

    Returns how many contacts were labelled.
    """
    from goodterms.assess.sql import in_clients

    if batch < 1:
        raise ValueError("batch must be at least 1")
    model: ToneModel | None = None  # loaded once there is something to read: most assessments find nothing
    done = 0
    last_id = 0
    while True:
        with Session(engine) as session, session.begin():
            rows = session.execute(
                select(Contact.id, Contact.text, Contact.client_id)
                .where(
                    Contact.tone.is_(None),
                    Contact.direction == "inbound",
                    Contact.text.is_not(None),
                    func.length(Contact.text) > 0,
                    Contact.id > last_id,
                    in_clients(Contact.client_id, client_ids),
                )
                .order_by(Contact.id)
                .limit(batch)
            ).all()
            if not rows:
                return done
            if model is None:
                model = reading_model(engine=engine, embed=embed)
            for contact_id, text, _client in rows:
                # Only the tone is stored, which does not depend on when the message was sent.
                tone = analyze(text or "", model=model).tone
                session.execute(
                    update(Contact)
                    .where(Contact.id == contact_id)
                    .values(tone=tone.stored, tone_score=float(tone.score))
                )
            mark_stale(session, {row[2] for row in rows})
            done += len(rows)
            last_id = rows[-1][0]
