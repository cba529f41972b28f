"""``goodterms run``: every part of goodterms in one process (web, SMTP intake, mailboxes, schedules)."""
