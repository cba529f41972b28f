"""Connections to the business's own systems: its mailbox over IMAP."""
