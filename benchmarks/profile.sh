#!/usr/bin/env bash
# Where a classify request's time and allocation go (a measurement, not a test): the api serves an Iris bundle
# from a local directory (written by `train-job --dry-run --output`) with the Dockerfile's JVM flags and
# -XX:MaxRAM=512m, no AOT cache; after WRK_SECONDS of warm-up load, JDK Flight Recorder (profile settings)
# records WRK_SECONDS more of `wrk -t2 -c64` POST /v1/classify. Prints JFR's hot-methods, allocation-by-site and
# GC pause views, and young collections per 1000 requests. Keeps the recording (for JDK Mission Control) in
# benchmarks/reports/profile-<UTC time>/. Usage: benchmarks/profile.sh [PORT]   (WRK_SECONDS, default 20)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
. benchmarks/lib.sh
port=${1:-${PORT:-8094}}
secs=${WRK_SECONDS:-20}
out="$root/benchmarks/reports/profile-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"
trap stop_all EXIT
command -v wrk >/dev/null || die "wrk is needed (apt-get install wrk)"
ensure_jars
dry_run_model "$out"

MODEL_URI="$out/model" start_api "$port" "$out/api.log" -XX:MaxRAM=512m
wait_http "http://127.0.0.1:$port/health/ready" 60 "$api_pid" || { tail "$out/api.log" >&2; die "the api is not ready"; }
url="http://127.0.0.1:$port/v1/classify"
log "warm-up load, ${secs} s"
wrk -t2 -c64 -d"${secs}s" -s "$out/classify.lua" "$url" >/dev/null
"$JAVA_HOME/bin/jcmd" "$api_pid" JFR.start name=profile settings=profile "filename=$out/classify.jfr" >/dev/null
log "recording ${secs} s of load"
wrk -t2 -c64 -d"${secs}s" --latency -s "$out/classify.lua" "$url" >"$out/wrk.txt"
"$JAVA_HOME/bin/jcmd" "$api_pid" JFR.stop name=profile >/dev/null
stop_pid "$api_pid"

jfr() { "$JAVA_HOME/bin/jfr" "$@"; }
requests=$(awk '/requests in/ {print $1}' "$out/wrk.txt")
young=$(jfr summary "$out/classify.jfr" | awk '$1 == "jdk.YoungGarbageCollection" {print $2}')
{
  echo "# Where a classify request goes, $(date -u '+%Y-%m-%d %H:%M UTC'), load before: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  grep -E 'Requests/sec|  50%|  99%' "$out/wrk.txt"
  echo "requests: $requests, young collections: $young, per 1000 requests: $(awk -v y="$young" -v r="$requests" 'BEGIN{printf "%.2f", 1000 * y / r}')"
  echo
  jfr view --width 160 hot-methods "$out/classify.jfr" | head -n 30
  jfr view --width 160 allocation-by-site "$out/classify.jfr" | head -n 25
  jfr view --width 160 gc-pauses "$out/classify.jfr" | grep -E 'Number|Median|P99 |Maximum'
} | tee "$out/summary.txt"
