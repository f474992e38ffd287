"""Every usage error of every command speaks in the one voice: `tracker: error:`, exit 2.

The cases are generated from the command tree, so a command added later is covered the
day it is registered: an unknown option, a missing argument, and a bad value for every
choice and number it takes.
"""

from __future__ import annotations

from typing import Any

import pytest
from typer._click.types import IntParamType
from typer._types import TyperChoice

from tests.test_cli_help import COMMANDS

LEAVES = [(path, cmd) for path, cmd in COMMANDS if path and not hasattr(cmd, "commands")]
GROUPS = [(path, cmd) for path, cmd in COMMANDS if hasattr(cmd, "commands")]


def _id(path: tuple[str, ...], *extra: str) -> str:
    return " ".join((*path, *extra)) or "tracker"


def _params(cmd: Any) -> list[Any]:
    return [p for p in cmd.params if p.name != "help"]


def _arguments(cmd: Any) -> list[Any]:
    return [p for p in _params(cmd) if p.param_type_name == "argument"]


def _bad_values() -> list[tuple[tuple[str, ...], list[str], str]]:
    """(command path, argv, what) giving one bad value to each choice and number."""
    cases = []
    for path, cmd in LEAVES:
        arguments = _arguments(cmd)
        for param in _params(cmd):
            if not isinstance(param.type, (TyperChoice, IntParamType)):
                continue
            bad = "no-such-choice" if isinstance(param.type, TyperChoice) else "many"
            if param.param_type_name == "argument":
                # Fill the arguments before it, so the bad value lands in its place.
                before = arguments[: arguments.index(param)]
                argv = [*(["x"] * len(before)), bad]
            else:
                argv = [max(param.opts, key=len), bad]
            cases.append((path, argv, param.name))
    return cases


BAD_VALUES = _bad_values()


def one_voice(result: Any, db: Any) -> str:
    """The run failed as a usage error: exit 2, one error line, stdout empty, no store made."""
    lines = result.stderr.splitlines()
    assert result.exit_code == 2, (result.exit_code, result.stdout, result.stderr)
    assert result.stdout == ""
    assert lines and lines[0].startswith("tracker: error: "), result.stderr
    assert sum("tracker: error:" in line for line in lines) == 1, result.stderr
    assert all(line.startswith("hint: ") for line in lines[1:]), result.stderr
    assert len(lines) <= 2, result.stderr
    assert "Traceback" not in result.stderr and "Usage:" not in result.stderr
    assert not db.exists()
    return lines[0]


@pytest.mark.parametrize(("path", "command"), LEAVES, ids=[_id(p) for p, _ in LEAVES])
def test_an_unknown_option(run, db, path, command):
    line = one_voice(run(*path, "--no-such-option"), db)
    assert "--no-such-option" in line


@pytest.mark.parametrize(("path", "command"), GROUPS, ids=[_id(p) for p, _ in GROUPS])
def test_an_unknown_sub_command(run, db, path, command):
    line = one_voice(run(*path, "no-such-command"), db)
    assert "no such command 'no-such-command'" in line


REQUIRED = [(p, c) for p, c in LEAVES if any(q.required for q in _params(c))]


@pytest.mark.parametrize(("path", "command"), REQUIRED, ids=[_id(p) for p, _ in REQUIRED])
def test_a_missing_argument(run, db, path, command):
    line = one_voice(run(*path), db)
    assert "missing" in line


@pytest.mark.parametrize(("path", "argv", "what"), BAD_VALUES,
                         ids=[_id(p, *a) for p, a, _ in BAD_VALUES])
def test_a_bad_choice_or_number(run, db, path, argv, what):
    line = one_voice(run(*path, *argv), db)
    assert argv[-1] in line


def test_the_generated_cases_cover_the_commands_the_issue_named():
    covered = {(" ".join(p), a[0]) for p, a, _ in BAD_VALUES}
    assert ("export", "--format") in covered
    assert ("dispute list", "--status") in covered
    assert ("dispute status", "x") in covered  # the STATUS argument, after the slug
    assert len(LEAVES) >= 40 and len(REQUIRED) >= 20


def test_choices_ignore_case(run, seeded):
    assert run("export", "--format", "CSV").stdout.startswith("id,url,")
    assert run("report", "coda-v-openai", "--format", "HTML").stdout.startswith("<!DOCTYPE")


@pytest.mark.parametrize(("argv", "suggestion"), [
    (["export", "--format", "jsno"], "did you mean 'json'?"),
    (["dispute", "list", "--status", "discovry"], "did you mean 'discovery'?"),
    (["dispute", "lst"], "did you mean 'tracker dispute list'?"),
    (["dispute", "list", "--stauts", "filed"], "did you mean --status?"),
])
def test_near_misses_get_a_did_you_mean(run, db, argv, suggestion):
    r = run(*argv)
    one_voice(r, db)
    assert r.stderr.splitlines()[1].startswith(f"hint: {suggestion}")


def test_a_vocabulary_is_matched_like_the_domain_matches_it(run, seeded):
    r = run("dispute", "list", "--status", "Summary Judgment", "--json")
    assert r.exit_code == 0, r.stderr
    r = run("dispute", "add", "Example v. Example", "--kind", "Demand_Letter", "--json")
    assert r.exit_code == 0, r.stderr
    assert '"kind": "demand-letter"' in r.stdout


def test_every_option_offering_a_vocabulary_is_a_choice():
    """An option whose help lists its words ("One of: ...") matches them like every other
    choice (any case, did-you-mean): give it click_type=Choice(...)."""
    plain = [f"tracker {' '.join(path)} {param.opts[0] if param.opts else param.name}"
             for path, cmd in LEAVES for param in _params(cmd)
             if "one of:" in (getattr(param, "help", "") or "").lower()
             and not isinstance(param.type, TyperChoice)]
    assert not plain, plain
