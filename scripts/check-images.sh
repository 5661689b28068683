#!/usr/bin/env bash
# Release check: builds Dockerfile.api, Dockerfile.train and docker-compose.yml, unchanged, with podman, on
# machines with no Docker engine and no image registry. Base images are replaced by stand-ins built here
# under the names the files use (docs/deploy.md, "Verified without Docker"). Needs root, Debian's packages,
# PyPI and Maven Central; ports 5000, 8080 and $CHECK_IMAGES_MLFLOW_PORT (15000) free on the host.
#   scripts/check-images.sh [all|bases|images|compose]     default all; prints a report at the end
# The compose part starts with `podman-compose down -v` (the compose project's containers and volumes go);
# after a failure it leaves the stack up for inspection.
# Stand-ins are kept in podman's storage and reused while their recipe key matches (a rootfs cache is in
# ${SMILEFLOW_CACHE:-~/.cache/smileflow}/images); the project images are rebuilt with podman's layer cache.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cache=${SMILEFLOW_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/smileflow}/images
mlflow_port=${CHECK_IMAGES_MLFLOW_PORT:-15000}
pinned() { sed -n "s:.*<$1>\(.*\)</$1>.*:\1:p" "$root/pom.xml" | head -n 1; }
mlflow_version=$(pinned mlflow.version)
# HEALTHCHECK is kept only in Docker-format images; podman's default (OCI) drops it. podman-compose reads this too.
export BUILDAH_FORMAT=docker
report=()
note() { report+=("$*"); echo "check-images: $*"; }
fail() { echo "check-images: FAILED: $*" >&2; print_report >&2; exit 1; }
print_report() { printf '\n== check-images report ==\n'; printf '%s\n' "${report[@]}"; }
# Polls a command until it succeeds or SECONDS passes the deadline: wait_for SECONDS WHAT CMD...
wait_for() {
  local limit=$1 what=$2 deadline; shift 2
  deadline=$((SECONDS + limit))
  until "$@" >/dev/null 2>&1; do
    [ "$SECONDS" -lt "$deadline" ] || { echo "check-images: $what not within ${limit} s" >&2; return 1; }
    sleep 0.5
  done
}
now_ms() { date +%s%3N; }

setup_tools() {
  if ! command -v podman >/dev/null || ! command -v runc >/dev/null || ! command -v mmdebstrap >/dev/null; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq podman runc mmdebstrap >/dev/null
  fi
  if [ ! -f /etc/containers/containers.conf ]; then
    # What podman needs on these machines: cgroupfs (no systemd), runc, no default ulimits.
    printf '[containers]\ndefault_ulimits = []\n[engine]\ncgroup_manager = "cgroupfs"\nruntime = "runc"\n' \
      >/etc/containers/containers.conf
  fi
  mkdir -p "$cache"
  rm -rf "$cache"/ctx.* # build contexts a failed run left behind
}

