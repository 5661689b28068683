#!/bin/sh
# Runs one training job, at most one at a time on this machine (a second call while one runs does nothing).
# Called by cron, or by the webhook receiver (hooks.yaml) when the drift alert fires. docs/deploy.md, "Retraining".
#   RETRAIN_TARGET=compose  (default) docker compose run --rm train, in the current directory (the checkout)
#   RETRAIN_TARGET=cloudrun POST .../jobs/$JOB:run on the Cloud Run Admin API, as gcloud's active account
#                           (needs PROJECT and REGION; JOB defaults to smileflow-train)
set -eu
exec 9>"${RETRAIN_LOCK:-/tmp/smileflow-retrain.lock}"
if ! flock -n 9; then
  echo "retrain: a training job started here is still running; not starting another"
  exit 0
fi
case "${RETRAIN_TARGET:-compose}" in
  compose)
    exec docker compose run --rm train
    ;;
  cloudrun)
    : "${PROJECT:?set PROJECT}" "${REGION:?set REGION}"
    exec curl -fsS -X POST \
      -H "Authorization: Bearer $(gcloud auth print-access-token)" \
      -H "Content-Type: application/json" -d '{}' \
      "https://run.googleapis.com/v2/projects/$PROJECT/locations/$REGION/jobs/${JOB:-smileflow-train}:run"
    ;;
  *)
    echo "retrain: RETRAIN_TARGET must be compose or cloudrun, not '$RETRAIN_TARGET'" >&2
    exit 2
    ;;
esac
