#!/usr/bin/env bash
# Browser tests: builds `amend`, serves a fresh library (the demo, in a temporary data
# folder) on a free port of 127.0.0.1, drives it in Debian's Chromium with Playwright
# (npm playwright-core), and stops the server whatever happens.
#
#   bash tests/browser/run.sh            # debug build; AMEND_BROWSER_RELEASE=1 for release
#
# Without Chromium, node or the npm packages it prints a notice and exits 0, except
# under CI=true, where that is a failure. Bounded: AMEND_BROWSER_TIMEOUT seconds (600)
# for the tests, 120 s for the server to start.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
chromium="${CHROMIUM:-/usr/bin/chromium}"
limit="${AMEND_BROWSER_TIMEOUT:-600}"

unavailable() {
  if [ "${CI:-}" = true ]; then
    echo "browser tests: $1 (required under CI=true)" >&2
    exit 1
  fi
  echo "browser tests skipped: $1"
  exit 0
}
[ -x "$chromium" ] || unavailable "no Chromium at $chromium (apt-get install chromium)"
command -v node >/dev/null || unavailable "no node"
if [ ! -d "$here/node_modules/playwright-core" ]; then
  command -v npm >/dev/null || unavailable "no npm to install playwright-core"
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error) ||
    unavailable "npm could not install playwright-core"
fi

profile=debug
build=(cargo build -p amend)
if [ "${AMEND_BROWSER_RELEASE:-0}" = 1 ]; then
  profile=release
  build+=(--release)
fi
(cd "$root" && "${build[@]}")
target_dir="$(cd "$root" && cargo metadata --format-version 1 --no-deps |
  node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).target_directory))')"
amend="$target_dir/$profile/amend"
[ -x "$amend" ] || { echo "browser tests: no binary at $amend" >&2; exit 1; }

work="$(mktemp -d "${TMPDIR:-/tmp}/amend-browser-XXXXXX")"
server_pid=""
stop() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    # SIGINT is the server's graceful shutdown; SIGKILL if it does not stop in 10 s.
    kill -INT "$server_pid" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap stop EXIT
trap 'exit 130' INT TERM

export AMEND_DEMO_PASSWORD="${AMEND_DEMO_PASSWORD:-browser-$RANDOM-$RANDOM-$RANDOM}"
"$amend" serve --data "$work/data" --bind 127.0.0.1 --port 0 >"$work/server.log" 2>&1 &
server_pid=$!
url=""
for _ in $(seq 1200); do
  url="$(grep -o -m 1 'http://127\.0\.0\.1:[0-9]*' "$work/server.log" || true)"
  [ -n "$url" ] && break
  kill -0 "$server_pid" 2>/dev/null || break
  sleep 0.1
done
if [ -z "$url" ]; then
  echo "browser tests: the server did not start; its output:" >&2
  cat "$work/server.log" >&2
  exit 1
fi
echo "browser tests: $("$chromium" --version 2>/dev/null | head -n 1), server $url ($profile build)"

mkdir -p "$work/tmp"
status=0
(cd "$here" && AMEND_URL="$url" AMEND_BIN="$amend" CHROMIUM="$chromium" TMPDIR="$work/tmp" \
  timeout --kill-after=10 "$limit" node --test --test-reporter=spec ./*.test.mjs) || status=$?
if [ "$status" != 0 ]; then
  [ "$status" = 124 ] && echo "browser tests: stopped after $limit s" >&2
  echo "browser tests: the server's output:" >&2
  tail -n 50 "$work/server.log" >&2
fi
exit "$status"
