# Sourced by locust/run.sh, benchmarks/run.sh, benchmarks/train/run.sh and benchmarks/shards/run.sh: a local stack on 127.0.0.1 (pinned MLflow server, one
# training run, the api run with the JVM flags of Dockerfile.api's ENTRYPOINT), a pinned locust, and clean-up
# of every process started here (by pid / process group, on exit).
# Needs: root (the project root) set by the caller.

. "$root/scripts/jdk.sh"
SMILEFLOW_CACHE=${SMILEFLOW_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/smileflow}
LOCUST_VERSION=2.47.0
started_groups=()
# Every api started here is stopped by us, with nothing routing traffic to it: no drain delay on SIGTERM.
export SHUTDOWN_DRAIN_SECONDS=0

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Stops every process group started by start_bg (SIGTERM, then SIGKILL after 10 s).
stop_all() {
  local g
  for g in "${started_groups[@]:-}"; do
    [ -n "$g" ] && kill -TERM -- "-$g" 2>/dev/null || true
  done
  for g in "${started_groups[@]:-}"; do
    [ -n "$g" ] || continue
    for _ in $(seq 1 100); do kill -0 -- "-$g" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$g" 2>/dev/null || true
  done
  started_groups=()
}

# start_bg LOGFILE CMD...: runs CMD in its own process group; sets bg_pid.
start_bg() {
  local logfile=$1; shift
  setsid "$@" >"$logfile" 2>&1 < /dev/null &
  bg_pid=$!
  started_groups+=("$bg_pid")
}

# stop_pid PID: SIGTERM to its group and wait (at most 15 s); prints nothing.
stop_pid() {
  local pid=$1 g
  kill -TERM -- "-$pid" 2>/dev/null || true
  for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL -- "-$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  local kept=()
  for g in "${started_groups[@]:-}"; do [ "$g" = "$pid" ] || kept+=("$g"); done
  started_groups=("${kept[@]:-}")
}

# wait_http URL SECONDS PID: until URL answers 2xx; fails early when PID died.
wait_http() {
  local url=$1 limit=$2 pid=${3:-} deadline=$((SECONDS + $2))
  until curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null; do
    [ -z "$pid" ] || kill -0 "$pid" 2>/dev/null || return 1
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.2
  done
}

# The pinned locust in a virtualenv outside the checkout (reused); prints the executable.
locust_install() {
  local venv="$SMILEFLOW_CACHE/locust-$LOCUST_VERSION"
  if [ ! -x "$venv/bin/locust" ] || [ ! -f "$venv/.complete" ]; then
    log "installing locust==$LOCUST_VERSION into $venv (once; later runs reuse it)"
    rm -rf "$venv"; mkdir -p "$SMILEFLOW_CACHE"
    python3 -m venv "$venv" >&2 || die "python3 -m venv failed (apt-get install python3-venv)"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "locust==$LOCUST_VERSION" >&2
    touch "$venv/.complete"
  fi
  echo "$venv/bin/locust"
}

# The JVM flags of a Dockerfile's exec-form ENTRYPOINT (between "java" and "-jar"), one per line,
# without -XX:AOTCache (the caller decides about the cache).
entrypoint_flags() {
  python3 - "$1" <<'PY'
import json, re, sys
text = open(sys.argv[1]).read().replace("\\\n", " ")
m = re.search(r'^ENTRYPOINT\s+(\[.*\])\s*$', text, re.M)
args = json.loads(m.group(1))
for a in args[args.index("java") + 1:args.index("-jar")]:
    if not a.startswith("-XX:AOTCache="):
        print(a)
PY
}

# synthetic_csv FILE ROWS: numeric data with a known answer: 10 features f0..f9 drawn around one of 4 random
# centres (seed 7) with noise 1.5, label c0..c3; the same rows for the same ROWS.
synthetic_csv() {
  python3 - "$1" "$2" <<'PY'
import random, sys
path, n = sys.argv[1], int(sys.argv[2])
r = random.Random(7)
centers = [[r.gauss(0, 1) for _ in range(10)] for _ in range(4)]
with open(path, "w") as f:
    f.write(",".join(f"f{j}" for j in range(10)) + ",label\n")
    for _ in range(n):
        c = r.randrange(4)
        f.write(",".join(f"{centers[c][j] + r.gauss(0, 1.5):.4f}" for j in range(10)) + f",c{c}\n")
PY
}

# Builds the two jars when they are missing.
ensure_jars() {
  if [ ! -f "$root/train-job/target/train-job.jar" ] || [ ! -f "$root/api/target/api.jar" ]; then
    log "building train-job.jar and api.jar"
    (cd "$root" && scripts/mvn -B -q -ntp -DskipTests package -pl train-job,api -am)
  fi
}

# dry_run_model DIR: an Iris bundle in DIR/model (train-job --dry-run, no MLflow), and DIR/classify.lua, wrk's
# POST /v1/classify of the README's flower.
dry_run_model() {
  local dir=$1
  "$JAVA_HOME/bin/java" -jar "$root/train-job/target/train-job.jar" --dry-run --output "$dir/model" >"$dir/train.log" 2>&1 \
    || { tail "$dir/train.log" >&2; die "train-job --dry-run failed"; }
  cat >"$dir/classify.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = [[{"sepal_length": 7.7, "sepal_width": 2.6, "petal_length": 6.9, "petal_width": 2.3}]]
LUA
}

# start_mlflow PORT DIR: a fresh MLflow server; sets mlflow_pid and MLFLOW_TRACKING_URI.
start_mlflow() {
  local port=$1 dir=$2
  mkdir -p "$dir"
  "$root/scripts/mlflow.sh" install >/dev/null
  log "MLflow on http://127.0.0.1:$port (log: $dir/mlflow.log)"
  start_bg "$dir/mlflow.log" "$root/scripts/mlflow.sh" serve "$port" "$dir"
  mlflow_pid=$bg_pid
  wait_http "http://127.0.0.1:$port/health" 180 "$mlflow_pid" || { tail -n 20 "$dir/mlflow.log" >&2; die "MLflow did not start"; }
  export MLFLOW_TRACKING_URI="http://127.0.0.1:$port"
}

# train LOGFILE [ARGS...]: one train-job run against MLFLOW_TRACKING_URI (trains, registers, promotes).
train() {
  local logfile=$1; shift
  log "training (log: $logfile)"
  "$JAVA_HOME/bin/java" -jar "$root/train-job/target/train-job.jar" "$@" >"$logfile" 2>&1 \
    || { tail -n 30 "$logfile" >&2; die "train-job failed"; }
}

# start_api PORT LOGFILE [EXTRA JVM FLAGS...]: the api with Dockerfile.api's flags; sets api_pid.
start_api() {
  local port=$1 logfile=$2; shift 2
  local flags
  mapfile -t flags < <(entrypoint_flags "$root/Dockerfile.api")
  PORT=$port LOG_LEVEL=${LOG_LEVEL:-WARN} start_bg "$logfile" "$JAVA_HOME/bin/java" "${flags[@]}" "$@" -jar "$root/api/target/api.jar"
  api_pid=$bg_pid
}
