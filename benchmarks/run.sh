#!/usr/bin/env bash
# The benchmark report, in one run on this machine (all traffic on 127.0.0.1):
#   0. train-job on Iris, process start to registered version (fresh server, then warm);
#   1. cold start: exec -> /health/ready (model resolved and fetched from a local MLflow), without and with a
#      JDK 25 AOT cache trained by benchmarks/aot-train.sh (the same training Dockerfile.api does);
#      resident memory when ready;
#   2. wrk, 64 connections: POST /v1/classify beside GET /health/live (the cheapest route), requests/s, p50,
#      p99, and the api's peak resident memory under that load;
#   3. locust (locust/locustfile.py mix) at 50 and 200 users without think time: requests/s, p50/p95/p99,
#      failures, peak resident memory;
#   4. wrk again with the api pinned to one core (taskset), like a 1 vCPU instance;
#   5. the warm-up curve: req/s and p99 per second for the first 30 s after /health/ready first answers 200 (printed as a table), for a
#      plain `java -XX:MaxRAM=512m -jar api.jar` (with its default warm-up, and with WARMUP_REQUESTS=0) and for
#      the image's flags with the AOT cache; first-5 s figures against seconds 21-30 of the same run;
#   6. the garbage collector under one core and -XX:MaxRAM=512m (Serial, G1, Parallel), and memory with 200
#      connections sending maximum-size batches;
#   7. the Python peer: `mlflow models serve` (2 workers) of an sklearn LogisticRegression Iris model logged to
#      the same MLflow server, the same curve and wrk settings, and the ratios.
# The api always runs with Dockerfile.api's ENTRYPOINT flags (SerialGC, MaxRAMPercentage=70, ...).
#   benchmarks/run.sh            writes benchmarks/reports/<UTC time>/ and prints summary.md
# Env: MLFLOW_PORT (5000), PORT (8080), PEER_PORT (8091), COLD_RUNS (5), WRK_SECONDS (20), LOCUST_RUN_TIME (60s),
# CURVE_SECONDS (30).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/benchmarks/lib.sh"
. "$root/benchmarks/peer.sh"

mlflow_port=${MLFLOW_PORT:-5000} api_port=${PORT:-8080}
cold_runs=${COLD_RUNS:-5} wrk_seconds=${WRK_SECONDS:-20} locust_time=${LOCUST_RUN_TIME:-60s}
out="$root/benchmarks/reports/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"
summary="$out/summary.md"
if ! command -v wrk >/dev/null && [ "$(id -u)" = 0 ]; then
  log "installing wrk (Debian package)"
  { apt-get install -y -q wrk || { apt-get update -q && apt-get install -y -q wrk; }; } >/dev/null 2>&1
fi
command -v wrk >/dev/null || die "wrk is needed (apt-get install wrk)"
ensure_jars
locust=$(locust_install)
trap stop_all EXIT INT TERM
java="$JAVA_HOME/bin/java"
mapfile -t flags < <(entrypoint_flags "$root/Dockerfile.api")
# The image's own warm-up budget (its ENV), used wherever the api runs as the image does, with the AOT cache.
image_warmup=$(sed -n 's/^ENV WARMUP_SECONDS=//p' "$root/Dockerfile.api")
[ -n "$image_warmup" ] || die "Dockerfile.api sets no WARMUP_SECONDS"
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
  echo "JDK: $("$java" -version 2>&1 | sed -n 2p); api flags: ${flags[*]}; with the AOT cache as in the image: WARMUP_SECONDS=$image_warmup"
  echo "MLflow $(sed -n 's:.*<mlflow.version>\(.*\)</mlflow.version>.*:\1:p' "$root/pom.xml" | head -n1) (local, sqlite), wrk $(wrk -v 2>&1 | head -n1 | awk '{print $2}'), locust $LOCUST_VERSION (1 process); server, load generator and MLflow share the same cores."
  echo
} >"$summary"

start_mlflow "$mlflow_port" "$out/mlflow"
# train-job on Iris, process start to registered version: once against the fresh server, once more warm.
train_s=()
for n in 1 2; do
  t0=$(date +%s%N)
  train "$out/train-$n.log"
  train_s+=("$(awk -v ns=$(($(date +%s%N) - t0)) 'BEGIN{printf "%.1f", ns / 1e9}')")
