"""Settings: the signing key (never short, never read half-written) and private data files."""

import multiprocessing
import os
import stat
import subprocess
import sys

import pytest
from sqlalchemy import text

from flicklist.db import make_engine
from flicklist.settings import InvalidSetting, load_settings, read_or_create_secret_key


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize("key", ["", "short", "x" * 31, "é" * 15])
def test_a_short_or_empty_secret_key_is_refused_with_a_clear_message(tmp_path, key):
    with pytest.raises(InvalidSetting, match=r"FLICKLIST_SECRET_KEY is .* bytes long; it must be at least 32"):
        load_settings({"FLICKLIST_SECRET_KEY": key, "FLICKLIST_DATA_DIR": str(tmp_path)})


def test_a_key_of_32_bytes_is_taken(tmp_path):
    assert load_settings({"FLICKLIST_SECRET_KEY": "k" * 32, "FLICKLIST_DATA_DIR": str(tmp_path)}).secret_key == "k" * 32


def test_a_truncated_key_file_is_refused(tmp_path):
    (tmp_path / "secret_key").write_text("abc")
    with pytest.raises(InvalidSetting, match="key file"):
        load_settings({"FLICKLIST_DATA_DIR": str(tmp_path)})


def test_the_generated_key_file_is_private_and_kept(tmp_path):
    data_dir = tmp_path / "var"
    first = load_settings({"FLICKLIST_DATA_DIR": str(data_dir)}).secret_key
    assert len(first) >= 32
    assert load_settings({"FLICKLIST_DATA_DIR": str(data_dir)}).secret_key == first
    assert mode(data_dir) == 0o700 and mode(data_dir / "secret_key") == 0o600
    assert [path.name for path in data_dir.iterdir()] == ["secret_key"], "no draft left behind"


def read_key_at_once(path, barrier, results) -> None:
    barrier.wait()
    results.put(read_or_create_secret_key(path))


@pytest.mark.slow
def test_workers_starting_at_once_all_read_the_same_whole_key(tmp_path):
    context = multiprocessing.get_context("fork")
    for trial in range(25):
        path = tmp_path / f"trial{trial}" / "secret_key"
        barrier, results = context.Barrier(4), context.Queue()
        workers = [context.Process(target=read_key_at_once, args=(path, barrier, results)) for _ in range(4)]
        for worker in workers:
            worker.start()
        keys = [results.get(timeout=10) for _ in workers]
        for worker in workers:
            worker.join()
        assert len(set(keys)) == 1 and len(keys[0]) >= 32, (trial, keys)


async def test_the_sqlite_file_and_its_journal_are_private(tmp_path):
    database = tmp_path / "var" / "flicklist.sqlite3"
    engine = make_engine(f"sqlite+aiosqlite:///{database}")
    async with engine.begin() as connection:
        await connection.execute(text("CREATE TABLE t (x INTEGER)"))
        await connection.execute(text("INSERT INTO t VALUES (1)"))
        wal = database.with_name(database.name + "-wal")
        assert wal.exists() and mode(wal) == 0o600
    await engine.dispose()
    assert mode(database.parent) == 0o700 and mode(database) == 0o600


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        (("FLICKLIST_HTTPS", "yes"), "Config 'FLICKLIST_HTTPS' has value 'yes'. Not a valid bool. (A yes-or-no"),
        (("FLICKLIST_MAX_BODY_BYTES", "64k"), "Config 'FLICKLIST_MAX_BODY_BYTES' has value '64k'. Not a valid int."),
    ],
)
def test_a_setting_of_the_wrong_kind_is_refused_naming_it(tmp_path, setting, message):
    with pytest.raises(InvalidSetting) as refused:
        load_settings({"FLICKLIST_DATA_DIR": str(tmp_path), setting[0]: setting[1]})
    assert str(refused.value).startswith(message)


@pytest.mark.live_server
def test_a_wrong_hash_cost_stops_a_command_with_one_line_not_a_traceback(tmp_path):
    environment = {**os.environ, "FLICKLIST_DATA_DIR": str(tmp_path), "FLICKLIST_PASSWORD_HASH_COST": "cheap"}
    ran = subprocess.run(
        [sys.executable, "-m", "flicklist.cli", "users", "list"], env=environment, capture_output=True, text=True
    )
    assert (ran.returncode, ran.stderr) == (
        1,
        "flicklist: FLICKLIST_PASSWORD_HASH_COST is 'cheap'; leave it unset (it is for the test suite).\n",
    )