# ---- stand-in base images ----------------------------------------------------------------------------
# Each is built from a generated Containerfile and labelled with a key of its inputs; a present image with
# the same key is reused.
standin_key() { podman image inspect --format '{{index .Config.Labels "smileflow.standin"}}' "$1" 2>/dev/null || true; }
rootfs() { # SUITE -> a podman image of a Debian minbase root filesystem with ca-certificates
  local suite=$1 tar="$cache/debian-$1-minbase.tar"
  if ! podman image exists "localhost/smileflow-standin/debian:$suite"; then
    if [ ! -s "$tar" ]; then # (mmdebstrap picks the output format from the name's extension)
      mmdebstrap --quiet --variant=minbase --include=ca-certificates "$suite" "$cache/partial.tar" >&2
      mv "$cache/partial.tar" "$tar"
    fi
    podman import --quiet "$tar" "localhost/smileflow-standin/debian:$suite" >/dev/null
  fi
  echo "localhost/smileflow-standin/debian:$suite"
}
# The machine's egress re-signs TLS with its own CA: the stand-ins trust what this host trusts, so the
# builds inside them (apt is plain HTTP; Maven, pip) reach the registries. The official images need none of it.
host_cas() { # copies the host's extra CA certificates into DIR/cas
  mkdir -p "$1/cas"
  cp /usr/local/share/ca-certificates/*.crt "$1/cas/" 2>/dev/null || true
}
build_standin() { # NAME KEY CONTEXT-DIR (with a Containerfile)
  local name=$1 key=$2 ctx=$3 start=$SECONDS
  local log="$cache/standin-$(tr -c 'a-z0-9\n' - <<<"$name").log"
  podman build --pull=never --network host --format docker --label "smileflow.standin=$key" \
    -t "$name" -f "$ctx/Containerfile" "$ctx" >"$log" 2>&1 || { tail -n 20 "$log" >&2; fail "building stand-in $name (log: $log)"; }
  note "stand-in $name built in $((SECONDS - start)) s"
}

standin_temurin() {
  local jdk release key ctx debian
  jdk=$(. "$root/scripts/jdk.sh" && echo "$JAVA_HOME")
  release=$(sed -n 's/^IMPLEMENTOR_VERSION="\(.*\)"/\1/p' "$jdk/release")
  key="temurin:$release:bookworm:v2"
  if [ "$(standin_key eclipse-temurin:25-jdk)" = "$key" ] && [ "$(standin_key eclipse-temurin:25-jre)" = "$key" ]; then
    note "stand-in eclipse-temurin:25-jdk/-jre reused ($release on Debian bookworm)"; return
  fi
  debian=$(rootfs bookworm)
  ctx=$(mktemp -d "$cache/ctx.XXXXXX")
  host_cas "$ctx"
  # The JDK with its symlinks resolved (its cacerts is the host's Java trust store).
  cp -rL "$jdk" "$ctx/jdk"
  # The JRE: the JDK's modules less the development tools, as Temurin's JRE builds leave out.
  local modules
  modules=$("$jdk/bin/java" --list-modules | sed 's/@.*//' | grep -v -x -E \
    'jdk\.(compiler|javadoc|jdeps|jlink|jpackage|jshell|jartool|jconsole|hotspot\.agent|jstatd|editpad|internal\.ed|internal\.le|internal\.opt|jdi|jdwp\.agent|graal\.compiler|graal\.compiler\.management|internal\.vm\.ci)' \
    | paste -sd, -)
  "$jdk/bin/jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files --output "$ctx/jre"
  cp -L "$jdk/lib/security/cacerts" "$ctx/jre/lib/security/cacerts"
  for kind in jdk jre; do
    cat >"$ctx/Containerfile.$kind" <<EOF
FROM $debian
# What the official eclipse-temurin images add to their base (they are Ubuntu-based; this is Debian).
RUN apt-get update \\
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \\
      curl wget fontconfig ca-certificates p11-kit tzdata locales $([ $kind = jdk ] && echo binutils) \\
 && echo 'en_US.UTF-8 UTF-8' >/etc/locale.gen && locale-gen en_US.UTF-8 \\
 && rm -rf /var/lib/apt/lists/*
COPY cas/ /usr/local/share/ca-certificates/
RUN update-ca-certificates >/dev/null
ENV JAVA_HOME=/opt/java/openjdk LANG=en_US.UTF-8 LANGUAGE=en_US:en LC_ALL=en_US.UTF-8
ENV PATH=/opt/java/openjdk/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
COPY $kind /opt/java/openjdk
# The default CDS archive, as the official JRE has it (jlink from a run-time image cannot write it).
RUN [ -f /opt/java/openjdk/lib/server/classes.jsa ] || java -Xshare:dump >/dev/null; java -version
$([ $kind = jdk ] && echo 'CMD ["jshell"]')
EOF
    cp "$ctx/Containerfile.$kind" "$ctx/Containerfile"
    build_standin "eclipse-temurin:25-$kind" "$key" "$ctx"
  done
  rm -rf "$ctx"
}

standin_mlflow() {
  local from key ctx debian
  # The FROM line of docker-compose.yml's inline Dockerfile for the mlflow service.
  from=$(sed -n 's/^ *FROM \(.*mlflow.*\)$/\1/p' "$root/docker-compose.yml" | head -n 1)
  [ -n "$from" ] || fail "no MLflow FROM line in docker-compose.yml"
  [ "${from##*:v}" = "$mlflow_version" ] || fail "docker-compose.yml uses $from but pom.xml pins MLflow $mlflow_version"
  key="mlflow:$mlflow_version:bookworm:v1"
  if [ "$(standin_key "$from")" = "$key" ]; then note "stand-in $from reused"; return; fi
  debian=$(rootfs bookworm)
  ctx=$(mktemp -d "$cache/ctx.XXXXXX")
  host_cas "$ctx"
  # Debian's Python 3.11 and a virtualenv first on PATH, so `python`, `pip` and `mlflow` are the image's.
  cat >"$ctx/Containerfile" <<EOF
FROM $debian
RUN apt-get update \\
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3 python3-venv \\
 && rm -rf /var/lib/apt/lists/*
COPY cas/ /usr/local/share/ca-certificates/
RUN update-ca-certificates >/dev/null
ENV PIP_CERT=/etc/ssl/certs/ca-certificates.crt PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python3 -m venv /opt/mlflow && /opt/mlflow/bin/pip install --no-cache-dir mlflow==$mlflow_version
ENV PATH=/opt/mlflow/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
RUN mlflow --version
EOF
  build_standin "$from" "$key" "$ctx"
  rm -rf "$ctx"
}

standin_postgres() {
  local image pinned_major key ctx debian version
  image=$(sed -n 's/^ *image: *\(postgres:.*\)$/\1/p' "$root/docker-compose.yml" | head -n 1)
  pinned_major=$(sed 's/^postgres:\([0-9]*\).*/\1/' <<<"$image")
  # Debian trixie ships PostgreSQL 17 (bookworm has 15), so the pinned image's major version is matched.
  key="postgres:trixie:postgresql-$pinned_major:v1"
  if [ "$(standin_key "$image")" != "$key" ]; then
    debian=$(rootfs trixie)
    ctx=$(mktemp -d "$cache/ctx.XXXXXX")
    # The official image's contract that docker-compose.yml relies on: POSTGRES_USER/PASSWORD/DB create the
    # role and database on first start, data in /var/lib/postgresql/data, password auth over TCP, pg_isready.
    cat >"$ctx/entrypoint.sh" <<'EOF'
#!/bin/sh
set -eu
bin=$(ls -d /usr/lib/postgresql/*/bin | tail -n 1)
as_pg() { setpriv --reuid=postgres --regid=postgres --init-groups "$@"; }
mkdir -p "$PGDATA" /run/postgresql
chown postgres:postgres "$PGDATA" /run/postgresql
chmod 700 "$PGDATA"
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  pw=$(mktemp); printf '%s\n' "$POSTGRES_PASSWORD" >"$pw"; chown postgres "$pw"
  as_pg "$bin/initdb" -D "$PGDATA" -U "$POSTGRES_USER" --pwfile="$pw" --auth-local=trust --auth-host=scram-sha-256 >/dev/null
  rm -f "$pw"
  echo 'host all all all scram-sha-256' >>"$PGDATA/pg_hba.conf"
  as_pg "$bin/pg_ctl" -D "$PGDATA" -o "-c listen_addresses=''" -w start >/dev/null
  [ "${POSTGRES_DB:-$POSTGRES_USER}" = postgres ] \
    || as_pg psql -q -U "$POSTGRES_USER" -d postgres -c "CREATE DATABASE \"${POSTGRES_DB:-$POSTGRES_USER}\""
  as_pg "$bin/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null
fi
exec setpriv --reuid=postgres --regid=postgres --init-groups "$bin/postgres" -D "$PGDATA" -c listen_addresses='*'
EOF
    cat >"$ctx/Containerfile" <<EOF
FROM $debian
RUN apt-get update \\
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql-$pinned_major \\
 && rm -rf /var/lib/apt/lists/*
ENV PGDATA=/var/lib/postgresql/data
COPY entrypoint.sh /usr/local/bin/docker-entrypoint.sh
RUN chmod 0755 /usr/local/bin/docker-entrypoint.sh
VOLUME /var/lib/postgresql/data
STOPSIGNAL SIGINT
EXPOSE 5432
ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]
EOF
    build_standin "$image" "$key" "$ctx"
    rm -rf "$ctx"
  fi
  version=$(podman run --rm --entrypoint sh "$image" -c '$(ls -d /usr/lib/postgresql/*/bin | tail -n 1)/postgres --version' | awk '{print $3}')
  note "stand-in $image: Debian trixie's PostgreSQL $version (the pinned image: ${image#postgres:}; same major)"
  [ "${version%%.*}" = "$pinned_major" ] || fail "the PostgreSQL stand-in is $version, the pinned image's major is $pinned_major"
}

