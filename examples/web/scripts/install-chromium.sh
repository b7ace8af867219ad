#!/usr/bin/env bash
# Installs Debian's Chromium for the browser tests of examples/web (playwright-core drives it;
# Playwright's own browser download cannot be used here). Idempotent: does nothing when
# /usr/bin/chromium is already there. Needs root (CI runs as root).
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
  echo "chromium: $(/usr/bin/chromium --version 2>/dev/null || echo present)"
  exit 0
fi

# Other installs may run apt at the same time on a shared machine: take turns.
exec 9>/tmp/apt.lock
flock 9
if [ ! -x /usr/bin/chromium ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update
  apt-get install -y --no-install-recommends chromium fonts-liberation
fi
echo "chromium: $(/usr/bin/chromium --version 2>/dev/null || echo installed)"
