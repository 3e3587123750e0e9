#!/usr/bin/env bash
# Proves scripts/deploy/nginx.conf: two Trellis processes on one PostgreSQL behind nginx.
#  - both processes serve traffic through the proxy;
#  - readiness answers through the proxy;
#  - stopping one process (SIGTERM) in the middle of a stream of requests loses none of them.
# Needs: nginx (apt-get install nginx), PostgreSQL at 127.0.0.1:5432 (user postgres), a built server (npm start
# once, or `pnpm --filter @trellis/server build`). Not part of CI: it binds ports 3001, 3002 and 8080.
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
cli="$root/apps/server/bin/trellis.mjs"
work="$(mktemp -d)"
db="trellis_nginx_try"
url="postgres://postgres@127.0.0.1:5432/$db"
pids=()

cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  [ -f "$work/nginx.pid" ] && nginx -p "$work" -c nginx.conf -s stop 2>/dev/null || true
  wait 2>/dev/null || true
  psql -q -h 127.0.0.1 -U postgres -d postgres -c "drop database if exists $db" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }

command -v nginx >/dev/null || fail "nginx is not installed (apt-get install -y nginx)"
[ -f "$root/apps/server/dist/cli.js" ] || fail "build the server first (npm start, or pnpm --filter @trellis/server build)"

psql -q -h 127.0.0.1 -U postgres -d postgres -c "drop database if exists $db" -c "create database $db" >/dev/null
DATABASE_URL="$url" node "$cli" migrate >/dev/null

start() { # port
  DATABASE_URL="$url" PORT="$1" TRELLIS_DEMO=0 TRELLIS_ADMIN_PASSWORD=nginx-try-password \
    TRELLIS_DATA_DIR="$work/data" LOG_LEVEL=info node "$cli" start >"$work/trellis-$1.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 100); do
    curl -fs "http://127.0.0.1:$1/api/health/ready" >/dev/null && return 0
    sleep 0.2
  done
  cat "$work/trellis-$1.log" >&2
  fail "process on port $1 did not become ready"
}
# One after the other: the first start creates the admin account.
start 3001
start 3002

mkdir -p "$work/tmp"
cp "$root/scripts/deploy/nginx.conf" "$work/nginx.conf"
nginx -p "$work" -c nginx.conf
proxy="http://127.0.0.1:8080"

[ "$(curl -s -o /dev/null -w '%{http_code}' "$proxy/api/health/ready")" = 200 ] || fail "readiness through nginx"

token="$(curl -fs -X POST "$proxy/api/auth/login" -H 'content-type: application/json' \
  -d '{"username":"admin","password":"nginx-try-password"}' -c "$work/cookies" | node -e \
  'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>process.stdout.write(JSON.parse(s).csrfToken))')"
[ -n "$token" ] || fail "login through nginx"

for _ in $(seq 1 40); do
  curl -fs -b "$work/cookies" "$proxy/api/apps" >/dev/null || fail "GET /api/apps through nginx"
done
served_1=$(grep -c '"url":"/api/apps"' "$work/trellis-3001.log" || true)
served_2=$(grep -c '"url":"/api/apps"' "$work/trellis-3002.log" || true)
echo "requests served: port 3001 → $served_1, port 3002 → $served_2"
[ "$served_1" -gt 0 ] && [ "$served_2" -gt 0 ] || fail "both processes should serve traffic"

# A stream of 300 requests; halfway, the first process is stopped gracefully.
errors=0
for i in $(seq 1 300); do
  [ "$i" = 150 ] && kill -TERM "${pids[0]}"
  code="$(curl -s -o /dev/null -w '%{http_code}' -b "$work/cookies" "$proxy/api/apps")"
  [ "$code" = 200 ] || errors=$((errors + 1))
done
echo "requests failed while one process stopped: $errors of 300"
[ "$errors" = 0 ] || fail "requests were lost while a process stopped"
echo "OK: nginx.conf balances two processes, answers readiness, and loses nothing when one stops"
