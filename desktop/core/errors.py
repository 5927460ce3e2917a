"""Errors that use cases raise, with Thai messages that say what is wrong and where."""

from __future__ import annotations


class CoreError(Exception):
    """Base for errors shown to the user as they are."""

    def __init__(self, message: str, *, detail: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.detail = (
            detail  # technical text (a library's own words): for the log and "รายละเอียด", not the sentence
        )


class ValidationError(CoreError):
    """One or more fields are wrong; `errors` maps each field to its Thai message."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__("\n".join(self.errors.values()))


class NotFoundError(CoreError):
    pass


class RuleViolation(CoreError):
    """A business rule refuses the change (capacity full, already enrolled, not allowed now)."""


class StaleEditError(CoreError):
    """Someone else changed the record after it was opened for editing."""


class SetupRequiredError(CoreError):
    pass


class NotAllowedError(CoreError):
    """The person at the keyboard is not signed in, or their account's roles do not permit this."""
