"""The ``store-assistant`` command line: a thin entry point that builds things once and routes."""

from __future__ import annotations

import json
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from settings import Settings

app = typer.Typer(
    help="Store Assistant 门店助手 — 社区零售门店的 AI 助手（演示门店：邻里优选）。",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
)
console = Console()
err = Console(stderr=True)


def _settings(ctx: typer.Context) -> Settings:
    return ctx.obj  # type: ignore[no-any-return]


@app.callback()
def main(ctx: typer.Context) -> None:
    """Read the settings once (environment variables STORE_ASSISTANT_* and .env)."""
    ctx.obj = Settings()


def _engine(settings: Settings):  # noqa: ANN202 - sqlalchemy Engine
    from store.db import make_engine

    return make_engine(settings.resolved_database_url())


def _seed_with_progress(settings: Settings, engine, today: date, seed: int) -> None:  # noqa: ANN001
    from store.demo.seed import seed_demo

    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.percentage:>3.0f}%"),
                  TimeElapsedColumn(), console=console) as bar:
        task = bar.add_task("准备", total=1)

        def report(step: str, done: int, total: int) -> None:
            bar.update(task, description=step, completed=done, total=max(total, 1))

        summary = seed_demo(engine, today=today, seed=seed, progress=report)
    console.print(f"演示门店已生成：{sum(summary.counts.values()):,} 行数据，用时 {summary.seconds} 秒"
                  f"（seed={seed}，today={today}）。")


@app.command()
def seed(
    ctx: typer.Context,
    force: Annotated[bool, typer.Option("--force", help="drop every table and seed again")] = False,
    today: Annotated[datetime | None, typer.Option(formats=["%Y-%m-%d"], help="demo 'today' (YYYY-MM-DD)")] = None,
    random_seed: Annotated[int | None, typer.Option("--seed", help="random seed of the generator")] = None,
) -> None:
    """Seed the demo store 邻里优选 (3 stores, ~2,000 members, 12 months of orders)."""
    from store.db import drop_everything
    from store.demo.seed import is_seeded, seed_info

    settings = _settings(ctx)
    engine = _engine(settings)
    day = today.date() if today else settings.resolved_today()
    if is_seeded(engine):
        if not force:
            info = seed_info(engine)
            console.print(f"数据库已有数据（demo today={info.get('demo_today', '?')}），未重复生成。"
                          "如需重建请加 --force。")
            return
        drop_everything(engine)
    _seed_with_progress(settings, engine, day, random_seed if random_seed is not None else settings.seed)


@app.command()
def stats(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON object of counts")] = False,
) -> None:
    """Show what is in the database (a count of every entity)."""
    from store.db import has_schema, make_session_factory
    from store.stats import ENTITY_LABELS_ZH, entity_counts

    engine = _engine(_settings(ctx))
    if not has_schema(engine):
        err.print("数据库还没有初始化：请先运行 store-assistant seed（或 import）。")
        raise typer.Exit(1)
    with make_session_factory(engine)() as session:
        counts = entity_counts(session)
    if as_json:
        sys.stdout.write(json.dumps(counts, ensure_ascii=False) + "\n")
        return
    table = Table("实体 entity", "数量 count", title="数据库概况")
    for name, n in counts.items():
        table.add_row(f"{ENTITY_LABELS_ZH[name]} {name}", f"{n:,}")
    console.print(table)


@app.command("import")
def import_(
    ctx: typer.Context,
    entity: Annotated[str, typer.Argument(help="members | products | inventory | orders")],
    file: Annotated[Path, typer.Argument(help="CSV file (UTF-8, UTF-8 with BOM, or GBK)")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="validate only, write nothing")] = False,
) -> None:
    """Import a store's own data from CSV: all rows or none (see docs/import.md)."""
    from store.db import make_session_factory, migrate
    from store.importing import import_csv, render_report

    if entity not in ("members", "products", "inventory", "orders"):
        err.print(f"不支持的导入类型：{entity}（可选 members, products, inventory, orders）")
        raise typer.Exit(2)
    if not file.is_file():
        err.print(f"找不到文件：{file}")
        raise typer.Exit(2)
    engine = _engine(_settings(ctx))
    migrate(engine)
    report = import_csv(make_session_factory(engine), entity, file, dry_run=dry_run)  # type: ignore[arg-type]
    console.print(render_report(report), highlight=False, markup=False)
    if not report.ok:
        raise typer.Exit(1)


@app.command()
def demo(ctx: typer.Context) -> None:
    """Seed the demo store if needed and show it (the README's run command)."""
    from store.db import make_session_factory
    from store.demo.seed import is_seeded, seed_info
    from store.stats import highlights, store_summaries

    settings = _settings(ctx)
    engine = _engine(settings)
    if not is_seeded(engine):
        _seed_with_progress(settings, engine, settings.resolved_today(), settings.seed)
    info = seed_info(engine)
    now = datetime.fromisoformat(info["demo_now"]) if "demo_now" in info else datetime.now()
    with make_session_factory(engine)() as session:
        rows = store_summaries(session, now=now)
        notes = highlights(session, now=now)
    table = Table("门店", "会员数", "近30天订单", "近30天销售额(元)", title=f"邻里优选 · 演示门店（今天 {now:%Y-%m-%d}）")
    for r in rows:
        table.add_row(f"{r.store_id} {r.name}", f"{r.members:,}", f"{r.orders_30d:,}", f"{r.sales_30d:,.2f}")
    console.print(table)
    for note in notes:
        console.print(f"• {note}", highlight=False, markup=False)
    console.print(f"数据库：{settings.resolved_database_url()}")
    console.print("试试：store-assistant stats ｜ store-assistant --help")


if __name__ == "__main__":
    app()
