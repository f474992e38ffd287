"""Load config.toml over the built-in defaults. No business logic lives here."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tracker.errors import ConfigError
from tracker.paths import bundled

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib


def _parse(text: str, where: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{where} is not valid TOML: {exc}") from None


def defaults() -> dict[str, Any]:
    """The built-in configuration: the same as the repository's config.toml."""
    text = bundled("default_config.toml")
    return _parse(text, "built-in config")


# Beyond these a number is surely a typo: it would exhaust memory or overflow a date.
MAXIMA = {"poll.concurrency": 1000, "poll.per_host": 1000, "poll.workers": 256,
          "poll.keep_unmatched_days": 36500, "news.days": 36500}


# Tables whose keys are the user's to choose (a language code, a party's name).
OPEN_TABLES = {"match.languages", "match.aliases"}


def _merge(base: dict[str, Any], over: dict[str, Any], where: str, path: str = "") -> None:
    """Overlay `over` onto `base`, refusing unknown keys and values of the wrong type."""
    for key, value in over.items():
        dotted = f"{path}{key}"
        if key not in base and path.rstrip(".") in OPEN_TABLES and isinstance(value, list):
            base[key] = [""]  # a new language or party name: a list of strings, checked
        if key not in base:
            known = ", ".join(sorted(base)) or "none"
            raise ConfigError(f"{where}: unknown key '{dotted}'", hint=f"known keys here: {known}")
        current = base[key]
        if isinstance(current, dict):
            if not isinstance(value, dict):
                raise ConfigError(f"{where}: '{dotted}' must be a table")
            _merge(current, value, where, f"{dotted}.")
            continue
        ok = isinstance(value, type(current)) or (
            isinstance(current, float) and isinstance(value, int) and not isinstance(value, bool)
        )
        if isinstance(current, bool) != isinstance(value, bool):
            ok = False
        if not ok:
            raise ConfigError(
                f"{where}: '{dotted}' must be {type(current).__name__}, "
                f"not {type(value).__name__} ({value!r})"
            )
        # `not value >= 0` refuses nan as well as negative numbers.
        if isinstance(current, (int, float)) and not isinstance(current, bool) and not value >= 0:
            raise ConfigError(f"{where}: '{dotted}' must be zero or more ({value!r})")
        if dotted in MAXIMA and value > MAXIMA[dotted]:
            raise ConfigError(f"{where}: '{dotted}' must be at most {MAXIMA[dotted]} ({value!r})")
        if isinstance(current, list) and current and not all(
                isinstance(v, type(current[0])) for v in value):
            raise ConfigError(f"{where}: '{dotted}' must be a list of {type(current[0]).__name__}")
        base[key] = value


def _check_feeds(feeds: Any, where: str) -> list[dict[str, str]]:
    if not isinstance(feeds, list):
        raise ConfigError(f"{where}: 'feeds' must be an array of tables ([[feeds]])")
    out = []
    for i, feed in enumerate(feeds, 1):
        if not isinstance(feed, dict) or not isinstance(feed.get("url"), str):
            raise ConfigError(f"{where}: feeds entry {i} needs a 'url' string")
        unknown = set(feed) - {"url", "name", "dispute"}
        if unknown:
            raise ConfigError(f"{where}: feeds entry {i} has unknown key(s) {sorted(unknown)}")
        out.append({k: str(v) for k, v in feed.items()})
    return out


@dataclass
class Config:
    data: dict[str, Any]
    source: Path | None  # None: built-in defaults only

    def section(self, name: str) -> dict[str, Any]:
        value = self.data.get(name, {})
        return value if isinstance(value, dict) else {}

    @property
    def feeds(self) -> list[dict[str, str]]:
        return list(self.data.get("feeds", []))


def load(path: Path | None) -> Config:
    """Defaults, overlaid by the file at `path` when one is given."""
    data = defaults()
    if path is None:
        return Config(data, None)
    where = str(path)
    try:
        text = path.read_text("utf-8")
    except FileNotFoundError:
        raise ConfigError(f"config file not found: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read config file {path}: {exc}") from None
    user = _parse(text, where)
    feeds = user.pop("feeds", None)
    _merge(data, user, where)
    if feeds is not None:
        data["feeds"] = _check_feeds(feeds, where)
    return Config(data, path)
