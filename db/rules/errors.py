"""Error raised by the pure rules when a value cannot be accepted (message in Thai)."""

from __future__ import annotations


class RuleError(ValueError):
    """A value broke a rule; ``message`` is Thai text fit to show the user, ``field`` names the input."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message: str = message
        self.field: str | None = field

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"RuleError({self.message!r}, field={self.field!r})"