done
{
  echo "## train-job on Iris: process start to registered version (goal: at most 8 s)"
  echo
  echo "| run | wall time s | version | winner |"
  echo "|---|---|---|---|"
  for n in 1 2; do
    echo "| $n ($([ "$n" = 1 ] && echo "fresh MLflow server" || echo "warm server")) | ${train_s[$((n - 1))]} | $(sed -n 's/.* - registered .* version \([0-9]*\)$/\1/p' "$out/train-$n.log" | head -n1) | \`$(sed -n 's/.* - winner: \(.*\) (CV.*/\1/p' "$out/train-$n.log" | head -n1)\` |"
  done
  echo
  echo "Where the time goes, phase by phase and round trip by round trip: benchmarks/train/run.sh (docs/performance.md)."
  echo
} >>"$summary"

log "cold start without AOT cache ($cold_runs runs)"
cold_start plain; read -r cold_med cold_min cold_max cold_rss <<<"$result"
log "training the AOT cache"
bash "$root/benchmarks/aot-train.sh" "$out/api.aot" "$api_port" "$java" "${flags[@]}" -jar "$root/api/target/api.jar" \
  >"$out/aot-train.log" 2>&1 || { tail -n 20 "$out/aot-train.log" >&2; die "AOT training failed"; }
aot_size=$(du -m "$out/api.aot" | cut -f1)
log "cold start with AOT cache ($cold_runs runs)"
WARMUP_SECONDS=$image_warmup cold_start aot "-XX:AOTCache=$out/api.aot"; read -r aot_med aot_min aot_max aot_rss <<<"$result"
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
WARMUP_SECONDS=$image_warmup PORT=$api_port LOG_LEVEL=WARN start_bg "$out/api.log" "$java" "${flags[@]}" "-XX:AOTCache=$out/api.aot" -jar "$root/api/target/api.jar"
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
WARMUP_SECONDS=$image_warmup PORT=$api_port LOG_LEVEL=WARN start_bg "$out/api-1cpu.log" taskset -c 0 "$java" "${flags[@]}" "-XX:AOTCache=$out/api.aot" -jar "$root/api/target/api.jar"
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
stop_pid "$api_pid"
wrk_cmd=(wrk -t2)
curve_seconds=${CURVE_SECONDS:-30}
load() { cut -d' ' -f1 /proc/loadavg; }

# fresh_start LOGFILE URL [ENV=VALUE...] -- CMD...: starts CMD, waits for URL's first 200; sets api_pid and ready_ms.
fresh_start() {
  local logfile=$1 url=$2; shift 2
  local envs=()
  while [ "$1" != -- ]; do envs+=("$1"); shift; done; shift
  local t0; t0=$(date +%s%N)
  env "${envs[@]}" setsid "$@" >"$logfile" 2>&1 </dev/null &
  api_pid=$!; started_groups+=("$api_pid")
  until curl -fs -o /dev/null --max-time 1 "$url" 2>/dev/null; do
    kill -0 "$api_pid" 2>/dev/null || { tail -n 20 "$logfile" >&2; die "exited before ready: $*"; }
    [ $(( ($(date +%s%N) - t0) / 1000000000 )) -lt 180 ] || die "not ready after 180 s: $*"
    sleep 0.01
  done
  ready_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
}

# curve NAME URL LUA: CURVE_SECONDS back-to-back 1 s wrk runs (-t2 -c64) right after ready; writes
# curve-NAME.csv (second, req/s, p99 ms, errors) and sets result="first5_rps first5_p99 steady_rps steady_p99 rss",
# where first5_p99 is the worst per-second p99 of seconds 1-5 (an upper bound of their joint p99) and steady is
# the mean req/s and median p99 of the last 10 seconds.
curve() {
  local name=$1 url=$2 lua=$3 i
  echo "second,rps,p99_ms,errors" >"$out/curve-$name.csv"
  for i in $(seq 1 "$curve_seconds"); do
    wrk -t2 -c64 -d1s --latency -s "$lua" "$url" 2>&1 | sed -n 's/^RESULT //p' \
      | awk -v s="$i" '{print s "," $1 "," $3 "," $5 + $6}' >>"$out/curve-$name.csv"
  done
  result="$(python3 - "$out/curve-$name.csv" "$curve_seconds" <<'PY'
import csv, statistics, sys
rows = [r for r in csv.DictReader(open(sys.argv[1])) if r["rps"]]
n = int(sys.argv[2])
first = [r for r in rows if int(r["second"]) <= 5]
last = [r for r in rows if int(r["second"]) > n - 10]
print("%.0f %.1f %.0f %.1f" % (sum(float(r["rps"]) for r in first) / 5, max(float(r["p99_ms"]) for r in first),
      statistics.mean(float(r["rps"]) for r in last), statistics.median(float(r["p99_ms"]) for r in last)))
PY
) $(rss_mib "$api_pid")"
}