bases() {
  standin_temurin
  standin_mlflow
  standin_postgres
}

# ---- the project images ------------------------------------------------------------------------------
api_image=localhost/smileflow/api:latest
train_image=localhost/smileflow/train-job:latest
build_project_image() { # DOCKERFILE TAG
  local start=$SECONDS
  # --network host: the build stage's Maven Wrapper and apt reach their registries from the host's network.
  podman build --pull=never --network host --format docker -f "$root/$1" -t "$2" "$root" >"$cache/build-${1#Dockerfile.}.log" 2>&1 \
    || { tail -n 30 "$cache/build-${1#Dockerfile.}.log" >&2; fail "podman build -f $1 (log: $cache/build-${1#Dockerfile.}.log)"; }
  note "built $2 from $1 in $((SECONDS - start)) s, $(podman image inspect --format '{{.Size}}' "$2" | awk '{printf "%.0f MB", $1/1e6}')"
}
image_user() { podman image inspect --format '{{.Config.User}}' "$1"; }
run_uid() { podman run --rm --no-healthcheck --entrypoint id "$1" -u; }
api_ready() { curl -fsS -o /dev/null --max-time 2 http://127.0.0.1:8080/health/ready; }
mlflow_up() { curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$mlflow_port/health"; }
alias_version() { # MLFLOW-URL -> the version of iris-classifier@production, or nothing
  curl -fsS --max-time 5 "$1/api/2.0/mlflow/registered-models/alias?name=iris-classifier&alias=production" 2>/dev/null \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["model_version"]["version"])' 2>/dev/null || true
}
cleanup_images() {
  podman rm -f -t 0 smileflow-check-api >/dev/null 2>&1 || true
  [ -z "${mlflow_pid:-}" ] || { kill -TERM "$mlflow_pid" 2>/dev/null; wait "$mlflow_pid" 2>/dev/null || true; }
  [ -z "${mlflow_dir:-}" ] || rm -rf "$mlflow_dir"
}

# Start to ready inside the api container: bash notes the time, starts the ENTRYPOINT's java command with the
# AOT cache required (on) or disabled (off), and polls /health/ready from inside (120 s at most); prints the
# milliseconds and the api's own "N ms after JVM start" as WALL/OWN.
api_start_to_ready() { # off|on
  local flags
  flags=$(podman image inspect --format '{{range .Config.Entrypoint}}{{.}} {{end}}' "$api_image")
  case "$1" in
    on) flags=${flags/-XX:AOTCache=/-XX:AOTMode=on -XX:AOTCache=} ;; # AOTMode=on: exit if the cache is unusable
    off) flags=$(sed 's/-XX:AOTCache=[^ ]*/-XX:AOTMode=off/' <<<"$flags") ;;
  esac
  podman run --rm --no-healthcheck --network host -e MLFLOW_TRACKING_URI="http://127.0.0.1:$mlflow_port" \
    -e MODEL_NAME=iris-classifier -e MODEL_ALIAS=production --entrypoint bash "$api_image" -c '
      start=$(date +%s%3N); '"$flags"' >/tmp/api.log 2>&1 & pid=$!
      until curl -fsS -o /dev/null http://127.0.0.1:8080/health/ready 2>/dev/null; do
        kill -0 $pid 2>/dev/null || { cat /tmp/api.log >&2; exit 1; }
        [ $(( $(date +%s%3N) - start )) -lt 120000 ] || { kill -KILL $pid; exit 1; }; sleep 0.02; done
      echo "$(( $(date +%s%3N) - start ))/$(sed -n "s/.* \([0-9]*\) ms after JVM start.*/\1/p" /tmp/api.log)"
      kill -TERM $pid; wait $pid || true'
}

