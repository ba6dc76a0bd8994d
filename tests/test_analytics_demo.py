"""The analytics tell the demo store's story (shared/demo-store.md) on the seeded demo database."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session, sessionmaker

from store.analytics.lifecycle import lifecycle_counts, lifecycle_stage, member_rfm
from store.analytics.rankings import hot_list, rising_new_products
from store.analytics.repurchase import due_repurchases, repurchase_cycles
from store.analytics.tags import derive_tags, refresh_derived_tags
from store.analytics.triggers import all_triggers
from store.demo.seed import demo_now
from store.models import Member, MemberTag
from tests.conftest import DEMO_TODAY

NOW = demo_now(DEMO_TODAY)


@contextmanager
def _statements(session: Session) -> Iterator[list[str]]:
    """Collect the SQL statements the session runs inside the block."""
    seen: list[str] = []
    engine = session.get_bind()

    def count(*args: object) -> None:
        seen.append(str(args[2]))

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_lifecycle_stages_of_the_canonical_members(demo_factory: sessionmaker[Session]) -> None:
    with demo_factory() as s:
        got = {m: lifecycle_stage(s, member_id=m, as_of=DEMO_TODAY)
               for m in ("M0001", "M0004", "M0005", "M0006")}
    assert got["M0001"].stage == "VIP" and got["M0001"].facts.recency_days == 3
    assert got["M0001"].facts.level == "gold"
    assert got["M0004"].stage == "沉睡" and got["M0004"].facts.recency_days == 65
    assert "65 天未消费" in got["M0004"].reason
    assert got["M0005"].stage == "新客"
    assert (got["M0005"].facts.days_since_registration, got["M0005"].facts.frequency) == (5, 1)
    assert got["M0006"].stage == "流失" and got["M0006"].facts.recency_days == 200


def test_rfm_of_the_whole_chain_is_set_based_and_fast(demo_factory: sessionmaker[Session]) -> None:
    with demo_factory() as s:
        members = s.scalars(select(func.count()).select_from(Member)).one()
        with _statements(s) as statements:
            started = time.perf_counter()
            rows = member_rfm(s, as_of=DEMO_TODAY)
            elapsed = time.perf_counter() - started
        counts = lifecycle_counts(s, as_of=DEMO_TODAY)
    assert len(rows) == members >= 1500
    assert len(statements) == 1  # one aggregate query, not one per member
    assert elapsed < 2.0
    assert sum(counts.values()) == members and all(counts.values())
    assert {r.member_id: r.rfm_code for r in rows}["M0001"] == "555"


def test_behaviour_tags_of_the_canonical_members(demo_factory: sessionmaker[Session]) -> None:
    with demo_factory() as s:
        tags = derive_tags(s, as_of=DEMO_TODAY)
    by = {mid: {t.tag: t.evidence for t in found} for mid, found in tags.items()}
    assert "有孩家庭" in by["M0002"] and "婴儿有机米粉" in by["M0002"]["有孩家庭"]
    assert "健身人群" in by["M0003"]
    for product in ("即食鸡胸肉", "低糖希腊酸奶", "无蔗糖燕麦片"):
        assert product in by["M0003"]["健身人群"]
    assert {"银发族", "水果爱好者"} <= set(by["M0001"])
    assert by["M0004"]["银发族"].startswith("70 岁")
    assert "有孩家庭" not in by.get("M0003", {}) and "健身人群" not in by.get("M0002", {})


def test_refresh_writes_derived_tags_beside_the_manual_ones(
    demo_copy_factory: sessionmaker[Session],
) -> None:
    def manual(s: Session) -> set[tuple[str, str, str | None]]:
        return {(t.member_id, t.tag, t.evidence)
                for t in s.scalars(select(MemberTag).where(MemberTag.source == "manual"))}

    def derived_tags(s: Session) -> dict[tuple[str, str], str | None]:
        return {(t.member_id, t.tag): t.evidence for t in s.scalars(
            select(MemberTag).where(MemberTag.source == "derived"))}

    with demo_copy_factory() as s:
        before = manual(s)
        s001 = set(s.scalars(select(Member.id).where(Member.store_id == "S001")))
        others_before = {k: v for k, v in derived_tags(s).items() if k[0] not in s001}
        s.execute(MemberTag.__table__.delete().where(MemberTag.source == "derived",
                                                     MemberTag.member_id.in_(s001)))
        s.commit()
    with demo_copy_factory() as s, s.begin():
        written = refresh_derived_tags(s, as_of=DEMO_TODAY, store_id="S001")
    with demo_copy_factory() as s:
        assert manual(s) == before
        derived = derived_tags(s)
    assert written == len([k for k in derived if k[0] in s001]) > 100
    assert {k: v for k, v in derived.items() if k[0] not in s001} == others_before
    assert "米粉" in (derived[("M0002", "有孩家庭")] or "")
    assert ("M0002", "宝妈") not in derived  # manual tags are never derived copies
    assert "水果" in (derived[("M0001", "水果爱好者")] or "")


def test_m0002_buys_rice_cereal_about_every_20_days(demo_factory: sessionmaker[Session]) -> None:
    with demo_factory() as s:
        cycles = repurchase_cycles(s, as_of=DEMO_TODAY, member_id="M0002")
        due = due_repurchases(s, as_of=DEMO_TODAY, store_id="S001")
    cereal = next(c for c in cycles if (c.level, c.key) == ("sku", "P3006"))
    assert 18 <= cereal.cycle_days <= 22
    assert cereal.next_expected_on == cereal.last_purchase_on + timedelta(
        days=int(cereal.cycle_days + 0.5))
    hers = [d for d in due if (d.member_id, d.sku) == ("M0002", "P3006")]
    assert len(hers) == 1 and "婴儿有机米粉" in hers[0].reason


def test_rankings_of_the_demo_store(demo_factory: sessionmaker[Session]) -> None:
    with demo_factory() as s:
        today = hot_list(s, store_id="S001", as_of=DEMO_TODAY)
        week = hot_list(s, store_id="S001", as_of=DEMO_TODAY, days=7, limit=25)
        rising = rising_new_products(s, store_id="S001", as_of=DEMO_TODAY)
    assert today and len(today) <= 10
    assert [h.units for h in week] == sorted((h.units for h in week), reverse=True)
    assert "P3001" in {r.sku for r in rising}
    assert next(r for r in rising if r.sku == "P3001").name == "无蔗糖燕麦片（新品）"


def test_marketing_triggers_of_the_demo_story(demo_factory: sessionmaker[Session]) -> None:
    with demo_factory() as s:
        hits = all_triggers(s, now=NOW)
        refused = set(s.scalars(select(Member.id).where(Member.consent_marketing.is_(False))))
        due_anyway = {d.member_id for d in due_repurchases(s, as_of=DEMO_TODAY)}
    by = {key: {h.member_id: h for h in found} for key, found in hits.items()}
    browsed = by["browsed_not_bought"]["M0007"]
    assert browsed.numbers["days_browsed"] == {"P2001": 7} and "有机纯牛奶" in browsed.reason
    cart = by["abandoned_cart"]["M0008"]
    assert cart.store_id == "S003" and "1 小时前加购" in cart.reason
    points = by["points_expiring"]["M0001"]
    assert (points.numbers["points"], points.numbers["expires_on"]) == (800, date(2026, 12, 31))
    sleeping = by["sleeping_to_wake"]["M0004"]
    assert {"P3003", "P2004"} <= set(sleeping.skus) and "65 天未消费" in sleeping.reason
    assert "M0002" in by["repurchase_due"]
    contacted = {h.member_id for found in hits.values() for h in found}
    assert refused & due_anyway  # some are due to rebuy but said no to marketing …
    assert not refused & contacted  # … and no trigger lists them
