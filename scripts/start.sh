#!/usr/bin/env bash
# Sets up a fresh machine and runs Herald on its embedded defaults (no servers needed).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec pnpm --silent herald start "$@"
