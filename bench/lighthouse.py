"""`make lighthouse`: the season guide and a theory page with pictures score Lighthouse 100
for performance on a phone, and axe-core finds no violation on either, light or dark.

What it proves, on a fresh clone, with the pictures in place:
- the season 2 guide (/shows/all-of-us-are-dead/season-2/) and the page of the visible
  theory with the most pictures (a theory without spoilers first, so a visitor sees them)
  score 100 for performance in Lighthouse's mobile defaults: a mid-range phone, simulated
  slow 4G and a 4x slower CPU. One run on a busy two-core machine is noisy, so each page
  is measured RUNS times and the median counts. Accessibility and best practices are
  printed too, for information;
- axe-core (axe-playwright-python, as tests/browser/test_accessibility.py runs it) finds
  0 violations on both pages, in the light and the dark colour scheme.

How:
1. A throwaway site in a temporary folder: its SQLite database, uploads and static files.
   The demo is loaded, and the task worker draws its pictures' renditions (the AVIF and
   WebP srcset) as it would in production; then collectstatic.
2. gunicorn (started in the project folder, so gunicorn.conf.py applies) with the
   production settings, DEBUG off, on 127.0.0.1 over plain HTTP with the HTTPS redirect
   off. Production puts a TLS proxy in front, which may speak HTTP/2; gunicorn speaks
   HTTP/1.1 only, so over TLS Lighthouse's simulation charges a TLS handshake (one
   simulated 150 ms round trip) to every connection the page opens, where an HTTP/2
   proxy pays it once. `--tls` measures that worst case, served as `make bench` serves
   the site (bench/server.py: a throwaway self-signed certificate, which Chromium is
   told to accept, with HSTS and the redirect on).
   Before each run the page is requested once, as a visitor's page is served from the
   page cache once somebody has read it.
3. Lighthouse from npm, pinned (LIGHTHOUSE), run with npx in Debian's Chromium (or
   CHROMIUM_PATH) behind a dead proxy, so nothing outside the machine is reached.
4. The reports go to test-artifacts/lighthouse/; a table goes to stdout.

Exit 1, with the reason, when a page's median performance is below 100 or axe finds a
violation; the failing performance audits are printed with their numbers.

Options: `make lighthouse LIGHTHOUSE_ARGS="--tls --runs 5"`; see --help.
"""

import argparse
import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import server
from common import DATA, PY, ROOT, run_python

# Lighthouse 13 needs Node 22.19 or newer; 12.8 is the last line that runs on Node 20.
LIGHTHOUSE = "lighthouse@12.8.2"
RUNS = 3  # a page's Lighthouse runs: one on a busy two-core machine is noisy
SEASON_GUIDE = "/shows/all-of-us-are-dead/season-2/"
ARTIFACTS = ROOT / "test-artifacts" / "lighthouse"
DEFAULT_CHROMIUM = "/usr/bin/chromium"
CJK_FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")

# As the browser tests launch it: a dead proxy keeps every request on the machine
# (Chromium bypasses proxies for loopback, where the site is).
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--proxy-server=127.0.0.1:9",
]
# Lighthouse starts its own Chromium; with --tls, the certificate is our throwaway one.
LIGHTHOUSE_FLAGS = ["--headless=new", *CHROMIUM_FLAGS, "--ignore-certificate-errors"]
CATEGORIES = ["performance", "accessibility", "best-practices"]
COLOUR_SCHEMES = ["light", "dark"]
COLUMNS = [
    "page",
    "performance",
    "accessibility",
    "best practices",
    "LCP",
    "CLS",
    "TBT",
    "axe violations",
]


