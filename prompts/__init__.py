"""Prompt and reply templates as files, and a strict loader.

``render(name, **values)`` renders ``prompts/<name>`` with Jinja2: a missing variable raises, and so
does a value passed that the template never uses — templates and code cannot drift apart silently.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, meta

PROMPTS_DIR = Path(__file__).parent
_env = Environment(loader=FileSystemLoader(PROMPTS_DIR), undefined=StrictUndefined,
                   trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=False, autoescape=False)


class PromptError(ValueError):
    """A template and the values given to it disagree."""


@cache
def _variables(name: str) -> frozenset[str]:
    source = (PROMPTS_DIR / name).read_text(encoding="utf-8")
    return frozenset(meta.find_undeclared_variables(_env.parse(source)))


def render(name: str, /, **values: Any) -> str:
    """Render a template file; unknown or missing variables raise :class:`PromptError`."""
    if not (PROMPTS_DIR / name).is_file():
        raise PromptError(f"no prompt template {name!r} in {PROMPTS_DIR}")
    needed = _variables(name)
    unused = set(values) - needed
    missing = needed - set(values)
    if unused or missing:
        raise PromptError(f"{name}: missing {sorted(missing)}, unused {sorted(unused)}")
    return _env.get_template(name).render(**values).strip()


def text(name: str, /) -> str:
    """A plain prompt file (no variables), e.g. ``system/owner.md``."""
    path = PROMPTS_DIR / name
    if not path.is_file():
        raise PromptError(f"no prompt file {name!r} in {PROMPTS_DIR}")
    return path.read_text(encoding="utf-8").strip()
