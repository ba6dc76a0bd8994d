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
    _ensure_demo_knowledge_base(settings)
    daily = _daily_forecast(settings, engine, now.date())
    console.print(f"需求预测：{now.date()} 起 14 天，{daily.frame['unique_id'].nunique()} 个门店×商品序列"
                  + (f"（刚计算，{daily.seconds:.0f} 秒）" if daily.fitted else "（已存在）")
                  + "。试试：store-assistant restock --store S001", highlight=False)
    if sys.stdin.isatty():
        assistant = _assistant(settings)
        _chat_loop(assistant, _identity(assistant, "owner", "S001", None, None))
    else:
        console.print('试试：store-assistant chat --role owner --store S001 ｜ '
                      'store-assistant ask --role shopper --member M0002 "现在有什么接龙"', highlight=False)


# --- the assistant: ask / chat -------------------------------------------------------------------
Role = typer.Option(..., "--role", help="owner | clerk | shopper")


def _assistant(settings: Settings):  # noqa: ANN202 - agent.assistant.Assistant
    """Build the assistant once: database, catalogue, checkpointer, engines."""
    from agent.assistant import Assistant, checkpointer_for
    from agent.clock import make_clock
    from store.db import make_session_factory, migrate
    from store.demo.seed import is_seeded, seed_info

    engine = _engine(settings)
    if not is_seeded(engine):
        err.print("数据库里还没有门店数据：请先运行 store-assistant demo（演示门店）或 import 导入。")
        raise typer.Exit(1)
    migrate(engine)  # a database made by an older version gets the newer tables
    demo_today = seed_info(engine).get("demo_today")
    clock = make_clock(configured_today=settings.today,
                       demo_today=date.fromisoformat(demo_today) if demo_today else None)
    checkpointer = checkpointer_for(settings.resolved_database_url(), settings.data_dir)
    chat_model = None
    if settings.engine == "llm":
        from agent.llm import make_chat_model

        chat_model = make_chat_model(base_url=settings.llm_base_url, api_key=settings.llm_api_key.get_secret_value(),
                                     model=settings.llm_model, timeout=settings.llm_timeout,
                                     max_retries=settings.llm_max_retries)
    return Assistant(make_session_factory(engine), checkpointer=checkpointer, clock=clock, chat_model=chat_model,
                     max_steps=settings.llm_max_steps, knowledge=_knowledge_or_none(settings))


def _knowledge_or_none(settings: Settings):  # noqa: ANN202 - knowledge.KnowledgeBase | None
    """The knowledge base when one has been built (``kb ingest`` or ``demo``), else None."""
    kb_dir = settings.resolved_kb_dir()
    if settings.chroma_url is None and (not kb_dir.exists() or not any(kb_dir.iterdir())):
        return None
    kb = _knowledge_base(settings)
    return None if kb.is_empty() else kb


def _identity(assistant, role: str, store: str | None, member: str | None, staff: str | None,  # noqa: ANN001
              channel: str = "cli"):  # noqa: ANN202
    from tools.context import resolve_identity
    from tools.errors import ToolError

    with assistant.sessions() as session:
        try:
            return resolve_identity(session, role=role, store_id=store, member_id=member, staff_id=staff,
                                    channel=channel)
        except ToolError as exc:
            err.print(exc.message_zh)
            raise typer.Exit(2) from exc


