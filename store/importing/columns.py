"""Column specs of the four importable entities, one pydantic model per CSV row type.

A field's name is the canonical (English) column header; its ``title`` is the Chinese header, and
``json_schema_extra["synonyms"]`` lists other Chinese headers that POS exports commonly use. The
column table in ``docs/import.md`` documents exactly these models.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from store.importing.cells import (
    DAY,
    FLAG,
    MONEY,
    PHONE,
    TIMESTAMP,
    CellError,
    choice,
    count,
    identifier,
    text,
)
from store.models import CHANNELS, FULFILMENTS, ORDER_STATUSES

Entity = Literal["members", "products", "inventory", "orders"]

LEVELS = {"regular": "普通会员", "silver": "银卡", "gold": "金卡"}
GENDERS = {"F": "女", "M": "男"}


def _col(zh: str, *synonyms: str, default: Any = ...) -> Any:
    """A field whose Chinese header is ``zh`` (plus ``synonyms``); required unless a default."""
    extra: dict[str, Any] = {"synonyms": list(synonyms)}
    return Field(default, title=zh, json_schema_extra=extra)  # type: ignore[arg-type]


class RowModel(BaseModel):
    """Base of the row models: unknown keys are a bug of the reader, so they are refused."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class MemberRow(RowModel):
    """One member (会员) per row; upserted by ``member_id``."""

    member_id: Annotated[str, identifier(16)] = _col("会员编号", "会员号")
    name: Annotated[str, text(32)] = _col("姓名", "会员姓名")
    phone: Annotated[str, PHONE] = _col("手机号", "手机号码", "手机")
    store_id: Annotated[str, identifier(16)] = _col("门店编号", "所属门店")
    registered_at: Annotated[datetime, TIMESTAMP] = _col("注册时间", "注册日期")
    code: Annotated[str | None, identifier(16)] = _col("会员卡号", "卡号", default=None)
    nickname: Annotated[str | None, text(32)] = _col("称呼", "昵称", default=None)
    gender: Annotated[str | None, choice(GENDERS)] = _col("性别", default=None)
    birth_date: Annotated[date | None, DAY] = _col("生日", "出生日期", default=None)
    level: Annotated[str, choice(LEVELS)] = _col("会员等级", "等级", default="regular")
    consent_marketing: Annotated[bool, FLAG] = _col("同意营销", default=True)
    consent_sms: Annotated[bool, FLAG] = _col("同意短信", default=False)
    consent_profiling: Annotated[bool, FLAG] = _col("同意画像", default=True)
    note: Annotated[str | None, text()] = _col("备注", default=None)


class ProductRow(RowModel):
    """One product (商品) per row; upserted by ``sku``. The supplier must already exist."""

    sku: Annotated[str, identifier(16)] = _col("商品编码", "商品编号")
    name: Annotated[str, text(64)] = _col("商品名称", "品名")
    category: Annotated[str, text(16)] = _col("品类", "分类")
    spec: Annotated[str, text(32)] = _col("规格")
    price: Annotated[Decimal, MONEY] = _col("售价", "零售价")
    cost: Annotated[Decimal, MONEY] = _col("成本价", "进价")
    supplier_id: Annotated[str, identifier(16)] = _col("供应商编号")
    shelf_life_days: Annotated[int, count(1)] = _col("保质期天数", "保质期")
    unit: Annotated[str, text(8)] = _col("单位", default="件")
    live_price: Annotated[Decimal | None, MONEY] = _col("直播价", default=None)
    live_bundle_qty: Annotated[int | None, count(1)] = _col("直播件数", default=None)
    cold_chain: Annotated[bool, FLAG] = _col("冷链", default=False)
    case_pack: Annotated[int, count(1)] = _col("箱规", default=1)
    is_new: Annotated[bool, FLAG] = _col("新品", default=False)
    launched_on: Annotated[date | None, DAY] = _col("上市日期", default=None)
    aliases: Annotated[str, text(128)] = _col("别名", default="")
    facts: Annotated[str, text()] = _col("商品信息", "卖点", default="")
    active: Annotated[bool, FLAG] = _col("在售", "是否在售", default=True)

    @model_validator(mode="after")
    def _live_price_with_bundle(self) -> ProductRow:
        if (self.live_price is None) != (self.live_bundle_qty is None):
            raise CellError("直播价和直播件数须同时填写或同时留空",
                            "live_price and live_bundle_qty go together: fill both or neither",
                            column="live_price" if self.live_price is None else "live_bundle_qty")
        return self

    def alias_list(self) -> str:
        """``aliases`` normalised to the stored form: comma-separated, no blanks."""
        parts = (p.strip() for p in re.split(r"[,，、|;；]", self.aliases))
        return ",".join(p for p in parts if p)


