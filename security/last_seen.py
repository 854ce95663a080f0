"""When each login session was last seen, written at most once a minute (a write per page
view would cost more than it tells), and by one request only: a browser that sends a burst
of requests when the minute is up would otherwise queue every one of them to write the same
row, each waiting its turn for the database's single writer."""

from sqlalchemy import bindparam, update

from ..tables import login_sessions, users

EVERY_SECONDS = 60
TOUCH = (
    update(login_sessions)
    .where(login_sessions.c.token_hash == bindparam("hashed"))
    .values(last_seen_at=bindparam("timestamp")),
    update(users).where(users.c.id == bindparam("user_id")).values(last_seen_at=bindparam("timestamp")),
)


class LastSeen:
    """The sessions this process has written as seen within the last minute."""

    def __init__(self) -> None:
        self.written: dict[str, int] = {}
        self.pruned_at = 0

    def due(self, hashed: str, last_seen_at: int, timestamp: int) -> bool:
        """Whether this request is the one to write `timestamp` (and if so, it is noted now,
        before the write, so the requests arriving meanwhile leave it alone)."""
        if timestamp - max(last_seen_at, self.written.get(hashed, 0)) <= EVERY_SECONDS:
            return False
        if timestamp - self.pruned_at > EVERY_SECONDS:  # what is older no longer counts: once a minute, not per write
            self.written = {key: seen for key, seen in self.written.items() if timestamp - seen <= EVERY_SECONDS}
            self.pruned_at = timestamp
        self.written[hashed] = timestamp
        return True
