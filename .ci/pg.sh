#!/usr/bin/env bash
# Runs a command beside a throwaway PostgreSQL cluster:
#
#	.ci/pg.sh go test ./dataset/sqlsrc/postgres/
#
# initdb makes the cluster in a new temporary directory, the server listens
# on a Unix socket in that directory only (no TCP), and the command runs
# with RECNET_PG_URL naming its database (postgres:///recnet?host=DIR...).
# The server is stopped and the directory removed on every exit path
# (success, failure, Ctrl-C). Run as root, the server runs as the user
# postgres (it refuses root). Debian's postgresql package provides the
# server (/usr/lib/postgresql/*/bin); .ci/run installs it when missing.
set -euo pipefail
[ $# -gt 0 ] || { echo "usage: $0 COMMAND [ARGS...]" >&2; exit 2; }
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$bin" ] && [ -x "$bin/initdb" ] || { echo "$0: no PostgreSQL server (install Debian's postgresql)" >&2; exit 1; }
dir=$(mktemp -d /tmp/recnet-pg.XXXXXX)
as=()
user=$(id -un)
if [ "$(id -u)" = 0 ]; then
  user=postgres
  chown postgres: "$dir"
  as=(runuser -u postgres --)
fi
stop() {
  [ -f "$dir/data/postmaster.pid" ] && "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
"${as[@]}" "$bin/initdb" -D "$dir/data" -U "$user" --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
  { cat "$dir/initdb.log" >&2; exit 1; }
# No TCP (listen_addresses empty): the socket in $dir only; fsync off, as
# the cluster is thrown away.
"${as[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
  -o "-c listen_addresses= -c unix_socket_directories=$dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null ||
  { cat "$dir/server.log" >&2; exit 1; }
"${as[@]}" "$bin/createdb" -h "$dir" -U "$user" recnet
export RECNET_PG_URL="postgres:///recnet?host=$dir&user=$user&sslmode=disable"
"$@"
