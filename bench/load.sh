#!/usr/bin/env bash
# Load test of the platform on loopback: `wrk -t1 -c100 -d20s` against the public redline
# page of Resolution 75 (CITEL's proposal against the 2012 text, from the demo library)
# and, when the server has logins, the same page as a logged-in Member State delegate.
# The server (release build) is pinned to CPU 0 with taskset, wrk to CPU 1.
#
#   bash bench/load.sh                         # SQLite in a temporary data folder
#   bash bench/load.sh --db postgres://USER@HOST/DB
#   bash bench/load.sh --duration 10s --connections 50
#
# Prints req/s, p50 and p99 latency and errors per page, the load average before and
# after, and whether the target holds on the public redline page (>= 5,000 req/s, p99 <
# 50 ms, no errors). Bounded: each wrk run is limited to its duration plus 30 s, the
# server's start to 120 s; the server is stopped whatever happens.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"

db=""
duration=20s
connections=100
while [ $# -gt 0 ]; do
  case "$1" in
    --db) db="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    --connections) connections="$2"; shift 2 ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "load.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

for tool in wrk taskset curl python3; do
  command -v "$tool" >/dev/null || { echo "load.sh: $tool is missing (apt-get install wrk util-linux curl python3)" >&2; exit 2; }
done
if [ "$(nproc --all)" -lt 2 ]; then
  echo "load.sh: needs two CPUs (server on CPU 0, wrk on CPU 1)" >&2
  exit 2
fi

(cd "$root" && cargo build --release -p amend)
target_dir="$(cd "$root" && cargo metadata --format-version 1 --no-deps |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')"
amend="$target_dir/release/amend"

work="$(mktemp -d "${TMPDIR:-/tmp}/amend-load-XXXXXX")"
server_pid=""
stop() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -INT "$server_pid" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap stop EXIT
trap 'exit 130' INT TERM

export AMEND_DEMO_PASSWORD="${AMEND_DEMO_PASSWORD:-load-$RANDOM-$RANDOM-$RANDOM}"
store_args=(--data "$work/data")
backend="SQLite ($work/data)"
if [ -n "$db" ]; then
  store_args=(--db "$db")
  backend="${db%%://*}"
fi
taskset -c 0 "$amend" serve "${store_args[@]}" --bind 127.0.0.1 --port 0 >"$work/server.log" 2>&1 &
server_pid=$!
url=""
for _ in $(seq 1200); do
  url="$(grep -o -m 1 'http://127\.0\.0\.1:[0-9]*' "$work/server.log" || true)"
  [ -n "$url" ] && break
  kill -0 "$server_pid" 2>/dev/null || break
  sleep 0.1
done
if [ -z "$url" ]; then
  echo "load.sh: the server did not start; its output:" >&2
  cat "$work/server.log" >&2
  exit 1
fi

# The redline page of CITEL's proposal on Resolution 75, found through the JSON API.
redline="$(curl -fsS --max-time 30 "$url/api/instruments" | python3 -c '
import json, sys, urllib.request
base = sys.argv[1]
instruments = json.load(sys.stdin)
res75 = next(i for i in instruments if i.get("number") == "75")
detail = json.load(urllib.request.urlopen(base + "/api/instruments/" + str(res75["id"]), timeout=30))
latest = max(detail["versions"], key=lambda v: (v.get("year") or 0, v["id"]))
citel = next(p for p in detail["proposals"] if p.get("source") == "CITEL")
print("/redline?from=version:%d&to=proposal:%d" % (latest["id"], citel["id"]))
' "$url")"

# A logged-in delegate (Member State), when the server has logins.
cookie=""
login_status="$(curl -sS --max-time 30 -o "$work/login.json" -D "$work/login.headers" -w '%{http_code}' \
  -H 'Content-Type: application/json' \
  --data "{\"username\":\"member-state\",\"password\":\"$AMEND_DEMO_PASSWORD\"}" \
  "$url/api/session" || true)"
if [ "${login_status:0:1}" = 2 ]; then
  cookie="$(grep -i '^set-cookie:' "$work/login.headers" | head -n 1 | sed -E 's/^[Ss]et-[Cc]ookie: *([^;]*).*/\1/' | tr -d '\r')"
fi

# Each page answers 200 before it is loaded (this also warms the server).
check_page() {
  local code
  code="$(curl -sS --max-time 60 -o /dev/null -w '%{http_code}' "$@")"
  [ "$code" = 200 ] || { echo "load.sh: $* answered $code" >&2; exit 1; }
}
check_page "$url$redline"
[ -n "$cookie" ] && check_page -H "Cookie: $cookie" "$url$redline"
bytes="$(curl -sS --max-time 60 "$url$redline" | wc -c)"

seconds="${duration%s}"
run_wrk() { # NAME, wrk arguments...
  local name="$1"; shift
  local out="$work/wrk-$name.txt"
  timeout --kill-after=5 $((seconds + 30)) taskset -c 1 \
    wrk -t1 -c"$connections" -d"$duration" --latency "$@" >"$out"
  python3 - "$name" "$out" <<'PY'
import re, sys
name, path = sys.argv[1], sys.argv[2]
text = open(path).read()
def ms(v):
    n, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", v).groups()
    return float(n) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
p50 = ms(re.search(r"^\s+50%\s+(\S+)", text, re.M).group(1))
p99 = ms(re.search(r"^\s+99%\s+(\S+)", text, re.M).group(1))
total = int(re.search(r"(\d+) requests in", text).group(1))
non2xx = int((re.search(r"Non-2xx or 3xx responses: (\d+)", text) or [0, "0"])[1])
sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
socket_errors = sum(int(g) for g in sock.groups()) if sock else 0
errors = non2xx + socket_errors
print(f"{name:<22} {rps:>10.0f} {p50:>9.2f} {p99:>9.2f} {total:>9} {errors:>7}")
with open(path + ".verdict", "w") as f:
    f.write("met" if rps >= 5000 and p99 < 50 and errors == 0 else "not met")
PY
}

echo "amend load test: $backend, server on CPU 0 ($url), wrk -t1 -c$connections -d$duration on CPU 1"
echo "public redline page: $redline ($bytes bytes)"
echo "load average before: $(cut -d ' ' -f 1-3 /proc/loadavg)"
printf '%-22s %10s %9s %9s %9s %7s\n' page req/s "p50 ms" "p99 ms" requests errors
run_wrk public-redline "$url$redline"
if [ -n "$cookie" ]; then
  run_wrk logged-in-redline -H "Cookie: $cookie" "$url$redline"
else
  echo "logged-in page: skipped (POST /api/session answered ${login_status:-nothing})"
fi
echo "load average after: $(cut -d ' ' -f 1-3 /proc/loadavg)"
echo "target on the public redline page (>= 5,000 req/s, p99 < 50 ms, no errors): $(cat "$work/wrk-public-redline.txt.verdict")"
