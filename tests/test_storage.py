"""The store file: atomic writes, the backup generation, the writer lock, bad files,
migrations, one write per command and a stable layout."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
from pathlib import Path

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import HalfWriter, Run, as_json, refused
from tracker import storage
from tracker.errors import LockedError, StoreError
from tracker.models import Dispute
from tracker.storage import SCHEMA_VERSION, atomic_write, backup_path, open_store, read_raw
from tracker.storage import file as file_store

WRITES = [
    ("dispute", "add", "Disney v. Midjourney"),
    ("dispute", "edit", "nyt-v-openai", "--tag", "mdl"),
    ("dispute", "status", "nyt-v-openai", "trial"),
    ("dispute", "party", "add", "nyt-v-openai", "Daily News", "--role", "claimant"),
    ("dispute", "event", "add", "nyt-v-openai", "Hearing", "--date", "2026-02-03"),
    ("dispute", "forum", "add", "coda-v-openai", "Tokyo District Court"),
    ("dispute", "relate", "nyt-v-openai", "parallel", "coda-v-openai"),
    ("dispute", "remove", "getty-v-stability", "--yes"),
    ("article", "add", "https://example.com/a", "-d", "nyt-v-openai"),
]
READS = [
    ("dispute", "list"),
    ("dispute", "show", "nyt-v-openai", "--json"),
    ("dispute", "event", "list", "nyt-v-openai"),
    ("article", "list", "--json"),
    ("paths",),
]


def leftovers(directory: Path) -> list[str]:
    """Temporary files a write may have left behind."""
    return sorted(p.name for p in directory.iterdir() if p.name.startswith(".")
                  or p.name.endswith(".tmp"))


def fail_with_enospc(*args: object, **kwargs: object) -> None:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


# -- atomic writes -------------------------------------------------------------------------


@pytest.mark.parametrize("call", ["fsync", "replace", "chmod"])
def test_a_failed_write_leaves_the_old_file_whole(run, seeded, monkeypatch, call):
    run("dispute", "edit", "nyt-v-openai", "--tag", "x")  # so that a .bak exists
    before, bak = seeded.read_bytes(), backup_path(seeded).read_bytes()
    with monkeypatch.context() as patch:
        patch.setattr(storage.os, call, fail_with_enospc)
        talk = refused(run("dispute", "add", "Disney v. Midjourney"), seeded, before,
                       f"could not write {seeded}", "No space left on device",
                       "the previous file is intact", code=4)
    assert "internal error" not in talk
    assert leftovers(seeded.parent) == []
    assert backup_path(seeded).read_bytes() in (bak, before)  # a whole generation
    assert as_json(run("dispute", "list", "--json"))  # and the store still reads


def test_a_write_that_dies_midway_leaves_no_torn_file(tmp_path, monkeypatch):
    target = tmp_path / "store.json"
    target.write_bytes(b'{"old": {}}\n')
    real_fdopen = os.fdopen
    monkeypatch.setattr(storage.os, "fdopen", lambda fd, mode: HalfWriter(real_fdopen(fd, mode)))
    with pytest.raises(StoreError, match="could not write"):
        atomic_write(target, b'{"new": {}}\n' * 1000)
    assert target.read_bytes() == b'{"old": {}}\n'
    assert leftovers(tmp_path) == []
    assert not backup_path(target).exists()


def test_atomic_write_keeps_the_file_mode(tmp_path):
    target = tmp_path / "store.json"
    target.write_bytes(b"{}")
    target.chmod(0o600)
    atomic_write(target, b'{"a": {}}\n')
    assert target.stat().st_mode & 0o777 == 0o600
    assert target.read_bytes() == b'{"a": {}}\n'


# -- backup generation ---------------------------------------------------------------------


def test_each_write_keeps_the_previous_generation(run, seeded):
    bak = backup_path(seeded)
    assert not bak.exists()  # a new store has no previous generation
    first = seeded.read_bytes()
    run("dispute", "status", "nyt-v-openai", "trial")
    assert bak.read_bytes() == first
    second = seeded.read_bytes()
    assert second != first
    run("dispute", "status", "nyt-v-openai", "judgment")
    assert bak.read_bytes() == second
    assert os.stat(bak).st_ino != os.stat(seeded).st_ino  # a copy, not the same file
    assert leftovers(seeded.parent) == []


def test_a_refused_command_does_not_touch_the_backup(run, seeded):
    run("dispute", "status", "nyt-v-openai", "trial")
    bak = backup_path(seeded).read_bytes()
    run("dispute", "status", "nyt-v-openai", "nonsense")
    assert backup_path(seeded).read_bytes() == bak


# -- the writer lock -----------------------------------------------------------------------


@pytest.fixture
def quick_lock(isolated, monkeypatch) -> Path:
    config = isolated / "fast.toml"
    config.write_text("feeds = []\n\n[store]\nlock_timeout = 0.2\n", encoding="utf-8")
    monkeypatch.setenv("TRACKER_CONFIG", str(config))
    return config


@pytest.mark.parametrize("command", [WRITES[0], WRITES[8], ("init",)], ids=" ".join)
def test_a_writer_waits_then_gives_up_with_exit_75(run, seeded, quick_lock, command):
    before = seeded.read_bytes()
    with storage.writer_lock(seeded, timeout=1):
        refused(run(*command), seeded, before, "locked by another tracker process",
                "waited 0.2s", code=75)
    assert leftovers(seeded.parent) == []
    r = run(*command)  # and works once the lock is free
    assert r.exit_code == 0, r.stderr


HOLDER = """
import sys
from pathlib import Path
from tracker.storage import writer_lock
with writer_lock(Path(sys.argv[1]), timeout=5):
    print("locked", flush=True)
    sys.stdin.read()  # hold the lock until the test closes our stdin
