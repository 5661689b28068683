"""Load test for the smileflow api: a realistic mix of classify traffic, every response's content checked.

Traffic (task weights):
  * 80  POST /v1/classify        one flower drawn around one of the three Iris classes (per-class mean and
                                 standard deviation of the Iris data); 1 in 10 is the class centroid, whose
                                 label must be that class.
  * 14  POST /v1/classify/batch  2..20 such flowers; one prediction per row, in order.
  * 6   invalid requests         missing / unknown / null / non-numeric fields, broken JSON, a JSON array,
                                 the wrong content type: each must come back with its 4xx status and the
                                 failure envelope; a 2xx or 5xx counts as a failure.

Think time: --think-time SECONDS (max; 0 = none, the default). SLO gate at exit: the run fails (exit 3) when
the failure ratio passes --slo-max-error-ratio, (exit 4) when the aggregated p95 passes --slo-p95-ms, (exit 2)
when nothing was sent. See locust/README.md.
"""

import json
import os
import random

from locust import FastHttpUser, events, task

CLASSIFY = "/v1/classify"
BATCH = "/v1/classify/batch"
FEATURES = ("sepal_length", "sepal_width", "petal_length", "petal_width")

# Per-class mean and standard deviation of the four Iris measurements (cm).
IRIS = {
    "setosa": ((5.006, 3.428, 1.462, 0.246), (0.352, 0.379, 0.174, 0.105)),
    "versicolor": ((5.936, 2.770, 4.260, 1.326), (0.516, 0.314, 0.470, 0.198)),
    "virginica": ((6.588, 2.974, 5.552, 2.026), (0.636, 0.322, 0.552, 0.275)),
}

# A random flower of a random class; reproducible per user when LOCUST_SEED is set.
_SEED = os.environ.get("LOCUST_SEED")


def flower(rng, species=None, centroid=False):
    species = species or rng.choice(tuple(IRIS))
    means, stds = IRIS[species]
    if centroid:
        values = means
    else:
        values = [max(0.1, rng.gauss(m, s)) for m, s in zip(means, stds)]
    return species, {name: round(v, 2) for name, v in zip(FEATURES, values)}


# Invalid bodies: (name, body bytes, content type, expected status, substring the error message must hold).
def _invalid_cases():
    good = {"sepal_length": 5.1, "sepal_width": 3.5, "petal_length": 1.4, "petal_width": 0.2}
    missing = dict(good)
    del missing["petal_width"]
    unknown = dict(good, colour=1.0)
    null = dict(good, sepal_width=None)
    text = dict(good, petal_length="long")
    as_json = lambda body: json.dumps(body).encode()  # noqa: E731
    return [
        ("missing field", as_json(missing), "application/json", 400, "petal_width"),
        ("unknown field", as_json(unknown), "application/json", 400, "colour"),
        ("null value", as_json(null), "application/json", 400, "sepal_width"),
        ("non-numeric value", as_json(text), "application/json", 400, "petal_length"),
        ("broken json", b'{"sepal_length": 5.1,', "application/json", 400, ""),
        ("json array", b"[1, 2, 3, 4]", "application/json", 400, ""),
        ("wrong content type", b"sepal_length=5.1", "text/plain", 415, ""),
    ]


INVALID = _invalid_cases()


@events.init_command_line_parser.add_listener
def _options(parser):
    parser.add_argument("--think-time", type=float, default=0.0, env_var="LOCUST_THINK_TIME",
                        help="max seconds a user waits between requests (uniform 0..N); 0 = no think time")
    parser.add_argument("--slo-p95-ms", type=float, default=200.0, env_var="LOCUST_SLO_P95_MS",
                        help="fail the run (exit 4) when the aggregated p95 response time passes this")
    parser.add_argument("--slo-max-error-ratio", type=float, default=0.01, env_var="LOCUST_SLO_MAX_ERROR_RATIO",
                        help="fail the run (exit 3) when the ratio of failed requests passes this")
    parser.add_argument("--api-key", default="", env_var="LOCUST_API_KEY",
                        help="sent as X-API-Key when the api has API_KEY set")


def _envelope_error(resp, expected_status):
    """Returns why a failure response breaks the contract, or None when it holds."""
    try:
        body = resp.json()
    except Exception:  # noqa: BLE001 - any parse problem is a contract failure
        return "body is not JSON"
    if body.get("message") != "failed" or body.get("data") is not None:
        return "not a failure envelope"
    error = body.get("error") or {}
    if error.get("code") != str(expected_status):
        return f"error.code {error.get('code')!r} != {expected_status}"
    if not error.get("message"):
        return "error.message is empty"
    return None


