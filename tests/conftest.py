"""Shared fixtures: real databases (SQLite files, and PostgreSQL when a server listens)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from store.db import make_engine, make_session_factory, migrate

#: The fixed "today" of the seeded demo database used across the suite.
DEMO_TODAY = date(2026, 12, 10)
DEMO_SEED = 20240601

PG_ADMIN_URL = os.environ.get(
    "STORE_ASSISTANT_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    """An empty, migrated SQLite database in a temporary file."""
    eng = make_engine(f"sqlite:///{tmp_path / 'store.db'}")
    migrate(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def factory(engine: Engine) -> sessionmaker[Session]:
    """A session factory on the empty SQLite database."""
    return make_session_factory(engine)


def _pg_available() -> str | None:
    try:
        eng = make_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with eng.connect() as conn:
            conn.execute(text("select 1"))
        eng.dispose()
        return None
    except Exception as exc:  # noqa: BLE001 - any failure means "no server here"
        return f"no PostgreSQL server at {PG_ADMIN_URL}: {exc.__class__.__name__}"


@pytest.fixture
def pg_url() -> Iterator[str]:
    """URL of a fresh, empty PostgreSQL database, dropped afterwards; skips without a server."""
    reason = _pg_available()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    name = f"sa_test_{uuid.uuid4().hex[:12]}"
    admin = make_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def pg_engine(pg_url: str) -> Iterator[Engine]:
    """An empty, migrated PostgreSQL database."""
    eng = make_engine(pg_url)
    migrate(eng)
    yield eng
    eng.dispose()


def _store_demo_forecast(eng: Engine) -> None:
    """Today's chain forecast, as the nightly ``forecast run`` would have stored it (one fit per run)."""
    from store.db import make_session_factory
    from store.forecast.daily import daily_forecast
    from store.forecast.weather_providers import DatabaseWeatherProvider

    factory = make_session_factory(eng)
    with factory() as session:
        daily_forecast(session, today=DEMO_TODAY, provider=DatabaseWeatherProvider(factory))


def _seeded_demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo database file, seeded once per test run (with today's stored forecast), shared by xdist workers."""
    import fcntl
    import shutil

    from store.demo.seed import seed_demo

    # Under xdist every worker has its own basetemp inside the run's folder: share the run's.
    base = tmp_path_factory.getbasetemp()
    root = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    path = root / f"demo-{DEMO_SEED}-{DEMO_TODAY.isoformat()}.db"
    with open(root / "demo.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not path.exists():
            building = root / "demo-building.db"
            for stale in root.glob("demo-building.db*"):
                stale.unlink()
            eng = make_engine(f"sqlite:///{building}")
            seed_demo(eng, today=DEMO_TODAY, seed=DEMO_SEED)
            _store_demo_forecast(eng)
            with eng.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            eng.dispose()
            shutil.move(building, path)
    return path


@pytest.fixture(scope="session")
def demo_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Path of the seeded demo database (read-only use; copy it to write)."""
    return _seeded_demo_file(tmp_path_factory)


@pytest.fixture(scope="session")
def demo_engine(demo_path: Path) -> Iterator[Engine]:
    """Engine on the shared seeded demo database. Tests must not write through it."""
    eng = make_engine(f"sqlite:///{demo_path}")
    yield eng
    eng.dispose()


@pytest.fixture(scope="session")
def demo_factory(demo_engine: Engine) -> sessionmaker[Session]:
    """Session factory on the shared seeded demo database (read-only use)."""
    return make_session_factory(demo_engine)


@pytest.fixture
def demo_copy_factory(demo_path: Path, tmp_path: Path) -> Iterator[sessionmaker[Session]]:
    """A private, writable copy of the seeded demo database."""
    import shutil

    target = tmp_path / "demo.db"
    shutil.copy(demo_path, target)
    eng = make_engine(f"sqlite:///{target}")
    yield make_session_factory(eng)
    eng.dispose()


@pytest.fixture(scope="session")
def demo_kb_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A knowledge base built once from knowledge/demo_docs (shared by xdist workers; read-only)."""
    import fcntl

    from knowledge import KnowledgeBase

    base = tmp_path_factory.getbasetemp()
    root = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    path = root / "demo-kb"
    with open(root / "demo-kb.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (path / "ready").exists():
            kb = KnowledgeBase.open(path)
            kb.ingest(Path(__file__).resolve().parents[1] / "knowledge" / "demo_docs")
            (path / "ready").write_text("ok")
    return path