"""


def test_the_lock_holds_across_processes(run, seeded, quick_lock):
    before = seeded.read_bytes()
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(seeded)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdin is not None
        assert holder.stdout.readline() == "locked\n"  # waits for the child, no sleeping
        refused(run("dispute", "status", "nyt-v-openai", "trial"), seeded, before,
                "locked by another tracker process", code=75)
        assert run("dispute", "list").exit_code == 0
    finally:
        holder.communicate(timeout=10)
    assert holder.returncode == 0
    assert run("dispute", "status", "nyt-v-openai", "trial").exit_code == 0


@pytest.mark.parametrize("command", READS, ids=" ".join)
def test_readers_need_no_lock(run, seeded, quick_lock, command):
    with storage.writer_lock(seeded, timeout=1):
        r = run(*command)
    assert r.exit_code == 0, r.stderr


def test_a_writer_in_progress_is_never_lost(run, seeded, quick_lock):
    with open_store(seeded, write=True, lock_timeout=1) as store:
        d = store.dispute("coda-v-openai")
        assert d is not None
        d.notes = "written while another command waited"
        store.put_dispute(d)
        assert run("dispute", "edit", "coda-v-openai", "--tag", "late").exit_code == 75
    assert run("dispute", "edit", "coda-v-openai", "--tag", "late").exit_code == 0
    d = as_json(run("dispute", "show", "coda-v-openai", "--json"))
    assert d["notes"] == "written while another command waited"
    assert "late" in d["tags"]


def test_an_error_inside_a_write_discards_every_change(seeded):
    before = seeded.read_bytes()
    with pytest.raises(RuntimeError), open_store(seeded, write=True) as store:
        store.delete_dispute("nyt-v-openai")
        raise RuntimeError("boom")
    assert seeded.read_bytes() == before
    with storage.writer_lock(seeded, timeout=0):  # and the lock was released
        pass


def test_a_writer_takes_over_an_unchanged_snapshot(seeded, monkeypatch):
    with open_store(seeded) as snapshot:
        pass
    reads = []
    monkeypatch.setattr(storage.file, "read_raw", lambda path: reads.append(path) or {})
    with open_store(seeded, write=True, reuse=snapshot) as store:
        assert store is snapshot
    assert reads == []


@pytest.mark.parametrize("change", ["another writer", "a hand edit", "a change in memory"])
def test_a_writer_reads_again_when_the_snapshot_is_stale(seeded, change):
    with open_store(seeded) as snapshot:
        pass
    if change == "another writer":
        with open_store(seeded, write=True) as other:
            other.delete_dispute("coda-v-openai")
    elif change == "a hand edit":  # same inode, same size: only the times tell
        text = seeded.read_text()
        seeded.write_text(text.replace("coda-v-openai", "coda-v-openAI"))
    else:
        snapshot.delete_dispute("getty-v-stability")
    with open_store(seeded, write=True, reuse=snapshot) as store:
        assert store is not snapshot
        slugs = {d.slug for d in store.disputes()}
    assert "getty-v-stability" in slugs  # the snapshot's own change never reaches the file
    assert ("coda-v-openai" in slugs) == (change == "a change in memory")


def test_writer_lock_raises_locked_error(tmp_path):
    path = tmp_path / "s.json"
    with (
        storage.writer_lock(path, timeout=1),
        pytest.raises(LockedError) as info,
        storage.writer_lock(path, timeout=0.05),
    ):
        pass  # pragma: no cover
    assert info.value.exit_code == 75


# -- stores that cannot be read are reported and never overwritten -------------------------

BAD_STORES = {
    "truncated": None,  # filled in from a real store below
    "empty": b"",
    "not-json": b"this is not json\n",
    "a-list": b"[1, 2, 3]\n",
    "table-not-a-dict": b'{"disputes": [1, 2]}\n',
    "schema-not-a-table": b'{"disputes": {}, "meta": {"schema": "1"}}\n',
    "version-not-a-number": b'{"disputes": {}, "meta": {"schema": {"version": "1"}}}\n',
    "negative-version": b'{"disputes": {}, "meta": {"schema": {"version": -1}}}\n',
    "newer-schema": b'{"disputes": {}, "meta": {"schema": {"version": 99}}}\n',
}


@pytest.fixture(params=sorted(BAD_STORES))
def bad_store(request, run, seeded) -> bytes:
    blob = BAD_STORES[request.param]
    if blob is None:
        blob = seeded.read_bytes()[:-40]
    seeded.write_bytes(blob)
    return blob


@pytest.mark.parametrize(
    "command", [("init",), ("dispute", "list"), *WRITES[:2], WRITES[8]], ids=" ".join
)
def test_an_unreadable_store_is_reported_and_left_alone(run, seeded, bad_store, command):
    talk = refused(run(*command), seeded, bad_store, str(seeded), code=4)
    assert "internal error" not in talk
    assert not backup_path(seeded).exists()
    assert leftovers(seeded.parent) == []


def test_a_newer_schema_says_to_upgrade(run, seeded):
    seeded.write_bytes(BAD_STORES["newer-schema"])
    refused(run("dispute", "list"), seeded, BAD_STORES["newer-schema"],
            "schema version 99", f"newer than this tracker understands ({SCHEMA_VERSION})",
            "upgrade tracker", code=4)


def test_a_malformed_record_is_reported_with_the_file(run, seeded):
    data = json.loads(seeded.read_bytes())
    data["disputes"]["nyt-v-openai"]["parties"] = [{"name": "x"}]  # no role
    blob = json.dumps(data).encode()
    seeded.write_bytes(blob)
    refused(run("dispute", "show", "nyt-v-openai"), seeded, blob, str(seeded),
            "malformed disputes record 'nyt-v-openai'", code=4)
    refused(run("dispute", "status", "nyt-v-openai", "trial"), seeded, blob, code=4)


# -- migrations ----------------------------------------------------------------------------


def version_0_store(path: Path) -> bytes:
    """A store written before versioning: no meta table and only the disputes table."""
    d = Dispute(slug="old-case", title="Old v. Case", status="discovery")
    blob = json.dumps({"disputes": {"old-case": d.to_dict()}}).encode()
    path.write_bytes(blob)
    return blob


def test_a_version_0_store_is_read_without_being_written(run, db):
    blob = version_0_store(db)
    rows = as_json(run("dispute", "list", "--json"))
    assert [r["slug"] for r in rows] == ["old-case"]
    assert as_json(run("article", "list", "--json")) == []
    assert db.read_bytes() == blob  # reading never rewrites


def test_a_version_0_store_is_migrated_on_the_next_write(run, db):
    version_0_store(db)
    r = run("dispute", "status", "old-case", "trial")
    assert r.exit_code == 0, r.stderr
    data = json.loads(db.read_bytes())
    assert data["meta"]["schema"] == {"version": SCHEMA_VERSION}
    assert {"disputes", "articles", "feeds", "entries"} <= set(data)
    assert data["disputes"]["old-case"]["status"] == "trial"


def test_migrations_are_named_and_ordered(tmp_path):
    assert len(storage.MIGRATIONS) == SCHEMA_VERSION
    assert all(name and callable(step) for name, step in storage.MIGRATIONS)
    (tmp_path / "s.json").write_bytes(b"{}")
    assert read_raw(tmp_path / "s.json") == storage.new_raw()


# -- one write per command -----------------------------------------------------------------


@pytest.fixture
def write_log(isolated, monkeypatch) -> Path:
    log = isolated / "writes.log"
    monkeypatch.setenv(storage.WRITE_LOG_ENV, str(log))
    return log


def writes(log: Path) -> list[str]:
    return log.read_text().splitlines() if log.exists() else []


def test_init_writes_once(run, db, write_log):
    assert run("init").exit_code == 0
    assert writes(write_log) == [str(db)]
    assert run("init").exit_code == 0  # already there: nothing written
    assert writes(write_log) == [str(db)]


@pytest.mark.parametrize("command", WRITES, ids=" ".join)
def test_every_writing_command_writes_exactly_once(run, seeded, write_log, command):
    r = run(*command)
    assert r.exit_code == 0, r.stderr
    assert writes(write_log) == [str(seeded)]


@pytest.mark.parametrize(
    "command",
    [*READS, ("dispute", "status", "nyt-v-openai", "discovery"), ("article", "remove", "x")],
    ids=" ".join,
)
def test_reading_or_refused_commands_never_write(run, seeded, write_log, command):
    run(*command)
    assert writes(write_log) == []


def test_renaming_a_dispute_with_many_articles_still_writes_once(run, seeded, write_log):
    with open_store(seeded, write=True) as store:
        from tracker.core import add_article

        for i in range(50):
            add_article(store, f"https://example.com/{i}", ["nyt-v-openai"])
    os.remove(write_log)
    assert run("dispute", "edit", "nyt-v-openai", "--rename", "nyt").exit_code == 0
    assert writes(write_log) == [str(seeded)]
    assert len(as_json(run("article", "list", "-d", "nyt", "--json"))) == 50


# -- a stable file ------------------------------------------------------------------------


def test_the_file_has_sorted_keys_and_two_space_indent(run, seeded):
    run("article", "add", "https://example.com/a", "-d", "nyt-v-openai", "--title", "Zürich 東京")
    text = seeded.read_text("utf-8")
    data = json.loads(text)
    assert text == json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def test_the_same_store_written_twice_is_byte_identical(seeded):
    before = seeded.read_bytes()
    with open_store(seeded, write=True) as store:
        for d in store.disputes():
            store.put_dispute(d)  # a change to nothing
        assert store.dirty
    assert seeded.read_bytes() == before
    assert storage.dumps(read_raw(seeded)) == before


def test_a_command_that_changes_nothing_leaves_the_bytes(run, seeded):
    before = seeded.read_bytes()
    for command in READS:
        run(*command)
    assert seeded.read_bytes() == before


# -- reading only the tables a command uses -------------------------------------------------

_TEXT = st.text(st.characters(blacklist_categories=("Cs",))) | st.sampled_from(
    ['\n  "feeds": {', '\n}', '  "a": 1,', '",\n  "x": {}', "\\"])  # layout look-alikes
_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-2**63, 2**63 - 1) | _TEXT
    | st.floats(allow_nan=False, allow_infinity=False),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_TEXT, inner, max_size=3),
    max_leaves=8)
_STORES = st.dictionaries(st.from_regex(r"[a-z_0-9]{1,8}", fullmatch=True),
                          st.dictionaries(_TEXT, _VALUES, max_size=4), max_size=5)


def _as_written(data: dict) -> tuple[dict, bytes]:
    """`data` with the note a write adds (each other table's length), and its bytes."""
    texts = file_store._table_texts({k: v for k, v in data.items() if k != "meta"})
    meta = {**data.get("meta", {}), file_store._LENGTHS: {n: len(t) for n, t in texts.items()}}
    noted = {**data, "meta": meta}
    return noted, file_store._join_texts({**texts, **file_store._table_texts({"meta": meta})})


@settings(max_examples=200, deadline=None)
@given(_STORES, st.data())
def test_the_file_splits_into_its_tables_and_joins_back_byte_for_byte(data, draw):
    noted, blob = _as_written(data)
    assert blob == storage.dumps(noted)  # the layout is dumps' own
    found = file_store._split_tables(blob)
    assert found is not None
    meta, pieces = found
    assert meta == noted["meta"] and sorted(pieces) == sorted(set(noted) - {"meta"})
    for name, text in pieces.items():
        assert orjson.loads(text) == noted[name]
    unparsed = draw.draw(st.sets(st.sampled_from(sorted(pieces)))) if pieces else set()
    parsed = {name: table for name, table in noted.items() if name not in unparsed}
    copied = {name: pieces[name].tobytes() for name in unparsed}  # as read, not dumped
    assert file_store._join_texts({**file_store._table_texts(parsed), **copied}) == blob


@settings(max_examples=300, deadline=None)
@given(_STORES, st.data())
def test_a_changed_file_is_read_whole_or_read_alike(data, draw):
    """A byte inserted, deleted or changed anywhere: the pieces are refused (the file is
    read whole), or they read as the whole file does, or, where it is no longer valid
    JSON, some piece fails to parse (reported when it is used)."""
    _, blob = _as_written(data)
    at = draw.draw(st.integers(0, len(blob) - 1))
    byte = bytes([draw.draw(st.sampled_from(b' \n"{},:0a\\'))])
    changed = draw.draw(st.sampled_from([blob[:at] + byte + blob[at:], blob[:at] + blob[at + 1:],
                                         blob[:at] + byte + blob[at + 1:]]))
    found = file_store._split_tables(changed)
    if found is None:
        return
    meta, pieces = found
    try:
        whole = orjson.loads(changed)
    except orjson.JSONDecodeError:
        with pytest.raises(orjson.JSONDecodeError):
            for text in pieces.values():
                orjson.loads(text)
        return
    assert {**{n: orjson.loads(t) for n, t in pieces.items()}, "meta": meta} == whole


def _as_copied(data: dict) -> dict:
    """What `documents` gives of a store: less the file store's own notes under meta."""
    meta = {k: v for k, v in data.get("meta", {}).items() if not k.startswith("file.")}
    return {**data, "meta": meta}


def _layouts(data: dict) -> dict[str, bytes]:
    nested = storage.dumps({**data, "meta": {**data["meta"], "note": {"feeds": {}}}})
    return {
        "compact": orjson.dumps(data),
        "indent-4": json.dumps(data, indent=4).encode(),
        "no-final-newline": storage.dumps(data)[:-2] + b"  }",
        # a nested key moved to the two-space indent of a table's: still valid JSON
        "look-alike-line": nested.replace(b'\n      "feeds": {}', b'\n  "feeds": {}'),
    }


@pytest.mark.parametrize("layout", ["compact", "indent-4", "no-final-newline",
                                    "look-alike-line"])
def test_a_store_in_another_layout_is_read_whole(run, seeded, layout):
    run("article", "add", "https://example.com/a", "-d", "nyt-v-openai", "--title", "A")
    blob = _layouts(json.loads(seeded.read_bytes()))[layout]
    expected = _as_copied(json.loads(blob))
    if layout != "look-alike-line":  # inside the meta table: the pieces still read alike
        assert file_store._split_tables(blob) is None
    seeded.write_bytes(blob)
    with open_store(seeded) as store:
        assert {t: dict(store.documents(t)) for t in expected} == expected
    assert [a["url"] for a in as_json(run("article", "list", "--json"))] == [
        "https://example.com/a"]


def _hand_edits(blob: bytes) -> dict[str, bytes]:
    """Valid JSON laid out almost as `dumps` writes it: every piece between the lines
    that look like tables' starts is `{ ... }`, yet some are not tables."""
    fake = (b'\n  "entries": {\n    "zz": {\n      "a": {\n  },\n  "suggestions": {\n'
            b'    "q": {}\n  },\n  "zzz": {\n  }\n    }\n  },')
    assert b'\n  },\n  "disputes": {' in blob  # the articles table closes just before
    assert b'\n  "entries": {},' in blob
    return {
        # one top-level key indented further, as an editor's stray tab leaves it
        "key-indented": blob.replace(b'\n  "disputes": {', b'\n      "disputes": {'),
        # a table's end and the next table's start indented further together
        "block-indented": blob.replace(b'\n  },\n  "disputes": {',
                                       b'\n    },\n    "disputes": {'),
        # nested keys at a table's indent, each piece closed as a table is
        "nested-look-alikes": blob.replace(b'\n  "entries": {},', fake),
    }


@pytest.mark.parametrize("edit", ["key-indented", "block-indented", "nested-look-alikes"])
def test_a_hand_edited_store_that_only_looks_like_its_layout_is_read_whole(run, seeded,
                                                                          edit):
    run("article", "add", "https://example.com/a", "-d", "nyt-v-openai", "--title", "A")
    blob = _hand_edits(seeded.read_bytes())[edit]
    expected = _as_copied(json.loads(blob))
    assert file_store._split_tables(blob) is None  # not the lengths it was written with
    seeded.write_bytes(blob)
    assert sorted(d["slug"] for d in as_json(run("dispute", "list", "--json"))) == sorted(
        expected["disputes"])
    with open_store(seeded) as store:
        assert {t: dict(store.documents(t)) for t in {*storage.TABLES, *expected}} == {
            t: expected.get(t, {}) for t in {*storage.TABLES, *expected}}
    assert run("dispute", "edit", "nyt-v-openai", "--tag", "x").exit_code == 0
    assert json.loads(seeded.read_bytes())["articles"] == expected["articles"]


def test_a_hand_edit_around_the_meta_table_is_read_whole(run, seeded):
    """The meta table is read first, to learn whether the rest can wait: a piece that
    only looks like it (the next table's start indented into it) is no damage."""
    with open_store(seeded, write=True) as store:
        store.put_suggestions({"s": {"state": "open"}})
    blob = seeded.read_bytes()
    edited = blob.replace(b'\n  },\n  "suggestions": {', b'\n    },\n    "suggestions": {')
    assert edited != blob and file_store._split_tables(edited) is None
    seeded.write_bytes(edited)
    with open_store(seeded) as store:
        assert store.suggestions() == {"s": {"state": "open"}}
        assert store.meta("schema") == {"version": SCHEMA_VERSION}


def test_a_command_parses_only_the_tables_it_uses(run, seeded, monkeypatch):
    run("article", "add", "https://example.com/a", "-d", "nyt-v-openai")
    parsed: list[str] = []
    parse = file_store._parse_table
    monkeypatch.setattr(file_store, "_parse_table",
                        lambda path, name, text: parsed.append(name) or parse(path, name, text))
    assert as_json(run("feed", "list", "--json")) == []
    assert "articles" not in parsed and "feeds" in parsed
    before = seeded.read_bytes()
    assert run("dispute", "edit", "nyt-v-openai", "--tag", "x").exit_code == 0
    assert parsed.count("articles") == 1  # parsed for the write, not before
    after = json.loads(seeded.read_bytes())
    assert after["articles"] == json.loads(before)["articles"]
    assert storage.dumps(after) == seeded.read_bytes()


def test_a_write_lays_out_an_unread_table_as_dumps_does_after_a_same_length_edit(run,
                                                                                seeded):
    """Two records' lines swapped by hand keep the table's length, so it is read lazily
    (and alike); a write that never uses it still writes what dumps writes, keys sorted."""
    for url in ("https://example.com/a", "https://example.com/b"):
        run("article", "add", url, "-d", "nyt-v-openai", "--title", "A")
    blob = seeded.read_bytes()
    articles = json.loads(blob)["articles"]
    sorted_text, swapped = (orjson.dumps(table, option=orjson.OPT_INDENT_2).replace(
        b"\n", b"\n  ") for table in (articles, dict(reversed(articles.items()))))
    assert sorted_text in blob and swapped != sorted_text and len(swapped) == len(sorted_text)
    edited = blob.replace(sorted_text, swapped)
    assert file_store._split_tables(edited) is not None  # the lengths it was written with
    seeded.write_bytes(edited)
    assert run("dispute", "edit", "nyt-v-openai", "--tag", "x").exit_code == 0
    after = seeded.read_bytes()
    assert json.loads(after)["articles"] == articles
    assert after == storage.dumps(json.loads(after))


def _scanned_counts(path: Path) -> dict[str, int]:
    counts: dict[str, int] = {}
    for doc in json.loads(path.read_bytes()).get("articles", {}).values():
        for link in doc["links"]:
            counts[link["dispute"]] = counts.get(link["dispute"], 0) + 1
    return counts


def test_dispute_list_counts_articles_without_reading_them(run, seeded, monkeypatch):
    """The counts come from a note each write makes again with the articles parsed; after
    every kind of change to the links they are what reading the articles gives."""
    steps = [
        ("article", "add", "https://example.com/a", "-d", "nyt-v-openai"),
        ("article", "add", "https://example.com/b", "-d", "nyt-v-openai", "-d",
         "getty-v-stability"),
        ("dispute", "edit", "getty-v-stability", "--tag", "x"),  # the articles untouched
        ("article", "link", "https://example.com/a", "-d", "coda-v-openai"),
        ("article", "unlink", "https://example.com/b", "-d", "nyt-v-openai"),
        ("dispute", "edit", "coda-v-openai", "--rename", "coda-v-openai-sora"),
        ("article", "remove", "https://example.com/a"),
        ("dispute", "remove", "getty-v-stability", "--yes"),
    ]
    parsed: list[str] = []
    parse = file_store._parse_table
    monkeypatch.setattr(file_store, "_parse_table",
                        lambda path, name, text: parsed.append(name) or parse(path, name, text))
    for step in steps:
        assert run(*step).exit_code == 0, step
        parsed.clear()
        rows = as_json(run("dispute", "list", "--json"))
        assert "articles" not in parsed, step
        expected = _scanned_counts(seeded)
        assert {r["slug"]: r["articles"] for r in rows} == {
            r["slug"]: expected.get(r["slug"], 0) for r in rows}, step
        with open_store(seeded) as store:
            assert store.link_counts() == expected
            assert store.link_counts("nyt-v-openai") == {
                k: v for k, v in expected.items() if k == "nyt-v-openai"}


def test_a_write_makes_the_notes_again_after_a_same_length_hand_edit(run, seeded):
    """A kept item's "seen" corrected by hand to an earlier date keeps the file's lengths,
    so it reads lazily with the old floor; the next write, of anything, makes the notes
    again from what it writes, and the item then expires."""
    with open_store(seeded, write=True) as store:
        store.put_entries({"https://example.com/k": {
            "url": "https://example.com/k", "title": "K", "seen": "2026-11-30T10:00:00+00:00"}})
    blob = seeded.read_bytes()
    edited = blob.replace(b'"seen": "2026-11-30T10', b'"seen": "2020-11-30T10', 1)  # not the note
    assert edited != blob and file_store._split_tables(edited) is not None
    seeded.write_bytes(edited)
    assert run("dispute", "edit", "nyt-v-openai", "--tag", "x").exit_code == 0
    with open_store(seeded) as store:
        assert store.entries_seen_before("2026-01-01T00:00:00+00:00") == [
            "https://example.com/k"]


def test_a_malformed_article_leaves_the_counts_to_a_read(run, seeded):
    run("article", "add", "https://example.com/a", "-d", "nyt-v-openai")
    with open_store(seeded, write=True) as store:
        store.put_documents("articles", {"https://example.com/x": {"url": "x", "links": [{}]}})
    noted = json.loads(seeded.read_bytes())["meta"]
    assert file_store._COUNTS not in noted  # no note: dispute list reads the articles
    with open_store(seeded) as store:
        assert store.link_counts("nyt-v-openai") == {"nyt-v-openai": 1}


def test_a_damaged_table_is_reported_when_a_command_reads_it(run, seeded):
    run("article", "add", "https://example.com/a", "-d", "nyt-v-openai", "--title", "A")
    blob = seeded.read_bytes()
    assert blob.index(b'"title": "A"') < blob.index(b'\n  "disputes"')  # in articles
    damaged = blob.replace(b'"title": "A"', b'"title": A""')  # same length: read lazily
    seeded.write_bytes(damaged)
    at = damaged.index(b'A""')  # where an editor shows it: the file's line, not the table's
    line, column = damaged.count(b"\n", 0, at) + 1, at - damaged.rindex(b"\n", 0, at)
    refused(run("article", "list"), seeded, damaged, "not valid JSON", "'articles'",
            f"line {line} column {column}", code=4)
    refused(run("article", "add", "https://example.com/b", "-d", "nyt-v-openai"), seeded,
            damaged, "not valid JSON", code=4)
    checked = run("doctor")
    assert checked.exit_code != 0 and "not valid JSON" in checked.stdout + checked.stderr
    assert seeded.read_bytes() == damaged


def test_a_damaged_table_stays_damaged_when_asked_again(run, seeded):
    """Its text is kept until it parses: a second look (a caller that caught the first
    error) neither reads it as empty nor writes the store without it."""
    run("article", "add", "https://example.com/a", "-d", "nyt-v-openai", "--title", "A")
    damaged = seeded.read_bytes().replace(b'"title": "A"', b'"title": A""')  # as above
    seeded.write_bytes(damaged)
    with pytest.raises(StoreError, match="not valid JSON"), \
            open_store(seeded, write=True) as store:
        for _ in range(2):
            with pytest.raises(StoreError, match="'articles'"):
                store.articles()
        store.set_meta("x", {"y": 1})
    assert seeded.read_bytes() == damaged


def test_a_write_leaves_a_store_with_a_damaged_unread_table_and_its_backup(run, seeded):
    """A command that never reads the damaged table must not write it back: the write
    would make the damaged file the backup, and 'doctor --restore' could no longer put
    back the last good generation."""
    run("article", "add", "https://example.com/a", "-d", "nyt-v-openai", "--title", "A")
    bak = backup_path(seeded).read_bytes()
    damaged = seeded.read_bytes().replace(b'"title": "A"', b'"title": A""')  # as above
    seeded.write_bytes(damaged)
    refused(run("dispute", "edit", "nyt-v-openai", "--tag", "x"), seeded, damaged,
            "not valid JSON", "'articles'", code=4)
    assert backup_path(seeded).read_bytes() == bak
    assert run("doctor", "--restore").exit_code == 0
    assert seeded.read_bytes() == bak


def test_a_bare_schema_version_still_reads_as_the_note(run, seeded):
    """`"schema": 3` reads as version 3 and is kept as the note `{"version": 3}`: what a
    copy (into a SQL store, whose doctor checks the note) and the next write carry."""
    data = json.loads(seeded.read_bytes())
    data["meta"]["schema"] = SCHEMA_VERSION
    seeded.write_bytes(storage.dumps(data))
    with open_store(seeded) as store:
        assert dict(store.documents("meta"))["schema"] == {"version": SCHEMA_VERSION}
    assert run("dispute", "edit", "nyt-v-openai", "--tag", "x").exit_code == 0
    assert json.loads(seeded.read_bytes())["meta"]["schema"] == {"version": SCHEMA_VERSION}


def test_run_fixture_uses_the_isolated_store(run: Run, seeded, isolated):
    assert seeded.parent == isolated
    assert as_json(run("paths", "--json"))["store"] == str(seeded)


def test_a_sqlite_url_with_four_slashes_names_the_absolute_path(run, tmp_path):
    # sqlite:////abs/path is how SQLAlchemy and others write an absolute path
    result = run("--db", f"sqlite:///{tmp_path / 'four.db'}", "init", "--empty")
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "four.db").exists()
    assert run("--db", f"sqlite://{tmp_path / 'four.db'}", "dispute", "list").exit_code == 0
