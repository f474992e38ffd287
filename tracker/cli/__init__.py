"""The command line: thin adapters from arguments to tracker.core, and one error boundary."""

import contextlib
import errno
import gc
import importlib
import os
import signal
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import typer
from typer._click import exceptions as click
from typer.core import TyperGroup

from tracker import __version__, paths
from tracker.cli import output, usage
from tracker.config import Config, load
from tracker.errors import ExitCode, TrackerError
from tracker.paths import Location
from tracker.storage import Store, open_store

DEBUG_ENV = "TRACKER_DEBUG"


# Each top-level command and the module under tracker/cli that registers it, in the order
# `tracker --help` lists them. A module is imported only when one of its commands runs
# (or help lists them all), so `tracker dispute list` never loads httpx or feedparser.
COMMANDS = {
    "init": "store_cmds", "paths": "store_cmds", "store": "store_cmds",
    "dispute": "disputes", "article": "articles", "feed": "feeds",
    "poll": "poll_cmds", "news": "poll_cmds", "rematch": "poll_cmds",
    "export": "exchange_cmds", "import": "exchange_cmds", "report": "exchange_cmds",
    "timeline": "exchange_cmds", "site": "site_cmds", "doctor": "doctor_cmds",
    "review": "review_cmds", "match": "review_cmds",
}  # fmt: skip


class _Boundary(TyperGroup):
    """The single place where errors become a message on stderr and an exit code.

    It is also the root group, which loads each command's module on first use.
    """

    def list_commands(self, ctx: Any) -> list[str]:
        return [*COMMANDS, *(name for name in super().list_commands(ctx) if name not in COMMANDS)]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            importlib.import_module(f"tracker.cli.{COMMANDS[cmd_name]}")
            # The module registered its commands on `app`; build the click side of the
            # ones not built yet (typer builds the root group once, at start-up).
            built = typer.main.get_group(app).commands
            self.commands.update({k: v for k, v in built.items() if k not in self.commands})
        command = super().get_command(ctx, cmd_name)
        if command is not None:
            usage.tune(command, (cmd_name,))  # choices, summaries and examples, everywhere
        return command

    def make_context(self, info_name: str | None, args: list[str], parent: Any = None,
                     **extra: Any) -> Any:
        """Read the command line. A Ctrl-C here (typer would turn it into a silent exit
        130) is said like one anywhere else: nothing has run yet."""
        try:
            return super().make_context(info_name, args, parent, **extra)
        except KeyboardInterrupt:
            output.say("interrupted; nothing was written", style="yellow")
            raise typer.Exit(130) from None

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None,
             complete_var: str | None = None, standalone_mode: bool = True,
             windows_expand_args: bool = True, **extra: Any) -> Any:
        """Run, with click's own usage errors said in the tool's voice (exit 2)."""
        usage.tune(self)
        try:
            code = super().main(args, prog_name, complete_var, False, windows_expand_args,
                                **extra)
        except click.NoArgsIsHelpError as exc:  # a group run bare: its help is the answer
            exc.show()
            code = exc.exit_code
        except click.ClickException as exc:
            message, hint = usage.describe(exc)
            report(TrackerError(message, hint=hint or None))
            code = exc.exit_code
        except typer.Abort:
            output.say("aborted; nothing was changed")
            code = int(ExitCode.ERROR)
        if not standalone_mode:
            return code
        sys.exit(code if isinstance(code, int) else 0)

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except TrackerError as exc:
            report(exc)
            raise typer.Exit(int(exc.exit_code)) from None
        except (typer.Exit, typer.Abort, typer.TyperException):
            raise  # typer reports its own usage errors and exits
        except BrokenPipeError:
            # The reader went away (e.g. `tracker ... | head`); say nothing more.
            _silence_stdout()
            raise typer.Exit(int(ExitCode.OK)) from None
        except KeyboardInterrupt:
            output.say("interrupted; nothing was written", style="yellow")
            raise typer.Exit(130) from None
        except Exception as exc:
            if os.environ.get(DEBUG_ENV):
                import traceback

                traceback.print_exc()
            if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:  # `... > /dev/full`
                report(TrackerError(f"cannot write the output: {exc.strerror}",
                                    hint="free some space and run it again"))
                raise typer.Exit(int(ExitCode.ERROR)) from None
            damaged = _damaged_store()
            if damaged is not None:  # a hand-edited or damaged record, not a bug of ours
                report(damaged)
                raise typer.Exit(int(damaged.exit_code)) from None
            output.console(stderr=True).print(
                output.safe(f"tracker: internal error: {type(exc).__name__}: {exc}", "red"),
            )
            output.say(
                f"This is a bug; please report it. Set {DEBUG_ENV}=1 to see the traceback. "
                "Nothing was written to the store."
            )
            raise typer.Exit(int(ExitCode.ERROR)) from None