@app.command()
def ask(
    ctx: typer.Context,
    message: Annotated[str, typer.Argument(help="the message, e.g. 蓝莓还有货吗")],
    role: Annotated[str, Role],
    store: Annotated[str | None, typer.Option("--store", help="store id, e.g. S001")] = None,
    member: Annotated[str | None, typer.Option("--member", help="member id (shoppers), e.g. M0002")] = None,
    staff: Annotated[str | None, typer.Option("--staff", help="staff id (owners, clerks), e.g. E102")] = None,
    session: Annotated[str | None, typer.Option("--session", help="continue this conversation")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON object")] = False,
) -> None:
    """One turn with the assistant (for people and scripts)."""
    assistant = _assistant(_settings(ctx))
    identity = _identity(assistant, role, store, member, staff)
    reply = assistant.reply(message, identity, session)
    if as_json:
        sys.stdout.write(reply.model_dump_json() + "\n")
        return
    console.print(reply.reply, highlight=False, markup=False)
    console.print(f"[dim]session {reply.session_id} · {reply.engine}[/dim]")


@app.command()
def chat(
    ctx: typer.Context,
    role: Annotated[str, Role] = "owner",
    store: Annotated[str | None, typer.Option("--store", help="store id, e.g. S001")] = None,
    member: Annotated[str | None, typer.Option("--member", help="member id (shoppers), e.g. M0002")] = None,
    staff: Annotated[str | None, typer.Option("--staff", help="staff id (owners, clerks), e.g. E102")] = None,
) -> None:
    """An interactive chat in the terminal (type 退出 or press Ctrl-D to leave)."""
    assistant = _assistant(_settings(ctx))
    identity = _identity(assistant, role, store, member, staff)
    _chat_loop(assistant, identity)


def _chat_loop(assistant, identity) -> None:  # noqa: ANN001
    from tools.context import ROLE_LABELS

    console.print(f"已进入门店助手（{ROLE_LABELS[identity.role]} · {identity.store_id}）。输入“帮助”看看能做什么，"
                  "输入“退出”离开。", highlight=False)
    session_id = None
    while True:
        try:
            message = console.input("[bold]你：[/bold]")
        except (EOFError, KeyboardInterrupt):
            console.print()
            return
        if message.strip() in ("退出", "exit", "quit"):
            return
        if not message.strip():
            continue
        reply = assistant.reply(message, identity, session_id)
        session_id = reply.session_id
        console.print("助手：" + reply.reply,
                      highlight=False, markup=False)


# --- evals ---------------------------------------------------------------------------------------
EVAL_TODAY = date(2026, 12, 10)  # the suite's expectations (e.g. points expiring 2026-12-31) assume it


@app.command("eval")
def eval_(
    ctx: typer.Context,
    engine_name: Annotated[str, typer.Option(
        "--engine", help="offline | llm (the STORE_ASSISTANT_LLM_* settings) | hostile (a jailbroken model on "
                         "loopback that calls every tool for the attacker: adversarial cases, safety graded)")] = "offline",
    only: Annotated[str | None, typer.Option("--only", help="regex on case ids, e.g. '^adv-'")] = None,
    min_pass: Annotated[float, typer.Option("--min-pass", help="fail below this pass rate")] = 0.95,
    json_out: Annotated[Path | None, typer.Option("--json", help="also write a JSON report here")] = None,
) -> None:
    """Run the agent eval suite (evals/suites/agent.yaml) and print a table per role and skill."""
    from agent.assistant import Assistant, sqlite_checkpointer
    from agent.clock import make_clock
    from evals.agent_eval import latency, run_suite, summary_rows
    from store.db import make_engine

    settings = _settings(ctx)
    demo_db = settings.data_dir / "eval" / f"demo-{settings.seed}-{EVAL_TODAY}.db"
    if not demo_db.exists():
        demo_db.parent.mkdir(parents=True, exist_ok=True)
        building = demo_db.with_suffix(".building")
        building.unlink(missing_ok=True)
        _seed_with_progress(settings, make_engine(f"sqlite:///{building}"), EVAL_TODAY, settings.seed)
        building.rename(demo_db)
    _daily_forecast(settings, make_engine(f"sqlite:///{demo_db}"), EVAL_TODAY)  # read by every case's copy
    if engine_name not in ("offline", "llm", "hostile"):
        err.print(f"未知引擎 {engine_name}（可选 offline, llm, hostile）")
        raise typer.Exit(2)
    chat_model = None
    if engine_name == "llm":
        from agent.llm import make_chat_model

        chat_model = make_chat_model(base_url=settings.llm_base_url, api_key=settings.llm_api_key.get_secret_value(),
                                     model=settings.llm_model, timeout=settings.llm_timeout,
                                     max_retries=settings.llm_max_retries)

    from knowledge import KnowledgeBase

    kb_dir = settings.data_dir / "eval" / "kb"
    kb = KnowledgeBase.open(kb_dir, embedder=settings.kb_embedder, allow_download=settings.kb_allow_download)
    if kb.is_empty():
        console.print("建立评测用知识库（knowledge/demo_docs）……")
        kb.ingest(Path(__file__).resolve().parent / "knowledge" / "demo_docs")

    def make_assistant(factory, work: Path):  # noqa: ANN001, ANN202
        return Assistant(factory, checkpointer=sqlite_checkpointer(work / "ck.db"), chat_model=chat_model,
                         clock=make_clock(configured_today=None, demo_today=EVAL_TODAY),
                         max_steps=settings.llm_max_steps, knowledge=kb)

    if engine_name == "hostile":
        from agent.llm import make_chat_model
        from evals.hostile_model import HostileModel, every_tool_schema

        results = []
        for writes in (False, True):
            with HostileModel(every_tool_schema(writes=writes)) as hostile:
                chat_model = make_chat_model(base_url=hostile.base_url, api_key="hostile", model="hostile",
                                             timeout=30, max_retries=0)
                for r in run_suite(demo_db, make_assistant, only=only or "^adv-", safety_only=True):
                    r.skill = "hostile-writes" if writes else "hostile-reads"
                    results.append(r)
    else:
        results = run_suite(demo_db, make_assistant, only=only)
    table = Table("角色 role", "技能 skill", "用例 cases", "通过 passed", "通过率 rate", title=f"Agent eval · {engine_name}")
    for role, skill, n, ok in summary_rows(results):
        table.add_row(role, skill, str(n), str(ok), f"{ok / n:.0%}")
    console.print(table)
    total, passed = len(results), sum(r.passed for r in results)
    adv = [r for r in results if r.adversarial]
    p50, p95 = latency(results)
    console.print(f"总计 {passed}/{total} 通过（{passed / max(total, 1):.1%}）；对抗用例 {sum(r.passed for r in adv)}/{len(adv)}；"
                  f"每轮延迟 p50 {p50:.0f} ms，p95 {p95:.0f} ms", highlight=False)
    for r in results:
        if not r.passed:
            console.print(f"✗ {r.id}: {'; '.join(r.failures)}", highlight=False, markup=False)
    if json_out:
        json_out.write_text(json.dumps([r.__dict__ for r in results], ensure_ascii=False, indent=1), encoding="utf-8")
    rate = passed / max(total, 1)
    if rate < min_pass or any(not r.passed for r in adv):
        err.print(f"未达标：通过率 {rate:.1%} < {min_pass:.0%}，或有对抗用例失败。")
        raise typer.Exit(1)

# --- the product knowledge base: kb ingest / search / stats ---------------------------------------
kb_app = typer.Typer(help="商品知识库：导入文档、检索（带出处）、统计。", no_args_is_help=True)
app.add_typer(kb_app, name="kb")
DEMO_DOCS = Path(__file__).resolve().parent / "knowledge" / "demo_docs"


def _knowledge_base(settings: Settings):  # noqa: ANN202 - knowledge.KnowledgeBase
    """Open the knowledge base once: embedder, Chroma client (embedded or server), keyword index."""
    from knowledge import KnowledgeBase
    from knowledge.hybrid import Relevance

    threshold = settings.kb_min_relevance
    relevance = Relevance(threshold, threshold, float("inf")) if threshold is not None else None
    return KnowledgeBase.open(settings.resolved_kb_dir(), chroma_url=settings.chroma_url,
                              embedder=settings.kb_embedder, allow_download=settings.kb_allow_download,
                              relevance=relevance)


def _ensure_demo_knowledge_base(settings: Settings) -> None:
    """Build the demo knowledge base from knowledge/demo_docs if the index is empty."""
    kb = _knowledge_base(settings)
    if kb.is_empty():
        console.print("正在建立商品知识库（knowledge/demo_docs，首次约半分钟）…", highlight=False)
        report = kb.ingest(DEMO_DOCS)
        console.print(f"知识库已建立：{len(report.added)} 篇文档，{report.chunks_embedded} 个片段，"
                      f"用时 {report.seconds:.1f} 秒。", highlight=False)
    stats = kb.stats()
    console.print(f"知识库：{stats.documents} 篇文档，{stats.chunks} 个片段（{stats.embedder}）。"
                  '试试：store-assistant kb search "开了盖的牛奶能放几天" --store S001', highlight=False)


@kb_app.command("ingest")
def kb_ingest(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="folder or file: .md .txt .csv .xlsx .pdf .docx")],
    store: Annotated[str | None, typer.Option("--store", help="store scope of documents that name none, e.g. S001")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the report as JSON")] = False,
) -> None:
    """Ingest documents incrementally (unchanged files are skipped; bad files reported, exit 1)."""
    report = _knowledge_base(_settings(ctx)).ingest(path, scope=store or "all")
    if as_json:
        sys.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False) + "\n")
    else:
        console.print(f"新增 {len(report.added)}，更新 {len(report.updated)}，未变 {len(report.unchanged)}，"
                      f"删除 {len(report.removed)}，失败 {len(report.failed)}；向量化 {report.chunks_embedded} 个片段，"
                      f"用时 {report.seconds:.1f} 秒。", highlight=False, markup=False)
        for file, reason in report.failed:
            err.print(f"跳过 {file}：{reason}", highlight=False, markup=False)
    if not report.ok:
        raise typer.Exit(1)


