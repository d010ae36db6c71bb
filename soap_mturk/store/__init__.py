"""Persistence behind the domain's port (domain/ports.py: `Store` / `Session`),
SQLite by default."""

from soap_mturk.domain.ports import Session, Store
from soap_mturk.store.sqlite import SQLiteStore


def open_store(url: str) -> Store:
    """A store for `url`: a SQLite file path or ':memory:' (PostgreSQL is a later addition)."""
    return SQLiteStore(url)


__all__ = ["SQLiteStore", "Session", "Store", "open_store"]
