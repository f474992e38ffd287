"""The console script's first instructions: Ctrl-C is handled before anything loads.

Importing the CLI (typer, rich ...) takes a good part of a second; an interrupt then
would print a Python traceback. Until the CLI's error boundary is in place (see
`tracker.cli.main`), SIGINT ends the process at once, quietly, with exit 130: nothing
has been read or written yet. Kept tiny and free of imports on purpose.
"""

import os
import signal
import sys


def _interrupted(signum: int, frame: object) -> None:
    try:
        sys.stderr.write("\ninterrupted; nothing was changed\n")
        sys.stderr.flush()
    finally:
        os._exit(130)


signal.signal(signal.SIGINT, _interrupted)


def main() -> None:
    from tracker.cli import main as cli_main

    cli_main()
