"""kill -9 a real `tracker poll` and `tracker import` at random moments and at every step
of the write, fill the disk and take the directory's write permission away: the store
always opens, nothing committed is lost, and the next poll completes.

Kill moments are drawn with a fixed seed between 0 and the command's measured duration,
so a failure can be replayed; the steps of the write are reached through pause points
(tests/procs.py), not by sleeping.
"""

from __future__ import annotations

import errno
import json
import os
import random
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from tests import procs
from tests.conftest import HalfWriter, Run, as_json, enospc
from tests.feedserver import FeedServer, Route, rss
from tracker import exchange, storage
from tracker.models import Article, Link, now_iso
from tracker.storage import backup_path, locks, read_raw

SEED = 20261121
RANDOM_KILLS = 12  # per command: poll and import
FEEDS = 2
ENTRIES = 250  # per feed: enough that parsing, merging and writing take a moment
IMPORTED = 400  # articles per import file


def stale_files(directory: Path) -> list[str]:
    """Files a write may leave behind: temporary copies of the store or of its backup."""
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(".tmp"))


def records(db: Path) -> dict[str, set[str]]:
    data = read_raw(db)
    return {t: set(data.get(t, {})) for t in ("disputes", "articles", "feeds")}


class World:
    """A store subscribed to feeds served on 127.0.0.1, whose items change every round."""

    def __init__(self, run: Run, db: Path, server: FeedServer, tmp: Path) -> None:
        self.run, self.db, self.server, self.tmp = run, db, server, tmp
        self.round = self.imports = 0
        for f in range(FEEDS):
            self.server.routes[f"/f{f}"] = Route()
            assert run("feed", "add", server.url(f"/f{f}"), "--no-check").exit_code == 0
        self.publish()

    def items(self, f: int) -> list[dict[str, str]]:
        # The same stories, retitled each round (every article is rewritten), plus a new one.
        r = self.round
        return [{"title": f"New York Times sues OpenAI over copyright, round {r} story {i}",
                 "link": f"https://news.example/{f}/{i}", "description": "ChatGPT training"}
                for i in range(ENTRIES)] + [
            {"title": f"New York Times lawsuit against OpenAI: new in round {r}",
             "link": f"https://news.example/{f}/new-{r}", "description": "copyright"}]

    def publish(self) -> None:
        self.round += 1
        for f in range(FEEDS):
            self.server.routes[f"/f{f}"].body = rss(self.items(f))

    def import_file(self) -> Path:
        """An export holding new articles (so that importing it writes)."""
        self.imports += 1
        stamp, r = now_iso(), self.imports
        articles = [exchange.article_record(Article(
            url=f"https://imported.example/{r}/{i}", title=f"Imported story {r}-{i}",
            links=[Link("nyt-v-openai", "manual", [], stamp)], first_seen=stamp, updated=stamp))
            for i in range(IMPORTED)]
        doc = {"schema_version": exchange.EXPORT_VERSION, "exported_at": stamp,
               "tracker_version": "test", "disputes": [], "articles": articles, "feeds": []}
        assert exchange.validate(doc) == []
        path = self.tmp / f"import-{r}.json"
        path.write_bytes(json.dumps(doc).encode())
        return path

    def published_urls(self) -> set[str]:
        from tracker.urls import normalise_url

        return {normalise_url(it["link"]) for f in range(FEEDS) for it in self.items(f)}


@pytest.fixture
def world(run, seeded, tmp_path):
    with FeedServer() as server:
        yield World(run, seeded, server, tmp_path)


def survived(world: World, before: bytes, committed: dict[str, set[str]]) -> None:
    """After a kill: the store opens, is one whole generation, and lost no record."""
    db = world.db
    listed = world.run("dispute", "list", "--json")
    assert listed.exit_code == 0, listed.stderr
    assert {d["slug"] for d in json.loads(listed.stdout)} >= committed["disputes"]
    now = db.read_bytes()
    # Either the kill came before the rename (the old file), or after it: then the
    # previous generation is the backup, byte for byte.
    assert now == before or backup_path(db).read_bytes() == before
    after = records(db)
    for table, keys in committed.items():
        assert after[table] >= keys, f"{table} lost {sorted(keys - after[table])[:5]}"
    # A killed write may leave its temporary file: the store's own, never read, and swept
    # by the next write (poll_completes checks), so none can pile up.
    assert all(n.startswith(f".{db.name}.") for n in stale_files(db.parent))


def poll_completes(world: World) -> None:
    """The next poll runs to the end, and then everything the feeds gave is stored."""
    done = world.run("poll", "--json")
    assert done.exit_code == 0, done.stderr
    assert json.loads(done.stdout)["feeds_failed"] == 0
    stored = read_raw(world.db)["articles"]
    assert world.published_urls() <= set(stored)
    assert stale_files(world.db.parent) == []


def measured(args: tuple[str, ...]) -> float:
    start = time.perf_counter()
    done = procs.run(*args)
    assert done.returncode == 0, done.stderr
    return time.perf_counter() - start


def kill_after(args: tuple[str, ...], delay: float) -> bool:
    """Start `tracker ARGS`, kill -9 it after `delay` seconds; False if it finished first."""
    proc = procs.spawn(*args)
    try:
        proc.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        procs.kill(proc)
        return True
    proc.communicate()
    return False


