"""Passwords: the rules a new one must meet, and Argon2id hashing off the event loop.

Passwords are normalised to NFC before they are checked or hashed (NIST SP 800-63B-4), so
"é" typed as one code point or as "e" plus an accent is the same password."""

import gzip
import itertools
import os
import secrets
import unicodedata
from dataclasses import dataclass

import anyio
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from ..settings import PACKAGE_DIR

PASSWORD_MIN = 15
PASSWORD_MAX = 1024
PASSWORD_RULE = f"At least {PASSWORD_MIN} characters; any characters, spaces too. A short sentence works well."
COMMON_PASSWORDS_FILE = PACKAGE_DIR / "data" / "common-passwords.txt.gz"

# OWASP's Argon2id baseline: 19 MiB, 2 passes, 1 lane.
STRONG_HASHING = {"time_cost": 2, "memory_cost": 19 * 1024, "parallelism": 1}
# Argon2's least, for FLICKLIST_PASSWORD_HASH_COST=test alone (settings.password_hash_cost).
TEST_ONLY_HASHING = {"time_cost": 1, "memory_cost": 8, "parallelism": 1}


def make_password_hasher(cost: str) -> PasswordHasher:
    return PasswordHasher(**(TEST_ONLY_HASHING if cost == "test" else STRONG_HASHING))


# Any value but "test" hashes strongly here; load_settings() refuses it at start-up, with one line.
password_hasher = make_password_hasher(os.environ.get("FLICKLIST_PASSWORD_HASH_COST", ""))
# Hashing runs in threads, leaving one core to the event loop (at most 4 at once), so a login
# storm neither stalls other pages nor holds more than 4 x 19 MiB of hash memory.
hashing_slots = anyio.CapacityLimiter(max(1, min(4, (os.cpu_count() or 2) - 1)))
# What an account made through single sign-on holds instead of a hash: no password matches it.
NO_PASSWORD = ""
# The hash of a random secret nobody can type: checked when there is no account, so it never matches.
DUMMY_HASH = password_hasher.hash(secrets.token_urlsafe(16))


def normalised(password: str) -> str:
    return unicodedata.normalize("NFC", password)


async def hash_password(password: str) -> str:
    return await anyio.to_thread.run_sync(password_hasher.hash, normalised(password), limiter=hashing_slots)


@dataclass(frozen=True)
class Verdict:
    matches: bool
    outdated: bool = False  # matched, but the hash should be made again now the password is at hand


async def verify_password(password_hash: str, password: str) -> Verdict:
    """The typed password against a stored hash. A hash made before passwords were
    normalised holds the password exactly as typed then: tried second, and called outdated."""

    def verify() -> Verdict:
        candidates = dict.fromkeys([normalised(password), password])
        for number, candidate in enumerate(candidates):
            try:
                if password_hasher.verify(password_hash, candidate):
                    return Verdict(True, outdated=number > 0 or password_hasher.check_needs_rehash(password_hash))
            except (VerificationError, InvalidHashError):
                continue
        return Verdict(False)

    return await anyio.to_thread.run_sync(verify, limiter=hashing_slots)


def load_common_passwords() -> frozenset[str]:
    """Published lists of passwords people actually use (see data/README.md), kept to those
    the length rule would otherwise let through."""
    with gzip.open(COMMON_PASSWORDS_FILE, "rt", encoding="utf-8") as lines:
        return frozenset(line.rstrip("\n") for line in lines if line.strip())


COMMON_PASSWORDS = load_common_passwords()


# Runs a person types without thinking: the alphabet, digits, keyboard rows (backwards too).
RUNS = ("abcdefghijklmnopqrstuvwxyz", "0123456789", "1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm", "qwertzuiop")
NEIGHBOURS = {pair for run in RUNS for pair in itertools.pairwise(run)}
NEIGHBOURS |= {(b, a) for a, b in NEIGHBOURS}


def is_visible(character: str) -> bool:
    """Not a space, control, format (zero-width) or unassigned character."""
    return unicodedata.category(character)[0] not in "ZC"


def is_predictable(password: str) -> bool:
    """One character repeated, a short pattern repeated, or no more than three runs of
    neighbouring keys or letters ("abcdefghijklmno", "qwertyuiop123456")."""
    folded = "".join(character for character in password.casefold() if is_visible(character))
    for length in range(1, 5):
        if len(folded) >= 3 * length and folded == (folded[:length] * len(folded))[: len(folded)]:
            return True
    breaks = sum(1 for previous, character in itertools.pairwise(folded) if (previous, character) not in NEIGHBOURS)
    return breaks <= 2


def check_password(password: str, email: str) -> str | None:
    """NIST SP 800-63B-4: length counted in code points after NFC normalisation; no
    composition rules; refused when common, predictable, invisible, or built around words this
    site or the user gives away."""
    password = normalised(password)
    if len(password) < PASSWORD_MIN:
        return f"Password must be at least {PASSWORD_MIN} characters long."
    if len(password) > PASSWORD_MAX:
        return f"Password must be at most {PASSWORD_MAX:,} characters long."
    if not any(is_visible(character) for character in password):
        return "Password must have visible characters, not only spaces or invisible ones."
    if is_predictable(password):
        return "That password is a repeated character or a run of keys or letters. Please choose another."
    folded = password.casefold()
    address = email.strip().casefold()
    if folded in (address, address.partition("@")[0]):
        return "Password must not be your email address."
    if folded in COMMON_PASSWORDS:
        return "That password is on a list of commonly used passwords. Please choose another."
    for word in (address, address.partition("@")[0], "flicklist"):
        # A word anyone can guess adds nothing: what is left must meet the length rule alone.
        if len(word) >= 4 and word in folded and len(folded.replace(word, "")) < PASSWORD_MIN:
            return f"Password must not be built around '{word}'; add more of your own words."
    return None
