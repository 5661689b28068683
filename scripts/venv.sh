# Sourced by the scripts that install a pinned Python tool (scripts/mlflow.sh, scripts/schemathesis.sh).
# pinned_venv VENV SPEC EXE: creates or reuses the virtualenv VENV holding the pip requirements SPEC
# (space-separated), and prints VENV/bin/EXE. VENV/.complete records the SPEC it was built for, so an
# interrupted install is redone, and a venv of the same tool version with other extras is topped up.
pinned_venv() {
  local venv=$1 spec=$2 exe=$3
  if [ -x "$venv/bin/$exe" ] && [ "$(cat "$venv/.complete" 2>/dev/null)" = "$spec" ]; then
    echo "$venv/bin/$exe"; return 0
  fi
  if [ -x "$venv/bin/pip" ] && [ -f "$venv/.complete" ]; then
    echo "adding $spec to $venv" >&2
  else
    command -v python3 >/dev/null || { echo "error: python3 is needed to install $spec (apt-get install python3 python3-venv)" >&2; exit 1; }
    echo "installing $spec into $venv (once; later runs reuse it)" >&2
    rm -rf "$venv"
    mkdir -p "$(dirname "$venv")"
    if ! python3 -m venv "$venv" >&2; then
      echo "error: python3 -m venv failed; install the venv module (apt-get install python3-venv)" >&2; exit 1
    fi
  fi
  # shellcheck disable=SC2086
  "$venv/bin/pip" install --quiet --disable-pip-version-check $spec >&2
  echo "$spec" > "$venv/.complete"
  echo "$venv/bin/$exe"
}
