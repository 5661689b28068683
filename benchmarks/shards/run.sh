#!/usr/bin/env bash
# Sharded search benchmark (a measurement, not a test): one search split over 1, 2 and 4 shard processes
# (`--shard I/N --job-id J`, started together, as Cloud Run starts a job's tasks), against a local MLflow
# server started here on $PORT (default 5104), next to the same search in one plain process.
# For each: wall time (first start to last exit, the selection included), CPU time of all its processes
# (user + system), and the winner with its CV and hold-out scores, which must be the same in every row.
# Data: synthetic numeric, ROWS rows (default 10000), 10 features, 4 classes, fixed seed: the default search
# (svm and knn included, 8,000 search rows), 5-fold CV.
# Writes benchmarks/reports/shards.md. Usage: benchmarks/shards/run.sh [PORT]   (env ROWS, THREADS)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
. benchmarks/lib.sh
java="$JAVA_HOME/bin/java"
port=${1:-${PORT:-5104}}
rows=${ROWS:-10000}
threads=${THREADS:-$(nproc)}
report="$root/benchmarks/reports/shards.md"
work=$(mktemp -d)
mkdir -p "$root/benchmarks/reports"
trap 'stop_all; rm -rf "$work"' EXIT
ensure_jars
start_mlflow "$port" "$work/mlflow"

synthetic_csv "$work/data.csv" "$rows"

{
  echo "# Sharded search benchmark"
  echo
  echo "Produced by \`benchmarks/shards/run.sh $port\` on $(date -u +%Y-%m-%dT%H:%MZ); $(nproc) cores,"
  echo "$(free -g | awk '/Mem:/ {print $2}') GB RAM, $("$java" -version 2>&1 | head -n 1), MLflow $(curl -s "http://127.0.0.1:$port/version")."
  echo "Data: synthetic, $rows rows, 10 numeric features, 4 classes; default search, 5-fold CV, seed 42,"
  echo "\`--threads $threads\` in every process. All processes share this machine's $(nproc) cores, so the wall"
  echo "time shows the coordination's cost and the CPU time its overhead; the speed-up of N machines is on paper in"
  echo "docs/performance.md."
  echo
  echo "| run | processes | wall time (s) | CPU time (s) | CPU / one process | winner | CV accuracy | hold-out accuracy |"
  echo "|---|---|---|---|---|---|---|---|"
} >"$report"

# Runs the given commands together; prints "wall_s cpu_s" (children's user + system time).
python3 - "$work" "$java" "$port" "$threads" >>"$report" <<'PY'
import os, re, resource, subprocess, sys, time
work, java, port, threads = sys.argv[1:5]
env = dict(os.environ, TRAIN_THREADS=threads)
base = [java, "-jar", "train-job/target/train-job.jar", "--data", f"{work}/data.csv", "--label", "label"]

def run(name, commands):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    procs = []
    for i, extra in enumerate(commands):
        out = open(f"{work}/{name}-{i}.out", "w")
        err = open(f"{work}/{name}-{i}.err", "w")
        procs.append(subprocess.Popen(base + extra, env=env, stdout=out, stderr=err))
    codes = [p.wait() for p in procs]
    wall = time.monotonic() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if any(codes):
        sys.exit(f"{name}: exit codes {codes}; see {work}/{name}-*.err")
    summary = next(
        open(f"{work}/{name}-{i}.out").read()
        for i in range(len(commands))
        if "Winner:" in open(f"{work}/{name}-{i}.out").read())
    winner = re.search(r"^Winner: (.*) \(CV accuracy (.*)\)$", summary, re.M)
    hold = re.search(r"^Hold-out \(\d+ rows\): accuracy ([0-9.]+)", summary, re.M)
    return wall, cpu, winner.group(1), winner.group(2), hold.group(1)

rows = []
one = None
for name, n in [("one process", 0), ("1 shard", 1), ("2 shards", 2), ("4 shards", 4)]:
    tag = name.replace(" ", "-")
    common = ["--experiment", f"bench-{tag}", "--model-name", f"bench-{tag}"]
    if n == 0:
        commands = [common]
    else:
        commands = [common + ["--shard", f"{i}/{n}", "--job-id", f"bench-{tag}", "--wait", "1800"]
                    for i in range(n)]
    wall, cpu, winner, cv, hold = run(tag, commands)
    one = one or cpu
    print(f"| {name} | {len(commands)} | {wall:.1f} | {cpu:.1f} | {cpu / one:.2f} | `{winner}` | {cv} | {hold} |")
    sys.stdout.flush()
PY
cat "$report"