images() {
  build_project_image Dockerfile.train "$train_image"
  build_project_image Dockerfile.api "$api_image"
  local jre_size
  jre_size=$(podman image inspect --format '{{.Size}}' eclipse-temurin:25-jre)
  note "sizes: $(for i in "$api_image" "$train_image"; do podman image inspect --format '{{.Size}}' "$i" \
    | awk -v n="${i#localhost/}" -v b="$jre_size" '{printf "%s %.0f MB (+%.0f MB on the JRE stand-in); ", n, $1/1e6, ($1-b)/1e6}'; done)"
  local image uid
  for image in "$train_image" "$api_image"; do
    uid=$(run_uid "$image")
    [ "$(image_user "$image")" = 10001:10001 ] && [ "$uid" = 10001 ] || fail "$image runs as uid $uid, want 10001"
  done
  note "both images run as uid 10001 (USER 10001:10001)"
  # The train image's AOT cache is usable by its ENTRYPOINT (AOTMode=on makes the JVM exit if it is not).
  local train_flags
  train_flags=$(podman image inspect --format '{{range .Config.Entrypoint}}{{.}} {{end}}' "$train_image")
  # shellcheck disable=SC2086 # the ENTRYPOINT's words
  podman run --rm --entrypoint "${train_flags%% *}" "$train_image" ${train_flags#* } -XX:AOTMode=on --help >/dev/null \
    || fail "the train image's JVM cannot use its AOT cache (-XX:AOTMode=on)"
  note "train image: its ENTRYPOINT starts with -XX:AOTMode=on (the AOT cache is usable)"

  trap cleanup_images EXIT
  mlflow_dir=$(mktemp -d)
  "$root/scripts/mlflow.sh" serve "$mlflow_port" "$mlflow_dir" >"$mlflow_dir/server.log" 2>&1 &
  mlflow_pid=$!
  wait_for 180 "host MLflow on port $mlflow_port" mlflow_up || { tail "$mlflow_dir/server.log" >&2; fail "host MLflow did not start"; }

  local start=$SECONDS version
  podman run --rm --network host -e MLFLOW_TRACKING_URI="http://127.0.0.1:$mlflow_port" \
    -e MLFLOW_EXPERIMENT_NAME=smileflow -e MODEL_NAME=iris-classifier -e MODEL_ALIAS=production \
    "$train_image" >"$cache/train-run.log" 2>&1 || { tail -n 20 "$cache/train-run.log" >&2; fail "the train image exited non-zero"; }
  version=$(alias_version "http://127.0.0.1:$mlflow_port")
  [ -n "$version" ] || fail "the train image exited 0 but iris-classifier@production is not set"
  note "train image against a host MLflow $mlflow_version: exit 0 in $((SECONDS - start)) s, iris-classifier@production = version $version"

  # The real ENTRYPOINT: java is PID 1, the HEALTHCHECK passes, SIGTERM drains and exits within 10 s.
  podman rm -f -t 0 smileflow-check-api >/dev/null 2>&1 || true
  podman run -d --name smileflow-check-api --network host -e MLFLOW_TRACKING_URI="http://127.0.0.1:$mlflow_port" \
    -e MODEL_NAME=iris-classifier -e MODEL_ALIAS=production "$api_image" >/dev/null
  wait_for 60 "api ready" api_ready || { podman logs smileflow-check-api >&2; fail "the api container was not ready"; }
  local pid1 health stop_ms code
  pid1=$(podman exec smileflow-check-api sh -c 'tr "\0" " " </proc/1/cmdline')
  [[ "$pid1" == java\ * ]] || fail "PID 1 in the api container is '$pid1', not java"
  health=$(podman inspect --format '{{.Config.Healthcheck.Test}}' smileflow-check-api)
  podman healthcheck run smileflow-check-api >/dev/null || fail "the api's HEALTHCHECK $health failed"
  note "api: PID 1 is '${pid1:0:60}...'; HEALTHCHECK $health passes"
  start=$(now_ms)
  podman kill --signal TERM smileflow-check-api >/dev/null
  code=$(timeout 10 podman wait smileflow-check-api) || fail "the api did not exit within 10 s of SIGTERM"
  stop_ms=$(($(now_ms) - start))
  podman logs smileflow-check-api 2>&1 | grep -q stopped || fail "the api did not log its drain ('stopped')"
  note "api: SIGTERM -> drained and exited $code in $stop_ms ms"
  podman rm smileflow-check-api >/dev/null

  local runs=${CHECK_IMAGES_RUNS:-3} mode i out
  for mode in on off; do
    out=()
    for i in $(seq "$runs"); do
      out+=("$(api_start_to_ready "$mode" | tail -n 1)") || fail "the api did not start with the AOT cache $mode"
      [[ "${out[-1]}" =~ ^[0-9]+/[0-9]+$ ]] || fail "start-to-ready with the AOT cache $mode printed '${out[-1]}'"
    done
    note "api start-to-ready in the container, AOT cache $mode, ms (wall from exec / the api's 'after JVM start'): ${out[*]}"
  done
  cleanup_images
  trap - EXIT
}

# ---- the compose stack --------------------------------------------------------------------------------
podman_compose_version=1.6.0
pc() { "$compose_exe" -f "$root/docker-compose.yml" "$@"; }
container_of() { podman ps -a --filter label=com.docker.compose.project=smileflow --filter "label=com.docker.compose.service=$1" --format '{{.Names}}' | head -n 1; }
health_of() { podman inspect --format '{{.State.Health.Status}}' "$(container_of "$1")" 2>/dev/null; }
is_healthy() { [ "$(health_of "$1")" = healthy ]; }
has_exited() { [ "$(podman inspect --format '{{.State.Status}}' "$(container_of "$1")" 2>/dev/null)" = exited ]; }
api_version() { curl -fsS --max-time 3 http://127.0.0.1:8080/v1/model | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["version"])'; }
api_serves() { [ "$(api_version 2>/dev/null)" = "$1" ]; }
# Without systemd podman 4.3 schedules no health checks (it runs them only when asked), so this loop asks
# for every container of the project that has one, every 2 s, as Docker's engine would on its own.
drive_health_checks() {
  while :; do
    for c in $(podman ps --filter label=com.docker.compose.project=smileflow --format '{{.Names}}'); do
      podman healthcheck run "$c" >/dev/null 2>&1 || true
    done
    sleep 2
  done
}
cleanup_compose() {
  [ -z "${health_pid:-}" ] || { kill "$health_pid" 2>/dev/null; wait "$health_pid" 2>/dev/null || true; }
}

compose() {
  compose_exe=$(. "$root/scripts/venv.sh" \
    && pinned_venv "${cache%/images}/podman-compose-$podman_compose_version" "podman-compose==$podman_compose_version" podman-compose)
  local log="$cache/compose.log" start v1 v2 answer code
  pc down -v >/dev/null 2>&1 || true
  drive_health_checks & health_pid=$!
  trap cleanup_compose EXIT
  start=$SECONDS
  # podman-compose builds the inline mlflow Dockerfile and both project images (podman's layer cache).
  pc build >"$log" 2>&1 || { tail -n 30 "$log" >&2; fail "podman-compose build (log: $log)"; }
  note "compose: podman-compose $podman_compose_version build (dockerfile_inline included) in $((SECONDS - start)) s"
  # One service at a time, in depends_on order, each started once its dependencies meet their condition:
  # with podman 4.3 podman-compose skips service_healthy, and podman cannot start a container that
  # --requires an exited one (the one-shot train), hence `--no-deps api` after train exited 0.
  start=$SECONDS
  pc up -d postgres >>"$log" 2>&1 || fail "podman-compose up -d postgres (log: $log)"
  wait_for 120 "postgres healthy" is_healthy postgres || fail "postgres not healthy: $(health_of postgres)"
  pc up -d mlflow >>"$log" 2>&1 || fail "podman-compose up -d mlflow (log: $log)"
  wait_for 180 "mlflow healthy" is_healthy mlflow || { podman logs --tail 20 "$(container_of mlflow)" >&2; fail "mlflow not healthy"; }
  pc up -d train >>"$log" 2>&1 || fail "podman-compose up -d train (log: $log)"
  wait_for 300 "train exited" has_exited train || fail "the train service did not finish"
  code=$(podman inspect --format '{{.State.ExitCode}}' "$(container_of train)")
  [ "$code" = 0 ] || { podman logs --tail 20 "$(container_of train)" >&2; fail "the train service exited $code"; }
  pc up -d --no-deps api >>"$log" 2>&1 || fail "podman-compose up -d --no-deps api (log: $log)"
  wait_for 180 "api healthy" is_healthy api || { podman logs --tail 20 "$(container_of api)" >&2; fail "api not healthy"; }
  note "compose: postgres healthy, mlflow healthy, train exited 0, api healthy, $((SECONDS - start)) s from the first up"
  # The README's curl.
  answer=$(curl -fsS -X POST http://localhost:8080/v1/classify -H 'Content-Type: application/json' \
    -d '{"sepal_length": 7.7, "sepal_width": 2.6, "petal_length": 6.9, "petal_width": 2.3}') || fail "the README's curl failed"
  grep -q virginica <<<"$answer" || fail "the README's curl answered $answer (no virginica)"
  v1=$(api_version)
  note "compose: the README's curl answers ${answer:0:120}; api serves version $v1"
  start=$SECONDS
  pc run --rm train >>"$log" 2>&1 || { tail -n 20 "$log" >&2; fail "podman-compose run --rm train"; }
  v2=$(alias_version http://127.0.0.1:5000)
  [ -n "$v2" ] && [ "$v2" != "$v1" ] || fail "compose run --rm train left iris-classifier@production at '$v2' (api serves $v1)"
  wait_for 60 "api follows version $v2" api_serves "$v2" || fail "the api still serves $(api_version) after the alias moved to $v2"
  note "compose: run --rm train promoted version $v2; the api served it $((SECONDS - start)) s after the run started"
  cleanup_compose; trap - EXIT
  pc down >>"$log" 2>&1 || fail "podman-compose down"
  [ -z "$(podman ps -a --filter label=com.docker.compose.project=smileflow --format '{{.Names}}')" ] || fail "containers left after down"
  ! podman network exists smileflow_default || fail "network smileflow_default left after down"
  local volumes
  volumes=$(podman volume ls --filter label=com.docker.compose.project=smileflow --format '{{.Name}}' | paste -sd' ')
  pc down -v >>"$log" 2>&1
  [ -z "$(podman volume ls --filter label=com.docker.compose.project=smileflow --format '{{.Name}}')" ] || fail "volumes left after down -v"
  note "compose: down removed the containers and the network, kept the volumes ($volumes); down -v removed them"
}

main() {
  setup_tools
  case "${1:-all}" in
    bases) bases ;;
    images) bases; images ;;
    compose) bases; compose ;;
    all) bases; images; compose ;;
    *) echo "usage: scripts/check-images.sh [all|bases|images|compose]" >&2; exit 2 ;;
  esac
  print_report
}
main "$@"
