"""The session cookie, encrypted and authenticated (AES-256-GCM), as Rails' cookie store is:
whatever a page keeps in the session between requests (a flash naming the account, typed
values, a link shown once, an authenticator secret being set up) is unreadable outside the
server, and a cookie changed or made elsewhere is read as an empty session.

Starlette's SessionMiddleware does the rest (the Session object, when to send the cookie);
only its signer is replaced, by one that seals and opens instead of signing and checking."""

import os
import time
from base64 import b64decode, b64encode, urlsafe_b64decode, urlsafe_b64encode

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from itsdangerous import BadSignature
from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp

NONCE_BYTES = 12
TIME_BYTES = 8
# The secret key also signs other things (device cookies, Undo tokens); this key is its own.
KEY_PURPOSE = b"flicklist session cookie encryption"


class SealedCookie:
    """Seals the session's JSON with the time it was sealed, bound to the cookie's name; opens
    only what it sealed itself within `max_age` seconds."""

    def __init__(self, secret_key: str, cookie_name: str) -> None:
        key = HKDF(algorithm=SHA256(), length=32, salt=None, info=KEY_PURPOSE).derive(secret_key.encode())
        self.cipher = AESGCM(key)
        self.bound_to = cookie_name.encode()

    # SessionMiddleware hands over, and expects back, the JSON in standard base64.
    def sign(self, encoded_json: bytes) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        plaintext = int(time.time()).to_bytes(TIME_BYTES, "big") + b64decode(encoded_json)
        sealed = nonce + self.cipher.encrypt(nonce, plaintext, self.bound_to)
        return urlsafe_b64encode(sealed).rstrip(b"=")

    def unsign(self, cookie: bytes, max_age: int | None = None) -> bytes:
        try:
            sealed = urlsafe_b64decode(cookie + b"=" * (-len(cookie) % 4))
            plaintext = self.cipher.decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], self.bound_to)
        except (ValueError, InvalidTag):
            raise BadSignature("not a session this server sealed") from None
        sealed_at = int.from_bytes(plaintext[:TIME_BYTES], "big")
        if max_age is not None and time.time() - sealed_at > max_age:
            raise BadSignature("the session is older than its lifetime")
        return b64encode(plaintext[TIME_BYTES:])


class EncryptedSessionMiddleware(SessionMiddleware):
    def __init__(self, app: ASGIApp, secret_key: str, session_cookie: str, **options) -> None:
        super().__init__(app, secret_key, session_cookie, **options)
        self.signer = SealedCookie(secret_key, session_cookie)
