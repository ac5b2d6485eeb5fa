#!/usr/bin/env bash
# Stand-in for the official postgres image's docker-entrypoint.sh, written for the library stack's real-engine test.
# It does only what the stack relies on (components/targets/docker/postgresContainer.ts, postgresEntrypoint.ts):
#   - as root, prepare $PGDATA for the postgres user and re-run itself as that user with gosu;
#   - on an empty $PGDATA, initialise a cluster whose superuser is $POSTGRES_USER with $POSTGRES_PASSWORD, create
#     $POSTGRES_DB, and let every TCP client in with scram-sha-256 (local socket connections stay trusted);
#   - on a $PGDATA that holds PG_VERSION, change nothing;
#   - then exec the command (`postgres`).
# No /docker-entrypoint-initdb.d, no POSTGRES_HOST_AUTH_METHOD, no POSTGRES_INITDB_ARGS: the stack sets none of them.
set -Eeuo pipefail

if [ "${1:0:1}" = '-' ]; then
    set -- postgres "$@"
fi

if [ "$1" = postgres ]; then
    if [ "$(id -u)" = 0 ]; then
        mkdir -p "$PGDATA"
        chown postgres:postgres "$PGDATA"
        chmod 700 "$PGDATA"
        exec gosu postgres "${BASH_SOURCE[0]}" "$@"
    fi
    if [ ! -s "$PGDATA/PG_VERSION" ]; then
        if [ -z "${POSTGRES_PASSWORD:-}" ]; then
            echo "docker-entrypoint.sh (stand-in): POSTGRES_PASSWORD is empty; the database is not initialised" >&2
            exit 1
        fi
        user="${POSTGRES_USER:-postgres}"
        database="${POSTGRES_DB:-$user}"
        initdb --username="$user" --pwfile=<(printf '%s\n' "$POSTGRES_PASSWORD") -D "$PGDATA"
        printf '\nhost all all all scram-sha-256\n' >> "$PGDATA/pg_hba.conf"
        # A temporary server on the Unix socket only, as the official image does, so no client can connect over TCP
        # (and no healthcheck over TCP can pass) before initialisation is over.
        pg_ctl -D "$PGDATA" -o "-c listen_addresses=''" -w start
        if [ "$database" != postgres ]; then
            psql -v ON_ERROR_STOP=1 --no-password --username "$user" --dbname postgres --set db="$database" \
                <<< 'CREATE DATABASE :"db";'
        fi
        pg_ctl -D "$PGDATA" -m fast -w stop
        echo "docker-entrypoint.sh (stand-in): PostgreSQL init process complete; ready for start up."
    fi
fi

exec "$@"
