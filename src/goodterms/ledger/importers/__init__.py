"""Importers: pure parsers from bytes to ledger events; saving happens in ``ledger.store``."""
