#!/usr/bin/env bash
# Runs a throwaway PostgreSQL server in the foreground for manual testing and prints the
# URL to use, e.g.:
#   scripts/pg-test-server.sh 55432 &
#   APPMESHD_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:55432/postgres node --test dist/test/store/
# The cluster lives in a temporary directory that is removed when the server stops
# (Ctrl-C or SIGTERM). As root, the server runs as the `postgres` user (or `nobody`).
set -euo pipefail

port="${1:-55432}"
bindir=""
if command -v initdb >/dev/null && command -v postgres >/dev/null; then
  bindir="$(dirname "$(command -v postgres)")"
else
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -rV); do bindir="$d"; break; done
fi
if [[ -z "$bindir" || ! -x "$bindir/initdb" ]]; then
  echo "no PostgreSQL binaries found (initdb, postgres)" >&2
  exit 1
fi

dir="$(mktemp -d "${TMPDIR:-/tmp}/appmeshd-pg-XXXXXX")"
as=()
if [[ "$(id -u)" == 0 ]]; then
  user=postgres
  id -u "$user" >/dev/null 2>&1 || user=nobody
  chown "$user" "$dir"
  # setpriv execs in place (no intermediate process), so signals reach postgres itself.
  as=(setpriv --reuid="$(id -u "$user")" --regid="$(id -g "$user")" --clear-groups --)
fi
pid=""
cleanup() {
  [[ -n "$pid" ]] && kill -INT "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

"${as[@]}" "$bindir/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --no-locale --no-sync --no-instructions >/dev/null
"${as[@]}" "$bindir/postgres" -D "$dir/data" -p "$port" -c listen_addresses=127.0.0.1 -c unix_socket_directories= \
  -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 &
pid=$!
echo "APPMESHD_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:${port}/postgres"
wait "$pid"
