#!/usr/bin/env bash
# Kimppa's benchmark: generates the large dataset, compares search engines on
# the judged queries, load-tests the server against nginx serving the same
# bytes, and prints one report. Usage:
#   bench/run.sh [--small] [--postgres URL] [--judged-postgres URL]
# --postgres also compares with PostgreSQL's full-text search on the large
# dataset; --judged-postgres (implied by --postgres) runs the hand-judged set
# on that server too (in a database kimppa_bench_judged it makes anew).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=$ROOT/bench/out
SCALE=large
PG_URL=""
JUDGED_PG_URL=""
while [ $# -gt 0 ]; do
  case "$1" in
    --small) SCALE=small ;;
    --postgres) PG_URL="$2"; JUDGED_PG_URL="$2"; shift ;;
    --judged-postgres) JUDGED_PG_URL="$2"; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
DURATION=${DURATION:-20}
PORT=18080
NGINX_PORT=18081
mkdir -p "$OUT"
log() { printf '\n== %s\n' "$*" >&2; }

log "tools"
need=()
command -v wrk >/dev/null || need+=(wrk)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || need+=(nginx)
if [ ${#need[@]} -gt 0 ]; then
  DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
cargo build --release -q -p kimppa -p kimppa-bench
BIN=$ROOT/target/release

DB="sqlite://$OUT/kimppa-$SCALE.db?mode=rwc"
log "the $SCALE dataset (SQLite; generated once, completed when a part is missing)"
"$BIN/kimppa-bench" generate --database-url "$DB" --scale "$SCALE"

export KIMPPA_DATABASE_URL="$DB" KIMPPA_SEARCH_PATH="$OUT/search-$SCALE" KIMPPA_DEMO_ON_EMPTY=false
export KIMPPA_LOG=warn KIMPPA_FILES__PATH="$OUT/files"
log "search index (kimppa reindex)"
"$BIN/kimppa" reindex

log "search engines on the judged queries (SQLite)"
"$BIN/kimppa-bench" search --database-url "$DB" --index "$OUT/compare-index" | tee "$OUT/search-sqlite.txt"
rm -f "$OUT/search-postgres.txt"
if [ -n "$PG_URL" ]; then
  log "search engines on the judged queries (PostgreSQL)"
  "$BIN/kimppa-bench" generate --database-url "$PG_URL" --scale "$SCALE" 2>/dev/null || true
  "$BIN/kimppa-bench" search --database-url "$PG_URL" --index "$OUT/compare-index-pg" | tee "$OUT/search-postgres.txt"
fi

log "the hand-judged set (product against the databases' full-text search)"
"$BIN/kimppa-bench" judged --database-url "sqlite://$OUT/judged.db" | tee "$OUT/judged-sqlite.txt"
rm -f "$OUT/judged-postgres.txt"
if [ -n "$JUDGED_PG_URL" ]; then
  "$BIN/kimppa-bench" judged --database-url "$JUDGED_PG_URL" | tee "$OUT/judged-postgres.txt"
fi

log "materials matching (generated listings, in process)"
if [ "$SCALE" = small ]; then SIDE=1000; else SIDE=100000; fi
"$BIN/kimppa-bench" sidestreams --count "$SIDE" | tee "$OUT/sidestreams.txt"
"$BIN/kimppa-bench" matching-jobs --database-url "$DB" --count 200 | tee -a "$OUT/sidestreams.txt"
"$BIN/kimppa-bench" meetings | tee -a "$OUT/sidestreams.txt"

log "development pipeline (generated records, in process)"
if [ "$SCALE" = small ]; then PIPE=500; else PIPE=50000; fi
"$BIN/kimppa-bench" pipeline --database-url "sqlite://$OUT/pipeline.db" --count "$PIPE" | tee "$OUT/pipeline.txt"

log "impact: the rollup and the dashboard on the $SCALE dataset (in process)"
"$BIN/kimppa-bench" impact --database-url "$DB" | tee "$OUT/impact.txt"

log "server"
KIMPPA_LISTEN=127.0.0.1:$PORT "$BIN/kimppa" serve >"$OUT/server.log" 2>&1 &
SERVER=$!
cleanup() { kill "$SERVER" 2>/dev/null || true; [ -f "$OUT/nginx.pid" ] && kill "$(cat "$OUT/nginx.pid")" 2>/dev/null || true; }
trap cleanup EXIT
for _ in $(seq 1 600); do curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.5; done
"$BIN/kimppa-bench" urls --database-url "$DB" >"$OUT/urls.txt"
grep '/search?' "$OUT/urls.txt" >"$OUT/urls-search.txt"
grep -v '/search?' "$OUT/urls.txt" >"$OUT/urls-pages.txt"
grep '/forum' "$OUT/urls.txt" >"$OUT/urls-forum.txt"
# Warm up every URL once.
while read -r u; do curl -s -o /dev/null "http://127.0.0.1:$PORT$u"; done <"$OUT/urls.txt"

run_wrk() { # name connections urls-file base-url [wrk options]
  local name=$1 conns=$2 urls=$3 base=$4
  shift 4
  URLS="$urls" wrk -t2 -c"$conns" -d"${DURATION}s" --latency "$@" -s bench/urls.lua "$base" >"$OUT/wrk-$name.txt"
}
log "load: search, one client"
URLS="$OUT/urls-search.txt" wrk -t1 -c1 -d"${DURATION}s" --latency -s bench/urls.lua "http://127.0.0.1:$PORT" >"$OUT/wrk-search-1.txt"
log "load: catalogue and profile pages, 64 connections (anonymous visitors)"
run_wrk pages-64 64 "$OUT/urls-pages.txt" "http://127.0.0.1:$PORT"
# A session cookie bypasses the page memory: every request is rendered
# (the cookie names no live session, so the pages are the anonymous ones).
log "load: the same pages rendered for every request (session cookie), 64 connections"
run_wrk pages-64-rendered 64 "$OUT/urls-pages.txt" "http://127.0.0.1:$PORT" -H "Cookie: kimppa_session=bench"
log "load: the forum (front page, areas, the 500-reply thread, other threads), 64 connections"
run_wrk forum-64 64 "$OUT/urls-forum.txt" "http://127.0.0.1:$PORT"
run_wrk forum-64-rendered 64 "$OUT/urls-forum.txt" "http://127.0.0.1:$PORT" -H "Cookie: kimppa_session=bench"
log "load: the services catalogue page, 64 connections"
echo "/fi/services" >"$OUT/urls-catalogue.txt"
run_wrk catalogue-64 64 "$OUT/urls-catalogue.txt" "http://127.0.0.1:$PORT"
run_wrk catalogue-64-rendered 64 "$OUT/urls-catalogue.txt" "http://127.0.0.1:$PORT" -H "Cookie: kimppa_session=bench"
log "load: the materials marketplace's list, 64 connections"
printf '/fi/materials\n/fi/materials?kind=offer\n/fi/materials?page=2\n' >"$OUT/urls-materials.txt"
run_wrk materials-64 64 "$OUT/urls-materials.txt" "http://127.0.0.1:$PORT"

# A member signed in for real: the login form, its token and the session
# cookie it sets, as a browser does.
log "a signed-in member (a real login)"
MEMBER_PASSWORD=${MEMBER_PASSWORD:-bench-member-password}
MEMBER=$("$BIN/kimppa-bench" member --database-url "$DB" --password "$MEMBER_PASSWORD")
JAR=$OUT/cookies.txt
rm -f "$JAR"
TOKEN=$(curl -s -c "$JAR" -b "$JAR" "http://127.0.0.1:$PORT/fi/login" | grep -o 'name="csrf" value="[^"]*"' | head -1 | sed 's/.*value="//; s/"$//')
curl -s -o /dev/null -c "$JAR" -b "$JAR" --data-urlencode "csrf=$TOKEN" --data-urlencode "email=$MEMBER" \
  --data-urlencode "password=$MEMBER_PASSWORD" "http://127.0.0.1:$PORT/fi/login"
SESSION=$(awk '$6 == "kimppa_session" {print $7}' "$JAR" | tail -1)
[ -n "$SESSION" ] || { echo "the member's login failed" >&2; exit 1; }
# The page after the login shows its one-time message; then the member's pages.
curl -s -o /dev/null -b "kimppa_session=$SESSION" "http://127.0.0.1:$PORT/fi/"
curl -s -b "kimppa_session=$SESSION" "http://127.0.0.1:$PORT/fi/services" | grep -q "Jäsen Mittari" \
  || { echo "the member's pages are not signed in" >&2; exit 1; }
MEMBER_COOKIE="Cookie: kimppa_session=$SESSION"
# Warm up every URL once as the member too, as for visitors above: each
# person's pages are remembered from their first view.
cat "$OUT/urls-catalogue.txt" "$OUT/urls-forum.txt" "$OUT/urls-materials.txt" | while read -r u; do
  curl -s -o /dev/null -H "$MEMBER_COOKIE" "http://127.0.0.1:$PORT$u"
done
log "load: the same pages signed in, 64 connections"
run_wrk catalogue-64-member 64 "$OUT/urls-catalogue.txt" "http://127.0.0.1:$PORT" -H "$MEMBER_COOKIE"
run_wrk forum-64-member 64 "$OUT/urls-forum.txt" "http://127.0.0.1:$PORT" -H "$MEMBER_COOKIE"
run_wrk materials-64-member 64 "$OUT/urls-materials.txt" "http://127.0.0.1:$PORT" -H "$MEMBER_COOKIE"
RSS_KB=$(awk '/VmHWM/ {print $2}' "/proc/$SERVER/status")

log "nginx serving the same catalogue page as a file"
mkdir -p "$OUT/static/fi"
curl -s "http://127.0.0.1:$PORT/fi/services" >"$OUT/static/fi/services"
cat >"$OUT/nginx.conf" <<CONF
worker_processes 2;
daemon on;
pid $OUT/nginx.pid;
error_log $OUT/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    root $OUT/static;
    location / { default_type "text/html; charset=utf-8"; }
  }
}
CONF
"$NGINX" -c "$OUT/nginx.conf" -p "$OUT"
sleep 0.5
run_wrk nginx-64 64 "$OUT/urls-catalogue.txt" "http://127.0.0.1:$NGINX_PORT"

