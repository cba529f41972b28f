"""Mail we must never answer: auto-replies, bounces, bulk mail (no mail loops) (pure)."""

from __future__ import annotations

import re

from goodterms.ledger.importers.mail import ParsedMail

# Subjects that auto-responders use when they omit RFC 3834's Auto-Submitted header.
_AUTO_SUBJECT = re.compile(
    r"(?i)^\s*("
    r"auto:|auto[- ]?reply|automatic reply|autosvar|automaatne vastus|automatyczna odpowied|"
    r"réponse automatique|abwesenheitsnotiz|out of (the )?office|ooo:|"
    r"undeliverable|undelivered mail|delivery status notification|returned mail|"
    r"mail delivery (failed|failure|system)|failure notice|delivery failure|"
    r"ตอบกลับอัตโนมัติ|ไม่อยู่ที่สำนักงาน"
    r")"
)


def machine_sent(mail: ParsedMail) -> str | None:
    """Return why a message is machine-sent (headers first, then well-known subjects), or None."""
    if mail.automatic is not None:
        return mail.automatic
    if _AUTO_SUBJECT.search(mail.subject):
        return f"auto-response subject {mail.subject[:60]!r}"
    return None
