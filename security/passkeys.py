"""Passkeys (WebAuthn, with py_webauthn): registering one, and checking a sign-in with one.

The relying party is FLICKLIST_PUBLIC_ORIGIN when set, else the origin the request came to.
Every passkey is discoverable and user-verifying (a PIN or biometric on the device), so a
passkey alone is two factors: something you have and something you know or are.

Each challenge is kept on the server for CHALLENGE_SECONDS, the session holding only a random
reference to it, and is deleted by the statement that hands it over for checking: an answer
sent again (a captured sign-in replayed) finds no challenge. Expired ones are deleted whenever
a new one is made."""

import hashlib
import json
import re
import secrets
from typing import NamedTuple
from urllib.parse import urlsplit

from sqlalchemy import BigInteger, bindparam, delete, insert, select, update
from starlette.requests import Request
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from ..db import Database
from ..tables import now, passkeys, webauthn_challenges
from .origin import site_origin

RP_NAME = "FlickList"
NAME_MAX = 100
CHALLENGE_KEY = "webauthn_challenge"  # the session's reference to its challenge row
CHALLENGE_SECONDS = 5 * 60
REGISTER, SIGN_IN = "register", "sign_in"  # a challenge's purpose: the ceremony it was made for
EXPIRED = "That passkey request has expired. Please try again."
OTHER_ACCOUNT = "That passkey belongs to another account. Use one of this account's."
CREDENTIAL_ID = re.compile(r"[A-Za-z0-9_-]{1,1400}")  # base64url, as stored


class PasskeyRefused(Exception):
    """The browser's answer did not prove what it must; the message says so plainly."""


class Passkey(NamedTuple):
    id: int
    name: str
    created_at: int
    last_used_at: int | None


def origin_and_rp_id(request: Request) -> tuple[str, str]:
    origin = site_origin(request)
    return origin, urlsplit(origin).hostname or ""


OF_USER = (
    select(passkeys.c.id, passkeys.c.name, passkeys.c.created_at, passkeys.c.last_used_at)
    .where(passkeys.c.user_id == bindparam("user_id"))
    .order_by(passkeys.c.id)
)
CREDENTIAL_IDS = select(passkeys.c.credential_id).where(passkeys.c.user_id == bindparam("user_id"))
BY_CREDENTIAL = select(passkeys.c.id, passkeys.c.user_id, passkeys.c.public_key, passkeys.c.sign_count).where(
    passkeys.c.credential_id == bindparam("credential_id")
)
USED = (
    update(passkeys)
    .where(passkeys.c.id == bindparam("passkey_id"))
    .values(sign_count=bindparam("sign_count", BigInteger), last_used_at=bindparam("now", BigInteger))
    .returning(passkeys.c.id)
)
ADD = (
    insert(passkeys)
    .values(
        user_id=bindparam("user_id"),
        credential_id=bindparam("credential_id"),
        public_key=bindparam("public_key"),
        sign_count=bindparam("sign_count", BigInteger),
        name=bindparam("name"),
        created_at=bindparam("now", BigInteger),
    )
    .returning(passkeys.c.id)
)
REMOVE = (
    delete(passkeys)
    .where(passkeys.c.id == bindparam("passkey_id"), passkeys.c.user_id == bindparam("user_id"))
    .returning(passkeys.c.name)
)


FORGET_EXPIRED = delete(webauthn_challenges).where(webauthn_challenges.c.expires_at <= bindparam("now", BigInteger))
FORGET = delete(webauthn_challenges).where(webauthn_challenges.c.token_hash == bindparam("hashed"))
KEEP = insert(webauthn_challenges).values(
    token_hash=bindparam("hashed"),
    purpose=bindparam("purpose"),
    user_id=bindparam("user_id"),
    challenge=bindparam("challenge"),
    expires_at=bindparam("expires_at", BigInteger),
)
SPEND = (
    delete(webauthn_challenges)
    .where(
        webauthn_challenges.c.token_hash == bindparam("hashed"),
        webauthn_challenges.c.purpose == bindparam("purpose"),
        webauthn_challenges.c.expires_at > bindparam("now", BigInteger),
    )
    .returning(webauthn_challenges.c.challenge, webauthn_challenges.c.user_id)
)


class Challenge(NamedTuple):
    challenge: bytes
    user_id: int | None  # whose passkeys it was made for; None: any passkey (passkey sign-in)


def reference_hash(reference: str) -> str:
    return hashlib.sha256(reference.encode()).hexdigest()


async def keep_challenge(request: Request, purpose: str, user_id: int | None, challenge: bytes) -> None:
    """Keep `challenge` for this browser, in place of any earlier one it was given."""
    reference, earlier, timestamp = secrets.token_urlsafe(32), request.session.get(CHALLENGE_KEY), now()
    steps = [(FORGET_EXPIRED, {"now": timestamp})]
    if isinstance(earlier, str):
        steps.append((FORGET, {"hashed": reference_hash(earlier)}))
    values = {"purpose": purpose, "user_id": user_id, "challenge": challenge}
    steps.append((KEEP, {"hashed": reference_hash(reference), "expires_at": timestamp + CHALLENGE_SECONDS, **values}))
    await request.app.state.db.write_together(*steps)
    request.session[CHALLENGE_KEY] = reference


