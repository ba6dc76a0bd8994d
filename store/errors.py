"""Domain errors a person can act on, each with a Simplified Chinese and an English message.

Tools catch :class:`StoreError` and show ``message_zh`` to the store owner, clerk or shopper; the
English text is for logs and developers. Anything that is not a ``StoreError`` is a bug and should
propagate.
"""

from __future__ import annotations


class StoreError(Exception):
    """Base class of the retail domain's user-actionable errors."""

    def __init__(self, message_zh: str, message_en: str) -> None:
        """Keep both messages; ``str(error)`` gives the English one for logs."""
        super().__init__(message_zh, message_en)
        self.message_zh = message_zh
        self.message_en = message_en

    def __str__(self) -> str:
        return self.message_en


class NotFound(StoreError):
    """The object asked for does not exist (or is outside the caller's store)."""


class NotAllowed(StoreError):
    """The action is not allowed in the object's current state (e.g. a closed group buy)."""


class Conflict(StoreError):
    """The action clashes with existing data (e.g. a phone number already registered)."""


class InvalidInput(StoreError):
    """An argument is malformed or out of range (e.g. a quantity of zero)."""
