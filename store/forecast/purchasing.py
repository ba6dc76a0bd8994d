"""Purchase lists "以销定产": what was sold in closed 接龙 and ended live streams, per supplier.

When a group buy closes (or a live stream ends) its orders are known, so the chain buys exactly
that. Several 接龙 closing the same evening in different stores become one list per supplier:
SKU, units, cases (rounded up to the case pack), the stores with their units, and the date the
goods must arrive — the group buy's pickup day; for a live stream, the day after it ends — with a
warning when the supplier's lead time cannot make it.

Cancelled and refunded orders are left out; every other status counts (paid, ready, picked up …).
"""

from __future__ import annotations

import csv
import io
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.errors import InvalidInput, NotAllowed, NotFound
from store.models import GroupBuy, LiveStream, Order, OrderLine, Product, Supplier

NOT_SOLD = ("cancelled", "refunded")
#: CSV header, in the Chinese a supplier or buyer reads.
CSV_HEADER = ("供应商编号", "供应商", "商品编号", "商品", "单位", "数量", "每箱", "箱数", "采购数量",
              "门店明细", "送达日期", "来源", "提示")


@dataclass(frozen=True)
class PurchaseLine:
    """One SKU to buy from one supplier for one delivery date."""

    supplier_id: str
    supplier: str
    sku: str
    name: str
    unit: str
    qty: int  #: units ordered by shoppers
    case_pack: int
    cases: int  #: whole cases to buy
    stores: dict[str, int]  #: store id → units
    deliver_by: date
    sources: tuple[str, ...]  #: group-buy / live-stream ids
    warning: str = ""  #: e.g. the lead time cannot make the delivery date

    @property
    def purchase_qty(self) -> int:
        """Units bought: whole cases."""
        return self.cases * self.case_pack


def _closed_group_buys(session: Session, ids: Sequence[str]) -> list[GroupBuy]:
    found = []
    for gb_id in ids:
        gb = session.get(GroupBuy, gb_id)
        if gb is None:
            raise NotFound(f"未找到接龙 {gb_id}", f"group buy {gb_id} not found")
        if gb.status not in ("closed", "fulfilled"):
            raise NotAllowed(f"接龙「{gb.title}」还未截单，截单后才能生成采购单",
                             f"group buy {gb_id} is {gb.status}")
        found.append(gb)
    return found


def group_buys_closed_on(session: Session, *, day: date) -> list[str]:
    """Ids of the group buys, in every store, closed with a cutoff on ``day``."""
    lo, hi = datetime.combine(day, time()), datetime.combine(day + timedelta(days=1), time())
    return list(session.scalars(
        select(GroupBuy.id).where(GroupBuy.cutoff_at >= lo, GroupBuy.cutoff_at < hi,
                                  GroupBuy.status.in_(("closed", "fulfilled"))).order_by(GroupBuy.id)))


def purchase_list(session: Session, *, group_buy_ids: Sequence[str] = (),
                  live_stream_ids: Sequence[str] = ()) -> list[PurchaseLine]:
    """Aggregate the orders of closed group buys and ended live streams into supplier lines.

    Raises:
        InvalidInput: nothing asked for.
        NotFound: an unknown id.
        NotAllowed: a group buy still open, or a live stream not ended yet.
    """
    if not group_buy_ids and not live_stream_ids:
        raise InvalidInput("请指定接龙或直播", "no group buy or live stream given")
    # (source id, deliver by, day the supplier can be ordered from, order filter)
    wanted: list[tuple[str, date, date, list]] = []
    for gb in _closed_group_buys(session, group_buy_ids):
        wanted.append((gb.id, gb.pickup_start.date(), gb.cutoff_at.date(), [Order.group_buy_id == gb.id]))
    for ls_id in live_stream_ids:
        ls = session.get(LiveStream, ls_id)
        if ls is None:
            raise NotFound(f"未找到直播 {ls_id}", f"live stream {ls_id} not found")
        if ls.status != "ended":
            raise NotAllowed(f"直播「{ls.title}」还未结束", f"live stream {ls_id} is {ls.status}")
        wanted.append((ls.id, ls.ends_at.date() + timedelta(days=1), ls.ends_at.date(),
                       [Order.live_stream_id == ls.id]))
    totals: dict[tuple[str, date], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    sources: dict[tuple[str, date], set[str]] = defaultdict(set)
    ordered_on: dict[tuple[str, date], date] = {}
    for source, deliver_by, order_day, where in wanted:
        rows = session.execute(
            select(OrderLine.sku, Order.store_id, OrderLine.qty)
            .join(Order, Order.id == OrderLine.order_id)
            .where(*where, Order.status.not_in(NOT_SOLD)))
        for sku, store_id, qty in rows:
            key = (sku, deliver_by)
            totals[key][store_id] += qty
            sources[key].add(source)
            ordered_on[key] = max(ordered_on.get(key, order_day), order_day)
    products = {p.sku: p for p in session.scalars(select(Product).where(Product.sku.in_({k[0] for k in totals})))}
    suppliers = {s.id: s for s in session.scalars(select(Supplier))}
    lines = []
    for (sku, deliver_by), by_store in totals.items():
        p = products[sku]
        supplier = suppliers[p.supplier_id]
        qty = sum(by_store.values())
        ready = ordered_on[(sku, deliver_by)] + timedelta(days=supplier.lead_time_days)
        warning = "" if ready <= deliver_by else (
            f"供应商交期 {supplier.lead_time_days} 天，最早 {ready:%m月%d日} 到货，晚于取货日")
        lines.append(PurchaseLine(
            supplier_id=supplier.id, supplier=supplier.name, sku=sku, name=p.name, unit=p.unit,
            qty=qty, case_pack=p.case_pack, cases=math.ceil(qty / max(p.case_pack, 1)),
            stores=dict(sorted(by_store.items())), deliver_by=deliver_by,
            sources=tuple(sorted(sources[(sku, deliver_by)])), warning=warning))
    return sorted(lines, key=lambda x: (x.supplier_id, x.deliver_by, x.sku))


def purchase_csv(lines: Sequence[PurchaseLine], path: Path | None = None) -> str:
    """The purchase list as CSV (UTF-8 with BOM, so Excel opens it); written to ``path`` if given."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for x in lines:
        writer.writerow([x.supplier_id, x.supplier, x.sku, x.name, x.unit, x.qty, x.case_pack,
                         x.cases, x.purchase_qty, "；".join(f"{s}:{n}" for s, n in x.stores.items()),
                         x.deliver_by.isoformat(), "、".join(x.sources), x.warning])
    text = buf.getvalue()
    if path is not None:
        path.write_text(text, encoding="utf-8-sig")
    return text
