"""The client ledger: model, storage, import."""
