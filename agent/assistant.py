"""The one entry point every channel calls: ``Assistant.reply(message, identity, session_id)``.

Built once at start-up (database sessions, catalogue, checkpointer, engines) and shared by turns.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

import tools  # noqa: F401 - registers every tool
from agent.graph import TurnContext, build_graph, user_message
from agent.nlu import Catalogue
from agent.offline import OfflineEngine
from store.models import Product, Store
from tools.context import Identity, ToolContext


class Citation(BaseModel):
    """A source a reply relies on."""

    doc_id: str
    title: str


class Reply(BaseModel):
    """What a turn returns to a channel (and ``ask --json`` prints)."""

    reply: str
    engine: str = Field(description="offline | llm")
    tool_calls: list[dict[str, Any]]
    citations: list[Citation]
    pending_confirmation: dict[str, Any] | None
    session_id: str


def sqlite_checkpointer(path: Path) -> Any:
    """A LangGraph SQLite checkpointer on ``path`` (created if missing)."""
    from langgraph.checkpoint.sqlite import SqliteSaver

    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, check_same_thread=False)
    # WAL + NORMAL: a turn writes several checkpoints; without this each one waits for an fsync.
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    saver = SqliteSaver(conn)
    saver.setup()
    return saver


def postgres_checkpointer(database_url: str) -> Any:
    """A LangGraph PostgreSQL checkpointer on the store's database (tables created if missing).

    ``database_url`` is the SQLAlchemy URL (``postgresql+psycopg://…``); the saver gets a small
    psycopg connection pool of its own.
    """
    from langgraph.checkpoint.postgres import PostgresSaver
    from psycopg.rows import dict_row
    from psycopg_pool import ConnectionPool

    conninfo = database_url.replace("postgresql+psycopg://", "postgresql://", 1)
    pool = ConnectionPool(conninfo, min_size=1, max_size=4, open=True,
                          kwargs={"autocommit": True, "prepare_threshold": 0, "row_factory": dict_row})
    saver = PostgresSaver(pool)  # type: ignore[arg-type]
    saver.setup()
    return saver


def checkpointer_for(database_url: str, data_dir: Path) -> Any:
    """PostgreSQL checkpoints when the store's database is PostgreSQL, else a SQLite file."""
    if database_url.startswith("postgresql"):
        return postgres_checkpointer(database_url)
    return sqlite_checkpointer(data_dir / "checkpoints.db")


class Assistant:
    """The assistant: one graph, two engines, the same tools and skills."""

    def __init__(self, sessions: sessionmaker[Session], *, checkpointer: Any,
                 clock: Callable[[], datetime], chat_model: Any | None = None, max_steps: int = 6,
                 knowledge: Any = None) -> None:
        """Build the catalogue, the engines and the graph once.

        With ``chat_model`` (a LangChain chat model) the LLM engine answers, falling back to the
        offline engine on any failure; without it the offline engine answers.
        """
        self.sessions = sessions
        self.clock = clock
        self.knowledge = knowledge
        with sessions() as s:
            rows = s.execute(select(Product.sku, Product.name, Product.aliases).where(Product.active)).all()
            stores = dict(s.execute(select(Store.id, Store.name)).all())
        self.offline = OfflineEngine(Catalogue([(r.sku, r.name, r.aliases) for r in rows]))
        self.llm = None
        if chat_model is not None:
            from agent.llm import LLMEngine

            self.llm = LLMEngine(chat_model, self.offline, store_names=stores, max_steps=max_steps)
        self.graph = build_graph(checkpointer)

    def reply(self, message: str, identity: Identity, session_id: str | None = None) -> Reply:
        """Answer one message from ``identity`` in the session ``session_id`` (new if None)."""
        sid = session_id or uuid.uuid4().hex
        ctx = TurnContext(message=message, tools=ToolContext(identity=identity, sessions=self.sessions,
                                                             now=self.clock(), knowledge=self.knowledge),
                          offline=self.offline, llm=self.llm)
        thread = f"{identity.role}:{identity.member_id or identity.staff_id}:{sid}"
        state = self.graph.invoke({"messages": [user_message(message)]},
                                  config={"configurable": {"thread_id": thread}}, context=ctx,
                                  durability="exit")  # one checkpoint write per turn
        last = state["last"]
        return Reply(reply=last["reply"], engine=last["engine"], tool_calls=last["tool_calls"],
                     citations=[Citation(doc_id=c["doc_id"], title=c["title"]) for c in last["citations"]],
                     pending_confirmation=last.get("pending"), session_id=sid)
