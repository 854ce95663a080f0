"""The outbox: mail is made and sent by a background task (started in app.py's lifespan),
never during the request that asks for it. A page that may or may not lead to a mail
(“Forgot your password?”) so answers in the same time either way, and a slow or unreachable
mail server never holds a page up.

What is posted is an errand: a coroutine function that looks up what it needs (the account,
a new link) and answers the message to send, or None for none. Errands wait in memory, so
those still waiting when the server stops are lost: the person asks again. One under way when
it stops finishes its lookup first, so it never queries a database that has closed.

A delivery that failed in a way that may pass (the server away, a 4xx) is tried again later in
a task of its own, so the mail behind it goes meanwhile; one the server refused for good (a
5xx, an address it cannot take) is given up at once: otherwise one bad address, which anyone
can sign up with, held every reset link behind it for a minute and more."""

import asyncio
import logging
import smtplib
from collections.abc import Awaitable, Callable
from email.message import EmailMessage

import anyio

from .smtp import MailServer, send

logger = logging.getLogger(__name__)

Errand = Callable[[], Awaitable[EmailMessage | None]]
WAITING_AT_MOST = 1000
# A failed delivery is tried again after each of these pauses, then given up (and logged).
RETRY_PAUSES = (2, 10, 60)


class Outbox:
    def __init__(self, server: MailServer) -> None:
        self.server = server
        self.posting, self.waiting = anyio.create_memory_object_stream[Errand](WAITING_AT_MOST)

    def post(self, errand: Errand) -> None:
        """Hand `errand` to the background task; returns at once."""
        try:
            self.posting.send_nowait(errand)
        except anyio.WouldBlock:
            logger.error("%s mails are waiting to be sent already; this one is dropped", WAITING_AT_MOST)

    async def run(self) -> None:
        async with anyio.create_task_group() as self.retrying:
            async for errand in self.waiting:
                try:
                    message = await self.made(errand)
                    if message is not None:
                        await self.deliver(message, RETRY_PAUSES)
                except Exception:
                    logger.exception("A mail could not be made")

    @staticmethod
    async def made(errand: Errand) -> EmailMessage | None:
        making = asyncio.ensure_future(errand())
        try:
            return await asyncio.shield(making)
        except asyncio.CancelledError:
            await making
            raise

    async def deliver(self, message: EmailMessage, pauses: tuple[int, ...]) -> None:
        """Sends `message`; after a failure that may pass, once more after `pauses[0]` seconds."""
        try:
            await anyio.to_thread.run_sync(send, self.server, message)
        except (OSError, ValueError) as error:  # smtplib's and ssl's errors are OSErrors
            if not pauses or refused_for_good(error):
                logger.error("Mail to %s not sent, given up: %s", message["To"], error)
                return
            logger.warning("Mail to %s not sent (%s); trying again in %s s", message["To"], error, pauses[0])
            self.retrying.start_soon(self.deliver_later, message, pauses)

    async def deliver_later(self, message: EmailMessage, pauses: tuple[int, ...]) -> None:
        await anyio.sleep(pauses[0])
        await self.deliver(message, pauses[1:])


def refused_for_good(error: Exception) -> bool:
    """A refusal that no second try changes: the server's 5xx (RFC 5321's permanent replies),
    an address it cannot take (one beyond ASCII, to a server without SMTPUTF8), a message
    that cannot be sent as it is."""
    if isinstance(error, smtplib.SMTPNotSupportedError | ValueError):
        return True
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    return isinstance(error, smtplib.SMTPResponseException) and error.smtp_code >= 500
