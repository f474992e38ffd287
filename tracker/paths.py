"""The one place that decides where the store and the config file live."""

from __future__ import annotations

import os
from pathlib import Path

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


def resolve_db(option: str | Path | None, configured: str | None) -> Path:
    """--db, then $TRACKER_DB, then config.toml's [store] db, then the user data dir."""
    for value in (option, os.environ.get(DB_ENV), configured):
        if value:
            return Path(value).expanduser()
    return data_dir() / "tracker.json"
