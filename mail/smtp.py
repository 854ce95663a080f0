"""Sending one message through the SMTP server FLICKLIST_SMTP_URL names (settings.MailServer):
`smtp://` upgrades to TLS with STARTTLS whenever the server offers it, `smtps://` speaks TLS
from the first byte. Either way the server's certificate is checked against the system's
trusted authorities."""

import smtplib
import ssl
from email.message import EmailMessage

from ..settings import MailServer

SEND_TIMEOUT_SECONDS = 30


def send(server: MailServer, message: EmailMessage, context: ssl.SSLContext | None = None) -> None:
    """Blocking: run it in a thread. Raises smtplib's and ssl's errors as they come."""
    context = context or ssl.create_default_context()
    if server.implicit_tls:
        client = smtplib.SMTP_SSL(server.host, server.port, timeout=SEND_TIMEOUT_SECONDS, context=context)
    else:
        client = smtplib.SMTP(server.host, server.port, timeout=SEND_TIMEOUT_SECONDS)
    with client:
        client.ehlo()
        if not server.implicit_tls and client.has_extn("starttls"):
            client.starttls(context=context)
            client.ehlo()
        if server.username:
            client.login(server.username, server.password)
        client.send_message(message)
