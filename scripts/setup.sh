#!/usr/bin/env bash
# Prepares a fresh machine for Herald: pnpm and the workspace's dependencies.
# Safe to run again; each step is skipped when already done.
set -euo pipefail
cd "$(dirname "$0")/.."

node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then
  echo "Herald needs Node.js 20 or newer (found $(node --version))." >&2
  exit 1
fi

if ! command -v pnpm >/dev/null 2>&1; then
  echo "› installing pnpm 10"
  npm install -g pnpm@10 >/dev/null
fi

echo "› installing dependencies"
pnpm install --frozen-lockfile