plain=("$java" -XX:MaxRAM=512m -jar "$root/api/target/api.jar")
# jit_seconds PID: the JIT compilers' accumulated compile time, in seconds.
jit_seconds() { "$JAVA_HOME/bin/jstat" -compiler "$1" 2>/dev/null | awk 'NR == 2 {print $4}'; }
{
  echo "## Warm-up curve: the first ${curve_seconds} s after /health/ready first answers 200 (wrk -t2 -c64, 1 s runs back to back, POST /v1/classify)"
  echo
  echo "From the registry on the local MLflow. first 5 s: mean req/s of seconds 1-5 and their worst per-second p99;"
  echo "steady: seconds $((curve_seconds - 9))-${curve_seconds} of the same run (mean req/s, median p99). Goals: first 5 s >= 0.5x steady, p99 <= 50 ms."
  echo
  echo "JIT s: the JIT compilers' time (jstat -compiler) when ready, and after the curve: what compilation was left for the first clients."
  echo
  echo "| api | start to ready ms | first 5 s req/s | first 5 s p99 ms | steady req/s | steady p99 ms | first/steady | JIT s ready / after | RSS after MiB | load |"
  echo "|---|---|---|---|---|---|---|---|---|---|"
} >>"$summary"
declare -A ready_of rps5_of p99_5_of rps_of p99_of
for variant in plain plain-nowarmup image-aot; do
  l=$(load)
  case $variant in
    plain) label='`java -XX:MaxRAM=512m -jar api.jar` (default warm-up)'
      fresh_start "$out/api-$variant.log" "$base/health/ready" PORT=$api_port LOG_LEVEL=WARN MODEL_REFRESH_SECONDS=0 -- "${plain[@]}" ;;
    plain-nowarmup) label='the same, `WARMUP_REQUESTS=0`'
      fresh_start "$out/api-$variant.log" "$base/health/ready" PORT=$api_port LOG_LEVEL=WARN MODEL_REFRESH_SECONDS=0 WARMUP_REQUESTS=0 -- "${plain[@]}" ;;
    image-aot) label="Dockerfile.api flags + AOT cache, -XX:MaxRAM=512m"
      fresh_start "$out/api-$variant.log" "$base/health/ready" PORT=$api_port LOG_LEVEL=WARN MODEL_REFRESH_SECONDS=0 \
        WARMUP_SECONDS=$image_warmup -- "$java" -XX:MaxRAM=512m "${flags[@]}" "-XX:AOTCache=$out/api.aot" -jar "$root/api/target/api.jar" ;;
  esac
  log "warm-up curve: $variant (ready in $ready_ms ms)"
  jit_ready=$(jit_seconds "$api_pid")
  curve "$variant" "$base/v1/classify" "$out/classify.lua"; read -r r5 p5 rs ps rss <<<"$result"
  ready_of[$variant]=$ready_ms rps5_of[$variant]=$r5 p99_5_of[$variant]=$p5 rps_of[$variant]=$rs p99_of[$variant]=$ps
  echo "| $label | $ready_ms | $r5 | $p5 | $rs | $ps | $(awk -v a="$r5" -v b="$rs" 'BEGIN{printf "%.2f", a / b}') | $jit_ready / $(jit_seconds "$api_pid") | $rss | $l |" >>"$summary"
  if [ "$variant" = plain ]; then
    log "steady state of the plain api: classify beside /health/live (${wrk_seconds} s each)"
    wrk_run plain-classify /v1/classify "$out/classify.lua" "$wrk_seconds"; read -r pc_rps _ pc_p99 _ pc_non2xx _ _ <<<"$result"
    wrk_run plain-live /health/live "$out/report.lua" "$wrk_seconds"; read -r pl_rps _ pl_p99 _ _ _ _ <<<"$result"
    steady_load=$(load)
  fi
  stop_pid "$api_pid"
