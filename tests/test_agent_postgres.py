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


def test_stored_forecast_round_trips_and_feeds_the_live_script_on_postgres(pg_engine, pg_url, demo_factory,
                                                                           tmp_path):
    from agent.assistant import sqlite_checkpointer
    from store.forecast.daily import load_daily_forecast, save_daily_forecast

    seed_demo(pg_engine, today=DEMO_TODAY, seed=DEMO_SEED)
    factory = make_session_factory(pg_engine)
    with demo_factory() as s:
        frame = load_daily_forecast(s, DEMO_TODAY)
    with factory() as s:
        save_daily_forecast(s, DEMO_TODAY, frame, model="copied from the SQLite demo")
        s.commit()
        back = load_daily_forecast(s, DEMO_TODAY)
    merged = frame.merge(back, on=["unique_id", "ds"], suffixes=("", "_pg"))
    assert len(merged) == len(frame) == len(back)
    assert ((merged["live_p90"] - merged["live_p90_pg"]).abs() < 1e-9).all()
    clock = make_clock(configured_today=None, demo_today=DEMO_TODAY)
    on_pg = Assistant(factory, checkpointer=postgres_checkpointer(pg_url), clock=clock)
    on_sqlite = Assistant(demo_factory, checkpointer=sqlite_checkpointer(tmp_path / "ck.db"), clock=clock)
    message = "今晚八点直播卖蓝莓、甜瓜，出个流程"
    with factory() as s:
        pg_owner = resolve_identity(s, role="owner", store_id="S001")
    with demo_factory() as s:
        sqlite_owner = resolve_identity(s, role="owner", store_id="S001")
    pg_reply = on_pg.reply(message, pg_owner).reply
    assert "需求预测" in pg_reply
    assert pg_reply.split("【备货建议】")[1] == on_sqlite.reply(message, sqlite_owner).reply.split("【备货建议】")[1]