def _damaged_store() -> TrackerError | None:
    """After an unexpected failure: the damaged store record to blame, if there is one.

    Checked only here, so that reading a healthy store costs nothing extra.
    """
    try:
        from tracker import doctor

        return doctor.blame(env().db)
    except Exception:  # the diagnosis must never hide the original failure
        return None


def _silence_stdout() -> None:
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def report(exc: TrackerError) -> None:
    output.console(stderr=True).print(output.safe(f"tracker: error: {exc.message}", "red"))
    if exc.hint:
        output.console(stderr=True).print(output.safe(f"hint: {exc.hint}", "dim"))


@dataclass
class Env:
    """Where this run reads its store and config from, decided once per invocation."""

    db_option: str | None = None
    config_option: Path | None = None
    _config: Config | None = field(default=None, repr=False)
    # Stores this run opened, kept until the process ends: see main().
    opened: list[Store] = field(default_factory=list, repr=False)

    @property
    def config(self) -> Config:
        if self._config is None:
            self._config = load(paths.resolve_config(self.config_option))
        return self._config

    @property
    def db(self) -> Location:
        configured = self.config.section("store").get("db") or None
        return paths.resolve_db(self.db_option, configured)

    @property
    def lock_timeout(self) -> float:
        return float(self.config.section("store").get("lock_timeout", 10.0))

    @contextmanager
    def read(self) -> Iterator[Store]:
        with open_store(self.db) as store:
            self.opened.append(store)
            yield store

    @contextmanager
    def write(self) -> Iterator[Store]:
        with open_store(self.db, write=True, lock_timeout=self.lock_timeout) as store:
            self.opened.append(store)
            yield store


_current: ContextVar[Env] = ContextVar("tracker_env")


def env() -> Env:
    """The Env of the command being run (set by the root callback)."""
    return _current.get()


app = typer.Typer(
    cls=_Boundary,
    name="tracker",
    help="Follow copyright disputes over AI training: disputes, timelines, coverage, export.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"tracker {__version__}\n")
        raise typer.Exit()


@app.callback()
def root(
    db: Annotated[
        str | None,
        typer.Option("--db", help=("Store: a file, or postgresql://user@host/db, or "
                                   "sqlite:///path (default: $TRACKER_DB, config, user data "
                                   "dir)."), show_default=False),
    ] = None,
    config: Annotated[
        Path | None,
        typer.Option("--config", help="Config file (default: $TRACKER_CONFIG, user config dir).",
                     show_default=False),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
    verbose: Annotated[
        int, typer.Option("--verbose", "-v", count=True, show_default=False, help=(
            "Say what happens on stderr: -v what each feed answered, why items matched, "
            "what was written; -vv also why items did not match."))
    ] = 0,
) -> None:
    """Follow copyright disputes over AI training from the terminal."""
    output.reset_consoles()
    output.set_verbosity(verbose)
    _current.set(Env(db_option=db, config_option=config))


def main() -> None:
    """Console-script entry point."""
    # A command builds many small, short-lived objects and few cycles: collect rarely
    # (the default of every 700 allocations costs a large listing ~15% of its time).
    gc.set_threshold(100_000, 20, 20)
    code: Any = None  # None until the command has come to its end
    try:
        try:
            # From here an interrupt is a KeyboardInterrupt that the command's boundary
            # (or the lines below) reports; before, tracker._start ended the process
            # quietly.
            signal.signal(signal.SIGINT, signal.default_int_handler)
            app()
            code = 0
        except SystemExit as exc:
            code = exc.code
        finally:  # the command is over: a Ctrl-C now changes nothing, and prints nothing
            signal.signal(signal.SIGINT, signal.SIG_IGN)
    except KeyboardInterrupt:  # between here and the command's own boundary
        if code is None:
            output.say("interrupted; nothing was written", style="yellow")
            code = 130
    # Then leave without the interpreter's teardown, which would free every object of
    # the store one by one (~0.1 s per 100,000 articles) for nothing. Everything this
    # run wrote is already on disk: the store is fsynced before its rename, the poll's
    # workers are shut down and the locks released; only the standard streams remain.
    with contextlib.suppress(BrokenPipeError, ValueError):
        sys.stdout.flush()
    with contextlib.suppress(BrokenPipeError, ValueError):
        sys.stderr.flush()
    if code is None or isinstance(code, int):
        os._exit(code or 0)
    sys.exit(code)  # a message for stderr: let Python print it
