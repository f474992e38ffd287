"""The one place that decides where the store and the config file live."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from tracker.text import mask

APP = "tracker"
PACKAGE = Path(__file__).parent
DB_ENV = "TRACKER_DB"
CONFIG_ENV = "TRACKER_CONFIG"


# platformdirs is imported where it is needed: most runs name their store and config.


def data_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir(APP, appauthor=False))


def config_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_config_dir(APP, appauthor=False))


def bundled(name: str) -> str:
    """The text of a data file shipped in the package (seed.json, default_config.toml ...).

    Read beside this module: the package is installed as plain files, and
    importlib.resources would cost every command a few milliseconds of imports.
    """
    return (PACKAGE / name).read_text("utf-8")


def resolve_config(option: str | Path | None) -> Path | None:
    """--config, then $TRACKER_CONFIG, then the user config dir's config.toml if it exists.

    None means: use the built-in defaults.
    """
    if option:
        return Path(option).expanduser()
    if os.environ.get(CONFIG_ENV):
        return Path(os.environ[CONFIG_ENV]).expanduser()
    candidate = config_dir() / "config.toml"
    return candidate if candidate.is_file() else None


_URL = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")


@dataclass(frozen=True)
class DbUrl:
    """A store named by URL (postgresql://..., sqlite:///path). Printing it hides the
    password, so that no message, table or log line can show one."""

    url: str = field(repr=False)

    @property
    def scheme(self) -> str:
        return self.url.split("://", 1)[0].lower()

    def __str__(self) -> str:
        return mask(self.url)

    def __repr__(self) -> str:
        return f"DbUrl({mask(self.url)!r})"


Location = Path | DbUrl


def location(value: str | Path) -> Location:
    """A file path, or a DbUrl when the value has a URL scheme."""
    text = str(value)
    if _URL.match(text) and not text.lower().startswith("file://"):
        return DbUrl(text)
    return Path(text).expanduser()


def resolve_db(option: str | Path | None, configured: str | None) -> Location:
    """--db, then $TRACKER_DB, then config.toml's [store] db, then the user data dir.

    The first one given is used; an empty or blank one (an unset variable in a cron line)
    is an error, neither a file named "   " nor, silently, some other store.
    """
    given = (("--db", option), (DB_ENV, os.environ.get(DB_ENV)), ("[store] db", configured))
    for what, value in given:
        if value is None:
            continue
        if not str(value).strip():
            from tracker.errors import InputError

            raise InputError(f"{what} is empty", hint=f"give {what} a store file or a "
                             "postgresql:// or sqlite:/// URL, or leave it out for the "
                             "default store")
        return location(value)
    return data_dir() / "tracker.json"
