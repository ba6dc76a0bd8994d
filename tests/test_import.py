"""CSV import of members, products, inventory and orders: all or nothing, idempotent, bilingual."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, class_mapper, sessionmaker

from store.db import make_session_factory, transaction
from store.demo.canonical import (
    CITY,
    MEMBERS,
    PRODUCTS,
    STORES,
    SUPPLIERS,
    code_of_member,
    phone_of_member,
)
from store.importing import (
    ROW_MODELS,
    SAMPLES_DIR,
    ImportReport,
    columns_of,
    import_csv,
    render_report,
)
from store.models import Inventory, Member, Order, OrderLine, Product, Store, Supplier

ENTITIES = ("members", "products", "inventory", "orders")  # import order: references first
TABLES = (Store, Supplier, Product, Member, Inventory, Order, OrderLine)
DOCS = Path(__file__).resolve().parents[1] / "docs" / "import.md"
NOW = datetime(2026, 12, 10, 9, 0)


# --- helpers -------------------------------------------------------------------------------------

def seed_demo(factory: sessionmaker[Session]) -> None:
    """The demo store's stores, suppliers, products and members, plus one stock row."""
    with transaction(factory) as s:
        for spec in STORES:
            s.add(Store(id=spec.id, name=spec.name, city=CITY, address=spec.address))
        for sid, name, lead in SUPPLIERS:
            s.add(Supplier(id=sid, name=name, lead_time_days=lead))
        s.flush()
        for p in PRODUCTS:
            s.add(Product(sku=p.sku, name=p.name, aliases=",".join(p.aliases), category=p.category,
                          spec=p.spec, unit=p.unit, price=p.price, live_price=p.live_price,
                          live_bundle_qty=p.live_bundle_qty, cost=p.cost, supplier_id=p.supplier_id,
                          shelf_life_days=p.shelf_life_days, cold_chain=p.cold_chain,
                          case_pack=p.case_pack, is_new=p.is_new, facts=p.facts))
        for m in MEMBERS:
            n = int(m.id[1:])
            s.add(Member(id=m.id, code=code_of_member(n), name=m.name, nickname=m.nickname,
                         gender=m.gender, phone=phone_of_member(n), store_id=m.store_id,
                         registered_at=datetime(2025, 1, 1, 10, 0)))
        s.flush()
        s.add(Inventory(store_id="S001", sku="P1001", on_hand=10, on_order=0, lead_time_days=2,
                        updated_at=datetime(2026, 12, 1, 8, 0)))