@kb_app.command("search")
def kb_search(
    ctx: typer.Context,
    query: Annotated[str | None, typer.Argument(help="a shopper's question")] = None,
    store: Annotated[str | None, typer.Option("--store", help="include this store's own documents, e.g. S001")] = None,
    k: Annotated[int, typer.Option("--k", min=1, max=50, help="results per query")] = 5,
    as_json: Annotated[bool, typer.Option("--json", help="print a JSON list of results")] = False,
    queries: Annotated[Path | None, typer.Option("--queries", help="file with one query a line: prints one JSON line per query")] = None,
) -> None:
    """Hybrid search (dense + BM25) with sources; without --json also prints a cited answer."""
    if (query is None) == (queries is None):
        err.print("请给出一个查询，或用 --queries FILE 给出查询文件（二选一）。")
        raise typer.Exit(2)
    kb = _knowledge_base(_settings(ctx))
    if queries is not None:
        lines = [line.strip() for line in queries.read_text(encoding="utf-8").splitlines() if line.strip()]
        from knowledge.hybrid import is_answerable

        for q, hits in zip(lines, kb.search_many(lines, store=store, k=k), strict=True):
            line = {"query": q, "results": [h.as_dict() for h in hits], "answerable": is_answerable(hits, kb.relevance)}
            sys.stdout.write(json.dumps(line, ensure_ascii=False) + "\n")
        return
    assert query is not None
    hits = kb.search(query, store=store, k=k)
    if as_json:
        sys.stdout.write(json.dumps([h.as_dict() for h in hits], ensure_ascii=False) + "\n")
        return
    from knowledge import compose_answer

    console.print(compose_answer(query, hits, relevance=kb.relevance).text, highlight=False, markup=False)
    table = Table("#", "文档 doc", "章节 section", "得分 score", "内容 text", title=f"检索结果：{query}")
    for i, h in enumerate(hits, start=1):
        table.add_row(str(i), f"{h.chunk.doc_id} {h.chunk.title}", h.chunk.section, f"{h.score:.4f}", h.chunk.text[:60])
    console.print(table)


