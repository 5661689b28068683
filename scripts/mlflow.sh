#!/usr/bin/env bash
# The one Python component: a pinned MLflow tracking server in a virtualenv outside the checkout.
#   scripts/mlflow.sh install          create or reuse the virtualenv; prints the mlflow executable
#   scripts/mlflow.sh serve PORT DIR   run `mlflow server` on 127.0.0.1:PORT with a sqlite store and
#                                      an artifact directory under DIR (foreground; Ctrl-C stops it)
# The version is the <mlflow.version> property of the parent pom.xml. The virtualenv lives in
# ${SMILEFLOW_CACHE:-~/.cache/smileflow}/mlflow-<version>, so repeated runs and CI reuse it.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
version=$(sed -n 's:.*<mlflow.version>\(.*\)</mlflow.version>.*:\1:p' "$root/pom.xml" | head -n 1)
[ -n "$version" ] || { echo "error: no <mlflow.version> in $root/pom.xml" >&2; exit 1; }
cache=${SMILEFLOW_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/smileflow}
venv="$cache/mlflow-$version"

# The auth extra brings MLflow's basic-auth app, so tests can run against a server that demands credentials.
spec="mlflow[auth]==$version"

install() {
  if [ -x "$venv/bin/mlflow" ] && [ "$(cat "$venv/.complete" 2>/dev/null)" = "$spec" ]; then
    echo "$venv/bin/mlflow"; return 0
  fi
  if [ -x "$venv/bin/pip" ] && [ -f "$venv/.complete" ]; then  # same version, fewer extras: top it up
    echo "adding $spec to $venv" >&2
    "$venv/bin/pip" install --quiet --disable-pip-version-check "$spec" >&2
    echo "$spec" > "$venv/.complete"
    echo "$venv/bin/mlflow"; return 0
  fi
  command -v python3 >/dev/null || { echo "error: python3 is needed to install the MLflow server (apt-get install python3 python3-venv)" >&2; exit 1; }
  echo "installing $spec into $venv (once; later runs reuse it)" >&2
  rm -rf "$venv"
  mkdir -p "$cache"
  if ! python3 -m venv "$venv" >&2; then
    echo "error: python3 -m venv failed; install the venv module (apt-get install python3-venv)" >&2; exit 1
  fi
  "$venv/bin/pip" install --quiet --disable-pip-version-check "$spec" >&2
  echo "$spec" > "$venv/.complete"
  echo "$venv/bin/mlflow"
}

case "${1:-}" in
  install) install ;;
  serve)
    port=${2:?usage: mlflow.sh serve PORT DIR}; dir=${3:?usage: mlflow.sh serve PORT DIR}
    mlflow=$(install)
    mkdir -p "$dir/artifacts"
    exec "$mlflow" server --host 127.0.0.1 --port "$port" --workers 2 \
      --backend-store-uri "sqlite:///$(cd "$dir" && pwd)/mlflow.db" \
      --artifacts-destination "$(cd "$dir" && pwd)/artifacts" --serve-artifacts ;;
  *) echo "usage: scripts/mlflow.sh install | serve PORT DIR" >&2; exit 2 ;;
esac
