"""On PostgreSQL the assistant keeps its conversations in PostgreSQL checkpoints, for real."""

from __future__ import annotations

from sqlalchemy import func, select, text

from agent.assistant import Assistant, postgres_checkpointer
from agent.clock import make_clock
from store.db import make_session_factory
from store.demo.seed import seed_demo
from store.models import GroupBuyParticipant
from tests.conftest import DEMO_SEED, DEMO_TODAY
from tools.context import resolve_identity


def test_confirmation_turn_survives_in_postgres_checkpoints(pg_engine, pg_url):
    seed_demo(pg_engine, today=DEMO_TODAY, seed=DEMO_SEED)
    factory = make_session_factory(pg_engine)
    clock = make_clock(configured_today=None, demo_today=DEMO_TODAY)
    first = Assistant(factory, checkpointer=postgres_checkpointer(pg_url), clock=clock)
    with factory() as s:
        shopper = resolve_identity(s, role="shopper", member_id="M0003")
        before = s.scalar(select(func.count()).select_from(GroupBuyParticipant))
    ask = first.reply("我要接龙2盒蓝莓", shopper)
    assert ask.pending_confirmation
    # a new process (new assistant, new pool) continues the same session from PostgreSQL
    second = Assistant(factory, checkpointer=postgres_checkpointer(pg_url), clock=clock)
    done = second.reply("确认", shopper, ask.session_id)
    assert "接龙成功" in done.reply
    with factory() as s:
        assert s.scalar(select(func.count()).select_from(GroupBuyParticipant)) == before + 1
        assert s.execute(text("select count(*) from checkpoints")).scalar() > 0
