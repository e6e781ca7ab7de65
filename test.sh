#!/usr/bin/env bash
# Runs every Parley test on a fresh Debian machine with the .NET 10 SDK and Node 20:
# installs what the tests need (Debian's chromium), then the web unit tests (Vitest) and the
# .NET tests (integration against the real server, end-to-end in headless Chromium).
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

if [ ! -x /usr/bin/chromium ]; then
  echo "== installing Debian's chromium for the end-to-end tests"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi

summary=$(mktemp)
trap 'rm -f "$summary"' EXIT

echo "== web unit tests (Vitest)"
status=0
(cd web && npm ci --no-audit --no-fund --loglevel=error && npx vitest run) 2>&1 | tee -a "$summary" || status=1

echo "== build (the server's build also builds the web client)"
dotnet build Parley.slnx -c Release -v quiet -nologo -clp:ErrorsOnly

for project in tests/Parley.Server.Tests tests/Parley.E2E; do
  echo "== $project"
  dotnet test "$project" -c Release --no-build 2>&1 | tee -a "$summary" || status=1
done

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
