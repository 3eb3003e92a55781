#!/usr/bin/env bash
# Sets up a fresh machine for the test suite and runs it: the workspace, the Debian
# packages the tests drive (kcat, a second Kafka client; Chromium, a real browser for the
# client SDK; nginx, the proxy of docs/nginx), and a local Redis server.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh

apt_install() {
  local missing=()
  for package in "$@"; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "› installing ${missing[*]}"
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}
apt_install kcat redis-server chromium nginx-light

if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  echo "› starting redis-server on 127.0.0.1:6379"
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no
  for _ in $(seq 1 50); do
    redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break
    sleep 0.1
  done
fi

echo "› checking formatting, types and lint"
pnpm --silent check

pnpm test
