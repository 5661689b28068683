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
# the 3.x every IT uses and the 2.x of the compatibility ITs, each in its own virtualenv.
mlflow=$(scripts/mlflow.sh install)
echo "MLflow: $("$mlflow" --version 2>/dev/null)"
# schemathesis, pinned in its own virtualenv, which e2e's HostileIT runs against the api's /openapi.json.
st=$(scripts/schemathesis.sh install)
echo "schemathesis: $("$st" --version 2>/dev/null)"
mlflow2=$(scripts/mlflow.sh install 2)
echo "MLflow 2.x: $("$mlflow2" --version 2>/dev/null)"

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

exec scripts/mvn -B -ntp -Dstyle.color=never verify "$@"
