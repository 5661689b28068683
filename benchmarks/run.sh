#!/usr/bin/env bash
# The benchmark report, in one run on this machine (all traffic on 127.0.0.1):
#   1. cold start: exec -> /health/ready (model resolved and fetched from a local MLflow), without and with a
#      JDK 25 AOT cache trained by benchmarks/aot-train.sh (the same training Dockerfile.api does);
#      resident memory when ready;
#   2. wrk, 64 connections: POST /v1/classify beside GET /health/live (the cheapest route), requests/s, p50,
#      p99, and the api's peak resident memory under that load;
#   3. locust (locust/locustfile.py mix) at 50 and 200 users without think time: requests/s, p50/p95/p99,
#      failures, peak resident memory;
#   4. wrk again with the api pinned to one core (taskset), like a 1 vCPU instance.
# The api always runs with Dockerfile.api's ENTRYPOINT flags (SerialGC, MaxRAMPercentage=70, ...).
#   benchmarks/run.sh            writes benchmarks/reports/<UTC time>/ and prints summary.md
# Env: MLFLOW_PORT (5000), PORT (8080), COLD_RUNS (5), WRK_SECONDS (20), LOCUST_RUN_TIME (60s).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/benchmarks/lib.sh"

mlflow_port=${MLFLOW_PORT:-5000} api_port=${PORT:-8080}
cold_runs=${COLD_RUNS:-5} wrk_seconds=${WRK_SECONDS:-20} locust_time=${LOCUST_RUN_TIME:-60s}
out="$root/benchmarks/reports/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"
summary="$out/summary.md"
command -v wrk >/dev/null || die "wrk is needed (apt-get install wrk)"
ensure_jars
locust=$(locust_install)
trap stop_all EXIT INT TERM
java="$JAVA_HOME/bin/java"
mapfile -t flags < <(entrypoint_flags "$root/Dockerfile.api")
base="http://127.0.0.1:$api_port"
wrk_cmd=(wrk -t2)
body='{"sepal_length": 7.7, "sepal_width": 2.6, "petal_length": 6.9, "petal_width": 2.3}'

rss_mib() { awk '/^VmRSS/{printf "%.0f", $2/1024}' "/proc/$1/status" 2>/dev/null || echo 0; }
median() { sort -n | awk '{a[NR]=$1} END{if (NR%2) print a[(NR+1)/2]; else printf "%.0f\n", (a[NR/2]+a[NR/2+1])/2}'; }

# Samples the peak RSS of PID into FILE until the file named STOP exists.
sample_rss() {
  local pid=$1 file=$2 stop=$3 peak=0 now
  while [ ! -e "$stop" ] && kill -0 "$pid" 2>/dev/null; do
    now=$(rss_mib "$pid"); [ "$now" -gt "$peak" ] && peak=$now
    sleep 0.5
  done
  echo "$peak" >"$file"
}

# cold_start LABEL [EXTRA FLAGS...]: COLD_RUNS starts; sets result="median_ms min_ms max_ms rss_mib".
cold_start() {
  local label=$1; shift
  local times=() rss=() i t0 t1
  for i in $(seq 1 "$cold_runs"); do
    t0=$(date +%s%N)
    PORT=$api_port LOG_LEVEL=WARN MODEL_REFRESH_SECONDS=0 start_bg "$out/cold-$label-$i.log" "$java" "${flags[@]}" "$@" -jar "$root/api/target/api.jar"
    local pid=$bg_pid
    until curl -fs -o /dev/null --max-time 1 "$base/health/ready" 2>/dev/null; do
      kill -0 "$pid" 2>/dev/null || { tail -n 20 "$out/cold-$label-$i.log" >&2; die "api exited during cold start ($label)"; }
      [ $(( ($(date +%s%N) - t0) / 1000000000 )) -lt 120 ] || die "api not ready after 120 s ($label)"
      sleep 0.02
    done
    t1=$(date +%s%N)
    times+=($(( (t1 - t0) / 1000000 )))
    rss+=("$(rss_mib "$pid")")
    stop_pid "$pid"
  done
  local sorted; sorted=$(printf '%s\n' "${times[@]}" | sort -n)
  result="$(printf '%s\n' "${times[@]}" | median) $(head -n1 <<<"$sorted") $(tail -n1 <<<"$sorted") $(printf '%s\n' "${rss[@]}" | median)"
}

