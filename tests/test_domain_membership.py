"""Member lookup, lists, tags, coupons and registration."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from store.db import transaction
from store.errors import Conflict, InvalidInput
from store.membership import (
    find_member,
    get_member,
    list_coupons,
    list_members,
    member_tags,
    register_member,
    set_member_tag,
    set_member_tags,
)
from store.models import Coupon, Member, MemberTag
from tests.test_domain_seed import NOW, seed_small_store


@pytest.fixture
def seeded(factory: sessionmaker[Session]) -> sessionmaker[Session]:
    with transaction(factory) as s:
        seed_small_store(s)
        s.add_all([
            Coupon(id="C1", member_id="M0001", title="满39减5", amount=Decimal("5"),
                   min_spend=Decimal("39"), valid_from=date(2026, 7, 1), valid_to=date(2026, 7, 31)),
            Coupon(id="C2", member_id="M0001", title="满99减15", amount=Decimal("15"),
                   min_spend=Decimal("99"), valid_from=date(2026, 6, 1), valid_to=date(2026, 6, 30)),
            Coupon(id="C3", member_id="M0001", title="酸奶立减3元", amount=Decimal("3"),
                   valid_from=date(2026, 7, 1), valid_to=date(2026, 8, 31), status="used"),
            Coupon(id="C4", member_id="M0001", title="中秋券", amount=Decimal("10"),
                   valid_from=date(2026, 9, 1), valid_to=date(2026, 9, 30)),
        ])
    return factory


def _ids(members: list[Member]) -> list[str]:
    return [m.id for m in members]


def test_find_member_by_id_code_phone_and_last_four(seeded: sessionmaker[Session]) -> None:
    with seeded() as s:
        assert _ids(find_member(s, query="M0001")) == ["M0001"]
        assert _ids(find_member(s, query=" m0002 ")) == ["M0002"]
        assert _ids(find_member(s, query="80003")) == ["M0003"]
        assert _ids(find_member(s, query="13800000002")) == ["M0002"]
        assert _ids(find_member(s, query="+86 138 0000 0006")) == ["M0006"]
        # Last four digits: within the counter's store, possibly several members.
        assert _ids(find_member(s, query="0001", store_id="S001")) == ["M0001", "M0009"]
        assert _ids(find_member(s, query="0002", store_id="S001")) == ["M0002"]
        assert _ids(find_member(s, query="0002", store_id="S002")) == ["M0005"]
        assert find_member(s, query="0001") == []  # no store: last four are not searched
        assert find_member(s, query="13800009999") == []
        assert find_member(s, query="M9999") == []
        with pytest.raises(InvalidInput):
            find_member(s, query=" ")


def test_get_and_list_members(seeded: sessionmaker[Session]) -> None:
    with seeded() as s:
        assert get_member(s, member_id="M0001").name == "李秀英"
        assert get_member(s, member_id="M0001", store_id="S002") is None
        assert _ids(list_members(s, store_id="S001")) == ["M0001", "M0002", "M0003", "M0009"]
        assert _ids(list_members(s, level="silver")) == ["M0002", "M0006"]
        assert _ids(list_members(s, store_id="S001", tag="爱买水果")) == ["M0001"]
        assert _ids(list_members(s, store_id="S001", limit=2, offset=1)) == ["M0002", "M0003"]


def test_tags_manual_and_derived(seeded: sessionmaker[Session]) -> None:
    with transaction(seeded) as s:
        set_member_tag(s, member_id="M0003", tag=" 健身人群 ")
        set_member_tag(s, member_id="M0003", tag="健身人群")  # again: still one row
    with transaction(seeded) as s:
        tags = set_member_tags(s, member_id="M0001", tags=["爱买水果", "晨练"])
        assert [(t.tag, t.source) for t in tags] == [("晨练", "manual"), ("爱买水果", "manual")]
    with seeded() as s:
        assert [(t.tag, t.source) for t in member_tags(s, member_id="M0003")] == [("健身人群", "manual")]
        # 银发族 was manual and not in the new set: removed. 爱买水果 was derived: now manual.
        assert [(t.tag, t.source, t.evidence) for t in member_tags(s, member_id="M0001")] == [
            ("晨练", "manual", None), ("爱买水果", "manual", "近 90 天 12 单水果")
        ]
    with transaction(seeded) as s:
        s.add(MemberTag(member_id="M0002", tag="宝妈", source="derived"))
    with transaction(seeded) as s:
        set_member_tags(s, member_id="M0002", tags=[])
    with seeded() as s:
        assert [(t.tag, t.source) for t in member_tags(s, member_id="M0002")] == [("宝妈", "derived")]
    with pytest.raises(InvalidInput), transaction(seeded) as s:
        set_member_tag(s, member_id="M0002", tag="")


def test_list_coupons_by_status_and_day(seeded: sessionmaker[Session]) -> None:
    with seeded() as s:
        assert [c.id for c in list_coupons(s, member_id="M0001")] == ["C2", "C1", "C3", "C4"]
        assert [c.id for c in list_coupons(s, member_id="M0001", status="unused")] == ["C2", "C1", "C4"]
        as_of = date(2026, 7, 15)
        assert [c.id for c in list_coupons(s, member_id="M0001", status="unused", as_of=as_of)] == ["C1"]
        assert [c.id for c in list_coupons(s, member_id="M0001", status="expired", as_of=as_of)] == ["C2"]
        assert [c.id for c in list_coupons(s, member_id="M0001", status="used")] == ["C3"]


def test_register_member(seeded: sessionmaker[Session]) -> None:
    with transaction(seeded) as s:
        member = register_member(s, name=" 周静 ", phone="+86 138-0000-0007", store_id="S001",
                                 registered_at=NOW, gender="F")
    assert (member.id, member.code, member.name, member.phone, member.level) == (
        "M0010", "800010", "周静", "13800000007", "regular"
    )
    with pytest.raises(Conflict) as info, transaction(seeded) as s:
        register_member(s, name="周静二号", phone="13800000007", store_id="S001",
                        registered_at=datetime(2026, 7, 16))
    assert info.value.message_zh == "手机号 138****0007 已注册会员，请直接查询该会员"
    assert "0000" not in info.value.message_en
    for bad in ("1380000000", "23800000007", "138000000o7"):
        with pytest.raises(InvalidInput), transaction(seeded) as s:
            register_member(s, name="某人", phone=bad, store_id="S001", registered_at=NOW)
    with seeded() as s:
        assert s.scalar(select(func.count()).select_from(Member)) == 7
        assert _ids(find_member(s, query="0007", store_id="S001")) == ["M0010"]