@dataclass
class Page:
    slug: str  # its reports' file names
    path: str
    pictures: list[str] = field(default_factory=list)  # the <img> src each must show
    runs: list[dict] = field(default_factory=list)  # Lighthouse's reports
    axe: dict[str, int] = field(default_factory=dict)  # colour scheme -> violations
    axe_reports: dict[str, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        pictures = f" ({len(self.pictures)} pictures)" if self.pictures else ""
        return self.slug.replace("-", " ") + pictures

    def median_run(self) -> dict:
        """The report whose performance score is the median of the runs."""
        ordered = sorted(self.runs, key=performance)
        return ordered[len(ordered) // 2]


def log(message: str) -> None:
    print(f"[lighthouse {time.strftime('%H:%M:%S')}] {message}", flush=True)


def load() -> str:
    """The machine's load: other processes slow the browser, and Lighthouse with it."""
    averages = " / ".join(f"{value:.1f}" for value in os.getloadavg())
    return f"load average {averages} on {os.cpu_count()} cores"


def performance(report: dict) -> float:
    return report["categories"]["performance"]["score"] or 0.0


# The site ---------------------------------------------------------------------------------


def site_env(folder: Path, *, tls: bool) -> dict:
    """The production settings, with everything the site writes kept in `folder`."""
    env = server.production_env(cache_url=server.DB_CACHE_URL, vendor="sqlite", pool=False)
    env |= {
        "SECURE_SSL_REDIRECT": "true" if tls else "false",
        "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
        "MEDIA_ROOT": str(folder / "media"),
        "STATIC_ROOT": str(folder / "static"),
        "EXPORTS_ROOT": str(folder / "exports"),
        # The worker below runs the rendition tasks: whatever a local .env says, they wait
        # in this database, and the pictures stay on this disk.
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "STORAGE_BACKEND": "django.core.files.storage.FileSystemStorage",
    }
    # Korean names on the demo's pictures need a CJK font; without it they are left out.
    if CJK_FONT.is_file():
        env["CARD_FONT"] = str(CJK_FONT)
    return env


def build_site(env: dict) -> None:
    """The demo with its pictures' renditions drawn, and the static files collected."""
    run_python(env, "manage.py", "migrate", "--no-input", "--verbosity", "0")
    run_python(env, "manage.py", "createcachetable")
    run_python(env, "manage.py", "load_demo")
    run_python(
        env,
        "manage.py",
        "db_worker",
        "--batch",
        "--no-reload",
        "--no-startup-delay",
        "--verbosity",
        "0",
    )
    run_python(env, "manage.py", "collectstatic", "--no-input", "--verbosity", "0")


def setup_django(env: dict) -> None:
    """Django in this process, on the site's settings, to ask its database."""
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def theory_with_most_pictures() -> Page:
    """The published, visible theory with the most pictures a visitor is shown."""
    from django.db import connections
    from django.db.models import Count, F

    from guide.models import Theory, TheoryImage

    visible = Theory.objects.visible_to(None).standing()
    counts = (
        TheoryImage.objects.filter(is_hidden=False, theory__in=visible)
        .values("theory")
        .annotate(pictures=Count("pk"))
        # A spoiler theory's pictures are shielded from a visitor: prefer one without.
        .order_by("-pictures", F("theory__spoiler_season").asc(nulls_first=True), "theory")
    )
    best = counts.first()
    if best is None:
        raise SystemExit(
            "No published, visible theory has a picture after load_demo: "
            "there is no theory page with pictures to measure."
        )
    theory = Theory.objects.get(pk=best["theory"])
    pictures = [image.image.url for image in theory.images.filter(is_hidden=False)]
    connections.close_all()  # gunicorn takes the database from here
    return Page("theory", theory.get_absolute_url(), pictures)


@contextlib.contextmanager
def plain_gunicorn(env: dict, folder: Path) -> Iterator[str]:
    """The site over plain HTTP on loopback while the block runs: its http:// address."""
    port = server.free_port()
    host = f"http://127.0.0.1:{port}"
    errors = folder / "gunicorn.log"
    command = [PY, "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port}"]
    command += ["--workers", "2", "--worker-class", "gthread", "--threads", "2"]
    command += ["--error-logfile", str(errors)]
    process = subprocess.Popen(command, cwd=ROOT, env=env)  # noqa: S603
    try:
        try:
            server.wait_until_up(f"{host}/healthz", process)
        except RuntimeError:
            print(errors.read_text() if errors.exists() else "", file=sys.stderr)
            raise SystemExit("gunicorn did not start; its log is above") from None
        log(f"gunicorn up at {host}")
        yield host
    finally:
        server.stop(process)


@contextlib.contextmanager
def serving(env: dict, folder: Path, *, tls: bool) -> Iterator[str]:
    """The site's address while the block runs, over TLS as `make bench` serves it or not."""
    if not tls:
        with plain_gunicorn(env, folder) as host:
            yield host
        return
    DATA.mkdir(exist_ok=True)  # gunicorn's error log goes there, as in `make bench`
    with server.gunicorn(env, workers=2, worker_class="gthread", threads=2) as (host, _):
        yield host


def warm(host: str, page: Page) -> None:
    """A request first, so that the page is measured as the page cache serves it; and
    the check that the theory's pictures are in it."""
    request = urllib.request.Request(host + page.path)  # noqa: S310 - our own server
    with urllib.request.urlopen(request, context=server.insecure_context()) as response:  # noqa: S310
        if response.status != 200:
            raise SystemExit(f"{page.path} answered {response.status}")
        html = response.read().decode()
    missing = [src for src in page.pictures if f'src="{src}"' not in html]
    if missing:
        raise SystemExit(f"{page.path} does not show its pictures: {', '.join(missing)}")


# Lighthouse -------------------------------------------------------------------------------


def chromium_path() -> str:
    path = os.environ.get("CHROMIUM_PATH") or DEFAULT_CHROMIUM
    if not (Path(path).is_file() and os.access(path, os.X_OK)):
        raise SystemExit(f"Chromium not found at {path}; set CHROMIUM_PATH")
    return path


def npx() -> str:
    path = shutil.which("npx")
    if path is None:
        raise SystemExit("npx not found: Lighthouse runs with Node.js 18.16 or newer and npm")
    return path


def fetch_lighthouse() -> None:
    """npx downloads the pinned Lighthouse once, before anything is measured."""
    version = subprocess.run(  # noqa: S603
        [npx(), "--yes", LIGHTHOUSE, "--version"], check=True, capture_output=True, text=True
    ).stdout.strip()
    log(f"Lighthouse {version}")


def run_lighthouse(url: str, output: Path, chromium: str) -> dict:
    """One Lighthouse run with its mobile defaults; its JSON report."""
    command = [
        npx(),
        "--yes",
        LIGHTHOUSE,
        url,
        "--quiet",
        "--output=json",
        f"--output-path={output}",
        f"--only-categories={','.join(CATEGORIES)}",
        f"--chrome-flags={' '.join(LIGHTHOUSE_FLAGS)}",
    ]
    env = {**os.environ, "CHROME_PATH": chromium}
    finished = subprocess.run(command, env=env, stdout=subprocess.DEVNULL)  # noqa: S603
    if finished.returncode != 0:
        raise SystemExit(f"Lighthouse failed on {url} (exit {finished.returncode})")
    report = json.loads(output.read_text())
    if error := report.get("runtimeError"):
        raise SystemExit(f"Lighthouse could not measure {url}: {error.get('message')}")
    return report


def measure(host: str, page: Page, folder: Path, chromium: str, runs: int) -> None:
    for run in range(1, runs + 1):
        warm(host, page)  # a visitor's page stays in the page cache for 30 seconds only
        output = folder / f"{page.slug}-{run}.json"
        report = run_lighthouse(host + page.path, output, chromium)
        page.runs.append(report)
        log(
            f"{page.name} run {run}: performance {score(performance(report))}"
            f" (FCP {metric(report, 'first-contentful-paint')},"
            f" LCP {metric(report, 'largest-contentful-paint')},"
            f" TBT {metric(report, 'total-blocking-time')};"
            f" benchmark index {report['environment']['benchmarkIndex']:.0f})"
        )


# axe --------------------------------------------------------------------------------------


def run_axe(host: str, pages: list[Page], chromium: str) -> None:
    """axe-core on each page in each colour scheme, as the browser tests run it."""
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright

    axe = Axe()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium, headless=True, args=CHROMIUM_FLAGS
        )
        for scheme in COLOUR_SCHEMES:
            context = browser.new_context(color_scheme=scheme, ignore_https_errors=True)
            tab = context.new_page()
            for page in pages:
                tab.goto(host + page.path)
                shown = sum(tab.locator(f'img[src="{src}"]').count() for src in page.pictures)
                if shown < len(page.pictures):
                    raise SystemExit(f"{page.path} shows {shown} of its pictures in Chromium")
                results = axe.run(tab)
                page.axe[scheme] = results.violations_count
                if results.violations_count:
                    page.axe_reports[scheme] = results.generate_report()
            context.close()
        browser.close()


# The report -------------------------------------------------------------------------------


def score(value: float | None) -> str:
    return "-" if value is None else str(round(value * 100))


def metric(report: dict, audit: str) -> str:
    return report["audits"][audit].get("displayValue", "-").replace("\xa0", " ")


def table(pages: list[Page]) -> str:
    rows = [COLUMNS]
    for page in pages:
        median = page.median_run()
        runs = "/".join(score(performance(report)) for report in page.runs)
        rows.append(
            [
                page.name,
                f"{score(performance(median))} ({runs})",
                score(median["categories"]["accessibility"]["score"]),
                score(median["categories"]["best-practices"]["score"]),
                metric(median, "largest-contentful-paint"),
                metric(median, "cumulative-layout-shift"),
                metric(median, "total-blocking-time"),
                ", ".join(f"{page.axe[scheme]} {scheme}" for scheme in COLOUR_SCHEMES),
            ]
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS))]
    lines = ("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in rows)
    return "\n".join(line.rstrip() for line in lines)


def failing_audits(report: dict) -> list[str]:
    """The performance audits that did not pass, with Lighthouse's numbers: a metric
    (it has a weight) below full marks, any other audit below Lighthouse's pass (0.9)."""
    lines = []
    for ref in report["categories"]["performance"]["auditRefs"]:
        audit = report["audits"][ref["id"]]
        passing = 1.0 if ref["weight"] else 0.9
        if audit.get("score") is None or audit["score"] >= passing:
            continue
        weight = f", weight {ref['weight']}" if ref["weight"] else ""
        lines.append(f"  {audit['title']} (score {audit['score']}{weight}): {findings(audit)}")
    return lines


def findings(audit: dict) -> str:
    """What an audit found: its value, the checks it failed, the files it names."""
    details = audit.get("details") or {}
    parts = [audit.get("displayValue", "").replace("\xa0", " ")]
    parts += [f"not met: {label}" for label in unmet_checks(details)]
    parts += [urlsplit(item["url"]).path for item in details.get("items", []) if "url" in item]
    return "; ".join(part for part in parts if part) or "see the report"


def unmet_checks(details: dict) -> list[str]:
    """The labels of a checklist's failed checks (an insight's details nest them)."""
    if details.get("type") == "checklist":
        return [check["label"] for check in details["items"].values() if not check["value"]]
    if details.get("type") == "list":
        return [label for item in details["items"] for label in unmet_checks(item)]
    return []


def failures(pages: list[Page]) -> list[str]:
    reasons = []
    for page in pages:
        median = page.median_run()
        if performance(median) < 1.0:
            benchmark = median["environment"]["benchmarkIndex"]
            reasons.append(
                f"{page.name}: median performance {score(performance(median))}, not 100 "
                f"(this machine's benchmark index {benchmark:.0f}); failing audits:"
            )
            reasons.extend(failing_audits(median))
        for scheme, report in page.axe_reports.items():
            reasons.append(f"{page.name} ({scheme}): axe found violations\n{report}")
    return reasons


def save_reports(pages: list[Page]) -> None:
    """Every run's report, and the summary, to test-artifacts/lighthouse/."""
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    ARTIFACTS.mkdir(parents=True)
    summary = []
    for page in pages:
        for run, report in enumerate(page.runs, start=1):
            (ARTIFACTS / f"{page.slug}-{run}.json").write_text(json.dumps(report))
        summary.append(
            {
                "page": page.name,
                "path": page.path,
                "performance": [performance(report) for report in page.runs],
                "median_performance": performance(page.median_run()),
                "axe_violations": page.axe,
            }
        )
    (ARTIFACTS / "summary.json").write_text(json.dumps(summary, indent=2))


# The run ----------------------------------------------------------------------------------


def interrupted(signum, frame):
    raise KeyboardInterrupt


def measure_site(
    env: dict, pages: list[Page], folder: Path, chromium: str, args: argparse.Namespace
) -> None:
    """Serve the site, run Lighthouse and axe on every page, stop the server."""
    with serving(env, folder, tls=args.tls) as host:
        for page in pages:
            measure(host, page, folder, chromium, args.runs)
        run_axe(host, pages, chromium)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=RUNS, help="Lighthouse runs a page")
    parser.add_argument(
        "--tls", action="store_true", help="serve over TLS from gunicorn, as `make bench` does"
    )
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    started = time.monotonic()
    signal.signal(signal.SIGTERM, interrupted)  # the server is stopped either way
    chromium = chromium_path()
    fetch_lighthouse()
    with tempfile.TemporaryDirectory(prefix="lighthouse-") as temporary:
        folder = Path(temporary)
        env = site_env(folder, tls=args.tls)
        log("building the demo site (migrate, load_demo, renditions, collectstatic)")
        build_site(env)
        setup_django(env)
        pages = [Page("season-guide", SEASON_GUIDE), theory_with_most_pictures()]
        log(f"measuring {', '.join(page.path for page in pages)}; {load()}")
        measure_site(env, pages, folder, chromium, args)
    save_reports(pages)
    print(f"\n{table(pages)}\n")
    transport = "TLS" if args.tls else "plain HTTP"
    log(f"{LIGHTHOUSE}, median of {args.runs} runs a page over {transport}")
    log(f"reports in test-artifacts/lighthouse/; took {time.monotonic() - started:.0f} s")
    log(load())
    if reasons := failures(pages):
        print("\nFAILED:\n" + "\n".join(reasons))
        return 1
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