def snapshot(factory: sessionmaker[Session]) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the tables an import can touch, ordered by primary key."""
    with factory() as s:
        return {
            cls.__tablename__: [tuple(r) for r in s.execute(
                select(cls.__table__).order_by(*class_mapper(cls).primary_key))]
            for cls in TABLES
        }


def sample_text(entity: str) -> str:
    return (SAMPLES_DIR / f"{entity}.csv").read_text(encoding="utf-8")


def csv_text(rows: list[list[str]], delimiter: str = ",") -> str:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\n").writerows(rows)
    return buffer.getvalue()


def sample_rows(entity: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(sample_text(entity))))


def write(tmp_path: Path, name: str, content: str | bytes, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
    return path


def run(factory: sessionmaker[Session], entity: str, path: Path, **kw: Any) -> ImportReport:
    return import_csv(factory, entity, path, now=NOW, **kw)  # type: ignore[arg-type]


def import_samples(factory: sessionmaker[Session]) -> dict[str, ImportReport]:
    return {e: run(factory, e, SAMPLES_DIR / f"{e}.csv") for e in ENTITIES}


def bad_cells(report: ImportReport) -> set[tuple[int, str | None]]:
    return {(e.line, e.column) for e in report.errors}


def assert_bilingual(report: ImportReport) -> None:
    for error in report.errors:
        assert re.search(r"[\u4e00-\u9fff]", error.message_zh), error
        # English may quote the offending cell, which can be Chinese; the rest must not be.
        english = re.sub(r"'[^']*'", "", error.message_en)
        assert english and not re.search(r"[\u4e00-\u9fff]", english), error


@pytest.fixture
def demo(factory: sessionmaker[Session]) -> sessionmaker[Session]:
    seed_demo(factory)
    return factory


# --- clean imports -------------------------------------------------------------------------------

def test_samples_import_cleanly_into_the_demo_store(demo: sessionmaker[Session]) -> None:
    reports = import_samples(demo)

    counts = {e: (r.ok, r.rows_read, r.inserted, r.updated, r.unchanged) for e, r in reports.items()}
    assert counts == {"members": (True, 6, 6, 0, 0), "products": (True, 6, 6, 0, 0),
                      "inventory": (True, 7, 6, 1, 0), "orders": (True, 8, 5, 0, 0)}
    with demo() as s:
        m2 = s.get(Member, "M9002")
        assert m2 is not None
        assert (m2.phone, m2.level, m2.gender, m2.code) == ("13900009002", "silver", "M", "809002")
        assert m2.registered_at == datetime(2026, 5, 1, 9, 5)
        m6 = s.get(Member, "M9006")
        assert m6 is not None and m6.phone == "13900009006"
        m4 = s.get(Member, "M9004")
        assert m4 is not None and not m4.consent_marketing and m4.birth_date is None
        p1 = s.get(Product, "P7001")
        assert p1 is not None
        assert (p1.price, p1.live_price, p1.live_bundle_qty) == (Decimal("45.80"), Decimal("79.90"), 2)
        assert p1.aliases == "苹果,冰糖心苹果" and p1.is_new and not p1.cold_chain
        stock = s.get(Inventory, ("S001", "P1001"))
        assert stock is not None and (stock.on_hand, stock.on_order) == (36, 24)
        pos = s.get(Order, "POS-S001-20261208-001")
        assert pos is not None
        assert (pos.subtotal, pos.discount, pos.total) == (Decimal("102.40"), Decimal("5.00"),
                                                           Decimal("97.40"))
        assert (pos.channel, pos.fulfilment, pos.status) == ("pos", "pickup", "completed")
        live = s.get(Order, "LIVE-S001-20261209-008")
        assert live is not None and (live.total, live.points_used) == (Decimal("40.00"), 100)
        walk_in = s.get(Order, "POS-S003-20261209-021")
        assert walk_in is not None and walk_in.member_id is None and walk_in.total == Decimal("22.00")
        lines = s.scalars(select(OrderLine).where(OrderLine.order_id == pos.id)
                          .order_by(OrderLine.id)).all()
        assert [(ln.sku, ln.qty, ln.amount) for ln in lines] == [
            ("P7001", 1, Decimal("45.80")), ("P1001", 2, Decimal("39.80")),
            ("P2001", 1, Decimal("16.80"))]


def test_reimporting_the_samples_changes_nothing(demo: sessionmaker[Session]) -> None:
    first = import_samples(demo)
    before = snapshot(demo)

    again = import_samples(demo)

    for entity in ENTITIES:
        report = again[entity]
        assert report.ok and (report.inserted, report.updated) == (0, 0), entity
        assert report.unchanged == first[entity].inserted + first[entity].updated, entity
    assert snapshot(demo) == before


def test_english_headers_with_only_required_columns_get_defaults(
        demo: sessionmaker[Session], tmp_path: Path) -> None:
    path = write(tmp_path, "m.csv", "member_id,name,phone,store_id,registered_at\n"
                                    "M9101,测试会员,13900009101,S002,2026-12-01\n")

    report = run(demo, "members", path)

    assert report.ok and report.inserted == 1
    with demo() as s:
        member = s.get(Member, "M9101")
        assert member is not None
        assert (member.code, member.level, member.consent_marketing, member.consent_sms) == (
            "M9101", "regular", True, False)


def test_a_changed_price_updates_only_that_product(demo: sessionmaker[Session], tmp_path: Path) -> None:
    run(demo, "products", SAMPLES_DIR / "products.csv")
    path = write(tmp_path, "p.csv", sample_text("products").replace(",45.80,26.00,", ",42.80,26.00,"))
    before = snapshot(demo)

    report = run(demo, "products", path)

    assert report.ok and (report.inserted, report.updated, report.unchanged) == (0, 1, 5)
    after = snapshot(demo)
    changed = [(old, new) for old, new in zip(before["products"], after["products"], strict=True)
               if old != new]
    assert len(changed) == 1
    with demo() as s:
        product = s.get(Product, "P7001")
        assert product is not None and product.price == Decimal("42.80")
        assert product.cost == Decimal("26.00")


def test_reimported_order_replaces_its_lines_exactly(demo: sessionmaker[Session], tmp_path: Path) -> None:
    for entity in ("members", "products", "orders"):
        assert run(demo, entity, SAMPLES_DIR / f"{entity}.csv").ok
    other_lines_before = [r for r in snapshot(demo)["order_lines"]
                          if r[1] != "POS-S001-20261208-001"]
    rows = sample_rows("orders")
    header, pos_rows = rows[0], [r for r in rows[1:] if r[0] == "POS-S001-20261208-001"]
    rest = [r for r in rows[1:] if r[0] != "POS-S001-20261208-001"]
    apple, _blueberry, milk = pos_rows
    apple[header.index("数量")] = "2"
    path = write(tmp_path, "o.csv", csv_text([header, milk, apple, *rest]))

    report = run(demo, "orders", path)

    assert report.ok and (report.inserted, report.updated, report.unchanged) == (0, 1, 4)
    with demo() as s:
        order = s.get(Order, "POS-S001-20261208-001")
        assert order is not None
        assert (order.subtotal, order.total) == (Decimal("108.40"), Decimal("103.40"))
        lines = s.scalars(select(OrderLine).where(OrderLine.order_id == order.id)
                          .order_by(OrderLine.id)).all()
        assert [(ln.sku, ln.qty, ln.unit_price, ln.amount) for ln in lines] == [
            ("P2001", 1, Decimal("16.80"), Decimal("16.80")),
            ("P7001", 2, Decimal("45.80"), Decimal("91.60"))]
    assert [r for r in snapshot(demo)["order_lines"]
            if r[1] != "POS-S001-20261208-001"] == other_lines_before
    again = run(demo, "orders", path)
    assert (again.updated, again.unchanged) == (0, 5)


def test_inventory_without_a_time_column_keeps_times_on_reimport(
        demo: sessionmaker[Session], tmp_path: Path) -> None:
    text = "store_id,sku,on_hand\nS001,P1001,10\nS002,P1001,5\n"
    path = write(tmp_path, "i.csv", text)

    first = import_csv(demo, "inventory", path, now=datetime(2026, 12, 9, 20, 0))
    second = import_csv(demo, "inventory", path, now=datetime(2026, 12, 10, 20, 0))
    third = import_csv(demo, "inventory", write(tmp_path, "i2.csv", text.replace(",5\n", ",4\n")),
                       now=datetime(2026, 12, 11, 20, 0))

    assert (first.inserted, first.unchanged) == (1, 1)  # S001/P1001 already held 10
    assert (second.updated, second.unchanged) == (0, 2)
    assert (third.updated, third.unchanged) == (1, 1)
    with demo() as s:
        kept = s.get(Inventory, ("S001", "P1001"))
        moved = s.get(Inventory, ("S002", "P1001"))
        assert kept is not None and kept.updated_at == datetime(2026, 12, 1, 8, 0)
        assert moved is not None and (moved.on_hand, moved.updated_at) == (4, datetime(2026, 12, 11, 20, 0))


def test_dry_run_counts_but_writes_nothing(demo: sessionmaker[Session]) -> None:
    before = snapshot(demo)

    report = run(demo, "members", SAMPLES_DIR / "members.csv", dry_run=True)

    assert report.ok and report.dry_run and report.inserted == 6
    assert snapshot(demo) == before
    assert "试运行" in render_report(report)


# --- all or nothing ------------------------------------------------------------------------------

MEMBER_HEADER = "会员编号,姓名,手机号,门店编号,注册时间,生日,会员等级\n"
BAD_MEMBERS = MEMBER_HEADER + (
    "M9101,好会员,13900009101,S001,2026-12-01,,金卡\n"        # 2 fine
    "M9102,错手机,1390000912,S001,2026-12-01,,普通会员\n"     # 3 phone has 10 digits
    "M9103,错日期,13900009103,S001,2026-12-01,1990-02-30,\n"  # 4 no such day
    "M9101,重复号,13900009104,S001,2026-12-01,,\n"            # 5 duplicate id
    "M9105,,13900009105,S001,2026-12-01,,\n"                  # 6 name missing
    "M9106,占用手机,13800000001,S001,2026-12-01,,\n"           # 7 phone of demo M0001
    "M9107,错门店,13900009107,S009,2026-12-01,,\n"             # 8 unknown store
    "M0002,张婷,13800000002,S001,2025-01-01 10:00,,金卡\n"     # 9 fine: an update
    "M9108,错等级,13900009108,S001,2026-12-01,,钻石卡\n"        # 10 unknown level
)
BAD_MEMBER_CELLS = {(3, "手机号"), (4, "生日"), (5, "会员编号"), (6, "姓名"), (7, "手机号"),
                    (8, "门店编号"), (10, "会员等级")}

PRODUCT_HEADER = "sku,name,category,spec,price,cost,supplier_id,shelf_life_days,launched_on\n"
BAD_PRODUCTS = PRODUCT_HEADER + (
    "P7101,好商品,水果,1kg,10.00,5.00,SUP01,7,\n"          # 2 fine
    "P7102,负价,水果,1kg,-5.00,5.00,SUP01,7,\n"            # 3 negative price
    "P7103,三位小数,水果,1kg,12.345,5.00,SUP01,7,\n"       # 4 three decimals
    "P7101,重复,水果,1kg,10.00,5.00,SUP01,7,\n"            # 5 duplicate sku
    "P7105,没供应商,水果,1kg,10.00,5.00,SUP99,7,\n"        # 6 unknown supplier
    "P7106,错日期,水果,1kg,10.00,5.00,SUP01,7,2026/13/01\n"  # 7 bad date
    "P7107,没规格,水果,,10.00,5.00,SUP01,7,\n"             # 8 spec missing
    "P1001,云南高原蓝莓,水果,125g/盒,9.90,9.50,SUP01,7,\n"  # 9 fine: a price change
)
BAD_PRODUCT_CELLS = {(3, "price"), (4, "price"), (5, "sku"), (6, "supplier_id"), (7, "launched_on"),
                     (8, "spec")}

ORDER_HEADER = "订单号,门店编号,会员编号,下单时间,渠道,履约方式,订单状态,商品编码,数量,单价\n"
BAD_ORDERS = ORDER_HEADER + (
    "SO-1,S001,M0001,2026-12-08 10:00,POS,自提,已完成,P1001,1,19.90\n"   # 2 fine
    "SO-1,S001,M0001,2026-12-08 10:00,POS,自提,已完成,P9999,1,19.90\n"   # 3 unknown SKU
    "SO-2,S001,,2026-12-32 10:00,POS,自提,已完成,P1001,1,19.90\n"        # 4 bad date
    "SO-3,S001,,2026-12-08 10:00,外卖,自提,已完成,P1001,1,19.90\n"       # 5 unknown channel
    "SO-4,S001,M0001,2026-12-08 10:00,POS,自提,已完成,P1001,0,19.90\n"   # 6 qty 0
    "SO-5,S002,,2026-12-08 11:00,小程序,配送,已付款,P1002,1,25.80\n"     # 7 fine
    "SO-5,S002,,2026-12-08 11:05,小程序,配送,已付款,P1003,1,39.90\n"     # 8 time differs in order
    "SO-5,S002,,2026-12-08 11:00,小程序,配送,已付款,P1002,2,25.80\n"     # 9 repeated SKU in order
    "SO-6,S001,,2026-12-08 12:00,POS,自提,已完成,P1001,1,\n"            # 10 unit price missing
    "SO-7,S001,M0404,2026-12-08 12:00,POS,自提,已完成,P1001,1,19.90\n"  # 11 unknown member
)
BAD_ORDER_CELLS = {(3, "商品编码"), (4, "下单时间"), (5, "渠道"), (6, "数量"), (8, "下单时间"),
                   (9, "商品编码"), (10, "单价"), (11, "会员编号")}


@pytest.mark.parametrize(("entity", "content", "expected"), [
    ("members", BAD_MEMBERS, BAD_MEMBER_CELLS),
    ("products", BAD_PRODUCTS, BAD_PRODUCT_CELLS),
    ("orders", BAD_ORDERS, BAD_ORDER_CELLS),
])
def test_a_file_with_bad_rows_writes_nothing_and_reports_each(
        demo: sessionmaker[Session], tmp_path: Path, entity: str, content: str,
        expected: set[tuple[int, str]]) -> None:
    before = snapshot(demo)

    report = run(demo, entity, write(tmp_path, f"{entity}.csv", content))

    assert not report.ok
    assert bad_cells(report) == expected
    assert (report.inserted, report.updated, report.unchanged) == (0, 0, 0)
    assert [e.line for e in report.errors] == sorted(e.line for e in report.errors)
    assert_bilingual(report)
    assert snapshot(demo) == before


def test_bad_row_messages_say_why(demo: sessionmaker[Session], tmp_path: Path) -> None:
    report = run(demo, "members", write(tmp_path, "m.csv", BAD_MEMBERS))
    by_line = {e.line: e for e in report.errors}

    assert "11 位" in by_line[3].message_zh and "10 位" in by_line[3].message_zh
    assert "第 2 行" in by_line[5].message_zh and "line 2" in by_line[5].message_en
    assert "必填" in by_line[6].message_zh
    assert "M0001" in by_line[7].message_zh and "138****0001" in by_line[7].message_zh
    assert "13800000001" not in by_line[7].message_zh + by_line[7].message_en
    assert "S009" in by_line[8].message_zh


def test_an_unquoted_comma_is_reported_on_its_line(demo: sessionmaker[Session], tmp_path: Path) -> None:
    content = PRODUCT_HEADER + "P7101,苹果,水果,1kg,10.00,5.00,SUP01,7,,产地,新疆\n"

    report = run(demo, "products", write(tmp_path, "p.csv", content))

    assert [(e.line, e.column) for e in report.errors] == [(2, None)]
    assert "引号" in report.errors[0].message_zh


def test_line_numbers_are_physical_lines_and_full_width_digits_are_read(
        demo: sessionmaker[Session], tmp_path: Path) -> None:
    lines = [
        "会员编号,姓名,手机号,门店编号,注册时间,备注",
        'M9101,甲,１３９００００９１０１,S001,2026-12-01,"两行的\r\n备注"',  # lines 2-3
        "M9102,乙,139000091,S001,2026-12-01,",                            # line 4
        "",                                                                # line 5
        "M9103,丙,13900009103,S001,2026-12-01 25:00,",                     # line 6
    ]
    bad = run(demo, "members", write(tmp_path, "m.csv", "\r\n".join(lines) + "\r\n", "gb18030"))

    assert bad_cells(bad) == {(4, "手机号"), (6, "注册时间")}
    lines[2], lines[4] = lines[2].replace("139000091", "13900009102"), lines[4].replace("25:00", "")
    good = run(demo, "members", write(tmp_path, "m2.csv", "\r\n".join(lines), "gb18030"))
    assert good.ok and good.inserted == 3
    with demo() as s:
        member = s.get(Member, "M9101")
        assert member is not None and member.phone == "13900009101"
        assert member.note == "两行的\r\n备注"


# --- encodings, delimiters, headers, unreadable files --------------------------------------------

@pytest.mark.parametrize(("encoding", "label"), [
    ("gbk", "GB18030"), ("gb18030", "GB18030"), ("utf-8-sig", "UTF-8 (BOM)"), ("utf-16", "UTF-16"),
])
def test_chinese_pos_encodings_import_like_utf8(
        demo: sessionmaker[Session], tmp_path: Path, encoding: str, label: str) -> None:
    path = write(tmp_path, "members.csv", sample_text("members"), encoding=encoding)

    report = run(demo, "members", path)
    utf8 = run(demo, "members", SAMPLES_DIR / "members.csv")

    assert report.ok and report.encoding == label and report.inserted == 6
    assert utf8.ok and utf8.encoding == "UTF-8" and (utf8.updated, utf8.unchanged) == (0, 6)


@pytest.mark.parametrize("delimiter", ["\t", ";"])
def test_tab_and_semicolon_delimiters_are_detected(
        demo: sessionmaker[Session], tmp_path: Path, delimiter: str) -> None:
    path = write(tmp_path, "products.csv", csv_text(sample_rows("products"), delimiter), "gbk")

    report = run(demo, "products", path)
    utf8 = run(demo, "products", SAMPLES_DIR / "products.csv")

    assert report.ok and report.delimiter == delimiter and report.inserted == 6
    assert (utf8.updated, utf8.unchanged) == (0, 6)


@pytest.mark.parametrize(("content", "fragment"), [
    (bytes(range(256)) * 8, "不是文本"),
    (b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 64, "Excel"),
    (b"", "空"),
    (b"\xef\xbb\xbf\r\n", "空"),
    ("会员编号,姓名\n".encode() + b"\x80\xff\x80\xff\n", "无法识别文件编码"),
    (b"member_id,name,phone,store_id,registered_at\n\x01\x02\x03garbage\x04\n", "控制字符"),
    (b"member_id,name,phone,store_id,registered_at\n", "没有数据行"),
])
def test_unreadable_files_are_reported_clearly(
        demo: sessionmaker[Session], tmp_path: Path, content: bytes, fragment: str) -> None:
    before = snapshot(demo)

    report = run(demo, "members", write(tmp_path, "members.csv", content))

    assert not report.ok
    assert len(report.errors) == 1 and report.errors[0].line == 0
    assert fragment in report.errors[0].message_zh
    assert_bilingual(report)
    assert snapshot(demo) == before


def test_missing_required_columns_are_one_clear_error(
        demo: sessionmaker[Session], tmp_path: Path) -> None:
    path = write(tmp_path, "m.csv", "会员编号,姓名,注册时间\nM9101,测试,2026-12-01\n")

    report = run(demo, "members", path)

    assert [(e.line, e.column) for e in report.errors] == [(1, None)]
    message = report.errors[0]
    assert "手机号" in message.message_zh and "门店编号" in message.message_zh
    assert "phone" in message.message_en and "store_id" in message.message_en
    assert run(demo, "members", write(tmp_path, "x.csv", "no header here")).errors[0].line == 1


def test_unknown_columns_warn_and_decorated_headers_are_understood(
        demo: sessionmaker[Session], tmp_path: Path) -> None:
    content = ("商品编码*,商品名称,品类,规格,售价（元）,成本价(元),供应商编号,保质期,积分倍数\n"
               "P7101,测试商品,水果,1kg,10.00,5.00,SUP01,7,2\n")

    report = run(demo, "products", write(tmp_path, "p.csv", content))

    assert report.ok and report.inserted == 1
    assert [(w.line, w.column) for w in report.warnings] == [(1, "积分倍数")]
    twice = run(demo, "products", write(tmp_path, "d.csv", content.replace("商品编码*", "sku,商品编码")
                                        .replace("P7101", "P7101,P7101")))
    assert (1, "商品编码") in bad_cells(twice)
    assert all(e.line == 1 for e in twice.errors)


# --- rendering and documentation -----------------------------------------------------------------

def test_render_report_puts_chinese_first_then_english(
        demo: sessionmaker[Session], tmp_path: Path) -> None:
    bad = run(demo, "members", write(tmp_path, "m.csv", BAD_MEMBERS))

    text = render_report(bad)
    lines = text.splitlines()

    assert lines[0].startswith("导入会员（members）：m.csv")
    zh = next(i for i, ln in enumerate(lines) if ln.startswith("第 3 行 [手机号]："))
    assert lines[zh + 1].strip().startswith("line 3 [手机号]: phone must be")
    assert "未写入任何数据" in text and "nothing was written" in text
    assert all(f"第 {n} 行" in text for n, _ in BAD_MEMBER_CELLS)
    short = render_report(bad, max_errors=2)
    assert "另有 5 个错误未显示" in short
    good = render_report(run(demo, "members", SAMPLES_DIR / "members.csv"))
    assert "导入成功：新增 6，更新 0，未变 0" in good and "6 inserted" in good


def test_docs_describe_every_column_and_alias() -> None:
    doc = DOCS.read_text(encoding="utf-8")

    for entity, model in ROW_MODELS.items():
        assert f"`{entity}`" in doc
        for column in columns_of(model):
            assert f"`{column.name}`" in doc, column.name
            for alias in (column.zh, *column.synonyms):
                assert alias in doc, alias


# --- PostgreSQL ----------------------------------------------------------------------------------

def test_import_on_postgresql(pg_engine: Engine, tmp_path: Path) -> None:
    factory = make_session_factory(pg_engine)
    seed_demo(factory)

    first = import_samples(factory)
    after_first = snapshot(factory)
    again = import_samples(factory)
    bad = run(factory, "members", write(tmp_path, "m.csv", BAD_MEMBERS))

    assert all(r.ok for r in first.values())
    assert all((r.inserted, r.updated) == (0, 0) for r in again.values())
    assert bad_cells(bad) == BAD_MEMBER_CELLS
    assert snapshot(factory) == after_first
    with factory() as s:
        order = s.get(Order, "POS-S001-20261208-001")
        assert order is not None and order.total == Decimal("97.40")
