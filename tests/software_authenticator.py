"""A passkey in software, for tests over HTTP: an ES256 key pair that answers WebAuthn's
create() and get() as a phone would (user present and verified, no attestation), its
signature counter always 0, as synced passkeys keep theirs."""

import hashlib
import json
import secrets
from base64 import urlsafe_b64decode, urlsafe_b64encode

import cbor2
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

PRESENT_AND_VERIFIED = 0x01 | 0x04
WITH_CREDENTIAL = 0x40
ES256, EC2, P256 = -7, 2, 1


def b64url(data: bytes) -> str:
    return urlsafe_b64encode(data).rstrip(b"=").decode()


def from_b64url(text: str) -> bytes:
    return urlsafe_b64decode(text + "=" * (-len(text) % 4))


class SoftwareAuthenticator:
    def __init__(self, origin: str = "http://testserver") -> None:
        self.origin = origin
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = secrets.token_bytes(16)
        self.user_handle = b""

    def client_data(self, kind: str, options: dict) -> bytes:
        return json.dumps({"type": kind, "challenge": options["challenge"], "origin": self.origin}).encode()

    def authenticator_data(self, rp_id: str, flags: int, attested: bytes = b"") -> bytes:
        return hashlib.sha256(rp_id.encode()).digest() + bytes([flags]) + (0).to_bytes(4, "big") + attested

    def cose_public_key(self) -> bytes:
        numbers = self.key.public_key().public_numbers()
        x, y = numbers.x.to_bytes(32, "big"), numbers.y.to_bytes(32, "big")
        return cbor2.dumps({1: EC2, 3: ES256, -1: P256, -2: x, -3: y})

    def create(self, options: dict) -> str:
        """The credential JSON that navigator.credentials.create() gives for these options."""
        self.user_handle = from_b64url(options["user"]["id"])
        attested = bytes(16) + len(self.credential_id).to_bytes(2, "big") + self.credential_id + self.cose_public_key()
        data = self.authenticator_data(options["rp"]["id"], PRESENT_AND_VERIFIED | WITH_CREDENTIAL, attested)
        attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": data})
        return self.credential_json(
            {
                "clientDataJSON": b64url(self.client_data("webauthn.create", options)),
                "attestationObject": b64url(attestation),
                "transports": ["internal"],
            }
        )

    def get(self, options: dict) -> str:
        """The credential JSON that navigator.credentials.get() gives for these options."""
        client_data = self.client_data("webauthn.get", options)
        data = self.authenticator_data(options["rpId"], PRESENT_AND_VERIFIED)
        signature = self.key.sign(data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256()))
        return self.credential_json(
            {
                "clientDataJSON": b64url(client_data),
                "authenticatorData": b64url(data),
                "signature": b64url(signature),
                "userHandle": b64url(self.user_handle),
            }
        )

    def credential_json(self, response: dict) -> str:
        credential_id = b64url(self.credential_id)
        return json.dumps(
            {
                "id": credential_id,
                "rawId": credential_id,
                "response": response,
                "type": "public-key",
                "clientExtensionResults": {},
                "authenticatorAttachment": "platform",
            }
        )
