"""A scripted OpenAI-compatible chat server on loopback, so the real ``openai`` client is exercised.

Each request to ``/v1/chat/completions`` consumes the next step of the script; a request with no
step left, or a step whose ``expect`` check fails, makes the test fail (script and run disagree).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Step:
    """One scripted answer: text, tool calls, a delay, an HTTP error, or a raw body."""

    content: str | None = None
    tool_calls: list[tuple[str, str]] = field(default_factory=list)  # (name, JSON arguments text)
    delay: float = 0.0
    status: int = 200
    expect: Callable[[dict[str, Any]], None] | None = None


def text(content: str, expect: Callable[[dict[str, Any]], None] | None = None) -> Step:
    """A plain answer."""
    return Step(content=content, expect=expect)


def calls(*pairs: tuple[str, dict[str, Any] | str], expect: Callable[[dict[str, Any]], None] | None = None) -> Step:
    """An answer with tool calls; a str argument is sent verbatim (to script malformed JSON)."""
    return Step(tool_calls=[(n, a if isinstance(a, str) else json.dumps(a, ensure_ascii=False)) for n, a in pairs],
                expect=expect)


class ScriptedOpenAI:
    """The server; use as a context manager, then read ``requests`` and ``problems``."""

    def __init__(self, steps: list[Step]) -> None:
        self.steps = list(steps)
        self.requests: list[dict[str, Any]] = []
        self.problems: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # quiet
                pass

            def do_POST(self) -> None:  # noqa: N802 - http.server API
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                server.requests.append(body)
                if not self.path.endswith("/chat/completions") or not server.steps:
                    server.problems.append(f"unexpected request #{len(server.requests)} to {self.path}")
                    self._send(400, {"error": {"message": "no scripted step left"}})
                    return
                step = server.steps.pop(0)
                if step.expect:
                    try:
                        step.expect(body)
                    except AssertionError as exc:
                        server.problems.append(f"request #{len(server.requests)}: {exc}")
                if step.delay:
                    time.sleep(step.delay)
                if step.status != 200:
                    self._send(step.status, {"error": {"message": "scripted failure", "type": "server_error"}})
                    return
                message: dict[str, Any] = {"role": "assistant", "content": step.content}
                if step.tool_calls:
                    message["tool_calls"] = [
                        {"id": f"call_{len(server.requests)}_{i}", "type": "function",
                         "function": {"name": name, "arguments": args}}
                        for i, (name, args) in enumerate(step.tool_calls)]
                self._send(200, {"id": f"chatcmpl-{len(server.requests)}", "object": "chat.completion",
                                 "created": 0, "model": body.get("model", "scripted"),
                                 "choices": [{"index": 0, "message": message,
                                              "finish_reason": "tool_calls" if step.tool_calls else "stop"}],
                                 "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}})

            def _send(self, status: int, payload: dict[str, Any]) -> None:
                data = json.dumps(payload, ensure_ascii=False).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout test)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        """The ``/v1`` URL to give the client."""
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    def __enter__(self) -> ScriptedOpenAI:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def assert_finished(self) -> None:
        """Every step was used and every expectation held."""
        assert not self.problems, self.problems
        assert not self.steps, f"{len(self.steps)} scripted step(s) never requested"


def offered_tools(body: dict[str, Any]) -> set[str]:
    """Names of the tools a request offered the model."""
    return {t["function"]["name"] for t in body.get("tools", [])}
