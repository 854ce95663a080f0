#!/bin/sh
# As the official image does: on an empty PGDATA, make the cluster with POSTGRES_USER and
# POSTGRES_PASSWORD and the database POSTGRES_DB; only the final server listens on TCP, so
# pg_isready over TCP says "ready" once it is.
set -eu
if [ "$(id -u)" = 0 ]; then
    install -d -o postgres -g postgres -m 700 "$PGDATA"
    exec setpriv --reuid=postgres --regid=postgres --init-groups "$0" "$@"
fi
: "${POSTGRES_PASSWORD:?POSTGRES_PASSWORD must be set}"
user=${POSTGRES_USER:-postgres}
db=${POSTGRES_DB:-$user}
if [ ! -s "$PGDATA/PG_VERSION" ]; then
    pwfile=$(mktemp)
    printf '%s\n' "$POSTGRES_PASSWORD" > "$pwfile"
    initdb --username="$user" --pwfile="$pwfile" --auth-local=trust --auth-host=scram-sha-256 \
        --encoding=UTF8 --locale=C.UTF-8 > /dev/null
    rm -f "$pwfile"
    echo "host all all all scram-sha-256" >> "$PGDATA/pg_hba.conf"
    if [ "$db" != postgres ]; then
        pg_ctl -o "-c listen_addresses='' -k /var/run/postgresql" -w start > /dev/null
        psql -v ON_ERROR_STOP=1 -h /var/run/postgresql -U "$user" -d postgres -c "CREATE DATABASE \"$db\"" > /dev/null
        pg_ctl -m fast -w stop > /dev/null
    fi
    echo "initialised $PGDATA: user $user, database $db"
fi
if [ "$1" = postgres ]; then
    shift
    exec postgres -c listen_addresses='*' -k /var/run/postgresql "$@"
fi
exec "$@"
