"""One exception family for the whole tool, and the exit codes it maps to.

The core raises these; only the CLI's error boundary turns them into a message on
stderr and an exit code.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    ERROR = 1  # the command could not do what was asked; nothing was changed
    USAGE = 2  # bad arguments or input (typer/click use 2 as well)
    PARTIAL = 3  # poll finished, but some feeds failed
    STORE = 4  # the store cannot be read or written
    LOCKED = 75  # EX_TEMPFAIL: another process holds the lock; try again later


class TrackerError(Exception):
    """Base of every error the tool reports to a user."""

    exit_code = ExitCode.ERROR

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class InputError(TrackerError):
    """A value given by the user (argument, file, config) is not acceptable."""

    exit_code = ExitCode.USAGE


class NotFoundError(InputError):
    """A slug, article or feed that does not exist."""


class ConflictError(InputError):
    """The record already exists (duplicate slug, URL ...)."""


class StoreError(TrackerError):
    """The store file cannot be read, parsed or written."""

    exit_code = ExitCode.STORE


class LockedError(TrackerError):
    """Another tracker process holds the lock."""

    exit_code = ExitCode.LOCKED


class ConcurrentEditError(TrackerError):
    """Someone else changed a record this command read, while it ran (a shared store):
    nothing of the command was written; running it again starts from their version."""

    exit_code = ExitCode.LOCKED


class ConfigError(InputError):
    """config.toml is unreadable or holds a bad value."""
