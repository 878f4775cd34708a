"""What a trained model costs the Rasa server: `python -m bench.nlu_cost [MODEL ...]`.

For each model (default: models/onboarding.tar.gz; `--bare` adds the `rasa init` assistant of
`make bench` as a reference) it starts `rasa run --enable-api` alone on a free loopback port and
prints:

- cold start: from the process's start to the answer of its first `/model/parse`;
- model load: `Agent.load` in a fresh interpreter, after Rasa's imports (timed apart);
- parse latency p50/p95 over French and English messages (`/model/parse`: the NLU pipeline,
  no tracker, no action server), sent one at a time, and the server's CPU time per message
  (user + system, from /proc: unlike the latency, it hardly depends on the machine's load);
- peak RSS of the server after those messages;
- whether TensorFlow is imported, and whether a TensorFlow model is loaded (a Keras layer
  built), in the fresh interpreter after loading.

Run it on a quiet machine: every figure is a wall-clock time or a memory size.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from bench.load import OUR_MODEL, RssSampler, bare_model
from tests.factories import BIN, free_port

MESSAGES = [
    "bonjour",
    "je voudrais m'inscrire",
    "l'inscription est-elle payante ?",
    "je n'ai pas reçu l'email d'activation",
    "changer l'adresse mail",
    "on peut parler en anglais ?",
    "hello",
    "I want to register my company",
    "is registration free?",
    "what are the password rules?",
    "the phone number is wrong",
    "thanks a lot",
]
ROUNDS = 10

_LOAD = """
import json, sys, time
started = time.perf_counter()
from rasa.core.agent import Agent
imported = time.perf_counter()
agent = Agent.load(sys.argv[1])
loaded = time.perf_counter()
tf = sys.modules.get("tensorflow")
layers = 0
if tf is not None:
    import gc
    layers = sum(1 for o in gc.get_objects() if isinstance(o, tf.keras.layers.Layer))
print(json.dumps({"import_s": imported - started, "load_s": loaded - imported,
                  "tensorflow_imported": tf is not None, "keras_layers": layers}))
"""


def _get(url: str, body: dict | None = None, timeout: float = 30) -> dict:
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Content-Type": "application/json"}
    request = urllib.request.Request(url, data=data, headers=headers)  # noqa: S310 (loopback)
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
        return json.loads(response.read())


def model_load(model: Path) -> dict:
    output = subprocess.run(  # noqa: S603
        [str(BIN / "python"), "-c", _LOAD, str(model)],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "RASA_TELEMETRY_ENABLED": "false"},
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def serve(model: Path, empty: Path) -> dict:
    """The model alone: no tracker store, action server or channel of this project's files."""
    port = free_port()
    command = [str(BIN / "rasa"), "run", "--enable-api", "--model", str(model)]
    command += ["--port", str(port), "--interface", "127.0.0.1"]
    command += ["--endpoints", str(empty), "--credentials", str(empty)]
    started = time.perf_counter()
    server = subprocess.Popen(  # noqa: S603
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "RASA_TELEMETRY_ENABLED": "false"},
    )
    url = f"http://127.0.0.1:{port}"
    try:
        with RssSampler({"rasa": server.pid}) as sampler:
            while True:
                if server.poll() is not None:
                    raise RuntimeError(f"rasa run exited with {server.returncode}")
                try:
                    _get(f"{url}/model/parse", {"text": "bonjour"}, timeout=5)
                    break
                except OSError:
                    time.sleep(0.2)
            cold_start = time.perf_counter() - started
            cpu_before = cpu_seconds(server.pid)
            latencies = []
            for _ in range(ROUNDS):
                for text in MESSAGES:
                    sent = time.perf_counter()
                    _get(f"{url}/model/parse", {"text": text})
                    latencies.append((time.perf_counter() - sent) * 1000)
            cpu = cpu_seconds(server.pid) - cpu_before
        latencies.sort()
        return {
            "cold_start_s": cold_start,
            "parse_p50_ms": statistics.median(latencies),
            "parse_p95_ms": latencies[int(0.95 * (len(latencies) - 1))],
            "parse_cpu_ms": cpu * 1000 / len(latencies),
            "peak_rss_mb": sampler.peaks["rasa"],
        }
    finally:
        server.terminate()
        server.wait(timeout=30)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("models", nargs="*", type=Path, default=[OUR_MODEL])
    parser.add_argument("--bare", action="store_true", help="add the rasa init assistant")
    args = parser.parse_args(argv)
    models = list(args.models) + ([bare_model()] if args.bare else [])
    print(f"load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f}", flush=True)
    header = (
        f"{'model':<40} {'cold s':>7} {'import s':>8} {'load s':>7} {'p50 ms':>7} "
        f"{'p95 ms':>7} {'CPU ms':>7} {'RSS MB':>7}  TensorFlow"
    )
    print(header)
    empty = Path(tempfile.mkdtemp()) / "empty.yml"
    empty.write_text("{}\n")
    for model in models:
        loaded = model_load(model)
        served = serve(model, empty)
        tensorflow = "imported" if loaded["tensorflow_imported"] else "not imported"
        tensorflow += f", {loaded['keras_layers']} Keras layers loaded"
        print(
            f"{str(model)[-40:]:<40} {served['cold_start_s']:>7.1f} {loaded['import_s']:>8.1f} "
            f"{loaded['load_s']:>7.1f} {served['parse_p50_ms']:>7.1f} "
            f"{served['parse_p95_ms']:>7.1f} {served['parse_cpu_ms']:>7.1f} "
            f"{served['peak_rss_mb']:>7.0f}  {tensorflow}",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
