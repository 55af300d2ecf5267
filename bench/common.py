"""What every part of a bench run shares: its folders, its log line, running the project."""

import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
DATA = BENCH / "data"
RESULTS = BENCH / "results"
PY = sys.executable


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def run_python(env: dict, *args: str, capture: bool = False) -> str:
    """Run a script of the project (manage.py, bench/generate.py) with the bench's settings.

    Returns what it printed when captured (the generator answers in JSON).
    """
    result = subprocess.run(  # noqa: S603
        [PY, *args],
        cwd=ROOT,
        env=env,
        check=True,
        text=True,
        stdout=subprocess.PIPE if capture else None,
    )
    return result.stdout or ""
