#!/usr/bin/env bash
# The one Python component: a pinned MLflow tracking server in a virtualenv outside the checkout.
#   scripts/mlflow.sh install [VERSION]          create or reuse the virtualenv; prints the mlflow executable
#   scripts/mlflow.sh serve PORT DIR [VERSION]   run `mlflow server` on 127.0.0.1:PORT with a sqlite store and
#                                                an artifact directory under DIR (foreground; Ctrl-C stops it)
# VERSION is `3` (default: the <mlflow.version> property of the parent pom.xml), `2` (the <mlflow2.version>
# property, the 2.x server the compatibility tests use) or an explicit version such as 2.9.2.
# Each version has its own virtualenv in ${SMILEFLOW_CACHE:-~/.cache/smileflow}/mlflow-<version>, so
# repeated runs and CI reuse it.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/scripts/venv.sh"
pinned() { sed -n "s:.*<$1>\(.*\)</$1>.*:\1:p" "$root/pom.xml" | head -n 1; }
resolve() {
  case "${1:-3}" in
    3) pinned mlflow.version ;;
    2) pinned mlflow2.version ;;
    *) echo "$1" ;;
  esac
}
cache=${SMILEFLOW_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/smileflow}

# The pip requirements of one server version. The auth extra brings MLflow's basic-auth app (tests run
# against a server that demands credentials); psycopg2-binary lets the server use a PostgreSQL store.
# MLflow 2.x releases declare open upper bounds that today's PyPI no longer satisfies: SQLAlchemy 2.1
# removed what they import, NumPy 2 breaks 2.9's pyarrow/pandas pins, and newer setuptools dropped the
# pkg_resources they use.
spec_of() {
  case "$1" in
    2.*) echo "mlflow[auth]==$1 psycopg2-binary sqlalchemy<2.1 numpy<2 pandas<3 setuptools<81" ;;
    *) echo "mlflow[auth]==$1 psycopg2-binary" ;;
  esac
}

install() {
  local version venv spec
  version=$(resolve "${1:-3}")
  [ -n "$version" ] || { echo "error: no pinned MLflow version for '${1:-3}' in $root/pom.xml" >&2; exit 1; }
  venv="$cache/mlflow-$version"
  spec=$(spec_of "$version")
  pinned_venv "$venv" "$spec" mlflow
}

case "${1:-}" in
  install) install "${2:-3}" ;;
  serve)
    port=${2:?usage: mlflow.sh serve PORT DIR [VERSION]}; dir=${3:?usage: mlflow.sh serve PORT DIR [VERSION]}
    mlflow=$(install "${4:-3}")
    mkdir -p "$dir/artifacts"
    exec "$mlflow" server --host 127.0.0.1 --port "$port" --workers 2 \
      --backend-store-uri "sqlite:///$(cd "$dir" && pwd)/mlflow.db" \
      --artifacts-destination "$(cd "$dir" && pwd)/artifacts" --serve-artifacts ;;
  *) echo "usage: scripts/mlflow.sh install [3|2|VERSION] | serve PORT DIR [3|2|VERSION]" >&2; exit 2 ;;
esac
