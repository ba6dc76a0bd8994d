"""A content hash of the whole database, independent of the backend (SQLite or PostgreSQL)."""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine, select

from store.models import Base

#: Tables derived from the data by later jobs (the nightly demand forecast), not part of the content.
DERIVED_TABLES = frozenset({"demand_forecasts"})


def _norm(value: Any) -> str:
    if value is None:
        return "∅"
    if isinstance(value, bool):
        return "T" if value else "F"
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, float):
        return f"{value:.6f}"
    if isinstance(value, datetime):
        return value.replace(tzinfo=None).isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def table_fingerprints(engine: Engine) -> dict[str, str]:
    """SHA-256 per table over every row, ordered by primary key (derived tables left out)."""
    out: dict[str, str] = {}
    with engine.connect() as conn:
        for name in sorted(set(Base.metadata.tables) - DERIVED_TABLES):
            table = Base.metadata.tables[name]
            digest = hashlib.sha256(",".join(c.name for c in table.columns).encode())
            for row in conn.execute(select(table).order_by(*table.primary_key.columns)):
                digest.update(("\x1f".join(_norm(v) for v in row) + "\x1e").encode())
            out[name] = digest.hexdigest()
    return out


def database_fingerprint(engine: Engine) -> str:
    """One SHA-256 over all tables' fingerprints."""
    parts = table_fingerprints(engine)
    return hashlib.sha256("".join(f"{k}={v};" for k, v in parts.items()).encode()).hexdigest()
