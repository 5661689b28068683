# Sourced by benchmarks/run.sh: the Python peer, `mlflow models serve` of an sklearn LogisticRegression Iris model
# logged to the same MLflow server. The peer's virtualenv adds scikit-learn (pinned) on top of the project's
# pinned MLflow virtualenv (scripts/mlflow.sh install), which it sees through a .pth file: no second MLflow.
# Needs: root, SMILEFLOW_CACHE, log, die, start_bg, wait_http (benchmarks/lib.sh), MLFLOW_TRACKING_URI.

PEER_SKLEARN_VERSION=1.9.1

# The peer's python (created once, reused); prints its path.
peer_install() {
  local mlflow_bin site venv="$SMILEFLOW_CACHE/peer-sklearn-$PEER_SKLEARN_VERSION"
  mlflow_bin=$("$root/scripts/mlflow.sh" install)
  site=$("$(dirname "$mlflow_bin")/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
  if [ ! -f "$venv/.complete" ] || [ "$(cat "$venv/.complete")" != "$site" ]; then
    log "creating the peer's virtualenv $venv (scikit-learn==$PEER_SKLEARN_VERSION over $site)"
    rm -rf "$venv"; python3 -m venv "$venv" >&2
    echo "$site" >"$("$venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')/smileflow-mlflow.pth"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "scikit-learn==$PEER_SKLEARN_VERSION" >&2
    echo "$site" >"$venv/.complete"
  fi
  echo "$venv/bin/python"
}

# peer_log_model PYTHON NAME LOGFILE: trains LogisticRegression on sklearn's bundled Iris (column names as the
# api's) and registers it as NAME version 1 on MLFLOW_TRACKING_URI.
peer_log_model() {
  local python=$1 name=$2 logfile=$3
  "$python" - "$name" >"$logfile" 2>&1 <<'PY' || { tail -n 20 "$logfile" >&2; die "logging the peer model failed"; }
import sys, mlflow, mlflow.sklearn
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression
iris = load_iris(as_frame=True)
x = iris.data.set_axis(["sepal_length", "sepal_width", "petal_length", "petal_width"], axis=1)
y = iris.target.map(dict(enumerate(["Iris-setosa", "Iris-versicolor", "Iris-virginica"])))
mlflow.set_experiment("python-peer")
with mlflow.start_run(run_name="sklearn-logistic-peer"):
    model = LogisticRegression(max_iter=1000, random_state=42).fit(x, y)
    mlflow.sklearn.log_model(model, name="model", input_example=x.head(1), registered_model_name=sys.argv[1])
print("logged", sys.argv[1])
PY
}

# start_peer PYTHON PORT LOGFILE MODEL_URI: `mlflow models serve` with 2 workers; sets peer_pid.
start_peer() {
  local python=$1 port=$2 logfile=$3 uri=$4
  PATH="$(dirname "$python"):$(dirname "$("$root/scripts/mlflow.sh" install)"):$PATH" \
    start_bg "$logfile" "$python" -m mlflow models serve -m "$uri" --env-manager local \
      -h 127.0.0.1 -p "$port" -w 2
  peer_pid=$bg_pid
}
