#!/bin/sh
# Applies the Threadline retention setup to Elasticsearch (8.16+ / 9.x) with idempotent PUTs.
# Runs once in the compose stack (service `es-init`, image curlimages/curl: POSIX sh + curl,
# no jq), before the collector starts writing, and can be re-run at any time:
#
#   ilm/*.json                 PUT _ilm/policy/<name>            30-day and 180-day policies
#   component-templates/*.json PUT _component_template/<name>    logs-otel@custom, traces-otel@custom:
#                                                                default 30 days for all OTel streams
#   index-templates/*.json     PUT _index_template/<name>        logs-security.otel-*, logs-audit.otel-*:
#                                                                built-in OTel composition + 180 days
#   security/role-*.json       PUT _security/role/<name>         read-only role for Grafana
#   (generated)                PUT _security/user/threadline_grafana   when GRAFANA_ES_PASSWORD is set
#
# and then checks with the simulate API that each Threadline data stream would get the
# intended ILM policy *and* the OpenTelemetry (passthrough) mappings.
#
# Environment: ES_URL (default http://elasticsearch:9200), ES_USER (default elastic),
# ES_PASSWORD (required), GRAFANA_ES_PASSWORD (optional), ES_INIT_WAIT_SECONDS (default 180).
# Data streams that already existed before this ran keep their old settings until their next
# rollover (POST <data-stream>/_rollover applies the new template at once).
set -eu

ES_URL=${ES_URL:-http://elasticsearch:9200}
ES_USER=${ES_USER:-elastic}
: "${ES_PASSWORD:?ES_PASSWORD must be set (the elastic user's password)}"
WAIT=${ES_INIT_WAIT_SECONDS:-180}
DIR=$(cd "$(dirname "$0")" && pwd)
CURL=${CURL:-curl}

log() { printf 'es-init: %s\n' "$*"; }
fail() { printf 'es-init: ERROR: %s\n' "$*" >&2; exit 1; }

# request METHOD PATH [BODY_FILE] -> prints the response body; fails on a non-2xx status.
request() {
  method=$1
  path=$2
  body=${3:-}
  if [ -n "$body" ]; then
    out=$("$CURL" -sS -u "$ES_USER:$ES_PASSWORD" -X "$method" -H 'Content-Type: application/json' \
      --data-binary "@$body" -w '\n%{http_code}' "$ES_URL$path") || return 1
  else
    out=$("$CURL" -sS -u "$ES_USER:$ES_PASSWORD" -X "$method" -w '\n%{http_code}' "$ES_URL$path") || return 1
  fi
  code=$(printf '%s\n' "$out" | tail -n 1)
  resp=$(printf '%s\n' "$out" | sed '$d')
  case $code in
    2??) printf '%s\n' "$resp" ;;
    *) printf 'es-init: %s %s -> HTTP %s: %s\n' "$method" "$path" "$code" "$resp" >&2; return 1 ;;
  esac
}

# wait_for DESCRIPTION METHOD PATH: retries every 2 s until the request succeeds or WAIT runs out.
wait_for() {
  what=$1
  shift
  waited=0
  until request "$@" >/dev/null 2>&1; do
    [ "$waited" -ge "$WAIT" ] && fail "gave up after ${WAIT}s waiting for $what"
    sleep 2
    waited=$((waited + 2))
  done
  log "$what: ok"
}

# put_all KIND DIR: PUT every DIR/*.json to _<kind>/<file name without .json>.
put_all() {
  api=$1
  sub=$2
  for file in "$DIR/$sub"/*.json; do
    [ -e "$file" ] || continue
    name=$(basename "$file" .json)
    request PUT "/$api/$name" "$file" >/dev/null || fail "PUT /$api/$name failed"
    log "PUT /$api/$name"
  done
}

# expect_simulated DATA_STREAM POLICY: the template that would apply to DATA_STREAM sets POLICY
# and still carries the OpenTelemetry mappings (otel@mappings maps attributes as passthrough).
expect_simulated() {
  stream=$1
  policy=$2
  sim=$(request POST "/_index_template/_simulate_index/$stream") || fail "simulate $stream failed"
  printf '%s' "$sim" | grep -q "\"$policy\"" ||
    fail "$stream would not use ILM policy $policy: $sim"
  printf '%s' "$sim" | grep -q '"passthrough"' ||
    fail "$stream would lose the OpenTelemetry mappings (no passthrough fields): $sim"
  log "$stream -> $policy with OTel mappings"
}

wait_for "cluster health (yellow)" GET "/_cluster/health?wait_for_status=yellow&timeout=5s"
# The otel-data plugin installs its templates shortly after the node starts (ES 8.16+).
wait_for "built-in index template logs-otel@template" GET "/_index_template/logs-otel@template"
wait_for "built-in index template traces-otel@template" GET "/_index_template/traces-otel@template"

put_all _ilm/policy ilm
put_all _component_template component-templates
put_all _index_template index-templates

for file in "$DIR"/security/role-*.json; do
  [ -e "$file" ] || continue
  role=$(basename "$file" .json)
  role=${role#role-}
  request PUT "/_security/role/$role" "$file" >/dev/null || fail "PUT /_security/role/$role failed"
  log "PUT /_security/role/$role"
done

if [ -n "${GRAFANA_ES_PASSWORD:-}" ]; then
  user_body=$(mktemp)
  # JSON-escape backslashes and double quotes of the password.
  escaped=$(printf '%s' "$GRAFANA_ES_PASSWORD" | sed 's/\\/\\\\/g; s/"/\\"/g')
  printf '{"password":"%s","roles":["threadline_grafana_reader"],"full_name":"Grafana (Threadline)"}' \
    "$escaped" >"$user_body"
  request PUT /_security/user/threadline_grafana "$user_body" >/dev/null ||
    { rm -f "$user_body"; fail "PUT /_security/user/threadline_grafana failed"; }
  rm -f "$user_body"
  log "PUT /_security/user/threadline_grafana"
fi

expect_simulated logs-app.otel-default threadline-retention-30d
expect_simulated logs-security.otel-default threadline-retention-180d
expect_simulated logs-audit.otel-default threadline-retention-180d
expect_simulated traces-app.otel-default threadline-retention-30d

log "done"
