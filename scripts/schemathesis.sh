#!/usr/bin/env bash
# schemathesis (property-based API testing from an OpenAPI document), pinned, in its own virtualenv
# outside the checkout, keyed by version, like scripts/mlflow.sh:
#   scripts/schemathesis.sh install     create or reuse the virtualenv; prints the st executable
#   scripts/schemathesis.sh run ARGS    install if needed, then run `st run ARGS`
# e2e's HostileIT calls `run` against a real api.jar serving a real model.
set -euo pipefail
. "$(cd "$(dirname "$0")" && pwd)/venv.sh"
version=4.32.5
cache=${SMILEFLOW_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/smileflow}
venv="$cache/schemathesis-$version"
spec="schemathesis==$version"

install() { pinned_venv "$venv" "$spec" st; }

case "${1:-}" in
  install) install ;;
  run) shift; st=$(install); exec "$st" run "$@" ;;
  *) echo "usage: scripts/schemathesis.sh install | run ARGS" >&2; exit 2 ;;
esac
