"""Persistence behind the domain's port (domain/ports.py: `Store` / `Session`):
SQLite by default, PostgreSQL for a `postgresql://` URL. Both run the same SQL
(sql.py) and the same numbered schema migrations (migrations.py)."""

from soap_mturk.domain.ports import Session, Store, StoreUnusable
from soap_mturk.store.sqlite import SQLiteStore

POSTGRES_SCHEMES = ("postgresql://", "postgres://")


def is_postgres_url(url: str) -> bool:
    return url.startswith(POSTGRES_SCHEMES)


def open_store(url: str, read_only: bool = False, check: bool = True) -> Store:
    """A store for `url`: a SQLite file path, ':memory:', or a PostgreSQL URL
    (postgresql://user:password@host:port/database, libpq's form). StoreUnusable
    says in one line why it cannot be used. `check=False` skips SQLite's
    integrity check, for a worker whose parent has just made it."""
    if is_postgres_url(url):
        try:
            from soap_mturk.store.postgres import PostgresStore
        except ImportError as error:
            raise StoreUnusable(
                "PostgreSQL needs psycopg: pip install 'soap-mturk[postgres]'"
            ) from error
        import psycopg

        from soap_mturk.store.postgres import redacted

        try:
            return PostgresStore(url, read_only=read_only)
        except psycopg.Error as error:
            reason = (str(error).strip().splitlines() or [type(error).__name__])[0]
            raise StoreUnusable(f"cannot open {redacted(url)}: {reason}") from error
    return SQLiteStore(url, read_only=read_only, check=check)


__all__ = ["SQLiteStore", "Session", "Store", "StoreUnusable", "is_postgres_url", "open_store"]
