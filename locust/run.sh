#!/usr/bin/env bash
# Headless locust run with an SLO gate, writing CSV and HTML reports.
#   locust/run.sh [-u USERS] [-t RUN_TIME] [-o OUT_DIR] [--host URL] [-- more locust flags]
# Without --host it brings up a local stack on 127.0.0.1 first: a fresh MLflow server (scripts/mlflow.sh),
# one training run (train-job.jar), the api (api.jar with Dockerfile.api's JVM flags), and stops them after.
# With --host (e.g. a Cloud Run URL) it only runs locust against that URL.
# Env: MLFLOW_PORT (5000), PORT (api, 8080), LOCUST_SLO_P95_MS (200), LOCUST_SLO_MAX_ERROR_RATIO (0.01),
#      LOCUST_THINK_TIME (0), LOCUST_API_KEY. Exit code: locust's (0 ok, 2 nothing sent, 3 too many
#      failures, 4 p95 over the limit, other = locust or set-up error).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/benchmarks/lib.sh"

users=50 run_time=60s out="$root/locust/reports/$(date -u +%Y%m%dT%H%M%SZ)" host=
while [ $# -gt 0 ]; do
  case "$1" in
    -u|--users) users=$2; shift 2 ;;
    -t|--run-time) run_time=$2; shift 2 ;;
    -o|--out) out=$2; shift 2 ;;
    --host) host=$2; shift 2 ;;
    --) shift; break ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) die "unknown argument $1 (see --help)" ;;
  esac
done
mkdir -p "$out"
out=$(cd "$out" && pwd)
locust=$(locust_install)
trap stop_all EXIT INT TERM

if [ -z "$host" ]; then
  mlflow_port=${MLFLOW_PORT:-5000} api_port=${PORT:-8080}
  ensure_jars
  state="$out/stack"
  rm -rf "$state"
  start_mlflow "$mlflow_port" "$state/mlflow"
  train "$state/train.log"
  log "api on http://127.0.0.1:$api_port (log: $state/api.log)"
  start_api "$api_port" "$state/api.log"
  wait_http "http://127.0.0.1:$api_port/health/ready" 120 "$api_pid" || { tail -n 30 "$state/api.log" >&2; die "the api did not become ready"; }
  host="http://127.0.0.1:$api_port"
fi

log "locust $LOCUST_VERSION: $users users for $run_time against $host (reports: $out)"
status=0
(cd "$root/locust" && "$locust" --config locust.conf --host "$host" --users "$users" --spawn-rate "$users" \
  --run-time "$run_time" --csv "$out/locust" --html "$out/report.html" "$@") || status=$?
log "locust exit code $status; reports: $out/locust_stats.csv, $out/report.html"
exit "$status"
