"""The `flicklist` command: migrations, accounts, help, and `serve` with several workers."""

import os
import subprocess
import sys

import pytest
from browser_support import PROJECT_DIR
from support import PASSWORD


def cli(*args: str, database_url: str, password: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "FLICKLIST_DATABASE_URL": database_url, "FLICKLIST_SECRET_KEY": "cli-test"}
    if password is not None:
        env["FLICKLIST_PASSWORD"] = password
    return subprocess.run(
        [sys.executable, "-m", "flicklist.cli", *args],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_command_line_migrates_and_manages_users(empty_database_url):
    url = empty_database_url
    assert cli("db", "current", database_url=url).returncode == 1
    assert "head" in cli("db", "upgrade", database_url=url).stdout
    assert cli("db", "current", database_url=url).returncode == 0

    created = cli("users", "create", "Ann@Example.com", database_url=url, password=PASSWORD)
    assert created.returncode == 0, created.stderr
    assert "ann@example.com" in cli("users", "list", database_url=url).stdout

    duplicate = cli("users", "create", "ann@example.com", database_url=url, password=PASSWORD)
    assert duplicate.returncode == 1 and "already exists" in duplicate.stderr
    weak = cli("users", "create", "bob@example.com", database_url=url, password="short")
    assert weak.returncode == 1 and "at least 15 characters" in weak.stderr

    assert cli("users", "set-password", "ann@example.com", database_url=url, password="x" * 20).returncode == 0
    missing = cli("users", "delete", "nobody@example.com", database_url=url)
    assert missing.returncode == 1 and "No account" in missing.stderr
    assert cli("users", "delete", "ann@example.com", database_url=url).returncode == 0
    assert "ann@example.com" not in cli("users", "list", database_url=url).stdout


def test_the_command_line_says_when_the_database_is_not_migrated(empty_database_url):
    result = cli("users", "list", database_url=empty_database_url)
    assert result.returncode == 1
    assert "flicklist db upgrade" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "args", [(), ("serve",), ("db",), ("db", "upgrade"), ("users",), ("users", "create"), ("users", "set-password")]
)
def test_every_command_has_help(args):
    result = subprocess.run(
        [sys.executable, "-m", "flicklist.cli", *args, "--help"],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0 and "usage: flicklist" in result.stdout
