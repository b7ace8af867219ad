#!/usr/bin/env bash
# Installs the command-line tools that deploy/test/stack-config.test.ts runs, on a Debian
# machine, only when they are missing. Idempotent and quiet; run as root (CI runs it before
# `npm test`):
#   promtool        Debian package `prometheus`     (checks/unit-tests the alert rules)
#   docker-compose  Debian package `docker-compose` (v1; parses docker-compose.yml without an engine)
#   python3 + yaml  Debian package `python3-yaml`   (the test parses YAML through it; docker-compose
#                                                    depends on it anyway)
# Nothing here starts a service: on Debian the prometheus package's service is not started in a
# container without systemd, and the test only uses promtool.
set -euo pipefail

missing=()
command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
/usr/bin/python3 -c 'import yaml' >/dev/null 2>&1 || missing+=(python3-yaml)

if [ "${#missing[@]}" -eq 0 ]; then
  echo "install-tools: promtool, docker-compose and python3-yaml already present"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "install-tools: need root to install: ${missing[*]}" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
echo "install-tools: installing ${missing[*]}"
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-tools: done ($(promtool --version 2>&1 | head -n1); $(docker-compose version --short 2>/dev/null || docker-compose --version))"
