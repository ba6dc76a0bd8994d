"""Errors a tool raises for the model or the person to act on (with a plain Chinese message)."""

from __future__ import annotations


class ToolError(Exception):
    """A refusal or problem the caller can act on; real bugs raise other exceptions."""

    def __init__(self, message_zh: str, message_en: str = "") -> None:
        """Keep the Chinese message for people and the English one for logs."""
        super().__init__(message_zh, message_en)
        self.message_zh = message_zh
        self.message_en = message_en or message_zh

    def __str__(self) -> str:
        return self.message_en


class ToolDenied(ToolError):
    """The caller's role or scope does not allow this."""
