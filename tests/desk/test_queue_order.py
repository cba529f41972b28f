"""The desk's queue is ordered by the database: late first, then priority, then the promise; a limit cuts it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from goodterms.desk.queue import open_queue
from goodterms.ledger import models as m

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_open_queue_orders_late_then_priority_then_promise_and_limits(engine: Engine) -> None:
    with Session(engine) as s, s.begin():
        s.add(m.Client(ext_id="c1", name="Client", language="en", emails=[], phones=[], domains=[]))
        s.flush()
        cid = s.query(m.Client).one().id
        specs = [  # (ext_id, status, priority, promised hours from NOW, received hours from NOW)
            ("r-later", "open", 0, 5, -10),
            ("r-late-low", "open", 0, -2, -20),
            ("r-late-high", "open", 3, -1, -20),
            ("r-waiting-past", "waiting", 0, -3, -30),  # waiting: the clock is paused, not late
            ("r-unpromised", "open", 1, None, -4),
            ("r-done", "closed", 9, -9, -40),
            ("r-soon", "open", 0, 1, -10),
        ]
        for ext, status, priority, promised, received in specs:
            s.add(
                m.Request(
                    ext_id=ext,
                    client_id=cid,
                    at=NOW + timedelta(hours=received),
                    subject=ext,
                    text="",
                    status=status,
                    priority=priority,
                    promised_at=NOW + timedelta(hours=promised) if promised is not None else None,
                )
            )
    with Session(engine) as s:
        full = [i.subject for i in open_queue(session=s, now=NOW)]
        first = [i.subject for i in open_queue(session=s, now=NOW, limit=3)]
        late = {i.subject for i in open_queue(session=s, now=NOW) if i.late}
    assert full == ["r-late-high", "r-late-low", "r-unpromised", "r-waiting-past", "r-soon", "r-later"]
    assert first == full[:3]
    assert late == {"r-late-high", "r-late-low"}