async def spend_challenge(request: Request, purpose: str) -> Challenge:
    """The challenge this browser was given for `purpose`, deleted as it is read: usable once."""
    reference = request.session.pop(CHALLENGE_KEY, None)
    if not isinstance(reference, str):
        raise PasskeyRefused(EXPIRED)
    spent = await request.app.state.db.write_returning(
        SPEND, Challenge, hashed=reference_hash(reference), purpose=purpose, now=now()
    )
    if spent is None:
        raise PasskeyRefused(EXPIRED)
    return Challenge(bytes(spent.challenge), spent.user_id)


async def of_user(db: Database, user_id: int) -> list[Passkey]:
    return [Passkey(*row) for row in await db.fetch_all(OF_USER, user_id=user_id)]


def descriptors(credential_ids: list[str]) -> list[PublicKeyCredentialDescriptor]:
    return [PublicKeyCredentialDescriptor(id=base64url_to_bytes(credential_id)) for credential_id in credential_ids]


async def registration_options(request: Request, user_id: int, email: str) -> str:
    """The options for navigator.credentials.create(), as JSON; the challenge is kept for this browser."""
    _, rp_id = origin_and_rp_id(request)
    existing = [row[0] for row in await request.app.state.db.fetch_all(CREDENTIAL_IDS, user_id=user_id)]
    options = generate_registration_options(
        rp_id=rp_id,
        rp_name=RP_NAME,
        user_id=str(user_id).encode(),
        user_name=email,
        user_display_name=email,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.REQUIRED, user_verification=UserVerificationRequirement.REQUIRED
        ),
        exclude_credentials=descriptors(existing),
    )
    await keep_challenge(request, REGISTER, user_id, options.challenge)
    return options_to_json(options)


async def authentication_options(request: Request, user_id: int | None) -> str:
    """Options for navigator.credentials.get(), as JSON: for `user_id`'s passkeys (second
    step), or for any passkey the device holds for this site (None: passkey sign-in)."""
    _, rp_id = origin_and_rp_id(request)
    allowed = []
    if user_id is not None:
        allowed = [row[0] for row in await request.app.state.db.fetch_all(CREDENTIAL_IDS, user_id=user_id)]
    options = generate_authentication_options(
        rp_id=rp_id, allow_credentials=descriptors(allowed), user_verification=UserVerificationRequirement.REQUIRED
    )
    await keep_challenge(request, SIGN_IN, user_id, options.challenge)
    return options_to_json(options)


def parsed(credential_json: str) -> dict:
    try:
        credential = json.loads(credential_json)
    except ValueError:
        raise PasskeyRefused("The browser sent no passkey. Please try again.") from None
    if not isinstance(credential, dict):
        raise PasskeyRefused("The browser sent no passkey. Please try again.")
    return credential


async def register(request: Request, user_id: int, name: str, credential_json: str) -> None:
    origin, rp_id = origin_and_rp_id(request)
    spent = await spend_challenge(request, REGISTER)
    if spent.user_id != user_id:
        raise PasskeyRefused(EXPIRED)
    try:
        verified = verify_registration_response(
            credential=parsed(credential_json),
            expected_challenge=spent.challenge,
            expected_origin=origin,
            expected_rp_id=rp_id,
            require_user_verification=True,
        )
    except (WebAuthnException, ValueError, KeyError, TypeError) as error:
        raise PasskeyRefused("That passkey could not be checked, so it was not added.") from error
    await request.app.state.db.write_returning(
        ADD,
        int,
        user_id=user_id,
        credential_id=bytes_to_base64url(verified.credential_id),
        public_key=verified.credential_public_key,
        sign_count=verified.sign_count,
        name=name,
        now=now(),
    )


async def signed_in_user(request: Request, credential_json: str) -> tuple[int, str]:
    """(user id, passkey name) of the passkey that signed this browser's challenge, one of the
    account's the challenge was made for, if any; PasskeyRefused otherwise."""
    origin, rp_id = origin_and_rp_id(request)
    spent = await spend_challenge(request, SIGN_IN)
    credential = parsed(credential_json)
    credential_id = credential.get("id")
    if not isinstance(credential_id, str) or not CREDENTIAL_ID.fullmatch(credential_id):
        raise PasskeyRefused("The browser sent no passkey. Please try again.")
    db: Database = request.app.state.db
    rows = await db.fetch_all(BY_CREDENTIAL, credential_id=credential_id)
    if not rows:
        raise PasskeyRefused("That passkey is not registered with FlickList (it may have been removed).")
    passkey_id, user_id, public_key, sign_count = rows[0]
    if spent.user_id is not None and spent.user_id != user_id:
        raise PasskeyRefused(OTHER_ACCOUNT)
    try:
        verified = verify_authentication_response(
            credential=credential,
            expected_challenge=spent.challenge,
            expected_origin=origin,
            expected_rp_id=rp_id,
            credential_public_key=bytes(public_key),
            credential_current_sign_count=sign_count,
            require_user_verification=True,
        )
    except (WebAuthnException, ValueError, KeyError, TypeError) as error:
        raise PasskeyRefused("That passkey could not be checked. Please try again.") from error
    await db.write_returning(USED, int, passkey_id=passkey_id, sign_count=verified.new_sign_count, now=now())
    names = [passkey.name for passkey in await of_user(db, user_id) if passkey.id == passkey_id]
    return user_id, names[0] if names else ""


async def remove(db: Database, user_id: int, passkey_id: int) -> str | None:
    """The removed passkey's name, or None when the user has no such passkey."""
    return await db.write_returning(REMOVE, str, passkey_id=passkey_id, user_id=user_id)
