#!/usr/bin/env bash
# Builds Threadline's custom OpenTelemetry Collector with the OpenTelemetry
# Collector Builder (OCB) from collector/builder-config.yaml.
#
#   npm run collector:build          # or: bash scripts/collector-build.sh
#
# Output: .collector/otelcol-threadline (gitignored). Generated Go sources are
# kept in .collector/build/, the builder binary in .collector/bin/.
#
# Idempotent: when the binary exists and is newer than the manifest, nothing is
# done. Set COLLECTOR_FORCE=1 to rebuild anyway.
# The first build downloads a few GB of Go modules and compiles for many
# minutes; later builds reuse Go's module and build caches.
#
# Environment:
#   COLLECTOR_FORCE=1      rebuild even if the binary is up to date
#   COLLECTOR_NICE=<n>     niceness for go/builder runs (default 15; 0 = off)
#   GO=<path>              Go executable to use (default: `go` on PATH, then
#                          /usr/local/go/bin/go)
set -euo pipefail

# Oldest Go that can build this collector: the `go` directive of the builder's
# and the components' go.mod files (v0.157.0: `go 1.25.0` in .collector/build/go.mod).
MIN_GO=1.25.0

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MANIFEST="$ROOT/collector/builder-config.yaml"
OUT_DIR="$ROOT/.collector"
BUILD_DIR="$OUT_DIR/build"        # must match dist.output_path (relative to collector/)
BIN_NAME="otelcol-threadline"     # must match dist.name
BINARY="$OUT_DIR/$BIN_NAME"
export GOBIN="$OUT_DIR/bin"
BUILDER="$GOBIN/builder"
NICE_LEVEL="${COLLECTOR_NICE:-15}"

log() { printf '[collector-build] %s\n' "$*"; }
die() { printf '[collector-build] ERROR: %s\n' "$*" >&2; exit 1; }
now() { date +%s; }
elapsed() { local s=$(($(now) - $1)); printf '%dm%02ds' $((s / 60)) $((s % 60)); }
run_nice() {
  if [ "$NICE_LEVEL" != 0 ] && command -v nice >/dev/null 2>&1; then
    nice -n "$NICE_LEVEL" "$@"
  else
    "$@"
  fi
}

case "${1:-}" in
  -h|--help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
  "") ;;
  *) die "unknown argument: $1 (try --help)" ;;
esac

T0=$(now)
[ -f "$MANIFEST" ] || die "manifest not found: $MANIFEST"

# --- Skip when up to date ----------------------------------------------------
if [ "${COLLECTOR_FORCE:-0}" != 1 ] && [ -x "$BINARY" ] && [ "$BINARY" -nt "$MANIFEST" ]; then
  log "skipped: $BINARY is newer than collector/builder-config.yaml (COLLECTOR_FORCE=1 to rebuild) [$(elapsed "$T0")]"
  exit 0
fi

# --- Go toolchain ------------------------------------------------------------
GO="${GO:-}"
if [ -n "$GO" ]; then
  [ -x "$GO" ] || die "GO=$GO is not an executable. Install Go >= $MIN_GO (https://go.dev/dl/) or fix GO."
else
  if command -v go >/dev/null 2>&1; then
    GO="$(command -v go)"
  elif [ -x /usr/local/go/bin/go ]; then
    GO=/usr/local/go/bin/go
  else
    die "Go is not installed (no 'go' on PATH, no /usr/local/go/bin/go). Install Go >= $MIN_GO (https://go.dev/dl/) or set GO=/path/to/go."
  fi
fi
# The builder runs `go` from PATH, so make sure it finds the same one.
export PATH="$(dirname "$GO"):$PATH"
GO_VERSION="$("$GO" env GOVERSION 2>/dev/null || true)"   # e.g. go1.26.8
GO_VERSION="${GO_VERSION#go}"
case "$GO_VERSION" in
  [0-9]*.[0-9]*) ;;
  *) die "cannot determine the version of $GO (got '${GO_VERSION}'); need Go >= $MIN_GO" ;;
esac
GO_NUM="${GO_VERSION%%[!0-9.]*}"                           # drop rc/beta suffixes
if [ "$(printf '%s\n%s\n' "$MIN_GO" "$GO_NUM" | sort -V | head -n1)" != "$MIN_GO" ]; then
  die "Go $GO_VERSION at $GO is too old: this collector needs Go >= $MIN_GO."
fi
log "using Go $GO_VERSION ($GO)"

# --- Versions from the manifest ------------------------------------------------
# The builder must match the core collector version; take it from the
# otlpreceiver line so the manifest stays the single source of truth.
OCB_VERSION="$(sed -n 's#^[[:space:]]*-[[:space:]]*gomod:[[:space:]]*go\.opentelemetry\.io/collector/receiver/otlpreceiver[[:space:]]\{1,\}\(v[0-9][^[:space:]]*\).*#\1#p' "$MANIFEST" | head -n1)"
[ -n "$OCB_VERSION" ] || die "could not find the otlpreceiver version in $MANIFEST"

mkdir -p "$OUT_DIR" "$GOBIN"

# --- Builder -------------------------------------------------------------------
T1=$(now)
HAVE_OCB=""
if [ -x "$BUILDER" ]; then
  HAVE_OCB="$("$BUILDER" version 2>&1 | awk '{print $NF}' || true)"   # prints to stderr
fi
if [ "$HAVE_OCB" = "$OCB_VERSION" ]; then
  log "builder $OCB_VERSION already installed at $BUILDER"
else
  log "installing go.opentelemetry.io/collector/cmd/builder@$OCB_VERSION into $GOBIN ..."
  run_nice "$GO" install "go.opentelemetry.io/collector/cmd/builder@$OCB_VERSION" \
    || die "go install of the collector builder $OCB_VERSION failed (is the Go module proxy reachable?)"
  log "builder installed [$(elapsed "$T1")]"
fi

# --- Build ---------------------------------------------------------------------
T2=$(now)
log "building $BIN_NAME $OCB_VERSION (the first build takes many minutes and downloads GBs) ..."
# output_path in the manifest is relative to collector/.
cd "$ROOT/collector"
rm -f "$BUILD_DIR/$BIN_NAME"
# --skip-strict-versioning=false: fail if dependency resolution moved the core
# collector or any listed component off the versions pinned in the manifest.
# TMPDIR: the builder leaves an empty temp dir behind on every run; keep it here.
mkdir -p "$OUT_DIR/tmp"
if ! TMPDIR="$OUT_DIR/tmp" run_nice "$BUILDER" --config="$MANIFEST" --skip-strict-versioning=false; then
  die "the collector builder failed after $(elapsed "$T2"); see the output above. Generated sources are in $BUILD_DIR"
fi
[ -x "$BUILD_DIR/$BIN_NAME" ] || die "builder finished but $BUILD_DIR/$BIN_NAME is missing (dist.output_path/dist.name out of sync with this script?)"
rm -rf "$OUT_DIR/tmp"
mv -f "$BUILD_DIR/$BIN_NAME" "$BINARY"
touch "$BINARY"   # newer than the manifest, so the next run is skipped
"$BINARY" --version >/dev/null 2>&1 || die "built binary $BINARY does not run"
log "built $BINARY ($(du -h "$BINARY" | cut -f1)) [build $(elapsed "$T2"), total $(elapsed "$T0")]"
