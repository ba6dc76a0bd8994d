"""The tool registry: schemas from signatures and docstrings, roles and READ/WRITE declared on each
tool, and one way to call a tool that checks the role again and turns domain errors into messages.

A tool is a plain function ``fn(ctx: ToolContext, <typed args>) -> BaseModel``. Its Google-style
docstring's first paragraph is the description the model reads, its ``Args:`` the argument docs.
WRITE tools also have a ``preview`` that validates the action and says in Chinese exactly what it
will do; engines never run a WRITE tool without a confirmation turn (see ``agent``).
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Collection
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar, cast, get_args, get_type_hints

from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model

from store.errors import StoreError
from tools.context import Role, ToolContext
from tools.errors import ToolDenied, ToolError


class Access(StrEnum):
    """Whether a tool only reads, or changes data."""

    READ = "read"
    WRITE = "write"


@dataclass(frozen=True)
class ToolDef:
    """A registered tool."""

    name: str
    func: Callable[..., BaseModel]
    access: Access
    roles: frozenset[Role]
    description: str
    args_model: type[BaseModel]
    preview: Callable[..., str] | None = None

    def openai_schema(self) -> dict[str, Any]:
        """The OpenAI ``tools`` entry of this tool (derived, never hand-written)."""
        params = self.args_model.model_json_schema()
        params.pop("title", None)
        return {"type": "function",
                "function": {"name": self.name, "description": self.description, "parameters": params}}


REGISTRY: dict[str, ToolDef] = {}
ToolFunc = TypeVar("ToolFunc", bound=Callable[..., BaseModel])


def _doc_parts(doc: str) -> tuple[str, dict[str, str]]:
    text = inspect.cleandoc(doc or "")
    description = text.split("\n\n", 1)[0].replace("\n", " ").strip()
    args: dict[str, str] = {}
    match = re.search(r"^Args:\n((?:[ \t]+.+\n?)+)", text, flags=re.MULTILINE)
    if match:
        current = None
        for line in match.group(1).splitlines():
            item = re.match(r"\s+(\w+)(?: \([^)]*\))?:\s*(.*)", line)
            if item and not line.startswith(" " * 8):
                current = item.group(1)
                args[current] = item.group(2).strip()
            elif current:
                args[current] += " " + line.strip()
    return description, args


def _args_model(func: Callable[..., Any]) -> type[BaseModel]:
    hints = get_type_hints(func, include_extras=True)
    _, docs = _doc_parts(func.__doc__ or "")
    fields: dict[str, Any] = {}
    for name, param in list(inspect.signature(func).parameters.items())[1:]:  # skip ctx
        if name == "idempotency_key":  # supplied by the confirmation step, never by a model
            continue
        default = ... if param.default is inspect.Parameter.empty else param.default
        fields[name] = (hints[name], Field(default, description=docs.get(name)))
    model = create_model(f"{func.__name__}_args", __config__=ConfigDict(extra="forbid"), **fields)
    return model


def store_tool(*, roles: Collection[str], access: Access = Access.READ,
               preview: Callable[..., str] | None = None) -> Callable[[ToolFunc], ToolFunc]:
    """Register a tool function for the given roles (checked against ``owner | clerk | shopper``)."""
    unknown = set(roles) - set(get_args(Role))
    if unknown or not roles:
        raise TypeError(f"unknown or no roles: {sorted(unknown)}")

    def register(func: ToolFunc) -> ToolFunc:
        if access is Access.WRITE and preview is None:
            raise TypeError(f"WRITE tool {func.__name__} needs a preview")
        description, _ = _doc_parts(func.__doc__ or "")
        REGISTRY[func.__name__] = ToolDef(func.__name__, func, access, frozenset(cast("set[Role]", set(roles))),
                                          description,
                                          _args_model(func), preview)
        return func
    return register


def tools_for(role: Role) -> list[ToolDef]:
    """The tools a role may use, in a stable order (the only ones offered to a model)."""
    return [t for t in sorted(REGISTRY.values(), key=lambda t: t.name) if role in t.roles]


@dataclass(frozen=True)
class ToolOutcome:
    """The result of one tool call: data, or a message the caller can act on."""

    name: str
    args: dict[str, Any]
    ok: bool
    data: dict[str, Any] | None = None
    error_zh: str | None = None


def _lookup(ctx: ToolContext, name: str) -> ToolDef:
    tool = REGISTRY.get(name)
    if tool is None:
        raise ToolError(f"没有名为 {name} 的工具", f"unknown tool {name!r}")
    if ctx.identity.role not in tool.roles:
        raise ToolDenied("当前身份无权使用这个功能", f"role {ctx.identity.role} may not call {name}")
    return tool


def _validated(tool: ToolDef, args: dict[str, Any]) -> dict[str, Any]:
    try:
        return tool.args_model.model_validate(args or {}).model_dump()
    except ValidationError as exc:
        raise ToolError("参数有误：" + "；".join(_explain(e) for e in exc.errors()),
                        f"invalid arguments for {tool.name}: {exc}") from exc


def _explain(error: Any) -> str:
    name = ".".join(str(x) for x in error.get("loc", ())) or "参数"
    limits = error.get("ctx") or {}
    kind = error.get("type", "")
    if kind == "less_than_equal":
        return f"{name} 不能大于 {limits.get('le')}"
    if kind == "greater_than_equal":
        return f"{name} 不能小于 {limits.get('ge')}"
    if kind == "missing":
        return f"缺少 {name}"
    if kind == "extra_forbidden":
        return f"不认识的参数 {name}"
    return f"{name} 格式不对"


def call_tool(ctx: ToolContext, name: str, args: dict[str, Any] | None = None, *,
              confirmed: bool = False, idempotency_key: str | None = None) -> ToolOutcome:
    """Run a tool for the caller in ``ctx``: role check, argument validation, domain errors as text.

    A WRITE tool runs only with ``confirmed=True`` and an idempotency key; otherwise it is refused.
    """
    args = dict(args or {})
    try:
        tool = _lookup(ctx, name)
        clean = _validated(tool, args)
        if tool.access is Access.WRITE:
            if not (confirmed and idempotency_key):
                raise ToolDenied("写操作需要先确认", f"{name} needs a confirmation turn")
            clean["idempotency_key"] = idempotency_key
        result = tool.func(ctx, **clean)
    except (ToolError, StoreError) as exc:
        return ToolOutcome(name, args, ok=False, error_zh=exc.message_zh)
    return ToolOutcome(name, args, ok=True, data=result.model_dump(mode="json"))


def preview_write(ctx: ToolContext, name: str, args: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """Validate a WRITE action and describe it in Chinese, changing nothing.

    Raises:
        ToolError: unknown tool, role not allowed, not a WRITE tool, or invalid/impossible action.
    """
    tool = _lookup(ctx, name)
    if tool.access is not Access.WRITE or tool.preview is None:
        raise ToolError(f"{name} 不是写操作", f"{name} is not a WRITE tool")
    clean = _validated(tool, args)
    try:
        return clean, tool.preview(ctx, **clean)
    except StoreError as exc:
        raise ToolError(exc.message_zh, exc.message_en) from exc
