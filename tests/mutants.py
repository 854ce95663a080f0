"""A mutation check (`make mutants`): small deliberate breaks in the product code, each of which
the named tests must catch. Each break is made in a copy of the checkout, never here, and
the tests run against that copy; a break the tests survive fails the check.

The breaks are ones an outside review found the suite let through, and the defences added
since: keep them caught."""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import NamedTuple

CHECKOUT = Path(__file__).resolve().parent.parent


class Mutant(NamedTuple):
    name: str
    path: str
    original: str
    broken: str
    tests: tuple[str, ...]


MUTANTS = [
    Mutant(
        "login keeps the browser's old session",
        "auth.py",
        '    request.session.clear()\n    request.session["sid"] = token',
        '    request.session.setdefault("sid", token)',
        ("tests/security/test_sessions.py",),
    ),
    Mutant(
        "login keeps what the old session held (no clear)",
        "auth.py",
        '    request.session.clear()\n    request.session["sid"] = token',
        '    request.session["sid"] = token',
        ("tests/security/test_sessions.py",),
    ),
    Mutant(
        "control characters allowed in next",
        "auth.py",
        'any(unicodedata.category(character)[0] == "C" for character in target)',
        "False",
        ("tests/security/test_input.py",),
    ),
    Mutant(
        "watched titles rendered raw",
        "partials/watched_rows.html",
        'hx-boost="false">{{ title }}</a>',
        'hx-boost="false">{{ title | safe }}</a>',
        ("tests/web/test_rendering.py",),
    ),
    Mutant(
        "form values rendered raw",
        "partials/field.html",
        'value="{{ value }}"',
        'value="{{ value | safe }}"',
        ("tests/web/test_rendering.py",),
    ),
    Mutant(
        "the account page open to visitors",
        "auth.py",
        'OPEN_PATHS = ("/login",',
        'OPEN_PATHS = ("/account", "/login",',
        ("tests/middleware/test_login_wall.py",),
    ),
    Mutant(
        "password rules skipped on a password change",
        "features/account.py",
        'errors = {"password": check_password(fields["password"], user.email)}',
        'errors = {"password": None}',
        ("tests/security/test_credentials.py",),
    ),
    Mutant(
        "the account page's password confirmations not throttled",
        "features/account.py",
        "    return await throttled_password_check(request, user.email, user.id, stored, password)",
        "    from ..security.passwords import verify_password\n\n"
        "    return (await verify_password(stored, password)).matches",
        ("tests/security/test_credentials.py",),
    ),
    Mutant(
        "expired sessions left on the server",
        "auth.py",
        "            if expired:\n                await connection.execute(delete(login_sessions)",
        "            if False:\n                await connection.execute(delete(login_sessions)",
        ("tests/security/test_sessions.py",),
    ),
    Mutant(
        "HX-Redirect not encoded",
        "web/rendering.py",
        '{"HX-Redirect": quote(url, safe=URL_SAFE)}',
        '{"HX-Redirect": url}',
        ("tests/security/test_input.py",),
    ),
    Mutant(
        "an authenticator code accepted twice",
        "security/totp.py",
        'totp_secrets.c.last_step < bindparam("step", BigInteger)',
        'totp_secrets.c.last_step <= bindparam("step", BigInteger)',
        ("tests/features/test_second_factors.py",),
    ),
    Mutant(
        "the throttle counts after the hash, not before",
        "security/throttle.py",
        "    if wait := await seconds_to_wait(db, limits):\n        return wait\n    reserved = []",
        "    return await seconds_to_wait(db, limits)\n    reserved = []",
        ("tests/security/test_throttle.py",),
    ),
]


def broken_copy(mutant: Mutant, into: Path) -> Path:
    package = into / "flicklist"
    ignored = shutil.ignore_patterns(".venv", ".git", "var", "__pycache__", "*.egg-info", "build", "dist")
    shutil.copytree(CHECKOUT, package, ignore=ignored)
    target = package / mutant.path
    text = target.read_text()
    assert text.count(mutant.original) == 1, f"{mutant.name}: the code to break is not in {mutant.path} once"
    target.write_text(text.replace(mutant.original, mutant.broken))
    return package


def caught(mutant: Mutant) -> bool:
    with tempfile.TemporaryDirectory() as scratch:
        package = broken_copy(mutant, Path(scratch))
        # The copy comes first on the path, ahead of the editable install of this checkout.
        env = {**os.environ, "PYTHONPATH": scratch, "FLICKLIST_REQUIRE_BROWSER": "0"}
        command = [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", *mutant.tests]
        result = subprocess.run(command, cwd=package, env=env, capture_output=True, text=True)
        return result.returncode == 1


def main() -> int:
    survivors = []
    for number, mutant in enumerate(MUTANTS, 1):
        killed = caught(mutant)
        print(f"[{number}/{len(MUTANTS)}] {'caught   ' if killed else 'SURVIVED '} {mutant.name}", flush=True)
        if not killed:
            survivors.append(mutant.name)
    print(f"{len(MUTANTS) - len(survivors)} of {len(MUTANTS)} breaks caught.")
    return 1 if survivors else 0


if __name__ == "__main__":
    sys.exit(main())
