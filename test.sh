#!/usr/bin/env bash
# Runs every Parley test on a fresh Debian machine with the .NET 10 SDK and Node 20:
# installs what the tests need (Debian's chromium, postgresql, redis-server and nginx), then the web
# unit tests (Vitest) and the .NET tests (integration against the real server on SQLite, with the
# scale-out tests on two nodes behind nginx, its core again on PostgreSQL, end-to-end in headless
# Chromium).
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

if [ ! -x /usr/bin/chromium ]; then
  echo "== installing Debian's chromium for the end-to-end tests"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi

# PostgreSQL from Debian's packages, for the integration suite's core on PostgreSQL (below).
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$pg_bin" ]; then
  echo "== installing Debian's postgresql for the PostgreSQL tests"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >/dev/null
  pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
fi

# Redis and nginx from Debian's packages, for the scale-out tests (ScaleOutTests, ScaleOutFaultTests):
# two nodes behind nginx sharing a Redis and a PostgreSQL cluster that the tests start themselves.
if ! command -v redis-server >/dev/null || [ ! -x /usr/sbin/nginx ]; then
  echo "== installing Debian's redis-server and nginx for the scale-out tests"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq redis-server nginx >/dev/null
  # Only the binaries are wanted: the tests start their own, on free ports.
  for service in redis-server nginx; do $SUDO systemctl disable --now "$service" >/dev/null 2>&1 || true; done
fi

summary=$(mktemp)
pg_dir=$(mktemp -d)
cleanup() {
  [ -f "$pg_dir/data/postmaster.pid" ] && as_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$summary" "$pg_dir"
}
trap cleanup EXIT
# initdb refuses to run as root: as root, PostgreSQL runs as Debian's postgres user.
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

echo "== web unit tests (Vitest)"
status=0
(cd web && npm ci --no-audit --no-fund --loglevel=error && npx vitest run) 2>&1 | tee -a "$summary" || status=1

echo "== build (the server's build also builds the web client)"
dotnet build Parley.slnx -c Release -v quiet -nologo -clp:ErrorsOnly

# The server tests include the scale-out tests: they start their own PostgreSQL, Redis, two nodes
# and nginx (tests/Parley.Testing/Cluster), whatever database the other tests run on.
for project in tests/Parley.Server.Tests tests/Parley.E2E; do
  echo "== $project"
  dotnet test "$project" -c Release --no-build 2>&1 | tee -a "$summary" || status=1
done

echo "== tests/Parley.Server.Tests, the core again on PostgreSQL"
[ "$(id -u)" -eq 0 ] && chown postgres "$pg_dir"
pg_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
as_pg "$pg_bin/initdb" -D "$pg_dir/data" -U postgres --auth=trust -E UTF8 >/dev/null
as_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -w -l "$pg_dir/log" \
  -o "-p $pg_port -k $pg_dir -c listen_addresses=127.0.0.1 -c max_connections=300" start >/dev/null
# Two nodes on one data folder, sync, chat, keys, files, the authorization matrix, accounts and
# kill -9 durability: every server these tests start runs on a database of its own on this
# PostgreSQL, named after its data folder (tests/Parley.Testing/TestDatabase.cs).
core="DocSyncTests|PipelinedPushTests|ChatTests|KeyRotationTests|KeyAgeing|GrantRequestTests|Parley.Server.Tests.FileTests|ReleasedFileTests|FileManagerTests|AuthorizationMatrixTests|VandalSnapshotTests|PersistenceTests|QuotaTests|AccountTests|LobbyTests|PasswordRoomTests"
PARLEY_TEST_POSTGRES="Host=127.0.0.1;Port=$pg_port;Username=postgres" \
  dotnet test tests/Parley.Server.Tests -c Release --no-build \
  --filter "$(echo "$core" | sed 's/\([^|]*\)/FullyQualifiedName~\1/g')" 2>&1 | tee -a "$summary" || status=1

# One closing line with the counts of every runner above.
python3 - "$summary" <<'PY'
import re, sys
text = re.sub(r"\x1b\[[0-9;]*m", "", open(sys.argv[1]).read())
passed = failed = skipped = 0
for f, p, s in re.findall(r"Failed:\s+(\d+), Passed:\s+(\d+), Skipped:\s+(\d+)", text):
    failed += int(f); passed += int(p); skipped += int(s)
m = re.search(r"Tests\s+(?:(\d+) failed \| )?(\d+) passed(?: \| (\d+) skipped)?", text)
if m:
    failed += int(m.group(1) or 0); passed += int(m.group(2)); skipped += int(m.group(3) or 0)
print(f"all: {passed} passed, {failed} failed, {skipped} skipped")
sys.exit(1 if failed or not passed else 0)
PY
exit $status
