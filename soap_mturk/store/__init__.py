"""Persistence behind the domain's port (domain/ports.py: `Store` / `Session`),
SQLite by default."""

from soap_mturk.domain.ports import Session, Store, StoreUnusable
from soap_mturk.store.sqlite import SQLiteStore


def open_store(url: str, read_only: bool = False) -> Store:
    """A store for `url`: a SQLite file path or ':memory:' (PostgreSQL is a later
    addition). StoreUnusable says in one line why it cannot be used."""
    return SQLiteStore(url, read_only=read_only)


__all__ = ["SQLiteStore", "Session", "Store", "StoreUnusable", "open_store"]
