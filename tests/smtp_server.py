"""A real SMTP server on 127.0.0.1 for the tests (aiosmtpd, on a thread of its own), with what
it received read as a person reads mail; optionally with TLS (STARTTLS or from the first
byte) under a certificate made for the test, and a login it checks."""

import asyncio
import datetime
import email
import ipaddress
import re
import ssl
import time
from collections import Counter
from email import policy
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from browser_support import free_port
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


class Inbox:
    """aiosmtpd's handler: keeps every message, and notes whether it came over TLS and who logged in."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.over_tls: list[bool] = []
        self.logins: list[str] = []
        self.delay = 0.0  # seconds each message is held before it is accepted: a slow server
        # By address, the replies its next recipients get ("550 No such mailbox"), one a try
        # while they last, then it is accepted; and how many tries each address had.
        self.refusals: dict[str, list[str]] = {}
        self.tries: Counter[str] = Counter()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options) -> str:
        self.tries[address] += 1
        if self.refusals.get(address):
            return self.refusals[address].pop(0)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:
        await asyncio.sleep(self.delay)
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        self.over_tls.append(session.ssl is not None or server.transport.get_extra_info("ssl_object") is not None)
        return "250 Message accepted for delivery"

    def check_login(self, server, session, envelope, mechanism, auth_data) -> AuthResult:
        accepted = isinstance(auth_data, LoginPassword) and auth_data.password == b"mail password"
        if accepted:
            self.logins.append(auth_data.login.decode())
        return AuthResult(success=accepted)

    def to(self, address: str) -> list[EmailMessage]:
        return [message for message in self.messages if message["To"] == address]


class SMTPServer:
    """Started at once; `url` is what FLICKLIST_SMTP_URL would say. `tls`: None (plain),
    "starttls" (offered after EHLO) or "implicit" (smtps)."""

    def __init__(self, tls: str | None = None, certificate: "SelfSignedCertificate | None" = None) -> None:
        self.inbox = Inbox()
        self.port = free_port()
        options = {"authenticator": self.inbox.check_login, "auth_require_tls": tls is not None}
        if tls == "starttls":
            options["tls_context"] = certificate.server_context()
        if tls == "implicit":
            options["ssl_context"] = certificate.server_context()
            options["auth_require_tls"] = False  # aiosmtpd cannot tell a wrapped socket is TLS
        self.scheme = "smtps" if tls == "implicit" else "smtp"
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port, **options)
        self.controller.start()

    @property
    def url(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.controller.stop()


class SelfSignedCertificate:
    """A self-signed certificate for 127.0.0.1, and a client context that trusts it alone."""

    def __init__(self, folder: Path) -> None:
        key = ec.generate_private_key(ec.SECP256R1())
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
        today = datetime.datetime.now(datetime.UTC)
        certificate = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(today - datetime.timedelta(days=1))
            .not_valid_after(today + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
            .sign(key, hashes.SHA256())
        )
        self.certificate_file, self.key_file = folder / "smtp.crt", folder / "smtp.key"
        self.certificate_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
        self.key_file.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )

    def server_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.certificate_file, self.key_file)
        return context

    def client_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=self.certificate_file)


async def wait_for_mail(inbox: Inbox, to: str, count: int = 1, timeout: float = 10) -> EmailMessage:
    """The `count`th message to `to`, once it has come (the outbox sends in the background)."""
    deadline = time.monotonic() + timeout
    while len(inbox.to(to)) < count:
        assert time.monotonic() < deadline, f"no mail number {count} to {to} within {timeout} s"
        await asyncio.sleep(0.02)
    return inbox.to(to)[count - 1]


def bodies(message: EmailMessage) -> tuple[str, str]:
    """The plain text and the HTML of a message."""
    return (
        message.get_body(("plain",)).get_content(),
        message.get_body(("html",)).get_content(),
    )


def link_in(message: EmailMessage) -> str:
    """The path of the one link the message's plain text and its HTML both carry."""
    plain, html = bodies(message)
    [link] = re.findall(r"https?://\S+/(?:password/reset|email/confirm)/\S+", plain)
    assert f'href="{link}"' in html, "the HTML carries the same link"
    return "/" + link.split("/", 3)[3]
