#!/usr/bin/env bash
# Trains a JDK 25 AOT cache (JEP 514 one-step -XX:AOTCacheOutput, JEP 515 method profiles) for the api:
# starts it with the given java command plus -XX:AOTCacheOutput=CACHE, sends it the requests it serves in
# production (classify, batch, invalid bodies, model, health, metrics, OpenAPI), then stops it with SIGTERM;
# the JVM writes the cache on the way out. Dockerfile.api runs this at image build and benchmarks/run.sh runs
# it on the host, so the benchmark measures the same training the image ships.
#   benchmarks/aot-train.sh CACHE PORT JAVA [JVM FLAGS...] -jar api.jar
# The api's model settings (MODEL_URI or MLFLOW_TRACKING_URI, ...) come from the caller's environment.
# Needs bash and curl only (it runs inside the runtime image).
set -euo pipefail
cache=${1:?usage: aot-train.sh CACHE PORT JAVA [FLAGS...] -jar api.jar}
port=${2:?usage: aot-train.sh CACHE PORT JAVA [FLAGS...] -jar api.jar}
java=${3:?usage: aot-train.sh CACHE PORT JAVA [FLAGS...] -jar api.jar}
shift 3
base="http://127.0.0.1:$port"
rm -f "$cache"

# no drain delay: nothing routes traffic to this instance
PORT=$port SHUTDOWN_DRAIN_SECONDS=0 "$java" "-XX:AOTCacheOutput=$cache" "$@" &
pid=$!
trap 'kill -KILL "$pid" 2>/dev/null || true' EXIT

deadline=$((SECONDS + 120))
until curl -fsS -o /dev/null --max-time 2 "$base/health/ready" 2>/dev/null; do
  kill -0 "$pid" 2>/dev/null || { echo "aot-train: the api exited before it was ready" >&2; exit 1; }
  [ "$SECONDS" -lt "$deadline" ] || { echo "aot-train: the api was not ready after 120 s" >&2; exit 1; }
  sleep 0.2
done

# One curl process with keep-alive sends every request (a config file with "next" between requests).
requests=$(mktemp)
add() { # METHOD PATH [CONTENT-TYPE BODY]
  [ -s "$requests" ] && printf 'next\n' >>"$requests"
  printf 'url = "%s%s"\nrequest = "%s"\noutput = "/dev/null"\nsilent\nwrite-out = "%%{http_code}\\n"\n' "$base" "$2" "$1" >>"$requests"
  if [ $# -ge 4 ]; then
    printf 'header = "Content-Type: %s"\ndata-binary = "%s"\n' "$3" "${4//\"/\\\"}" >>"$requests"
  fi
}
flowers=(
  '{"sepal_length": 5.1, "sepal_width": 3.5, "petal_length": 1.4, "petal_width": 0.2}'
  '{"sepal_length": 5.9, "sepal_width": 2.8, "petal_length": 4.3, "petal_width": 1.3}'
  '{"sepal_length": 7.7, "sepal_width": 2.6, "petal_length": 6.9, "petal_width": 2.3}'
  '{"sepal_length": 6.3, "sepal_width": 2.9, "petal_length": 5.0, "petal_width": 1.7}'
)
batch='{"rows": [{"sepal_length": 5.1, "sepal_width": 3.5, "petal_length": 1.4, "petal_width": 0.2}, {"sepal_length": 7.7, "sepal_width": 2.6, "petal_length": 6.9, "petal_width": 2.3}]}'
for round in $(seq 1 ${AOT_TRAINING_ROUNDS:-250}); do
  add POST /v1/classify application/json "${flowers[$((round % 4))]}"
  if [ $((round % 5)) -eq 0 ]; then add POST /v1/classify/batch application/json "$batch"; fi
  if [ $((round % 10)) -eq 0 ]; then
    add POST /v1/classify application/json '{"sepal_length": 5.1, "sepal_width": 3.5, "petal_length": 1.4}'
    add POST /v1/classify application/json '{"sepal_length": "x", "sepal_width": 3.5, "petal_length": 1.4, "petal_width": null}'
    add POST /v1/classify text/plain 'sepal_length=5.1'
  fi
  if [ $((round % 25)) -eq 0 ]; then
    add GET /v1/model; add GET /health/live; add GET /health/ready; add GET /metrics; add GET /openapi.json; add GET /docs
  fi
done
statuses=$(curl --config "$requests" || true)
rm -f "$requests"
echo "aot-train: $(wc -l <<<"$statuses") requests, by status: $(sort <<<"$statuses" | uniq -c | awk '{printf "%s x%s ", $2, $1}')"
grep -q '^200$' <<<"$statuses" || { echo "aot-train: no request succeeded, so the cache would miss the serving path" >&2; exit 1; }

kill -TERM "$pid"
wait "$pid" || true
trap - EXIT
[ -s "$cache" ] || { echo "aot-train: no AOT cache was written to $cache" >&2; exit 1; }
echo "aot-train: wrote $cache ($(du -h "$cache" | cut -f1))"
