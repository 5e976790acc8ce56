#!/usr/bin/env bash
# Install Ace by DAISY (the EPUB accessibility checker the tests run) into
# tools/ace/node_modules, from tools/ace/package-lock.json, with `npm ci`.
#
# Runs npm only when node_modules is missing or the lock changed since the last
# install (a stamp file holds the lock's checksum). Puppeteer does not download its
# own browser: the tests drive Debian's chromium (scripts/setup-system.sh --with-tests).
# Without npm, says so and exits 0: the Ace tests then skip, or fail under `make test`
# (OCTAVO_REQUIRE_TOOLS=1).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ace="$here/tools/ace"
stamp="$ace/node_modules/.octavo-installed"

if ! command -v npm >/dev/null 2>&1; then
  echo "npm is not installed: Ace by DAISY (the EPUB accessibility checker) is not set up." >&2
  echo "Install Node.js 20 or newer and npm, then run make test again." >&2
  exit 0
fi

sum=$(sha256sum "$ace/package-lock.json" | cut -d' ' -f1)
if [ -x "$ace/node_modules/.bin/ace-cli" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$sum" ]; then
  exit 0
fi

echo "Installing Ace by DAISY into tools/ace (npm ci)"
rm -f "$stamp"
(cd "$ace" && PUPPETEER_SKIP_DOWNLOAD=1 npm ci --loglevel=error --no-audit --no-fund >/dev/null)
echo "$sum" >"$stamp"
