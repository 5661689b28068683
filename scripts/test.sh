#!/usr/bin/env bash
# The test command (README "Quick start", and what CI runs): installs what the tests need, then runs
# every unit test (*Test) and every integration test (*IT, against a real MLflow server) of every module,
# after scripts/check-images.sh (the Dockerfiles and docker-compose.yml, built and run with podman).
#   scripts/test.sh               all tests
#   scripts/test.sh -pl api       extra arguments go to Maven
# Needs: a JDK 25 (found by scripts/jdk.sh), python3 with venv (for the pinned MLflow server), and on a
# fresh Debian machine it installs fonts (plots), OpenBLAS (Smile's LDA), wrk (load), PostgreSQL and Prometheus
# with apt when run as root.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

. scripts/jdk.sh
echo "JDK: $JAVA_HOME"

# System packages: fontconfig + a font for the headless plots, libopenblas for Smile's native BLAS (LDA).
missing=()
command -v fc-list >/dev/null 2>&1 && [ -n "$(fc-list 2>/dev/null | head -n 1)" ] || missing+=(fontconfig fonts-dejavu-core)
ldconfig -p 2>/dev/null | grep -q 'libopenblas\.so ' || missing+=(libopenblas-dev)
python3 -c 'import venv, ensurepip' 2>/dev/null || missing+=(python3-venv)
command -v wrk >/dev/null 2>&1 || missing+=(wrk)  # the load generator of e2e's HostileIT
# PostgreSQL server binaries for the PostgreSQL-backed MLflow the compatibility ITs start (not a service).
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || missing+=(postgresql)
# Prometheus (and promtool) for e2e's MonitoringIT: the shipped scrape config and the dashboard's queries.
command -v prometheus >/dev/null 2>&1 || missing+=(prometheus)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing system packages: ${missing[*]}"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "warning: missing system packages (${missing[*]}); install them with your package manager" >&2
  fi
fi

# The one Python component: the pinned MLflow servers the integration tests start (reused when present):
# the 3.x every IT uses and the 2.x of the compatibility ITs, each in its own virtualenv; and schemathesis,
# pinned in its own virtualenv, which e2e's HostileIT runs against the api's /openapi.json. The 3.x comes first
# (the image check needs it); the other two install in the background while the image check builds (pip
# waits on the network, podman on the CPU), which takes about 4 min off a fresh machine's run.
mlflow=$(scripts/mlflow.sh install)
echo "MLflow: $("$mlflow" --version 2>/dev/null)"
venvs=$(mktemp -d)
trap 'rm -rf "$venvs"' EXIT
scripts/schemathesis.sh install >"$venvs/st" 2>"$venvs/st.log" & st_pid=$!
scripts/mlflow.sh install 2 >"$venvs/mlflow2" 2>"$venvs/mlflow2.log" & mlflow2_pid=$!

# The images and the compose stack, built and run with podman on stand-in base images (docs/deploy.md);
# about 5 min warm, 8 min from nothing. Needs root; left out when
# Maven arguments are given or SMILEFLOW_SKIP_IMAGE_CHECK=1.
if [ "${SMILEFLOW_SKIP_IMAGE_CHECK:-0}" = 1 ] || [ $# -gt 0 ]; then
  echo "image check skipped (it runs with the full test command, unless SMILEFLOW_SKIP_IMAGE_CHECK=1)"
elif [ "$(id -u)" != 0 ]; then
  echo "warning: image check skipped: scripts/check-images.sh needs root (podman, apt)" >&2
else
  scripts/check-images.sh
fi

wait "$st_pid" || { cat "$venvs/st.log" >&2; echo "error: installing schemathesis failed" >&2; exit 1; }
echo "schemathesis: $("$(cat "$venvs/st")" --version 2>/dev/null)"
wait "$mlflow2_pid" || { cat "$venvs/mlflow2.log" >&2; echo "error: installing MLflow 2.x failed" >&2; exit 1; }
echo "MLflow 2.x: $("$(cat "$venvs/mlflow2")" --version 2>/dev/null)"

scripts/mvn -B -ntp -Dstyle.color=never verify "$@"
