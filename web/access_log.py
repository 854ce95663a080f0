"""The access log without the secrets some addresses carry: a password reset or address link,
a share link, an invitation, a media server's webhook, a feed. Whoever reads the server's
logs could otherwise use them."""

import logging
import re

# The secret part of each such address, up to the next slash, query or end.
SECRET_IN_PATH = re.compile(
    r"(/password/reset/|/email/confirm/|/s/|[?&]invite=|/webhooks/[a-z]+/|/feeds/radarr/|/feeds/diary/)[^/?&\s]+"
)
HIDDEN = r"\1…"


class SecretsHidden(logging.Filter):
    """For uvicorn's access logger, whose records carry the path as their third argument."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and len(record.args) >= 3 and isinstance(record.args[2], str):
            path = SECRET_IN_PATH.sub(HIDDEN, record.args[2])
            record.args = (*record.args[:2], path, *record.args[3:])
        return True


def hide_secrets_in_access_log() -> None:
    access_log = logging.getLogger("uvicorn.access")
    if not any(isinstance(existing, SecretsHidden) for existing in access_log.filters):
        access_log.addFilter(SecretsHidden())