done
{
  echo
  echo "Per-second curves: curve-*.csv in the report directory."
  echo
  echo "## Steady state, plain \`java -XX:MaxRAM=512m -jar api.jar\`, wrk -t2 -c64, ${wrk_seconds} s per route after the curve (load $steady_load)"
  echo
  echo "| route | req/s | p99 ms |"
  echo "|---|---|---|"
  echo "| POST /v1/classify | $pc_rps | $pc_p99 |"
  echo "| GET /health/live | $pl_rps | $pl_p99 |"
  echo "| classify / live | $(awk -v a="$pc_rps" -v b="$pl_rps" 'BEGIN{printf "%.2f", a / b}') (goal >= 0.9) | $(awk -v a="$pc_p99" -v b="$pl_p99" 'BEGIN{printf "%.2f", a / b}') (goal <= 1.5) |"
  echo
} >>"$summary"

log "GC under one core and -XX:MaxRAM=512m"
{
  echo "## Garbage collector, one core (api on CPU 0, wrk -t1 -c64 on CPU 1), -XX:MaxRAM=512m, ${wrk_seconds} s after ${wrk_seconds} s"
  echo
  echo "| GC | classify req/s | p99 ms | peak RSS MiB | load |"
  echo "|---|---|---|---|---|"
} >>"$summary"
wrk_cmd=(taskset -c 1 wrk -t1)
for gc in Serial G1 Parallel; do
  l=$(load)
  fresh_start "$out/api-gc-$gc.log" "$base/health/ready" PORT=$api_port LOG_LEVEL=WARN MODEL_REFRESH_SECONDS=0 -- \
    taskset -c 0 "$java" -XX:MaxRAM=512m "-XX:+Use${gc}GC" -jar "$root/api/target/api.jar"
  wrk_run "gc-$gc-warm" /v1/classify "$out/classify.lua" "$wrk_seconds"
  wrk_run "gc-$gc" /v1/classify "$out/classify.lua" "$wrk_seconds"; read -r g_rps _ g_p99 _ _ _ g_rss <<<"$result"
  echo "| $gc | $g_rps | $g_p99 | $g_rss | $l |" >>"$summary"
  stop_pid "$api_pid"
done
echo >>"$summary"
wrk_cmd=(wrk -t2)

log "memory: 200 connections, batches of MAX_BATCH_ROWS (100) rows"
python3 - "$out/batch.lua" "$out/report.lua" <<'PY'
import json, sys
row = {"sepal_length": 7.7, "sepal_width": 2.6, "petal_length": 6.9, "petal_width": 2.3}
body = json.dumps({"rows": [row] * 100})
open(sys.argv[1], "w").write('wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\nwrk.body = [[%s]]\n%s' % (body, open(sys.argv[2]).read()))
PY
{
  echo "## Memory: -XX:MaxRAM=512m, wrk -t2 -c200, POST /v1/classify/batch with 100 rows (the maximum), ${wrk_seconds} s (goal: RSS <= 256 MiB, no OOM)"
  echo
  echo "| api | batches/s | p99 ms | non-2xx | socket errors | peak RSS MiB | alive after | load |"
  echo "|---|---|---|---|---|---|---|---|"
} >>"$summary"
for variant in plain image-aot; do
  l=$(load)
  if [ "$variant" = plain ]; then
    fresh_start "$out/api-mem-$variant.log" "$base/health/ready" PORT=$api_port LOG_LEVEL=WARN MODEL_REFRESH_SECONDS=0 -- "${plain[@]}"
  else
    fresh_start "$out/api-mem-$variant.log" "$base/health/ready" PORT=$api_port LOG_LEVEL=WARN MODEL_REFRESH_SECONDS=0 \
      WARMUP_SECONDS=$image_warmup -- "$java" -XX:MaxRAM=512m "${flags[@]}" "-XX:AOTCache=$out/api.aot" -jar "$root/api/target/api.jar"
  fi
  rm -f "$out/stop"; sample_rss "$api_pid" "$out/rss-mem-$variant" "$out/stop" & sampler=$!
  wrk -t2 -c200 -d"${wrk_seconds}s" --latency -s "$out/batch.lua" "$base/v1/classify/batch" >"$out/wrk-mem-$variant.txt" 2>&1
  touch "$out/stop"; wait "$sampler"
  read -r m_rps _ m_p99 _ m_non2xx m_err <<<"$(sed -n 's/^RESULT //p' "$out/wrk-mem-$variant.txt")"
  alive=yes; kill -0 "$api_pid" 2>/dev/null || alive="NO (exited)"
  echo "| $variant | $m_rps | $m_p99 | $m_non2xx | $m_err | $(cat "$out/rss-mem-$variant") | $alive | $l |" >>"$summary"
  stop_pid "$api_pid"