def test_poll_and_import_killed_at_random_moments(world):
    rng = random.Random(SEED)
    db = world.db
    poll_time = measured(("poll", "--quiet"))  # the first poll: every story is new
    world.publish()
    kills = finished = 0
    for _ in range(RANDOM_KILLS):
        before, committed = db.read_bytes(), records(db)
        if kill_after(("poll", "--quiet"), rng.uniform(0, poll_time)):
            kills += 1
        else:
            finished += 1
        survived(world, before, committed)
        poll_completes(world)
        world.publish()
    import_time = measured(("import", str(world.import_file())))
    for _ in range(RANDOM_KILLS):
        path = world.import_file()
        before, committed = db.read_bytes(), records(db)
        if kill_after(("import", str(path)), rng.uniform(0, import_time)):
            kills += 1
        else:
            finished += 1
        survived(world, before, committed)
        poll_completes(world)
    assert kills >= RANDOM_KILLS  # most draws land while the command still runs


@pytest.mark.parametrize("point", procs.WRITE_POINTS)
@pytest.mark.parametrize("command", ["poll", "import"])
def test_killed_at_each_step_of_the_write(world, command, point):
    db = world.db
    if command == "import":
        args: tuple[str, ...] = ("import", str(world.import_file()))
    else:
        args = ("poll", "--quiet")
    before, committed = db.read_bytes(), records(db)
    proc = procs.spawn(*args, pause=point)
    procs.wait_for(proc, "PAUSED")
    procs.kill(proc)
    survived(world, before, committed)
    if point == "dir-fsync":  # renamed: the new generation is the store
        assert db.read_bytes() != before and backup_path(db).read_bytes() == before
    elif point != "backup":
        assert db.read_bytes() == before
    poll_completes(world)


# -- a full disk, an unwritable directory ---------------------------------------------------


def eacces(*args: object, **kwargs: object) -> None:
    raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))


def break_disk(monkeypatch: pytest.MonkeyPatch, how: str, directory: Path) -> str:
    """Make the next store write fail the way `how` says; return the reason it will give."""
    if how == "fsync":
        monkeypatch.setattr(storage.os, "fsync", enospc)
    elif how == "half-written":
        real = os.fdopen
        monkeypatch.setattr(storage.os, "fdopen", lambda fd, mode: HalfWriter(real(fd, mode)))
    elif how == "backup":
        monkeypatch.setattr(storage.os, "link", enospc)  # and the copy it falls back to:
        monkeypatch.setattr(Path, "write_bytes", enospc)
    elif how == "read-only":
        if os.geteuid() == 0:  # root ignores the mode: refuse creating files the same way
            monkeypatch.setattr(tempfile, "mkstemp", eacces)
        else:
            directory.chmod(0o555)
        return "Permission denied"
    return "No space left on device"


FAILURES = ["fsync", "half-written", "backup", "read-only"]


@pytest.mark.parametrize("how", FAILURES)
@pytest.mark.parametrize("command", ["poll", "import", "article add"])
def test_a_failing_disk_leaves_the_old_store_and_says_why(run, seeded, world, monkeypatch,
                                                          command, how):
    db = world.db
    run("dispute", "edit", "nyt-v-openai", "--tag", "x")  # so that a .bak exists
    storage.file.poll_lock_path(db).touch()  # as after the first poll: only the write can fail
    before, bak = db.read_bytes(), backup_path(db).read_bytes()
    args = {"poll": ("poll", "--quiet"), "import": ("import", str(world.import_file())),
            "article add": ("article", "add", "https://example.com/new", "-d", "nyt-v-openai")}
    with monkeypatch.context() as patch:
        reason = break_disk(patch, how, db.parent)
        try:
            result = run(*args[command])
        finally:
            db.parent.chmod(0o755)
    talk = " ".join(result.stderr.split())
    assert result.exit_code == 4, (result.stdout, result.stderr)
    assert f"could not write {db}: {reason}" in talk
    assert "the previous file is intact" in talk
    assert "Traceback" not in talk and "internal error" not in talk
    assert db.read_bytes() == before and backup_path(db).read_bytes() == bak
    assert stale_files(db.parent) == []
    # Space is back: the same command now succeeds.
    assert run(*args[command]).exit_code == 0
    assert as_json(run("dispute", "list", "--json"))


def test_a_poll_lock_that_cannot_be_created_is_reported(run, seeded, world, monkeypatch):
    """The first poll in a directory it may not write to: exit 4 and why, not a crash."""
    db = world.db
    before = db.read_bytes()

    if os.geteuid() == 0:  # root ignores the mode: refuse creating the lock file the same way
        monkeypatch.setattr(locks, "_open", eacces)
    else:
        db.parent.chmod(0o555)
    try:
        result = run("poll", "--quiet")
    finally:
        db.parent.chmod(0o755)
    talk = " ".join(result.stderr.split())
    assert result.exit_code == 4, talk
    assert f"cannot lock {db}.poll.lock: Permission denied" in talk
    assert "Traceback" not in talk and "internal error" not in talk
    assert db.read_bytes() == before


def test_output_to_a_full_disk_is_said_plainly(run, seeded, monkeypatch):
    """`tracker dispute list --json > /dev/full`: the user's disk, not a bug of ours."""
    from tracker.cli import output

    def full(*_: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(output, "write_json", full)
    result = run("dispute", "list", "--json")
    talk = " ".join(result.stderr.split())
    assert result.exit_code == 1
    assert "tracker: error: cannot write the output: No space left on device" in talk
    assert "internal error" not in talk
