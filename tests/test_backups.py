"""`flicklist backup` and `restore`: a copy of a live SQLite database taken while people
write to it, checked, holding every write acknowledged before it began; putting one back."""

import sqlite3
import threading
import time

import httpx
import pytest
from browser_support import LiveServer
from support import PASSWORD, POSTGRES_URL
from test_cli import cli

from flicklist.migrations import upgrade

pytestmark = [
    pytest.mark.live_server,
    pytest.mark.skipif(bool(POSTGRES_URL), reason="SQLite's backup; PostgreSQL's is pg_dump (tested below)"),
]


class Writer(threading.Thread):
    """A person adding films as fast as the server takes them, noting each one it confirmed."""

    def __init__(self, server: LiveServer) -> None:
        super().__init__(daemon=True)
        self.client = httpx.Client(base_url=server.url, timeout=10)
        self.confirmed: list[str] = []
        self.stop = threading.Event()
        page = self.client.get("/register").text
        token = page.split('name="csrf-token" content="', 1)[1].split('"', 1)[0]
        fields = {"csrf_token": token, "email": "ann@example.com", "password": PASSWORD, "verify": PASSWORD}
        assert self.client.post("/register", data=fields).status_code == 303
        self.token = self.client.get("/").text.split('name="csrf-token" content="', 1)[1].split('"', 1)[0]

    def run(self) -> None:
        number = 0
        while not self.stop.is_set():
            title = f"Film {number}"
            response = self.client.post("/movies", data={"csrf_token": self.token, "title": title})
            assert response.status_code == 303, response.text
            self.confirmed.append(title)
            number += 1


def titles_in(path) -> set[str]:
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        return {title for (title,) in connection.execute("SELECT title FROM movies")}


def test_a_backup_taken_during_writes_holds_every_write_confirmed_before_it(tmp_path):
    url = f"sqlite+aiosqlite:///{tmp_path / 'live.sqlite3'}"
    upgrade(url)
    server = LiveServer(url)
    writer = Writer(server)
    try:
        writer.start()
        while len(writer.confirmed) < 50:
            time.sleep(0.05)
        confirmed_before = set(writer.confirmed)
        result = cli("backup", str(tmp_path / "backup.sqlite3"), database_url=url)
        during = len(writer.confirmed) - len(confirmed_before)
    finally:
        writer.stop.set()
        writer.join()
        server.stop()
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"Backed up to {tmp_path / 'backup.sqlite3'}: ") and "1 accounts" in result.stdout
    assert during > 0, "the writes went on while the backup was made"
    backed_up = titles_in(tmp_path / "backup.sqlite3")
    assert confirmed_before <= backed_up
    assert (tmp_path / "backup.sqlite3").stat().st_mode & 0o777 == 0o600
    again = cli("backup", str(tmp_path / "backup.sqlite3"), database_url=url)
    assert again.returncode == 1 and "exists already" in again.stderr
    nowhere = cli("backup", str(tmp_path / "no-such-folder" / "backup.sqlite3"), database_url=url)
    assert (nowhere.returncode, nowhere.stderr) == (
        1,
        f"flicklist: {tmp_path / 'no-such-folder'} is not a folder; make it first, or choose another.\n",
    )


def test_restore_puts_a_backup_back_while_the_app_is_stopped_and_refuses_while_it_runs(tmp_path):
    url = f"sqlite+aiosqlite:///{tmp_path / 'live.sqlite3'}"
    upgrade(url)
    assert cli("users", "create", "ann@example.com", database_url=url, password=PASSWORD).returncode == 0
    assert cli("backup", str(tmp_path / "one-account.sqlite3"), database_url=url).returncode == 0
    assert cli("users", "create", "bob@example.com", database_url=url, password=PASSWORD).returncode == 0

    server = LiveServer(url)
    try:
        httpx.get(server.url + "/healthz")
        refused = cli("restore", str(tmp_path / "one-account.sqlite3"), database_url=url)
    finally:
        server.stop()
    assert refused.returncode == 1 and "is in use: stop FlickList first" in refused.stderr
    assert "bob@example.com" in cli("users", "list", database_url=url).stdout, "nothing was replaced"

    restored = cli("restore", str(tmp_path / "one-account.sqlite3"), database_url=url)
    assert restored.returncode == 0, restored.stderr
    assert "1 accounts" in restored.stdout and "before-restore" in restored.stdout
    assert cli("users", "list", database_url=url).stdout.splitlines() == ["1\tann@example.com\tadmin"]
    kept = next(tmp_path.glob("live.sqlite3.before-restore-*"))
    with sqlite3.connect(kept) as connection:
        assert connection.execute("SELECT count(*) FROM users").fetchall() == [(2,)], "the replaced one is kept"

    (tmp_path / "not-a-database").write_text("hello")
    bad = cli("restore", str(tmp_path / "not-a-database"), database_url=url)
    assert bad.returncode == 1 and "is not a FlickList database" in bad.stderr and "Traceback" not in bad.stderr