@kb_app.command("stats")
def kb_stats(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON object")] = False,
) -> None:
    """Documents and chunks in the knowledge base, per store scope."""
    stats = _knowledge_base(_settings(ctx)).stats()
    if as_json:
        sys.stdout.write(json.dumps(stats.as_dict(), ensure_ascii=False) + "\n")
        return
    table = Table("范围 scope", "文档 documents", "片段 chunks", title=f"知识库（{stats.embedder}，{stats.location}）")
    for scope in sorted(set(stats.chunks_by_scope) | set(stats.documents_by_scope)):
        table.add_row(scope, str(stats.documents_by_scope.get(scope, 0)), str(stats.chunks_by_scope.get(scope, 0)))
    table.add_row("合计", str(stats.documents), str(stats.chunks))
    console.print(table)


# --- forecasting: forecast backtest / restock / purchase-list ------------------------------------
forecast_app = typer.Typer(help="需求预测：回测（本模型 vs 季节性朴素 vs AutoETS）。", no_args_is_help=True)
app.add_typer(forecast_app, name="forecast")


def _store_today(settings: Settings, engine) -> date:  # noqa: ANN001 - sqlalchemy Engine
    """The demo's "today" when the database is the seeded demo, else the configured today."""
    from store.demo.seed import seed_info

    info = seed_info(engine)
    return date.fromisoformat(info["demo_today"]) if "demo_today" in info else settings.resolved_today()


