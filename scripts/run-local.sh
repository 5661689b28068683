#!/usr/bin/env bash
# Runs the whole thing on this machine: a local MLflow server, the training job (train, log, register,
# promote), then the api serving the production model. Ctrl-C stops the api and the MLflow server.
#   MLFLOW_PORT (default 5000)   PORT (api, default 8080)   state in .local/ (MLflow db and artifacts)
# Extra arguments go to train-job (e.g. --data my.csv --label target).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
. scripts/jdk.sh

mlflow_port=${MLFLOW_PORT:-5000}
api_port=${PORT:-8080}
state="$root/.local"
mkdir -p "$state"

echo "==> building train-job.jar and api.jar"
scripts/mvn -B -q -ntp -DskipTests package

echo "==> starting MLflow on http://127.0.0.1:$mlflow_port (log: .local/mlflow.log)"
scripts/mlflow.sh install >/dev/null
scripts/mlflow.sh serve "$mlflow_port" "$state" >"$state/mlflow.log" 2>&1 &
mlflow_pid=$!
api_pid=
cleanup() {
  [ -n "$api_pid" ] && kill "$api_pid" 2>/dev/null && wait "$api_pid" 2>/dev/null
  kill "$mlflow_pid" 2>/dev/null; pkill -P "$mlflow_pid" 2>/dev/null; wait "$mlflow_pid" 2>/dev/null
  return 0
}
trap cleanup EXIT INT TERM
for _ in $(seq 1 120); do
  curl -fsS "http://127.0.0.1:$mlflow_port/health" >/dev/null 2>&1 && break
  kill -0 "$mlflow_pid" 2>/dev/null || { echo "error: MLflow did not start; see .local/mlflow.log" >&2; tail -n 20 "$state/mlflow.log" >&2; exit 1; }
  sleep 1
done
curl -fsS "http://127.0.0.1:$mlflow_port/health" >/dev/null || { echo "error: MLflow not healthy after 120 s" >&2; exit 1; }

export MLFLOW_TRACKING_URI="http://127.0.0.1:$mlflow_port"
echo "==> training (train-job.jar $*)"
java -jar train-job/target/train-job.jar "$@" | tee "$state/train.out"
# The api follows the alias the job registered under: the summary's last models:/NAME@ALIAS (the model
# name comes from --data or --model-name, so it is not always iris-classifier).
model_uri=$(sed -n 's|^Model URI: .*\(models:/[^ )]*@[^ )]*\).*|\1|p' "$state/train.out" | tail -n 1)
[ -n "$model_uri" ] || { echo "error: train-job registered no model (see its summary above)" >&2; exit 1; }

echo "==> starting the api on http://127.0.0.1:$api_port, serving $model_uri"
env -u MODEL_NAME -u MODEL_ALIAS -u MODEL_STAGE PORT="$api_port" MODEL_URI="$model_uri" java -jar api/target/api.jar &
api_pid=$!
for _ in $(seq 1 120); do
  curl -fsS "http://127.0.0.1:$api_port/health/ready" >/dev/null 2>&1 && break
  kill -0 "$api_pid" 2>/dev/null || { echo "error: the api exited; see its log above" >&2; exit 1; }
  sleep 0.5
done
cat <<TXT

Ready. MLflow UI: $MLFLOW_TRACKING_URI    api: http://127.0.0.1:$api_port/docs (fields: /v1/model)
  curl -s -X POST http://127.0.0.1:$api_port/v1/classify -H 'Content-Type: application/json' \\
       -d '{"sepal_length": 7.7, "sepal_width": 2.6, "petal_length": 6.9, "petal_width": 2.3}'   # Iris
Press Ctrl-C to stop.
TXT
wait "$api_pid"
