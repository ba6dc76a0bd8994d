"""Purchase lists (以销定产) from the demo store's group buys and live streams, and their CSV."""

from __future__ import annotations

import csv
import io
import math
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from store.db import transaction
from store.errors import NotAllowed, NotFound
from store.forecast.purchasing import CSV_HEADER, group_buys_closed_on, purchase_csv, purchase_list
from store.group_buys import close_group_buy
from store.models import GroupBuy, GroupBuyParticipant, Order, OrderLine

OPEN_BLUEBERRY = "GB20261210001"


def _units(session: Session, *where: object) -> dict[tuple[str, str], int]:
    rows = session.execute(
        select(OrderLine.sku, Order.store_id, func.sum(OrderLine.qty))
        .join(Order, Order.id == OrderLine.order_id)
        .where(*where, Order.status.not_in(("cancelled", "refunded")))
        .group_by(OrderLine.sku, Order.store_id))
    return {(sku, store): int(n) for sku, store, n in rows}


def test_an_open_jielong_cannot_be_bought_yet(demo_factory: sessionmaker[Session]) -> None:
    with demo_factory() as session, pytest.raises(NotAllowed) as refused:
        purchase_list(session, group_buy_ids=[OPEN_BLUEBERRY])
    assert "还未截单" in refused.value.message_zh
    with demo_factory() as session, pytest.raises(NotFound):
        purchase_list(session, group_buy_ids=["GB-NOPE"])


def test_closing_the_blueberry_jielong_gives_its_purchase_list(
        demo_copy_factory: sessionmaker[Session], tmp_path: Path) -> None:
    with transaction(demo_copy_factory) as session:
        close_group_buy(session, group_buy_id=OPEN_BLUEBERRY, at=datetime(2026, 12, 10, 22, 0))
    with demo_copy_factory() as session:
        joined = session.scalar(select(func.sum(GroupBuyParticipant.qty))
                                .where(GroupBuyParticipant.group_buy_id == OPEN_BLUEBERRY))
        lines = purchase_list(session, group_buy_ids=[OPEN_BLUEBERRY])
    assert joined and joined >= 23
    [line] = lines
    assert (line.supplier_id, line.sku, line.qty, line.stores) == ("SUP01", "P1001", joined, {"S001": joined})
    assert line.cases == math.ceil(joined / 12) and line.purchase_qty == line.cases * 12 >= joined
    assert line.deliver_by == date(2026, 12, 11)  # the pickup day
    assert "交期 2 天" in line.warning  # the supplier cannot deliver by tomorrow afternoon
    path = tmp_path / "purchase.csv"
    text = purchase_csv(lines, path)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # BOM: Excel reads the Chinese
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert tuple(rows[0]) == CSV_HEADER and len(rows) == 2
    record = dict(zip(rows[0], rows[1], strict=True))
    assert record["供应商编号"] == "SUP01" and record["商品编号"] == "P1001"
    assert int(record["数量"]) == joined and int(record["采购数量"]) == line.purchase_qty
    assert record["门店明细"] == f"S001:{joined}" and record["送达日期"] == "2026-12-11"
    assert text.splitlines()[0] == ",".join(CSV_HEADER)


def test_jielong_closed_the_same_evening_in_three_stores_are_aggregated(
        demo_factory: sessionmaker[Session]) -> None:
    with demo_factory() as session:
        ids = group_buys_closed_on(session, day=date(2026, 12, 8))
        assert len(ids) == 3
        lines = purchase_list(session, group_buy_ids=ids)
        truth = _units(session, Order.group_buy_id.in_(ids))
        skus = {gb.sku for gb in session.scalars(select(GroupBuy).where(GroupBuy.id.in_(ids)))}
    assert {x.sku for x in lines} == skus
    for x in lines:
        assert x.stores == {store: n for (sku, store), n in truth.items() if sku == x.sku}
        assert x.qty == sum(x.stores.values()) and x.cases * x.case_pack >= x.qty
    shared = [x for x in lines if len(x.stores) > 1]
    assert shared, "two stores ran a 接龙 of the same SKU that evening: one line, both stores"
    assert lines == sorted(lines, key=lambda x: (x.supplier_id, x.deliver_by, x.sku))


def test_an_ended_live_stream_is_bought_per_supplier(demo_factory: sessionmaker[Session]) -> None:
    with demo_factory() as session:
        lines = purchase_list(session, live_stream_ids=["LS20261209001"])
        truth = _units(session, Order.live_stream_id == "LS20261209001")
        with pytest.raises(NotAllowed) as refused:
            purchase_list(session, live_stream_ids=["LS20261210001"])  # tonight's, still planned
    assert "还未结束" in refused.value.message_zh
    assert lines and sum(x.qty for x in lines) == sum(truth.values())
    assert all(x.deliver_by == date(2026, 12, 10) and x.sources == ("LS20261209001",) for x in lines)
