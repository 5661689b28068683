#!/usr/bin/env bash
# schemathesis (property-based API testing from an OpenAPI document), pinned, in its own virtualenv
# outside the checkout, keyed by version, like scripts/mlflow.sh:
#   scripts/schemathesis.sh install     create or reuse the virtualenv; prints the st executable
#   scripts/schemathesis.sh run ARGS    install if needed, then run `st run ARGS`
# The api's SchemathesisIT (e2e) calls `run` against a real api.jar serving a real model.
set -euo pipefail
version=4.32.5
cache=${SMILEFLOW_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/smileflow}
venv="$cache/schemathesis-$version"
spec="schemathesis==$version"

install() {
  if [ -x "$venv/bin/st" ] && [ "$(cat "$venv/.complete" 2>/dev/null)" = "$spec" ]; then
    echo "$venv/bin/st"; return 0
  fi
  command -v python3 >/dev/null || { echo "error: python3 is needed to install schemathesis (apt-get install python3 python3-venv)" >&2; exit 1; }
  echo "installing $spec into $venv (once; later runs reuse it)" >&2
  rm -rf "$venv"
  mkdir -p "$cache"
  if ! python3 -m venv "$venv" >&2; then
    echo "error: python3 -m venv failed; install the venv module (apt-get install python3-venv)" >&2; exit 1
  fi
  "$venv/bin/pip" install --quiet --disable-pip-version-check "$spec" >&2
  echo "$spec" > "$venv/.complete"
  echo "$venv/bin/st"
}

case "${1:-}" in
  install) install ;;
  run) shift; st=$(install); exec "$st" run "$@" ;;
  *) echo "usage: scripts/schemathesis.sh install | run ARGS" >&2; exit 2 ;;
esac
