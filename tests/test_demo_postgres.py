"""The demo store seeds on PostgreSQL, for real, into exactly the same content as on SQLite."""

from __future__ import annotations

from sqlalchemy import func, select

from store.db import make_session_factory
from store.demo.seed import seed_demo
from store.fingerprint import database_fingerprint
from store.models import Member, OrderLine
from store.points import points_balance
from tests.conftest import DEMO_SEED, DEMO_TODAY


def test_postgres_seed_matches_sqlite(pg_engine, demo_engine):
    seed_demo(pg_engine, today=DEMO_TODAY, seed=DEMO_SEED)
    with make_session_factory(pg_engine)() as s:
        assert s.scalar(select(func.count()).select_from(OrderLine)) >= 100_000
        assert s.get(Member, "M0001").name == "李秀英"
        assert points_balance(s, member_id="M0001", as_of=DEMO_TODAY) == 1280
    assert database_fingerprint(pg_engine) == database_fingerprint(demo_engine)
