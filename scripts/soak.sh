#!/usr/bin/env bash
# make soak: mixed load against the packaged jar for SOAK_SECONDS (default 600), loopback only.
set -euo pipefail
cd "$(dirname "$0")/.."
exec python3 scripts/soak.py
