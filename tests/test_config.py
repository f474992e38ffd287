"""config.toml: the defaults, the checks on a user's file, and where files are looked for."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import as_json
from tracker import config
from tracker.errors import ConfigError, ExitCode

REPO = Path(__file__).resolve().parent.parent


def test_repo_config_is_the_built_in_default():
    shipped = (REPO / "tracker" / "default_config.toml").read_bytes()
    assert (REPO / "config.toml").read_bytes() == shipped


def test_repo_config_loads_to_the_defaults():
    loaded = config.load(REPO / "config.toml")
    assert loaded.data == config.defaults()
    assert loaded.source == REPO / "config.toml"
    assert loaded.section("store")["lock_timeout"] == 10.0
    assert all(feed["url"].startswith("https://") for feed in loaded.feeds)


def test_no_file_means_the_defaults():
    loaded = config.load(None)
    assert loaded.source is None
    assert loaded.data == config.defaults()
    assert loaded.section("nope") == {}


def test_a_partial_file_overrides_only_what_it_names(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text('[store]\nlock_timeout = 2\n\n[poll]\nconcurrency = 4\n', encoding="utf-8")
    loaded = config.load(path)
    assert loaded.section("store") == {"db": "", "lock_timeout": 2}
    assert loaded.section("poll")["concurrency"] == 4
    assert loaded.section("poll")["per_host"] == config.defaults()["poll"]["per_host"]


def test_feeds_in_a_user_file_replace_the_default_ones(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text('[[feeds]]\nurl = "https://example.com/feed"\ndispute = "nyt-v-openai"\n',
                    encoding="utf-8")
    assert config.load(path).feeds == [{"url": "https://example.com/feed",
                                        "dispute": "nyt-v-openai"}]


BAD = [
    ("[store]\ncolour = true\n", ["unknown key 'store.colour'",
                                  "known keys here: db, lock_timeout"]),
    ("[stor]\ndb = 'x'\n", ["unknown key 'stor'"]),
    ("[store]\nlock_timeout = 'fast'\n", ["'store.lock_timeout' must be float, not str"]),
    ("[poll]\nconcurrency = 2.5\n", ["'poll.concurrency' must be int, not float"]),
    ("[poll]\nconcurrency = true\n", ["'poll.concurrency' must be int, not bool"]),
    ("[match]\nsubject_terms = 'copyright'\n", ["'match.subject_terms' must be list"]),
    ("store = 3\n", ["'store' must be a table"]),
    ("[poll]\nconcurrency = -1\n", ["'poll.concurrency'", "-1"]),
    ("[store]\nlock_timeout = -0.5\n", ["'store.lock_timeout'", "-0.5"]),
    ("[store]\nlock_timeout = nan\n", ["'store.lock_timeout'", "nan"]),
    ("[store\ndb = 'x'\n", ["is not valid TOML"]),
    ("[store]\ndb = \n", ["is not valid TOML"]),
    ("[[feeds]]\nname = 'no url'\n", ["feeds entry 1 needs a 'url' string"]),
    ("[[feeds]]\nurl = 'https://a.example/'\ncolour = 'red'\n", ["unknown key(s) ['colour']"]),
    ("feeds = 'https://a.example/'\n", ["'feeds' must be an array of tables"]),
]


@pytest.mark.parametrize(("text", "needles"), BAD)
def test_a_bad_config_names_the_file_and_the_key(tmp_path, text, needles):
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        config.load(path)
    message = f"{info.value.message} {info.value.hint or ''}"
    assert str(path) in message
    for needle in needles:
        assert needle in message


def test_an_unreadable_config_is_a_config_error(tmp_path):
    path = tmp_path / "latin1.toml"
    path.write_bytes(b"[store]\ndb = '\xe9'\n")
    with pytest.raises(ConfigError, match="cannot read config file"):
        config.load(path)
    with pytest.raises(ConfigError, match="config file not found"):
        config.load(tmp_path / "missing.toml")


@pytest.mark.parametrize(("text", "needles"), BAD[:3] + BAD[7:11])
@pytest.mark.parametrize("how", ["env", "option"])
def test_the_cli_reports_a_bad_config_with_exit_2(run, seeded, isolated, monkeypatch, text,
                                                  needles, how):
    path = isolated / "bad.toml"
    path.write_text(text, encoding="utf-8")
    before = seeded.read_bytes()
    if how == "env":
        monkeypatch.setenv("TRACKER_CONFIG", str(path))
        r = run("dispute", "add", "X v. Y")
    else:
        r = run("--config", str(path), "dispute", "add", "X v. Y")
    talk = " ".join(r.stderr.split())
    assert r.exit_code == ExitCode.USAGE == 2
    assert r.stdout == ""
    assert talk.startswith("tracker: error:")
    assert str(path) in talk
    for needle in needles:
        assert needle in talk
    assert "Traceback" not in talk and "internal error" not in talk
    assert seeded.read_bytes() == before


def test_a_missing_config_given_on_the_command_line(run, seeded, isolated):
    r = run("--config", str(isolated / "nope.toml"), "paths")
    assert r.exit_code == 2
    assert r.stdout == ""
    assert "config file not found" in r.stderr


# -- where files are looked for ------------------------------------------------------------


def where(run, *args: str) -> dict[str, str]:
    return as_json(run(*args, "paths", "--json"))


@pytest.fixture
def config_with_db(isolated) -> Path:
    path = isolated / "with-db.toml"
    path.write_text(f"[store]\ndb = '{isolated / 'from-config.json'}'\n", encoding="utf-8")
    return path


def test_db_option_wins_over_everything(run, isolated, monkeypatch, config_with_db):
    monkeypatch.setenv("TRACKER_CONFIG", str(config_with_db))
    info = where(run, "--db", str(isolated / "from-option.json"))
    assert info["store"] == str(isolated / "from-option.json")
    assert info["backup"] == str(isolated / "from-option.json.bak")
    assert info["lock"] == str(isolated / "from-option.json.lock")


def test_db_env_wins_over_the_config(run, isolated, monkeypatch, config_with_db):
    monkeypatch.setenv("TRACKER_CONFIG", str(config_with_db))
    assert where(run)["store"] == str(isolated / "store.json")  # TRACKER_DB from conftest


def test_config_db_wins_over_the_platform_dir(run, isolated, monkeypatch, config_with_db):
    monkeypatch.delenv("TRACKER_DB")
    monkeypatch.setenv("TRACKER_CONFIG", str(config_with_db))
    info = where(run)
    assert info["store"] == str(isolated / "from-config.json")
    assert info["config"] == str(config_with_db)


def test_the_platform_data_dir_comes_last(run, isolated, monkeypatch):
    monkeypatch.delenv("TRACKER_DB")
    monkeypatch.delenv("TRACKER_CONFIG")
    info = where(run)
    assert info["store"] == str(isolated / "data" / "tracker" / "tracker.json")
    assert info["config"] == "(built-in defaults)"
    assert info["user config file"] == str(isolated / "config" / "tracker" / "config.toml")


def test_a_home_relative_db_is_expanded(run, isolated, monkeypatch):
    monkeypatch.setenv("HOME", str(isolated))
    assert where(run, "--db", "~/mine.json")["store"] == str(isolated / "mine.json")
    monkeypatch.setenv("TRACKER_DB", "~/env.json")
    assert where(run)["store"] == str(isolated / "env.json")


@pytest.mark.parametrize("blank", ["", "   "])
def test_a_blank_db_is_a_usage_error_that_changes_nothing(run, isolated, monkeypatch, blank):
    monkeypatch.chdir(isolated)  # where a blank path would have been made
    before = sorted(isolated.rglob("*"))
    for args, named in ((("--db", blank), "--db"), ((), "TRACKER_DB")):
        if not args:
            monkeypatch.setenv("TRACKER_DB", blank)
        for command in (("init",), ("dispute", "list"), ("paths",)):
            r = run(*args, *command)
            assert r.exit_code == 2, (args, command, r.stderr)
            assert r.stderr.startswith(f"tracker: error: {named} is empty")
            assert "\nhint: " in r.stderr and "Traceback" not in r.stderr
    assert sorted(isolated.rglob("*")) == before
    assert where(run, "--db", str(isolated / "x.json"))["store"] == str(isolated / "x.json")


def test_config_option_wins_over_the_env(run, isolated, monkeypatch, config_with_db):
    other = isolated / "other.toml"
    other.write_text("[store]\nlock_timeout = 1\n", encoding="utf-8")
    monkeypatch.setenv("TRACKER_CONFIG", str(config_with_db))
    monkeypatch.delenv("TRACKER_DB")
    info = where(run, "--config", str(other))
    assert info["config"] == str(other)
    assert info["store"] == str(isolated / "data" / "tracker" / "tracker.json")


def test_the_user_config_file_is_used_when_nothing_else_is_given(run, isolated, monkeypatch,
                                                                config_with_db):
    user = isolated / "config" / "tracker" / "config.toml"
    user.parent.mkdir(parents=True)
    user.write_bytes(config_with_db.read_bytes())
    monkeypatch.delenv("TRACKER_DB")
    monkeypatch.delenv("TRACKER_CONFIG")
    info = where(run)
    assert info["config"] == str(user)
    assert info["store"] == str(isolated / "from-config.json")
    monkeypatch.setenv("TRACKER_CONFIG", str(isolated / "missing.toml"))  # env wins, even
    assert run("paths").exit_code == 2                                   # when it is wrong


def test_init_creates_the_store_where_paths_says(run, isolated, monkeypatch):
    monkeypatch.delenv("TRACKER_DB")
    r = run("init", "--empty")
    assert r.exit_code == 0, r.stderr
    store = Path(where(run)["store"])
    assert store.is_file()
    assert str(store) in " ".join(r.stderr.split())
    assert as_json(run("dispute", "list", "--json")) == []