cat >"$out/report.lua" <<'LUA'
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %.0f %.2f %.2f %d %d %d\n", summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, summary.requests, e.status,
    e.connect + e.read + e.write + e.timeout))
end
LUA
{ printf 'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\nwrk.body = [[%s]]\n' "$body"; cat "$out/report.lua"; } >"$out/classify.lua"

# wrk_run NAME PATH LUA SECONDS: sets result= "rps p50 p99 requests non2xx socket_errors peak_rss".
wrk_run() {
  local name=$1 path=$2 lua=$3 secs=$4
  rm -f "$out/stop"
  sample_rss "$api_pid" "$out/rss-$name" "$out/stop" &
  local sampler=$!
  "${wrk_cmd[@]}" -c64 -d"${secs}s" --latency -s "$lua" "$base$path" >"$out/wrk-$name.txt" 2>&1
  touch "$out/stop"; wait "$sampler"
  result="$(sed -n 's/^RESULT //p' "$out/wrk-$name.txt") $(cat "$out/rss-$name")"
}

# locust_run USERS: sets result= "requests failures rps p50 p95 p99 exit_code peak_rss".
locust_run() {
  local users=$1 code=0
  rm -f "$out/stop"
  sample_rss "$api_pid" "$out/rss-locust-$users" "$out/stop" &
  local sampler=$!
  (cd "$root/locust" && "$locust" --config locust.conf --host "$base" --users "$users" --spawn-rate "$users" \
    --run-time "$locust_time" --think-time 0 --slo-p95-ms 1000 --csv "$out/locust-$users" --html "$out/locust-$users.html" \
    >"$out/locust-$users.log" 2>&1) || code=$?
  touch "$out/stop"; wait "$sampler"
  result=$(python3 - "$out/locust-${users}_stats.csv" "$code" "$(cat "$out/rss-locust-$users")" <<'PY'
import csv, sys
rows = {r["Name"]: r for r in csv.DictReader(open(sys.argv[1]))}
t = rows["Aggregated"]
print(t["Request Count"], t["Failure Count"], "%.0f" % float(t["Requests/s"]), t["50%"], t["95%"], t["99%"], sys.argv[2], sys.argv[3])
PY
)
}

{
  echo "# smileflow benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "Machine: $(nproc) vCPU ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)), $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo) RAM, $(. /etc/os-release && echo "$PRETTY_NAME"), load before: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "JDK: $("$java" -version 2>&1 | sed -n 2p); api flags: ${flags[*]}"
  echo "MLflow $(sed -n 's:.*<mlflow.version>\(.*\)</mlflow.version>.*:\1:p' "$root/pom.xml" | head -n1) (local, sqlite), wrk $(wrk -v 2>&1 | head -n1 | awk '{print $2}'), locust $LOCUST_VERSION (1 process); server, load generator and MLflow share the same cores."
  echo
} >"$summary"

start_mlflow "$mlflow_port" "$out/mlflow"
train "$out/train.log"

log "cold start without AOT cache ($cold_runs runs)"
cold_start plain; read -r cold_med cold_min cold_max cold_rss <<<"$result"
log "training the AOT cache"
bash "$root/benchmarks/aot-train.sh" "$out/api.aot" "$api_port" "$java" "${flags[@]}" -jar "$root/api/target/api.jar" \
  >"$out/aot-train.log" 2>&1 || { tail -n 20 "$out/aot-train.log" >&2; die "AOT training failed"; }
aot_size=$(du -m "$out/api.aot" | cut -f1)
log "cold start with AOT cache ($cold_runs runs)"
cold_start aot "-XX:AOTCache=$out/api.aot"; read -r aot_med aot_min aot_max aot_rss <<<"$result"
{
  echo "## Cold start: exec -> GET /health/ready 200 (model resolved and downloaded from MLflow), $cold_runs runs"
  echo
  echo "| JVM | median ms | min ms | max ms | RSS when ready MiB |"
  echo "|---|---|---|---|---|"
  echo "| no AOT cache | $cold_med | $cold_min | $cold_max | $cold_rss |"
  echo "| AOT cache (${aot_size} MB, trained by benchmarks/aot-train.sh) | $aot_med | $aot_min | $aot_max | $aot_rss |"
  echo
} >>"$summary"

