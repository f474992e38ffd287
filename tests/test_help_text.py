"""Help that reads well, and docs that name only commands that exist.

Each command's one-line summary is a whole sentence, shown whole in its group's listing;
each command's help ends with examples of itself; and every `tracker ...` command line in
the README, config.toml and the help texts names a real command (sqlite-utils keeps its
docs honest the same way).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.test_cli_help import COMMANDS
from tracker.cli import usage

ROOT = Path(__file__).parent.parent
TREE = dict(COMMANDS)
CHILDREN = [(path, cmd) for path, cmd in COMMANDS if path]
LEAVES = [(path, cmd) for path, cmd in CHILDREN if not hasattr(cmd, "commands")]


def folded(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize(("path", "command"), CHILDREN, ids=[" ".join(p) for p, _ in CHILDREN])
def test_the_summary_is_a_whole_sentence_shown_whole(run, path, command):
    line = usage.summary(command.help)
    assert len(line.split()) >= 2, line
    assert line.endswith(".") and not re.search(r"\b(e\.g|i\.e|etc|v)\.$", line), line
    assert line.count("`") % 2 == 0 and line.count("(") == line.count(")"), line
    listing = folded(run(*path[:-1], "--help").stdout)
    assert f" {path[-1]} {line}" in listing, f"'tracker {' '.join(path[:-1])} --help' cuts {line!r}"


@pytest.mark.parametrize(("path", "command"), LEAVES, ids=[" ".join(p) for p, _ in LEAVES])
def test_every_command_shows_examples_of_itself(run, path, command):
    text = run(*path, "--help").stdout
    assert "\n  Examples:\n" in text, text
    shown = text.split("\n  Examples:\n", 1)[1].splitlines()
    assert any(line.strip().startswith(f"tracker {' '.join(path)}") or
               f" tracker {' '.join(path)}" in line for line in shown), shown


def test_summaries_drop_their_examples_not_their_words():
    assert usage.summary("List articles, newest first, e.g. `tracker article list`.") == \
        "List articles, newest first."
    assert usage.summary("Record a dispute. More text.") == "Record a dispute."
    assert usage.summary("Link Getty Images v. Stability AI to more.\n\nLater.") == \
        "Link Getty Images v. Stability AI to more."
    assert usage.examples("Add one, e.g. `... event add x 'y' --date 2026`.",
                          ("dispute", "event", "add")) == [
        "tracker dispute event add x 'y' --date 2026"]


# --- docs name only commands that exist ----------------------------------------------

# A command line: `tracker` starting the snippet, or after `;`, `&&`, `|` (not a path).
COMMAND_LINE = re.compile(r"(?:^\s*|[;&|]\s*)tracker((?: +[a-z][a-z0-9-]*)+)", re.MULTILINE)


def _snippets() -> list[tuple[str, str]]:
    """(where, text) for the code in the README and config.toml, and every help text."""
    found: list[tuple[str, str]] = []
    readme = (ROOT / "README.md").read_text()
    for lang, block in re.findall(r"```(\w*)\n(.*?)```", readme, re.DOTALL):
        if lang in ("", "sh", "console", "cron", "bash"):
            found.extend(("README.md", line) for line in block.splitlines())
    prose = re.sub(r"```.*?```", "", readme, flags=re.DOTALL)
    found.extend(("README.md", code) for code in re.findall(r"`([^`\n]+)`", prose))
    for line in (ROOT / "tracker" / "default_config.toml").read_text().splitlines():
        if line.lstrip().startswith("#"):
            found.extend(("config.toml", code) for code in re.findall(r"`([^`]+)`", line))
    for path, command in COMMANDS:
        where = f"'tracker {' '.join(path)} --help'"
        texts = [command.help or "", *(getattr(p, "help", "") or "" for p in command.params)]
        found.extend((where, code) for text in texts
                     for code in re.findall(r"`([^`]+)`", " ".join(text.split())))
    return found


def unknown_command(words: list[str]) -> str | None:
    """The command line `words` names, if it names none that exists."""
    node: Any = TREE[()]
    named: list[str] = []
    for word in words:
        if not hasattr(node, "commands"):
            return None  # a command: what follows are its arguments
        if word not in node.commands:
            return " ".join(["tracker", *named, word])
        named.append(word)
        node = node.commands[word]
    return None


def test_the_docs_name_only_commands_that_exist():
    snippets = _snippets()
    checked, wrong = 0, []
    for where, text in snippets:
        for match in COMMAND_LINE.finditer(text):
            checked += 1
            missing = unknown_command(match[1].split())
            if missing:
                wrong.append(f"{where}: '{missing}' in {text.strip()!r}")
    assert not wrong, "\n".join(wrong)
    assert checked > 100  # the README's examples, config.toml and the help texts


def test_the_docs_check_would_catch_a_made_up_command():
    assert unknown_command(["feed", "add-defaults"]) == "tracker feed add-defaults"
    assert unknown_command(["dispute", "show", "nyt-v-openai"]) is None
    assert unknown_command(["frobnicate"]) == "tracker frobnicate"