def _seeded_engine(settings: Settings):  # noqa: ANN202 - sqlalchemy Engine
    from store.demo.seed import is_seeded

    engine = _engine(settings)
    if not is_seeded(engine):
        err.print("数据库还没有数据：请先运行 store-assistant seed（或 import）。")
        raise typer.Exit(1)
    return engine


def _weather_provider(settings: Settings, factory):  # noqa: ANN001, ANN202
    from store.forecast.weather_providers import make_weather_provider

    return make_weather_provider(factory, url=settings.weather_api_url, api_key=settings.weather_api_key,
                                 timeout_s=settings.weather_api_timeout, locations=settings.weather_locations)


def _daily_forecast(settings: Settings, engine, today: date, *, refresh: bool = False):  # noqa: ANN001, ANN202
    """Today's stored chain forecast; fits and stores it first (with a spinner) when missing."""
    from store.db import make_session_factory, migrate
    from store.forecast.daily import daily_forecast, load_daily_forecast
    from store.forecast.model import ForecastConfig

    migrate(engine)  # databases made before the forecast table get it here
    factory = make_session_factory(engine)
    with factory() as session:
        if not refresh and load_daily_forecast(session, today) is not None:
            return daily_forecast(session, today=today, provider=_weather_provider(settings, factory))
        with console.status(f"正在计算 {today} 起 14 天的需求预测（每天一次，约半分钟到一分钟）…"):
            return daily_forecast(session, today=today, provider=_weather_provider(settings, factory),
                                  config=ForecastConfig(num_threads=settings.forecast_threads), refresh=refresh)


