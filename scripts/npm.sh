#!/bin/sh
# Installs the npm packages of the browser tests (tests/browser/package-lock.json: playwright-core,
# which drives Debian's chromium so no browser is downloaded, and axe-core, the accessibility
# checks run on the dashboard's pages). Idempotent and silent when the installed tree matches the
# lock file; `npm ci` (exact versions from the lock) otherwise.
set -eu
dir="$(dirname "$0")/../tests/browser"
command -v npm >/dev/null 2>&1 || { echo "npm: not installed (Debian package nodejs); browser tests will be skipped" >&2; exit 0; }
# Every package pinned in package.json must be installed at exactly that version.
current=yes
for pkg in playwright-core axe-core; do
  want=$(sed -n "s/.*\"$pkg\": \"\([0-9.]*\)\".*/\1/p" "$dir/package.json")
  have=$(sed -n 's/^  "version": "\([^"]*\)".*/\1/p' "$dir/node_modules/$pkg/package.json" 2>/dev/null || true)
  { [ -n "$want" ] && [ "$want" = "$have" ]; } || current=no
done
[ "$current" = yes ] && exit 0
echo "npm: installing the browser tests' packages" >&2
cd "$dir" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --ignore-scripts --loglevel=error >/dev/null
