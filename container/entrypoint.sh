#!/bin/sh
# The image's entrypoint. On PostgreSQL, the database may still be starting when the app does
# (and some compose tools ignore `condition: service_healthy`): wait until it accepts a
# connection, for at most FLICKLIST_DATABASE_WAIT_SECONDS, saying so each time. Then the
# command replaces this shell, so the server is PID 1 and gets SIGTERM itself; `flicklist
# serve` applies the migrations as it starts (FLICKLIST_MIGRATE_ON_START).
set -eu
# As PID 1 a shell ignores SIGTERM unless told otherwise: a stop while waiting ends the wait.
trap 'exit 143' TERM INT

# One connection with the app's own URL and driver (asyncpg alone loads in a tenth of a
# second; the whole app would take seconds of every start).
database_answers() {
    python3 -c '
import asyncio, os, sys
import asyncpg

async def connect():
    url = "postgresql://" + os.environ["FLICKLIST_DATABASE_URL"].split("://", 1)[1]
    await (await asyncpg.connect(url, timeout=5)).close()

try:
    asyncio.run(connect())
except Exception as error:
    sys.exit(f"{type(error).__name__}: {error}")
'
}

wait_for_database() {
    limit=${FLICKLIST_DATABASE_WAIT_SECONDS:-120}
    deadline=$(($(date +%s) + limit))
    until problem=$(database_answers 2>&1); do
        if [ "$(date +%s)" -ge "$deadline" ]; then
            echo "flicklist-entrypoint: the database did not answer within $limit s ($problem); giving up." >&2
            exit 1
        fi
        echo "flicklist-entrypoint: waiting for the database: $problem" >&2
        sleep 1
    done
}

case "${FLICKLIST_DATABASE_URL:-}" in
    postgresql*) wait_for_database ;;
esac
exec "$@"
