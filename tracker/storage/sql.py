"""The SQL backends (PostgreSQL, SQLite): not built yet."""

from __future__ import annotations

from typing import Any

from tracker.errors import InputError


def _unsupported(location: Any, *_: Any, **__: Any) -> Any:
    raise InputError(f"this tracker cannot open {location} yet: only store files",
                     hint="give --db a file path")


open_store = create_store = poll_lock = _unsupported