def _prediction_error(data, species=None):
    """Returns why one prediction breaks the contract, or None when it holds."""
    if not isinstance(data, dict):
        return "prediction is not an object"
    label = data.get("pred_label")
    confidence = data.get("pred_confidence")
    if not isinstance(label, str) or not any(label.endswith(s) for s in IRIS):
        return f"unexpected pred_label {label!r}"
    if not isinstance(confidence, (int, float)) or not 0.0 <= confidence <= 1.0:
        return f"pred_confidence {confidence!r} not in [0, 1]"
    if not str(data.get("model_version") or "").isdigit():
        return f"model_version {data.get('model_version')!r} is not a version number"
    if species is not None and not label.endswith(species):
        return f"centroid of {species} classified as {label}"
    return None


class ApiUser(FastHttpUser):
    """One client of the classify api."""

    def wait_time(self):
        options = self.environment.parsed_options
        think = options.think_time if options else 0.0
        return 0.0 if think <= 0 else self.rng.uniform(0.0, think)

    def on_start(self):
        self.rng = random.Random(f"{_SEED}-{id(self)}" if _SEED else None)
        key = self.environment.parsed_options.api_key if self.environment.parsed_options else ""
        self.headers = {"Content-Type": "application/json"}
        if key:
            self.headers["X-API-Key"] = key

    @task(80)
    def classify(self):
        centroid = self.rng.random() < 0.1
        species, row = flower(self.rng, centroid=centroid)
        with self.client.post(CLASSIFY, data=json.dumps(row), headers=self.headers,
                              name=f"POST {CLASSIFY}", catch_response=True) as resp:
            if resp.status_code != 200:
                resp.failure(f"status {resp.status_code}")
                return
            try:
                body = resp.json()
            except Exception:  # noqa: BLE001
                resp.failure("body is not JSON")
                return
            if body.get("message") != "success" or body.get("error") is not None:
                resp.failure("not a success envelope")
                return
            problem = _prediction_error(body.get("data"), species if centroid else None)
            if problem:
                resp.failure(problem)
            else:
                resp.success()

    @task(14)
    def classify_batch(self):
        rows = [flower(self.rng)[1] for _ in range(self.rng.randint(2, 20))]
        with self.client.post(BATCH, data=json.dumps({"rows": rows}), headers=self.headers,
                              name=f"POST {BATCH}", catch_response=True) as resp:
            if resp.status_code != 200:
                resp.failure(f"status {resp.status_code}")
                return
            try:
                body = resp.json()
            except Exception:  # noqa: BLE001
                resp.failure("body is not JSON")
                return
            data = body.get("data") or {}
            predictions = data.get("predictions") if isinstance(data, dict) else None
            if body.get("message") != "success" or not isinstance(predictions, list):
                resp.failure("not a batch success envelope")
                return
            if len(predictions) != len(rows):
                resp.failure(f"{len(predictions)} predictions for {len(rows)} rows")
                return
            for p in predictions:
                problem = _prediction_error(dict(p, model_version=p.get("model_version", data.get("model_version"))))
                if problem:
                    resp.failure(problem)
                    return
            resp.success()

    @task(6)
    def invalid(self):
        name, body, content_type, status, mentions = self.rng.choice(INVALID)
        headers = dict(self.headers, **{"Content-Type": content_type})
        with self.client.post(CLASSIFY, data=body, headers=headers,
                              name=f"POST {CLASSIFY} [invalid: {name}]", catch_response=True) as resp:
            if resp.status_code != status:
                resp.failure(f"{name}: status {resp.status_code}, expected {status}")
                return
            problem = _envelope_error(resp, status)
            if problem is None and mentions and mentions not in (resp.json().get("error") or {}).get("message", ""):
                problem = f"error message does not name {mentions!r}"
            if problem:
                resp.failure(f"{name}: {problem}")
            else:
                resp.success()


@events.quitting.add_listener
def _slo_gate(environment, **_kwargs):
    """Sets the process exit code from the SLOs (this overrides --exit-code-on-error)."""
    total = environment.stats.total
    options = environment.parsed_options
    max_ratio = options.slo_max_error_ratio if options else 0.01
    max_p95 = options.slo_p95_ms if options else 200.0
    if total.num_requests == 0:
        print("SLO: no requests were sent", flush=True)
        environment.process_exit_code = 2
        return
    p95 = total.get_response_time_percentile(0.95)
    print(f"SLO: {total.num_requests} requests, failure ratio {total.fail_ratio:.4f} (max {max_ratio}), "
          f"p95 {p95:.0f} ms (max {max_p95:.0f} ms), {total.total_rps:.0f} req/s", flush=True)
    if total.fail_ratio > max_ratio:
        environment.process_exit_code = 3
    elif p95 > max_p95:
        environment.process_exit_code = 4
    else:
        environment.process_exit_code = 0
