"""Every command, sub-command and option explains itself; --help and --version work."""

from __future__ import annotations

import importlib
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer

from tests import procs
from tracker import __version__, cli
from tracker.cli import app

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib


def walk(command: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    yield path, command
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        yield from walk(sub, (*path, name))


def registered_by(module: str) -> set[str]:
    """The top-level commands that importing tracker.cli.<module> adds to the app."""
    before = {c.name or c.callback.__name__ for c in app.registered_commands}
    before |= {g.name for g in app.registered_groups}
    importlib.import_module(f"tracker.cli.{module}")
    after = {c.name or c.callback.__name__ for c in app.registered_commands}
    after |= {g.name for g in app.registered_groups}
    return {name.replace("_", "-") for name in after} - before if after != before else set()


# Import every command module once, in the order of the lazy table, recording what each adds.
REGISTERED = {m: registered_by(m) for m in dict.fromkeys(cli.COMMANDS.values())}
COMMANDS = list(walk(typer.main.get_command(app)))
NAMES = [" ".join(path) or "tracker" for path, _ in COMMANDS]


def test_the_lazy_table_names_each_command_and_the_module_that_registers_it():
    expected: dict[str, set[str]] = {}
    for name, module in cli.COMMANDS.items():
        expected.setdefault(module, set()).add(name)
    assert expected == REGISTERED


def test_a_command_loads_only_its_own_module(tmp_path):
    code = ("import sys; from tracker.cli import app; sys.argv = ['tracker', 'paths']\n"
            "try:\n    app()\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in sys.modules if m.startswith(('tracker.cli.', 'httpx',"
            " 'feedparser', 'pydantic'))), file=sys.stderr)")
    env = {"TRACKER_DB": str(tmp_path / "db.json"), "XDG_CONFIG_HOME": str(tmp_path)}
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                       check=False)
    loaded = "['tracker.cli.output', 'tracker.cli.store_cmds', 'tracker.cli.usage']"
    assert r.stderr.strip().splitlines()[-1] == loaded


def test_the_walk_finds_the_foundation_commands():
    for name in ("init", "paths", "dispute list", "dispute party add", "dispute event remove",
                 "dispute forum add", "article search", "article unlink"):
        assert name in NAMES


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=NAMES)
def test_every_command_has_help(path, command):
    assert (command.help or "").strip(), f"'tracker {' '.join(path)}' has no help text"
    params = [p for p in command.params if p.name not in ("help", "install_completion",
                                                          "show_completion")]
    missing = [p.name for p in params if not (getattr(p, "help", None) or "").strip()]
    assert not missing, f"'tracker {' '.join(path)}' has options without help: {missing}"


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=NAMES)
def test_help_prints_on_stdout(run, path, command):
    r = run(*path, "--help")
    assert r.exit_code == 0, r.stderr
    assert r.stdout.startswith("Usage: ")
    first_line = (command.help or "").strip().splitlines()[0]
    assert " ".join(first_line.split()[:4]) in " ".join(r.stdout.split())
    assert r.stderr == ""
    assert r.stdout == run(*path, "-h").stdout


def test_groups_list_their_sub_commands(run):
    text = run("dispute", "--help").stdout
    for sub in ("list", "show", "add", "edit", "remove", "status", "party", "event", "forum"):
        assert re.search(rf"^\s+{sub}\s", text, re.MULTILINE), sub


def test_no_arguments_shows_the_help(run):
    r = run()
    assert "Usage: " in r.stdout + r.stderr
    assert "dispute" in r.stdout + r.stderr


def test_version(run):
    r = run("--version")
    assert r.exit_code == 0
    assert r.stdout == f"tracker {__version__}\n"
    assert r.stderr == ""


def test_version_matches_the_package_metadata():
    pyproject = tomllib.loads((Path(__file__).parent.parent / "pyproject.toml").read_text())
    assert pyproject["project"]["version"] == __version__


def test_an_unknown_command_is_a_usage_error(run):
    r = run("dispute", "lst")
    assert r.exit_code == 2
    assert r.stdout == ""
    assert r.stderr.startswith("tracker: error: no such command 'lst'\n")


def test_the_entry_point_flushes_its_output_and_keeps_its_exit_code(seeded):
    """main() leaves without the interpreter's teardown: nothing may be lost by that."""
    exported = procs.run("export")
    assert exported.returncode == 0, exported.stderr
    assert len(exported.stdout) > 16_384  # more than one buffer's worth
    assert len(json.loads(exported.stdout)["disputes"]) == 3
    missing = procs.run("dispute", "show", "nope")
    assert (missing.returncode, missing.stdout) == (2, "")
    assert "no dispute 'nope'" in missing.stderr
    usage = procs.run("--bogus")
    assert usage.returncode == 2 and usage.stderr.startswith(
        "tracker: error: no such option: --bogus\nhint: see 'tracker --help'")