class InventoryRow(RowModel):
    """Stock of one SKU in one store per row; upserted by ``(store_id, sku)``."""

    store_id: Annotated[str, identifier(16)] = _col("门店编号")
    sku: Annotated[str, identifier(16)] = _col("商品编码", "商品编号")
    on_hand: Annotated[int, count(0)] = _col("库存数量", "现有库存", "库存")
    on_order: Annotated[int, count(0)] = _col("在途数量", default=0)
    lead_time_days: Annotated[int, count(0)] = _col("补货天数", "到货天数", default=1)
    updated_at: Annotated[datetime | None, TIMESTAMP] = _col("盘点时间", "更新时间", default=None)


class OrderLineRow(RowModel):
    """One order line per row; rows sharing ``order_id`` form one order, upserted by it."""

    order_id: Annotated[str, identifier(24)] = _col("订单号", "订单编号")
    store_id: Annotated[str, identifier(16)] = _col("门店编号")
    created_at: Annotated[datetime, TIMESTAMP] = _col("下单时间")
    channel: Annotated[str, choice(CHANNELS)] = _col("渠道", "销售渠道")
    fulfilment: Annotated[str, choice(FULFILMENTS)] = _col("履约方式", "配送方式", "取货方式")
    status: Annotated[str, choice(ORDER_STATUSES)] = _col("订单状态", "状态")
    sku: Annotated[str, identifier(16)] = _col("商品编码", "商品编号")
    qty: Annotated[int, count(1)] = _col("数量")
    unit_price: Annotated[Decimal, MONEY] = _col("单价", "成交价")
    member_id: Annotated[str | None, identifier(16)] = _col("会员编号", default=None)
    discount: Annotated[Decimal, MONEY] = _col("优惠金额", "优惠", default=Decimal("0.00"))
    delivery_fee: Annotated[Decimal, MONEY] = _col("配送费", "运费", default=Decimal("0.00"))
    points_used: Annotated[int, count(0)] = _col("使用积分", "抵扣积分", default=0)
    pickup_code: Annotated[str | None, identifier(8)] = _col("取货码", default=None)
    picked_up_at: Annotated[datetime | None, TIMESTAMP] = _col("取货时间", default=None)


#: Order-level columns: repeated on every line of an order and required to agree.
ORDER_COLUMNS = ("store_id", "member_id", "created_at", "channel", "fulfilment", "status",
                 "discount", "delivery_fee", "points_used", "pickup_code", "picked_up_at")

ROW_MODELS: dict[str, type[RowModel]] = {
    "members": MemberRow,
    "products": ProductRow,
    "inventory": InventoryRow,
    "orders": OrderLineRow,
}


@dataclass(frozen=True)
class Column:
    """One documented column: canonical name, Chinese headers, and whether a value is required."""

    name: str
    zh: str
    synonyms: tuple[str, ...]
    required: bool


def columns_of(model: type[RowModel]) -> list[Column]:
    """The columns of a row model, in declaration order."""
    result = []
    for name, field in model.model_fields.items():
        extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
        synonyms = tuple(str(s) for s in extra.get("synonyms", []))  # type: ignore[union-attr]
        result.append(Column(name, field.title or name, synonyms, field.is_required()))
    return result


def normalize_header(raw: str) -> str:
    """A header cell reduced to a lookup key.

    Surrounding spaces, ``*`` required-markers and a trailing unit in brackets (``售价（元）``) are
    dropped; English is lower-cased with spaces and dashes turned into ``_``.
    """
    header = raw.replace("\ufeff", "").replace("\u3000", " ").strip().strip("*＊").strip()
    header = re.sub(r"\s*[（(][^（()）]*[)）]$", "", header).strip().strip("*＊").strip()
    return re.sub(r"[\s\-]+", "_", header).lower()


def header_lookup(model: type[RowModel]) -> dict[str, str]:
    """Normalised header → canonical column, covering English names, Chinese titles and synonyms."""
    lookup: dict[str, str] = {}
    for column in columns_of(model):
        for header in (column.name, column.zh, *column.synonyms):
            lookup[normalize_header(header)] = column.name
    return lookup
