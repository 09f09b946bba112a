"""One exception family for everything a user can get wrong.

Each error carries the source it concerns (a path, or a rule file) and, where
known, the 1-based line and column, so the CLI can print ``file:line:col:
message`` and never a traceback.
"""

from __future__ import annotations


class ComplianceError(Exception):
    """Base of every error this project raises on purpose."""

    #: CLI exit code for this family (2 usage/config, 3 unreadable document).
    exit_code = 2

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        line: int | None = None,
        column: int | None = None,
        detail: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.source = source
        self.line = line
        self.column = column
        #: Extra lines shown under the message (e.g. the source line and a caret).
        self.detail = detail

    @property
    def where(self) -> str:
        parts = [p for p in (self.source, self.line, self.column) if p is not None]
        return ":".join(str(p) for p in parts)

    def __str__(self) -> str:
        head = f"{self.where}: {self.message}" if self.where else self.message
        return f"{head}\n{self.detail}" if self.detail else head


class LoadError(ComplianceError):
    """A document could not be read (missing, unreadable, wrong encoding, not a disclosure)."""

    exit_code = 3


class UnsupportedFormatError(LoadError):
    """No loader accepts the file."""


class RuleError(ComplianceError):
    """A rule file is invalid: syntax, unknown names, bad params, duplicate ids."""


class ConfigError(ComplianceError):
    """The configuration is invalid: unknown keys, bad values, unknown rule ids."""


class PluginError(ComplianceError):
    """A plugin failed to import, or raised in a hook."""