log "api for the load runs (with the AOT cache, as in the image)"
PORT=$api_port LOG_LEVEL=WARN start_bg "$out/api.log" "$java" "${flags[@]}" "-XX:AOTCache=$out/api.aot" -jar "$root/api/target/api.jar"
api_pid=$bg_pid
wait_http "$base/health/ready" 120 "$api_pid" || die "api not ready"
log "wrk warm-up (${wrk_seconds} s)"
wrk_run warmup /v1/classify "$out/classify.lua" "$wrk_seconds"
log "wrk: POST /v1/classify and GET /health/live, 64 connections, ${wrk_seconds} s each"
wrk_run classify /v1/classify "$out/classify.lua" "$wrk_seconds"; read -r c_rps c_p50 c_p99 c_n c_non2xx c_err c_rss <<<"$result"
wrk_run live /health/live "$out/report.lua" "$wrk_seconds"; read -r l_rps l_p50 l_p99 l_n l_non2xx l_err l_rss <<<"$result"
{
  echo "## wrk 64 connections, 2 threads, ${wrk_seconds} s after a ${wrk_seconds} s warm-up"
  echo
  echo "| route | req/s | p50 ms | p99 ms | requests | non-2xx | socket errors | peak RSS MiB |"
  echo "|---|---|---|---|---|---|---|---|"
  echo "| POST /v1/classify | $c_rps | $c_p50 | $c_p99 | $c_n | $c_non2xx | $c_err | $c_rss |"
  echo "| GET /health/live | $l_rps | $l_p50 | $l_p99 | $l_n | $l_non2xx | $l_err | $l_rss |"
  echo
} >>"$summary"

{
  echo "## locust, locust/locustfile.py mix (80% classify, 14% batch of 2-20 rows, 6% invalid bodies expecting 4xx), no think time, $locust_time"
  echo
  echo "| users | requests | failures | req/s | p50 ms | p95 ms | p99 ms | locust exit | peak RSS MiB |"
  echo "|---|---|---|---|---|---|---|---|---|"
} >>"$summary"
for users in 50 200; do
  log "locust: $users users, $locust_time"
  locust_run "$users"; read -r n f rps p50 p95 p99 code rss <<<"$result"
  echo "| $users | $n | $f | $rps | $p50 | $p95 | $p99 | $code | $rss |" >>"$summary"
done
echo >>"$summary"

log "one core: api pinned to CPU 0 (taskset), wrk on CPU 1"
stop_pid "$api_pid"
PORT=$api_port LOG_LEVEL=WARN start_bg "$out/api-1cpu.log" taskset -c 0 "$java" "${flags[@]}" "-XX:AOTCache=$out/api.aot" -jar "$root/api/target/api.jar"
api_pid=$bg_pid
wait_http "$base/health/ready" 120 "$api_pid" || die "api not ready (1 CPU)"
wrk_cmd=(taskset -c 1 wrk -t1)
wrk_run warmup-1cpu /v1/classify "$out/classify.lua" "$wrk_seconds"
wrk_run classify-1cpu /v1/classify "$out/classify.lua" "$wrk_seconds"; read -r c_rps c_p50 c_p99 c_n c_non2xx c_err c_rss <<<"$result"
wrk_run live-1cpu /health/live "$out/report.lua" "$wrk_seconds"; read -r l_rps l_p50 l_p99 l_n l_non2xx l_err l_rss <<<"$result"
{
  echo "## One core (like a 1 vCPU instance): api pinned to CPU 0, wrk -t1 -c64 pinned to CPU 1, ${wrk_seconds} s after a ${wrk_seconds} s warm-up"
  echo
  echo "| route | req/s | p50 ms | p99 ms | requests | non-2xx | socket errors | peak RSS MiB |"
  echo "|---|---|---|---|---|---|---|---|"
  echo "| POST /v1/classify | $c_rps | $c_p50 | $c_p99 | $c_n | $c_non2xx | $c_err | $c_rss |"
  echo "| GET /health/live | $l_rps | $l_p50 | $l_p99 | $l_n | $l_non2xx | $l_err | $l_rss |"
  echo
} >>"$summary"
echo "Reports (CSV, HTML, logs): ${out#"$root"/}" >>"$summary"
stop_all
cat "$summary"
