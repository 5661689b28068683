#!/usr/bin/env bash
# The soak: locust (locust/locustfile.py mix) with 200 users and no think time for 10 minutes against one api
# started as a 512 MiB instance would be (Dockerfile.api's ENTRYPOINT flags plus -XX:MaxRAM=512m), with the
# api's resident memory and its old generation after each collection sampled every 5 s.
#   benchmarks/soak.sh           writes benchmarks/reports/soak-<UTC time>/ and prints summary.md
# Verdict: it passes when locust counted 0 failures (every classify answer's content is checked, every invalid
# body must get its 4xx) and memory shows no growth trend: the least-squares slope of RSS over the second half
# of the run is at most SOAK_MAX_SLOPE MiB/min (1.0) and the api never exited. Exit 0 pass, 1 fail.
# Env: MLFLOW_PORT (5000), PORT (8080), SOAK_USERS (200), SOAK_TIME (10m), SOAK_SAMPLE_SECONDS (5),
#      SOAK_MAX_SLOPE (1.0).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/benchmarks/lib.sh"

mlflow_port=${MLFLOW_PORT:-5000} api_port=${PORT:-8080}
users=${SOAK_USERS:-200} run_time=${SOAK_TIME:-10m} every=${SOAK_SAMPLE_SECONDS:-5}
max_slope=${SOAK_MAX_SLOPE:-1.0}
out="$root/benchmarks/reports/soak-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"
ensure_jars
locust=$(locust_install)
trap stop_all EXIT INT TERM

start_mlflow "$mlflow_port" "$out/mlflow"
train "$out/train.log"
log "api on http://127.0.0.1:$api_port with -XX:MaxRAM=512m (log: $out/api.log)"
start_api "$api_port" "$out/api.log" -XX:MaxRAM=512m
wait_http "http://127.0.0.1:$api_port/health/ready" 120 "$api_pid" || { tail -n 30 "$out/api.log" >&2; die "the api did not become ready"; }

# Samples "seconds rss_mib old_gen_used_mib" of the api every $every s until the file "stop" exists.
sample() {
  local t0=$SECONDS rss old
  echo "seconds,rss_mib,old_used_mib" >"$out/memory.csv"
  while [ ! -e "$out/stop" ] && kill -0 "$api_pid" 2>/dev/null; do
    rss=$(awk '/^VmRSS/{printf "%.1f", $2/1024}' "/proc/$api_pid/status" 2>/dev/null || echo 0)
    old=$("$JAVA_HOME/bin/jstat" -gc "$api_pid" 2>/dev/null | awk 'NR==2{printf "%.1f", $8/1024}')
    echo "$((SECONDS - t0)),$rss,${old:-}" >>"$out/memory.csv"
    sleep "$every"
  done
}
sample &
sampler=$!

log "locust $LOCUST_VERSION: $users users for $run_time (reports: $out)"
code=0
(cd "$root/locust" && "$locust" --config locust.conf --host "http://127.0.0.1:$api_port" --users "$users" \
  --spawn-rate "$users" --run-time "$run_time" --think-time 0 --slo-p95-ms 100000 \
  --csv "$out/locust" --csv-full-history --html "$out/report.html" >"$out/locust.log" 2>&1) || code=$?
touch "$out/stop"
wait "$sampler" || true
alive=yes
kill -0 "$api_pid" 2>/dev/null || alive=no

python3 - "$out" "$code" "$alive" "$users" "$run_time" "$max_slope" <<'PY' | tee "$out/summary.md"
import csv, sys
out, code, alive, users, run_time, max_slope = sys.argv[1:7]
rows = [r for r in csv.DictReader(open(f"{out}/memory.csv")) if r["rss_mib"] not in ("", "0")]
t = [int(r["seconds"]) for r in rows]
rss = [float(r["rss_mib"]) for r in rows]
old = [float(r["old_used_mib"]) for r in rows if r["old_used_mib"]]

def slope(xs, ys):
    n = len(xs)
    if n < 2:
        return float("nan")
    mx, my = sum(xs) / n, sum(ys) / n
    den = sum((x - mx) ** 2 for x in xs)
    return float("nan") if den == 0 else sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / den

half = len(t) // 2
s_all = slope(t, rss) * 60
s_half = slope(t[half:], rss[half:]) * 60
total = next(r for r in csv.DictReader(open(f"{out}/locust_stats.csv")) if r["Name"] == "Aggregated")
fails = int(total["Failure Count"])
minutes = {}
for x, y in zip(t, rss):
    minutes.setdefault(x // 60, []).append(y)
passed = fails == 0 and alive == "yes" and s_half <= float(max_slope) and code == "0"
print(f"# Soak: {users} users, {run_time}, api as a 512 MiB instance (Dockerfile.api flags, -XX:MaxRAM=512m)\n")
print(f"- requests {total['Request Count']}, failures {fails}, {float(total['Requests/s']):.0f} req/s, "
      f"p50 {total['50%']} ms, p95 {total['95%']} ms, p99 {total['99%']} ms, locust exit {code}, api alive at the end: {alive}")
print(f"- RSS: first sample {rss[0]:.0f} MiB, max {max(rss):.0f} MiB, last {rss[-1]:.0f} MiB; "
      f"slope over the whole run {s_all:+.2f} MiB/min, over the second half {s_half:+.2f} MiB/min (limit {max_slope})")
if old:
    print(f"- old generation used: max {max(old):.0f} MiB, last {old[-1]:.0f} MiB")
print("\n| minute | RSS min MiB | RSS max MiB |\n|---|---|---|")
for m in sorted(minutes):
    print(f"| {m} | {min(minutes[m]):.0f} | {max(minutes[m]):.0f} |")
print(f"\nverdict: {'PASS' if passed else 'FAIL'}")
sys.exit(0 if passed else 1)
PY