done
echo >>"$summary"

log "Python peer: mlflow models serve"
peer_port=${PEER_PORT:-8091}
peer_python=$(peer_install)
peer_log_model "$peer_python" iris-sklearn-peer "$out/peer-train.log"
cat >"$out/peer.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = [[{"dataframe_records": [$body]}]]
$(cat "$out/report.lua")
LUA
l=$(load)
t0=$(date +%s%N)
start_peer "$peer_python" "$peer_port" "$out/peer.log" "models:/iris-sklearn-peer/1"
api_pid=$peer_pid
until curl -fs -o /dev/null --max-time 1 "http://127.0.0.1:$peer_port/ping" 2>/dev/null; do
  kill -0 "$api_pid" 2>/dev/null || { tail -n 20 "$out/peer.log" >&2; die "the peer exited before ready"; }
  sleep 0.01
done
peer_ready=$(( ($(date +%s%N) - t0) / 1000000 ))
curl -fsS -H 'Content-Type: application/json' -d "{\"dataframe_records\": [$body]}" "http://127.0.0.1:$peer_port/invocations" >"$out/peer-answer.json" \
  || die "the peer does not classify"
curve peer "http://127.0.0.1:$peer_port/invocations" "$out/peer.lua"; read -r q5 qp5 qs qps qrss <<<"$result"
stop_pid "$api_pid"
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.1f", a / b}'; }
{
  echo "## Side by side with the Python peer (same machine, same MLflow, wrk -t2 -c64, 1 s runs for ${curve_seconds} s after ready; load $l)"
  echo
  echo "Peer: \`mlflow models serve -m models:/iris-sklearn-peer/1 --env-manager local -w 2\` (MLflow's scoring server, scikit-learn $PEER_SKLEARN_VERSION LogisticRegression), POST /invocations {\"dataframe_records\": [flower]}; answer: $(cat "$out/peer-answer.json")."
  echo
  echo "| service | start to ready ms | first 5 s req/s | first 5 s p99 ms | steady req/s | steady p99 ms | RSS MiB |"
  echo "|---|---|---|---|---|---|---|"
  echo "| smileflow api, plain \`java -XX:MaxRAM=512m -jar api.jar\` | ${ready_of[plain]} | ${rps5_of[plain]} | ${p99_5_of[plain]} | ${rps_of[plain]} | ${p99_of[plain]} | see above |"
  echo "| smileflow api, image flags + AOT cache | ${ready_of[image-aot]} | ${rps5_of[image-aot]} | ${p99_5_of[image-aot]} | ${rps_of[image-aot]} | ${p99_of[image-aot]} | see above |"
  echo "| Python peer (mlflow models serve, 2 workers) | $peer_ready | $q5 | $qp5 | $qs | $qps | $qrss (main process) |"
  echo "| **ratio plain api / peer** | $(ratio "$peer_ready" "${ready_of[plain]}")x faster to ready | $(ratio "${rps5_of[plain]}" "$q5")x | $(ratio "$qp5" "${p99_5_of[plain]}")x lower | $(ratio "${rps_of[plain]}" "$qs")x | $(ratio "$qps" "${p99_of[plain]}")x lower | |"
  echo
} >>"$summary"
{
  echo "## The warm-up curves, second by second after ready: req/s (p99 ms)"
  echo
  python3 - "$out" plain plain-nowarmup image-aot peer <<'PY'
import csv, os, sys
out, names = sys.argv[1], sys.argv[2:]
curves = {n: list(csv.DictReader(open(os.path.join(out, f"curve-{n}.csv")))) for n in names}
print("| second | " + " | ".join(names) + " |")
print("|---" * (len(names) + 1) + "|")
for i in range(max(len(c) for c in curves.values())):
    cells = [f"{float(c[i]['rps']):.0f} ({float(c[i]['p99_ms']):.0f})" if i < len(c) and c[i]["rps"] else "" for c in curves.values()]
    print(f"| {i + 1} | " + " | ".join(cells) + " |")
PY
  echo
} >>"$summary"
echo "Reports (CSV, HTML, logs): ${out#"$root"/}" >>"$summary"
stop_all
cat "$summary"
