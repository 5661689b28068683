#!/usr/bin/env bash
# Prediction log benchmark (a measurement, not a test): what PREDICTION_LOG_PATH costs a request.
# The api serves an Iris bundle from a local directory (written by `train-job --dry-run --output`), started
# with the Dockerfile's JVM flags and -XX:MaxRAM=512m (a 512 MiB Cloud Run instance), without the log and
# with PREDICTION_LOG_PATH set to a file (sample 0.1, then 1.0), in turn, ROUNDS times (default 2): each time
# 10 s of warm-up load, then 20 s of `wrk -t2 -c64` POST /v1/classify, measured.
# Prints req/s, p50 and p99 of both, and the lines the log wrote and dropped (its own counters).
# Writes benchmarks/reports/predlog.md. Usage: benchmarks/predlog.sh [PORT]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
. benchmarks/lib.sh
port=${1:-${PORT:-8093}}
report="$root/benchmarks/reports/predlog.md"
work=$(mktemp -d)
mkdir -p "$root/benchmarks/reports"
trap 'stop_all; rm -rf "$work"' EXIT
command -v wrk >/dev/null || die "wrk is needed (apt-get install wrk)"
ensure_jars
dry_run_model "$work"

# measure NAME [LOG_FILE SAMPLE]: one api (with the prediction log into LOG_FILE at SAMPLE when given), warm-up
# load, then the measured run; prints a table row.
measure() {
  local name=$1 logfile=${2:-} sample=${3:-1.0}
  export MODEL_URI="$work/model"
  if [ -n "$logfile" ]; then
    export PREDICTION_LOG_PATH=$logfile PREDICTION_LOG_SAMPLE=$sample
  else
    unset PREDICTION_LOG_PATH PREDICTION_LOG_SAMPLE
  fi
  start_api "$port" "$work/api-$name.log" -XX:MaxRAM=512m
  wait_http "http://127.0.0.1:$port/health/ready" 60 "$api_pid" || { tail "$work/api-$name.log" >&2; die "api ($name) not ready"; }
  wrk -t2 -c64 -d10s -s "$work/classify.lua" "http://127.0.0.1:$port/v1/classify" >/dev/null 2>&1
  wrk -t2 -c64 -d20s --latency -s "$work/classify.lua" "http://127.0.0.1:$port/v1/classify" >"$work/wrk-$name.txt" 2>&1
  local rps p50 p99 written dropped
  rps=$(awk '/^Requests\/sec/ {printf "%.0f", $2}' "$work/wrk-$name.txt")
  p50=$(awk '$1 == "50%" {print $2}' "$work/wrk-$name.txt")
  p99=$(awk '$1 == "99%" {print $2}' "$work/wrk-$name.txt")
  written=$(curl -fsS "http://127.0.0.1:$port/metrics" | awk '/^model_prediction_log_written_total/ {printf "%.0f", $2}')
  dropped=$(curl -fsS "http://127.0.0.1:$port/metrics" | awk '/^model_prediction_log_dropped_total/ {printf "%.0f", $2}')
  echo "| $name | $rps | $p50 | $p99 | ${written:-0} | ${dropped:-0} |"
  stop_pid "$api_pid"
}

{
  echo "# Prediction log benchmark"
  echo
  echo "Produced by \`benchmarks/predlog.sh $port\` on $(date -u +%Y-%m-%dT%H:%MZ); $(nproc) cores, load average"
  echo "$(cut -d' ' -f1-3 /proc/loadavg) at the start. wrk -t2 -c64 shares the cores with the api."
  echo
  echo "| prediction log | req/s | p50 | p99 | lines written | lines dropped |"
  echo "|---|---|---|---|---|---|"
} >"$report"
for round in $(seq 1 "${ROUNDS:-2}"); do
  measure off >>"$report"
  rm -f "$work/predictions.jsonl"
  measure "file, sample 0.1" "$work/predictions.jsonl" 0.1 >>"$report"
  rm -f "$work/predictions.jsonl"
  measure "file, sample 1.0" "$work/predictions.jsonl" 1.0 >>"$report"
done
echo >>"$report"
echo "Log file after the run: $(wc -l <"$work/predictions.jsonl") lines, $(du -h "$work/predictions.jsonl" | cut -f1)." >>"$report"
cat "$report"
