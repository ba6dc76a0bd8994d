"""Catalogue, stock and weather on the small store."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy.orm import Session, sessionmaker

from store.catalog import (
    get_product,
    get_stock,
    list_low_stock,
    list_products,
    receive_stock,
    search_products,
    set_stock,
)
from store.db import transaction
from store.errors import InvalidInput, NotFound
from store.models import Inventory
from store.weather import get_weather, upsert_weather
from tests.test_domain_seed import NOW, seed_small_store


@pytest.fixture
def seeded(factory: sessionmaker[Session]) -> sessionmaker[Session]:
    with transaction(factory) as s:
        seed_small_store(s)
    return factory


def test_products_and_search(seeded: sessionmaker[Session]) -> None:
    with seeded() as s:
        assert get_product(s, sku="p1001").name == "云南高原蓝莓"
        assert get_product(s, sku="P0000") is None
        assert [p.sku for p in list_products(s, category="水果")] == ["P1001", "P1002"]
        assert [p.sku for p in list_products(s, category="水果", active_only=False)] == [
            "P1001", "P1002", "P9001"
        ]
        assert [p.name for p in search_products(s, query="蓝莓")] == ["云南高原蓝莓", "门店现烤蓝莓松饼"]
        # Alias-only match, case-insensitive.
        assert [p.sku for p in search_products(s, query="muffin")] == ["P6003"]
        assert [p.sku for p in search_products(s, query="蓝莓松饼")] == ["P6003"]
        assert search_products(s, query="芒果") == []
        assert [p.sku for p in search_products(s, query="芒果", active_only=False)] == ["P9001"]
        assert search_products(s, query="100%") == []
        with pytest.raises(InvalidInput):
            search_products(s, query="  ")


def test_stock_reads(seeded: sessionmaker[Session]) -> None:
    with seeded() as s:
        assert get_stock(s, store_id="S001", sku="P1001").on_hand == 40
        assert get_stock(s, store_id="S001", sku="P6003") is None
        assert [i.sku for i in list_low_stock(s, store_id="S001")] == ["P2002", "P1002"]
        assert [i.sku for i in list_low_stock(s, store_id="S001", count_on_order=True)] == ["P1002"]
        assert [i.sku for i in list_low_stock(s, store_id="S002", threshold=0)] == ["P1001"]


def test_set_and_receive_stock(seeded: sessionmaker[Session]) -> None:
    later = datetime(2026, 7, 15, 18, 0)
    with transaction(seeded) as s:
        set_stock(s, store_id="S001", sku="P1001", on_hand=37, at=later)
        receive_stock(s, store_id="S001", sku="P2002", qty=20, at=later)
        receive_stock(s, store_id="S001", sku="P6003", qty=8, at=later)  # first delivery ever
    with seeded() as s:
        berries = s.get(Inventory, ("S001", "P1001"))
        assert (berries.on_hand, berries.updated_at) == (37, later)
        yogurt = s.get(Inventory, ("S001", "P2002"))
        assert (yogurt.on_hand, yogurt.on_order) == (22, 4)
        muffin = s.get(Inventory, ("S001", "P6003"))
        assert (muffin.on_hand, muffin.on_order) == (8, 0)
    with pytest.raises(InvalidInput), transaction(seeded) as s:
        set_stock(s, store_id="S001", sku="P1001", on_hand=-1, at=NOW)
    with pytest.raises(NotFound), transaction(seeded) as s:
        receive_stock(s, store_id="S009", sku="P1001", qty=1, at=NOW)
    with seeded() as s:
        assert s.get(Inventory, ("S001", "P1001")).on_hand == 37


def test_weather_upsert_and_range(seeded: sessionmaker[Session]) -> None:
    day = date(2026, 7, 15)
    with transaction(seeded) as s:
        written = upsert_weather(s, [
            {"city": "杭州", "day": day, "t_max": 36.0, "t_min": 27.0, "precip_mm": 0.0,
             "condition": "晴", "is_forecast": True},
            {"city": "杭州", "day": date(2026, 7, 16), "t_max": 37.5, "t_min": 28.0,
             "precip_mm": 0.0, "condition": "晴", "is_forecast": True},
        ])
    assert written == 2
    with transaction(seeded) as s:
        # The observation replaces the forecast; a later forecast does not replace it back.
        assert upsert_weather(s, [{"city": "杭州", "day": day, "t_max": 35.2, "t_min": 26.8,
                                   "precip_mm": 3.5, "condition": "雷阵雨"}]) == 1
        assert upsert_weather(s, [{"city": "杭州", "day": day, "t_max": 30.0, "t_min": 25.0,
                                   "precip_mm": 0.0, "condition": "多云", "is_forecast": True}]) == 0
    with seeded() as s:
        days = get_weather(s, city="杭州", start=day, end=date(2026, 7, 31))
        assert [(w.day, w.condition, w.is_forecast) for w in days] == [
            (day, "雷阵雨", False), (date(2026, 7, 16), "晴", True)
        ]
        assert get_weather(s, city="宁波", start=day, end=day) == []
    with pytest.raises(InvalidInput), transaction(seeded) as s:
        upsert_weather(s, [{"city": "杭州", "day": day, "t_max": 20.0, "t_min": 25.0,
                            "precip_mm": 0.0, "condition": "晴"}])
