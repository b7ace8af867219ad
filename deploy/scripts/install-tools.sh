#!/usr/bin/env bash
# Installs the command-line tools that deploy/test/stack-config.test.ts and the events
# package's brute-force tests run, on a Debian machine, only when they are missing. Idempotent and quiet; run as root (CI runs it before
# `npm test`):
#   promtool        Debian package `prometheus`     (checks/unit-tests the alert rules)
#   docker-compose  Debian package `docker-compose` (v1; parses docker-compose.yml without an engine)
#   python3 + yaml  Debian package `python3-yaml`   (the test parses YAML through it; docker-compose
#                                                    depends on it anyway)
#   redis-server    Debian package `redis-server`   (packages/events/test/brute-force.security.test.ts
#                                                    starts its own throwaway server on 127.0.0.1;
#                                                    redis-cli comes with it, via redis-tools)
#   openssl         Debian package `openssl`        (collector/test/service-door-tls.security.test.ts
#                                                    makes a throwaway certificate for 127.0.0.1)
# Nothing here starts a service: on Debian the prometheus and redis-server packages' services are
# not started in a container without systemd; the tests only use promtool and start their own
# redis-server.
set -euo pipefail

missing=()
command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
/usr/bin/python3 -c 'import yaml' >/dev/null 2>&1 || missing+=(python3-yaml)
{ command -v redis-server >/dev/null 2>&1 && command -v redis-cli >/dev/null 2>&1; } || missing+=(redis-server)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)

if [ "${#missing[@]}" -eq 0 ]; then
  echo "install-tools: promtool, docker-compose, python3-yaml, redis-server and openssl already present"
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
echo "install-tools: done ($(promtool --version 2>&1 | head -n1); $(docker-compose version --short 2>/dev/null || docker-compose --version); $(redis-server --version | cut -d' ' -f1-3))"
