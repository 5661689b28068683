#!/usr/bin/env bash
# train-job benchmark (a measurement, not a test):
#   1. wall time of the default Iris job end to end (start to registered, promoted version) against a local MLflow
#      server started here on $PORT (default 5103), three times (first = cold server and JVM caches), with the
#      number of MLflow requests per run and where the time goes (phases from the job's log);
#   2. training time (--dry-run, no MLflow) of the default search as the data grows: synthetic numeric data with
#      1k, 10k and 100k rows (10 features, 4 classes, fixed seed).
# Writes benchmarks/reports/train.md. Usage: benchmarks/train/run.sh [PORT]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
. benchmarks/lib.sh
java="$JAVA_HOME/bin/java"
port=${1:-${PORT:-5103}}
report="$root/benchmarks/reports/train.md"
work=$(mktemp -d)
mkdir -p "$root/benchmarks/reports"

[ -f train-job/target/train-job.jar ] || scripts/mvn -q -pl train-job -DskipTests package

mlflow_pid=
cleanup() {
  if [ -n "$mlflow_pid" ]; then kill "$mlflow_pid" 2>/dev/null || true; pkill -P "$mlflow_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
scripts/mlflow.sh serve "$port" "$work/mlflow" >"$work/mlflow.log" 2>&1 &
mlflow_pid=$!
for _ in $(seq 1 120); do curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break; sleep 1; done
curl -fsS "http://127.0.0.1:$port/health" >/dev/null || { echo "MLflow did not start" >&2; tail "$work/mlflow.log" >&2; exit 1; }

now_ms() { date +%s%3N; }
{
  echo "# train-job benchmark"
  echo
  echo "Produced by \`benchmarks/train/run.sh $port\` on $(date -u +%Y-%m-%dT%H:%MZ); $(nproc) cores,"
  echo "$(free -g | awk '/Mem:/ {print $2}') GB RAM, $("$java" -version 2>&1 | head -n 1), MLflow $(curl -s "http://127.0.0.1:$port/version")."
  echo "Machine shared with other jobs while measuring: treat the numbers as rough."
  echo
  echo "## Default Iris job, end to end (process start to registered and promoted version)"
  echo
  echo "| run | wall time (s) | job's own timer (s) | MLflow requests | version | winner |"
  echo "|---|---|---|---|---|---|"
} >"$report"

# requests the MLflow server has logged so far (its access log: one line per request)
requests() { grep -cE '"(GET|POST|PUT|PATCH|DELETE) /' "$work/mlflow.log" || true; }
for i in 1 2 3; do
  r0=$(requests)
  t0=$(now_ms)
  MLFLOW_TRACKING_URI="http://127.0.0.1:$port" MODEL_NAME=bench-iris MLFLOW_EXPERIMENT_NAME=bench \
    "$java" -jar train-job/target/train-job.jar >"$work/iris-$i.out" 2>"$work/iris-$i.err"
  t1=$(now_ms)
  echo "$t0" >"$work/iris-$i.start"
  own=$(sed -n 's/^Wall time: \(.*\) s$/\1/p' "$work/iris-$i.out")
  version=$(sed -n 's/^Registered: .* version \(.*\)$/\1/p' "$work/iris-$i.out")
  winner=$(sed -n 's/^Winner: \(.*\) (CV.*$/\1/p' "$work/iris-$i.out")
  echo "| $i | $(awk "BEGIN {printf \"%.1f\", ($t1 - $t0) / 1000}") | $own | $(( $(requests) - r0 )) | $version | \`$winner\` |" >>"$report"
done

# Where the time of each run goes, from the job's own log lines (millisecond clock) against the process start.
python3 - "$work" >>"$report" <<'PY'
import datetime, re, sys
work = sys.argv[1]
phases = [  # (phase, the log line that ends it)
    ("JVM start, data load, screening, validation", r"TrainJob - searching"),
    ("MLflow set-up: capability probe, experiment, parent run, dataset, profile", r"ProgressBar - cross-validation"),
    ("cross-validation", r"TrainJob - winner:"),
    ("refit, nested runs, reports, bundle written and checked", r"TrainJob - model files verified"),
    ("model upload and LoggedModel finalised", r"LoggedModel .* READY|model stored as run artifacts"),
    ("champion scored, version registered", r"Registrar - registered"),
    ("gate, tags, alias and stage", r"Registrar - .*(promoted|not promoted)"),
    ("run ended", r"marked FINISHED"),
]
print("\n### Where the time goes (ms from process start to the log line that ends each phase)\n")
print("| phase | " + " | ".join(f"run {i}" for i in (1, 2, 3)) + " |")
print("|---|" + "---|" * 3)
cols = []
for i in (1, 2, 3):
    start = int(open(f"{work}/iris-{i}.start").read())
    day = datetime.datetime.fromtimestamp(start / 1000, datetime.timezone.utc).date()
    lines = open(f"{work}/iris-{i}.err").read().splitlines()
    prev, col = start, []
    for _, pattern in phases:
        hit = next((l for l in lines if re.search(pattern, l)), None)
        if hit is None:
            col.append("–")
            continue
        t = datetime.datetime.strptime(hit[:12], "%H:%M:%S.%f").replace(
            year=day.year, month=day.month, day=day.day, tzinfo=datetime.timezone.utc)
        ms = int(t.timestamp() * 1000)
        col.append(str(ms - prev))
        prev = ms
    cols.append(col)
for k, (name, _) in enumerate(phases):
    print(f"| {name} | " + " | ".join(c[k] for c in cols) + " |")
PY

for n in 1000 10000 100000; do synthetic_csv "$work/synthetic-$n.csv" "$n"; done

{
  echo
  echo "## Training time as the data grows (--dry-run, default search, synthetic 10 features x 4 classes)"
  echo
  echo "Command: \`java -jar train-job/target/train-job.jar --dry-run --data synthetic-N.csv --label label\`."
  echo "CV runs on a stratified sample of at most 20,000 training rows (--search-rows); above 10,000 search rows svm and knn are skipped by default (quadratic cost)."
  echo
  echo "| rows | candidates | wall time (s) | job's own timer (s) | winner | CV accuracy | hold-out accuracy |"
  echo "|---|---|---|---|---|---|---|"
} >>"$report"
for n in 1000 10000 100000; do
  t0=$(now_ms)
  "$java" -jar train-job/target/train-job.jar --dry-run --data "$work/synthetic-$n.csv" --label label \
    >"$work/syn-$n.out" 2>"$work/syn-$n.err"
  t1=$(now_ms)
  own=$(sed -n 's/^Wall time: \(.*\) s$/\1/p' "$work/syn-$n.out")
  winner=$(sed -n 's/^Winner: \(.*\) (CV accuracy \(.*\))$/\1/p' "$work/syn-$n.out")
  cv=$(sed -n 's/^Winner: .* (CV accuracy \(.*\))$/\1/p' "$work/syn-$n.out")
  hold=$(sed -n 's/^Hold-out ([0-9]* rows): accuracy \([0-9.]*\),.*$/\1/p' "$work/syn-$n.out")
  cands=$(grep -c '±' "$work/syn-$n.out" || true)
  echo "| $n | $cands | $(awk "BEGIN {printf \"%.1f\", ($t1 - $t0) / 1000}") | $own | \`$winner\` | $cv | $hold |" >>"$report"
done
cat "$report"