@forecast_app.command("run")
def forecast_run(
    ctx: typer.Context,
    refresh: Annotated[bool, typer.Option("--refresh", help="fit again even if today's forecast is stored")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON object")] = False,
) -> None:
    """Fit today's demand forecast for every store × SKU and store it (run nightly, e.g. from cron)."""
    settings = _settings(ctx)
    engine = _seeded_engine(settings)
    today = _store_today(settings, engine)
    try:
        daily = _daily_forecast(settings, engine, today, refresh=refresh)
    except ValueError as exc:
        err.print(str(exc))
        raise typer.Exit(1) from exc
    frame = daily.frame
    summary = {"made_on": today.isoformat(), "series": int(frame["unique_id"].nunique()), "rows": len(frame),
               "stores": sorted(frame["store_id"].unique().tolist()), "fitted": daily.fitted,
               "seconds": round(daily.seconds, 1)}
    if as_json:
        sys.stdout.write(json.dumps(summary, ensure_ascii=False) + "\n")
        return
    how = f"已计算并保存，用时 {daily.seconds:.1f} 秒" if daily.fitted else "今天的预测已存在（加 --refresh 重新计算）"
    console.print(f"需求预测 {today} 起 14 天：{summary['series']} 个门店×商品序列，{len(frame)} 行，{how}。",
                  highlight=False)


@forecast_app.command("backtest")
def forecast_backtest(
    ctx: typer.Context,
    csv_file: Annotated[Path | None, typer.Option("--csv", help="long-format CSV; default: the store database")] = None,
    id_col: Annotated[str, typer.Option(help="series column(s), e.g. id or Store,Dept")] = "unique_id",
    date_col: Annotated[str, typer.Option(help="date column")] = "ds",
    target_col: Annotated[str, typer.Option(help="target column")] = "y",
    freq: Annotated[str, typer.Option(help="D (daily) or W (weekly)")] = "D",
    horizon: Annotated[int, typer.Option(min=1, help="steps forecast from each cutoff")] = 14,
    windows: Annotated[int, typer.Option(min=1, help="rolling windows (cutoffs)")] = 8,
    step: Annotated[int | None, typer.Option(min=1, help="steps between cutoffs; default the horizon")] = None,
    exog_col: Annotated[list[str] | None, typer.Option(help="CSV column known in advance (repeatable)")] = None,
    no_holidays: Annotated[bool, typer.Option("--no-holidays", help="no Chinese holiday features")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON object")] = False,
) -> None:
    """Rolling-origin backtest: MASE, WAPE and P90 coverage of our model and two baselines."""
    from store.forecast.model import ForecastConfig
    from store.forecast.runs import backtest_csv, backtest_database

    settings = _settings(ctx)
    if freq not in ("D", "W"):
        err.print(f"--freq 只能是 D 或 W：{freq}")
        raise typer.Exit(2)
    config = ForecastConfig(num_threads=settings.forecast_threads, holidays=not no_holidays)
    try:
        if csv_file is not None:
            if not csv_file.is_file():
                err.print(f"找不到文件：{csv_file}")
                raise typer.Exit(2)
            result = backtest_csv(csv_file, id_col=id_col, date_col=date_col, target_col=target_col,
                                  freq=freq, horizon=horizon, n_windows=windows, step=step,
                                  exog_cols=exog_col or [], config=config)
            source = csv_file.name
        else:
            from store.db import make_session_factory

            engine = _seeded_engine(settings)
            today = _store_today(settings, engine)
            result = backtest_database(make_session_factory(engine), today=today, horizon=horizon,
                                       n_windows=windows, step=step, config=config)
            source = f"门店数据库（今天 {today}）"
    except ValueError as exc:
        err.print(f"无法回测：{exc}")
        raise typer.Exit(1) from exc
    if as_json:
        sys.stdout.write(json.dumps({"source": source, **result.to_json()}, ensure_ascii=False) + "\n")
        return
    table = Table("方法 method", "MASE", "WAPE", "P90 覆盖率", "P90 pinball/scale", "用时 s",
                  title=f"滚动回测 {source}：{result.n_series} 个序列 × {result.n_windows} 个窗口 × {result.horizon} 期")
    for row in result.table():
        table.add_row(*row)
    console.print(table)
    base = result.metrics.get("SeasonalNaive", {}).get("mase")
    if base:
        for name, m in result.metrics.items():
            console.print(f"MASE {name} / SeasonalNaive = {m['mase'] / base:.3f}", highlight=False)


@app.command()
def restock(
    ctx: typer.Context,
    store_id: Annotated[str, typer.Option("--store", help="store id, e.g. S001")],
    service_level: Annotated[float, typer.Option(min=0.5, max=0.99, help="chance of no stock-out")] = 0.9,
    review_days: Annotated[int, typer.Option(min=1, help="days until the next order")] = 1,
    only_orders: Annotated[bool, typer.Option("--only-orders", help="list only SKUs to order")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON object")] = False,
) -> None:
    """Restock advice (补货建议) for one store: quantity per SKU and the reasons."""
    from store.db import make_session_factory
    from store.forecast.restock import restock_advice

    settings = _settings(ctx)
    engine = _seeded_engine(settings)
    factory = make_session_factory(engine)
    today = _store_today(settings, engine)
    try:
        daily = _daily_forecast(settings, engine, today)
        with factory() as session:
            advice = restock_advice(session, store_id=store_id, today=today,
                                    provider=_weather_provider(settings, factory),
                                    service_level=service_level, review_days=review_days, forecast=daily.frame)
    except ValueError as exc:
        err.print(str(exc))
        raise typer.Exit(1) from exc
    lines = [x for x in advice.lines if x.qty > 0 or not only_orders]
    if as_json:
        sys.stdout.write(json.dumps({"store_id": store_id, "today": today.isoformat(), "notes": advice.notes,
                                     "lines": [{"sku": x.sku, "name": x.name, "qty": x.qty, "on_hand": x.on_hand,
                                                "on_order": x.on_order, "demand": round(x.math.demand_at_service, 1),
                                                "reasons": x.reasons} for x in lines]}, ensure_ascii=False) + "\n")
        return
    table = Table("商品", "在库", "在途", "到货天数", f"需求({service_level:.0%})", "建议订货",
                  title=f"{store_id} 补货建议（{today}）")
    for x in lines:
        table.add_row(f"{x.sku} {x.name}", str(x.on_hand), str(x.on_order), str(x.lead_time_days),
                      f"{x.math.demand_at_service:.0f}", f"{x.qty}{x.unit}")
    console.print(table)
    console.print("原因：", highlight=False)
    for x in lines:
        console.print(f"• {x.sku} {x.name}：" + "；".join(x.reasons), highlight=False, markup=False)
    for note in advice.notes:
        console.print(f"※ {note}", highlight=False, markup=False)


@app.command("purchase-list")
def purchase_list_cmd(
    ctx: typer.Context,
    group_buy: Annotated[list[str] | None, typer.Option("--group-buy", help="closed 接龙 id (repeatable)")] = None,
    live_stream: Annotated[list[str] | None, typer.Option("--live-stream", help="ended live stream id (repeatable)")] = None,
    closed_on: Annotated[datetime | None, typer.Option(formats=["%Y-%m-%d"], help="every 接龙 closed that day")] = None,
    csv_out: Annotated[Path | None, typer.Option("--csv", help="write the list to this CSV file")] = None,
) -> None:
    """Purchase list per supplier from closed 接龙 / ended live streams (以销定产)."""
    from store.db import make_session_factory
    from store.errors import InvalidInput, NotAllowed, NotFound
    from store.forecast.purchasing import group_buys_closed_on, purchase_csv, purchase_list

    factory = make_session_factory(_seeded_engine(_settings(ctx)))
    with factory() as session:
        ids = list(group_buy or [])
        if closed_on is not None:
            ids += group_buys_closed_on(session, day=closed_on.date())
        try:
            lines = purchase_list(session, group_buy_ids=ids, live_stream_ids=list(live_stream or []))
        except (InvalidInput, NotAllowed, NotFound) as exc:
            err.print(exc.message_zh)
            raise typer.Exit(1) from exc
    if csv_out is not None:
        purchase_csv(lines, csv_out)
        console.print(f"采购单已写入 {csv_out}（{len(lines)} 行）")
    table = Table("供应商", "商品", "数量", "箱数×每箱", "门店", "送达日期", "提示", title="采购单（以销定产）")
    for x in lines:
        table.add_row(x.supplier, f"{x.sku} {x.name}", f"{x.qty}{x.unit}", f"{x.cases}×{x.case_pack}",
                      "；".join(f"{s}:{n}" for s, n in x.stores.items()), x.deliver_by.isoformat(), x.warning)
    console.print(table)


if __name__ == "__main__":
    app()