pct() { awk -v p="$2" '$1 == p {print $2}' "$OUT/wrk-$1.txt"; }
rps() { awk '/Requests\/sec/ {print $2}' "$OUT/wrk-$1.txt"; }
{
  echo "Kimppa benchmark ($SCALE dataset) — $(date -u +%Y-%m-%dT%H:%MZ), commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -r)"
  echo
  printf '%-34s %9s %9s %9s %10s\n' scenario p50 p90 p99 req/s
  for s in search-1 pages-64 pages-64-rendered forum-64 forum-64-rendered forum-64-member catalogue-64 \
    catalogue-64-rendered catalogue-64-member materials-64 materials-64-member nginx-64; do
    printf '%-34s %9s %9s %9s %10s\n' "$s" "$(pct "$s" 50%)" "$(pct "$s" 90%)" "$(pct "$s" 99%)" "$(rps "$s")"
  done
  echo
  awk -v a="$(rps catalogue-64)" -v b="$(rps nginx-64)" 'BEGIN { printf "catalogue page throughput vs nginx (same bytes): %.1f%%\n", 100 * a / b }'
  awk -v a="$(rps catalogue-64-rendered)" -v b="$(rps nginx-64)" 'BEGIN { printf "  rendered for every request: %.1f%%\n", 100 * a / b }'
  echo "signed in, against the same pages from the page memory for visitors (target: at least 25%, p99 at most 15 ms):"
  for pair in catalogue forum materials; do
    awk -v n="$pair" -v a="$(rps "$pair-64-member")" -v b="$(rps "$pair-64")" -v p="$(pct "$pair-64-member" 99%)" \
      'BEGIN { printf "  %-10s %5.1f%%  (p99 %s)\n", n, 100 * a / b, p }'
  done
  echo "server peak RSS: $((RSS_KB / 1024)) MiB"
  echo
  cat "$OUT/search-sqlite.txt"
  [ -f "$OUT/search-postgres.txt" ] && cat "$OUT/search-postgres.txt"
  cat "$OUT/judged-sqlite.txt"
  [ -f "$OUT/judged-postgres.txt" ] && cat "$OUT/judged-postgres.txt"
  echo
  cat "$OUT/sidestreams.txt"
  echo
  cat "$OUT/pipeline.txt"
  echo
  cat "$OUT/impact.txt"
} | tee "$OUT/report.txt"
