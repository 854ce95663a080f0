"""Passwords: the rules a new one must meet, and Argon2id hashing off the event loop."""

import gzip
import os
import secrets

import anyio
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from ..settings import PACKAGE_DIR

PASSWORD_MIN = 15
PASSWORD_MAX = 1024
PASSWORD_RULE = f"At least {PASSWORD_MIN} characters; any characters, spaces too. A short sentence works well."
COMMON_PASSWORDS_FILE = PACKAGE_DIR / "data" / "common-passwords.txt.gz"

# OWASP's Argon2id baseline: 19 MiB, 2 passes, 1 lane.
password_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
# Hashing runs in threads, leaving one core to the event loop (at most 4 at once), so a login
# storm neither stalls other pages nor holds more than 4 x 19 MiB of hash memory.
hashing_slots = anyio.CapacityLimiter(max(1, min(4, (os.cpu_count() or 2) - 1)))
# The hash of a random secret nobody can type: checked when there is no account, so it never matches.
DUMMY_HASH = password_hasher.hash(secrets.token_urlsafe(16))


async def hash_password(password: str) -> str:
    return await anyio.to_thread.run_sync(password_hasher.hash, password, limiter=hashing_slots)


async def password_matches(password_hash: str, password: str) -> bool:
    def verify() -> bool:
        try:
            return password_hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    return await anyio.to_thread.run_sync(verify, limiter=hashing_slots)


def needs_rehash(password_hash: str) -> bool:
    """True for a hash made with older Argon2 parameters."""
    return password_hasher.check_needs_rehash(password_hash)


def load_common_passwords() -> frozenset[str]:
    """Published lists of passwords people actually use (see data/README.md), kept to those
    the length rule would otherwise let through."""
    with gzip.open(COMMON_PASSWORDS_FILE, "rt", encoding="utf-8") as lines:
        return frozenset(line.rstrip("\n") for line in lines if line.strip())


COMMON_PASSWORDS = load_common_passwords()


def check_password(password: str, email: str) -> str | None:
    """NIST SP 800-63B-4: length counted in code points, exactly as typed; no composition
    rules; refused when common or built around words this site or the user gives away."""
    if len(password) < PASSWORD_MIN:
        return f"Password must be at least {PASSWORD_MIN} characters long."
    if len(password) > PASSWORD_MAX:
        return f"Password must be at most {PASSWORD_MAX:,} characters long."
    folded = password.casefold()
    address = email.strip().casefold()
    if folded in (address, address.partition("@")[0]):
        return "Password must not be your email address."
    if folded in COMMON_PASSWORDS:
        return "That password is on a list of commonly used passwords. Please choose another."
    for word in (address.partition("@")[0], "flicklist"):
        # A word anyone can guess adds nothing: what is left must meet the length rule alone.
        if len(word) >= 4 and word in folded and len(folded.replace(word, "")) < PASSWORD_MIN:
            return f"Password must not be built around '{word}'; add more of your own words."
    return None
