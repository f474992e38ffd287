"""Usage errors in the tool's one voice, and choices matched the same way everywhere.

click (vendored by typer) finds bad options, missing arguments and bad values; here they
become `tracker: error: ...` plus a `hint:` line, like every other error. Choices (typer
enums, and the domain's vocabularies given as `click_type=Choice(...)`) are matched
without regard to case, spaces or underscores, and a near miss gets a did-you-mean.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from typer._click import exceptions as click
from typer._click.types import IntParamType
from typer._types import TyperChoice

from tracker.text import one_line


class UsageProblem(click.BadParameter):
    """A bad value for a parameter, with a hint (raised by `Choice`)."""

    def __init__(self, message: str, hint: str, ctx: Any = None, param: Any = None) -> None:
        super().__init__(message, ctx=ctx, param=param)
        self.hint = hint

    def format_message(self) -> str:
        return self.message


def normalise(value: str) -> str:
    """How a typed choice is compared: 'Summary Judgment' -> 'summary-judgment'."""
    return re.sub(r"[\s_]+", "-", str(value).strip()).casefold()


def close_match(value: str, choices: Iterable[str], cutoff: float = 0.5) -> str | None:
    import difflib  # only when a value is refused

    found = difflib.get_close_matches(value, list(choices), n=1, cutoff=cutoff)
    return found[0] if found else None


class Choice(TyperChoice[Any]):
    """One of a fixed set of words, e.g. `click_type=Choice(STATUSES, "status")`.

    Typer builds its own choice type for enum options; `tune()` swaps those for this one.
    """

    def __init__(self, choices: Iterable[Any], what: str = "", metavar: str = "") -> None:
        super().__init__(list(choices), case_sensitive=False)
        self.what = what
        self.metavar = metavar

    def normalize_choice(self, choice: Any, ctx: Any) -> str:
        return normalise(getattr(choice, "value", choice))

    def get_metavar(self, param: Any, ctx: Any) -> str | None:
        if self.metavar:
            return self.metavar
        return "[" + "|".join(self._normalized_mapping(ctx).values()) + "]"

    def get_missing_message(self, param: Any, ctx: Any) -> str:
        return ""

    def convert(self, value: Any, param: Any, ctx: Any) -> Any:
        mapping = self._normalized_mapping(ctx)
        wanted = normalise(getattr(value, "value", value))  # a default may be an enum member
        for original, normed in mapping.items():
            if normed == wanted:
                return original
        words = list(mapping.values())
        close = close_match(wanted, words)
        what = self.what or (param.human_readable_name if param is not None else "value")
        hint = (f"did you mean '{close}'? " if close else "") + f"choose one of: {', '.join(words)}"
        raise UsageProblem(f"unknown {what} '{value}'", hint, ctx=ctx, param=param)


_SENTENCE_END = re.compile(r"(?<!\be\.g)(?<!\bi\.e)(?<!\bNo)(?<!\bv)(?<!\bvs)\.(?=\s|$)")
_EXAMPLE_CLAUSE = re.compile(r"[,;:(]?\s*\b(?:e\.g\.|for example)(?=\s).*$")
_CODE = re.compile(r"`([^`]+)`")


def summary(text: str | None) -> str:
    """A command's one-line summary: the first sentence of its help, without its examples.

    'List articles, newest first, e.g. `tracker article list`.' -> 'List articles, newest
    first.' (click would cut it at the 'e.g.' and print 'List articles, newest first, e.g.').
    """
    first = " ".join((text or "").strip().split("\n\n")[0].split())
    end = _SENTENCE_END.search(first)
    sentence = first[: end.start()] if end else first.rstrip(".")
    sentence = _EXAMPLE_CLAUSE.sub("", sentence).rstrip(" ,;:")
    return f"{sentence}." if sentence else ""


def examples(text: str | None, path: tuple[str, ...]) -> list[str]:
    """The command lines quoted in a help text (`... event add x` spelt out in full)."""
    found = []
    for code in _CODE.findall(" ".join((text or "").split())):
        if code.startswith("... "):
            rest = code[4:].split()
            for n in range(len(path), 0, -1):  # the longest tail of the path it starts with
                if rest[:n] == list(path[-n:]):
                    code = " ".join(["tracker", *path[: len(path) - n], *rest])
                    break
        if re.search(r"(?:^|\s)tracker \S", code) and code not in found:
            found.append(code)
    return found


def tune(command: Any, path: tuple[str, ...] = (), _seen: set[int] | None = None) -> None:
    """Make every choice of `command` and its sub-commands a `Choice` (once per command);
    give each a whole one-line summary and an Examples section from its help text."""
    seen = set() if _seen is None else _seen
    if id(command) in seen or getattr(command, "_tracker_tuned", False):
        return
    seen.add(id(command))
    if command.help and not command.short_help:
        command.short_help = summary(command.help)
    shown = [e for e in examples(command.help, path) if " ".join(("tracker", *path)) in e]
    if shown and not command.epilog:
        command.epilog = "\b\nExamples:\n" + "\n".join(f"  {e}" for e in shown)
    for param in command.params:
        kind = param.type
        if isinstance(kind, TyperChoice) and not isinstance(kind, Choice):
            longest = max(param.opts, key=len).lstrip("-") if param.opts else ""
            param.type = Choice(kind.choices, what=longest or (param.name or "value"))
        # Help and usage lines in capitals, not typer's '{slug}' and '<int range>'.
        if param.param_type_name == "argument" and param.name and not param.metavar:
            param.metavar = param.name.upper()
        elif param.param_type_name == "option" and not param.metavar and not param.is_flag:
            if isinstance(kind, IntParamType):
                param.metavar = "N"
            elif not isinstance(param.type, Choice) and param.opts:
                param.metavar = max(param.opts, key=len).lstrip("-").upper()
    command._tracker_tuned = True
    for name, sub in getattr(command, "commands", {}).items():
        tune(sub, (*path, name), seen)


def describe(exc: click.ClickException) -> tuple[str, str]:
    """The one-line message and the hint for a usage error found by click."""
    ctx = getattr(exc, "ctx", None)
    path = _path(ctx)
    see = f"see '{path} --help'"
    if isinstance(exc, UsageProblem):
        return exc.message, exc.hint
    if isinstance(exc, click.NoSuchOption):
        close = close_match(exc.option_name, exc.possibilities or [], cutoff=0.7)
        hint = f"did you mean {close}? {see}" if close else see
        return f"no such option: {exc.option_name}", hint
    message = exc.format_message()
    unknown = re.match(r"No such command '(.*?)'\.", message)
    if unknown and ctx is not None:
        close = close_match(unknown[1], ctx.command.list_commands(ctx))
        hint = f"did you mean '{path} {close}'? {see}" if close else see
        return f"no such command '{unknown[1]}'", hint
    if isinstance(exc, click.MissingParameter) and ctx is not None:
        usage = " ".join(ctx.get_usage().split()[1:])
        usage = usage.replace(ctx.command_path, path, 1)
        return _sentence(message), f"usage: {usage}; {see}"
    if isinstance(exc, click.UsageError):
        return _sentence(message), see
    return _sentence(message), ""


def _path(ctx: Any) -> str:
    """'tracker dispute list', however the program was started (`python -m tracker` ...)."""
    names: list[str] = []
    while ctx is not None and ctx.parent is not None:
        names.append(ctx.info_name or "")
        ctx = ctx.parent
    return " ".join(["tracker", *reversed(names)])


def _sentence(message: str) -> str:
    text = one_line(message).rstrip(".")
    text = re.sub(r"is not a valid int(?: range)?$", "is not a whole number", text)
    return text[:1].lower() + text[1:]


def choice_help(words: Mapping[str, str] | Iterable[str]) -> str:
    """'One of: a, b, c' for an option's help."""
    return "One of: " + ", ".join(words)
