"""The report: one row per phase against the targets, the warnings, the table, the files.

Targets: every page at least TARGET_RATIO of /healthz's requests/s with p95 under
TARGET_P95_MS, no errors, and on PostgreSQL TARGET_VOTES votes/s. A signed-in fan's page
("fan: …") serves at least TARGET_FAN_RATIO of /healthz and costs at most
TARGET_FAN_CPU_MS of server CPU. Visitors keep at least TARGET_WHILE_WRITING of their
read-only requests/s while fans write at their rate limit.

CPU per request: the server's CPU cores over the recorded window (phases.py) × the
window's duration ÷ the requests answered in it, in milliseconds; likewise for the
PostgreSQL backends of the bench database (SQLite works inside the server's processes).
"""

import json
from datetime import UTC, datetime

from common import RESULTS

TARGET_RATIO, TARGET_P95_MS, TARGET_VOTES = 0.35, 100.0, 400.0
FAN_PAGE = "fan: "
TARGET_FAN_RATIO, TARGET_FAN_CPU_MS = 0.15, 8.0
TARGET_WHILE_WRITING = 0.9
READ_ONLY, WHILE_WRITING, EDITS = "visitors", "visitors, fans writing", "fan edits"
WRITES = ("vote", EDITS)


def percentile(values: list[float], share: float) -> float | None:
    """In milliseconds to one decimal; None when no request was answered."""
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))], 1)


def misses(row: dict, vendor: str) -> list[str]:
    """The targets a row missed."""
    missed = []
    if row["errors"]:
        missed.append("errors")
    if not row["requests"]:  # every request outlasted the recorded seconds
        return [*missed, "no answer in time"]
    if row["page"] == "/healthz":
        return missed
    if row["p95_ms"] >= TARGET_P95_MS:
        missed.append("p95")
    if row["page"] == "vote":
        # Only PostgreSQL is meant to take many concurrent writers.
        if vendor == "postgresql" and row["rps"] < TARGET_VOTES:
            missed.append("votes/s")
    elif row["page"].startswith(FAN_PAGE):
        if row["ratio"] is not None and row["ratio"] < TARGET_FAN_RATIO:
            missed.append("ratio")
        cpu = row.get("server_ms_per_request")
        if cpu is not None and cpu > TARGET_FAN_CPU_MS:
            missed.append("cpu")
    elif row["page"] not in WRITES and row["ratio"] is not None and row["ratio"] < TARGET_RATIO:
        missed.append("ratio")
    if row.get("share_of_read_only", 1) < TARGET_WHILE_WRITING:
        missed.append("vs read only")
    return missed


def while_writing(rows: list[dict]) -> dict | None:
    """Visitors' requests/s while fans write, against the same mix read only."""
    by_page = {row["page"]: row for row in rows}
    if READ_ONLY not in by_page or WHILE_WRITING not in by_page:
        return None
    read_only, writing = by_page[READ_ONLY]["rps"], by_page[WHILE_WRITING]["rps"]
    return {
        "read_only_rps": read_only,
        "while_writing_rps": writing,
        "share": round(writing / read_only, 3) if read_only else None,
        "edits_per_second": by_page.get(EDITS, {}).get("rps", 0.0),
    }


def cpu_per_request(cores: float | None, duration: float, requests: int) -> float | None:
    """Milliseconds of CPU per request: cores used × recorded seconds ÷ requests answered."""
    if cores is None or not requests:
        return None
    return round(1000 * cores * duration / requests, 2)


def _cpu_columns(name: str, cpu: dict, merged: dict, duration: float, vendor: str) -> dict:
    """A phase's CPU: cores by party, and the server's and database's ms per request.

    The fans' edits run inside the visitors' phase beside them: that phase's CPU is
    shared by both, so it is divided by both rows' requests and shown on the visitors'."""
    if name not in cpu:
        return {"server_ms_per_request": None, "db_ms_per_request": None}
    columns = dict(cpu[name])
    server_cores, db_cores = columns.pop("server_cores_exact"), columns.pop("db_cores_exact")
    requests = len(merged[name]["times"])
    if name == WHILE_WRITING:
        requests += len(merged.get(EDITS, {}).get("times", []))
    columns["server_ms_per_request"] = cpu_per_request(server_cores, duration, requests)
    # SQLite has no processes of its own: its work is in the server's figure.
    columns["db_ms_per_request"] = (
        cpu_per_request(db_cores, duration, requests) if vendor == "postgresql" else None
    )
    return columns


def summarise(merged: dict, cpu: dict, duration: float, vendor: str) -> list[dict]:
    rows = []
    baseline = None
    for name, phase in merged.items():
        times, errors = phase["times"], sum(phase["errors"].values())
        rps = (len(times) - errors) / duration
        if name == "/healthz":
            baseline = rps
        rows.append(
            {
                "page": name,
                "requests": len(times),
                "rps": round(rps, 1),
                "p50_ms": percentile(times, 0.50),
                "p95_ms": percentile(times, 0.95),
                "p99_ms": percentile(times, 0.99),
                "errors": errors,
                "error_kinds": phase["errors"],
                "ratio": None,
                **_cpu_columns(name, cpu, merged, duration, vendor),
            }
        )
    mixed = while_writing(rows)
    for row in rows:
        row["ratio"] = round(row["rps"] / baseline, 3) if baseline else None
        if row["page"] == WHILE_WRITING and mixed and mixed["share"] is not None:
            row["share_of_read_only"] = mixed["share"]
        row["misses"] = misses(row, vendor)
    return rows


def _number(value: float | None, digits: int = 2) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def table(rows: list[dict]) -> str:
    head = (
        "| page | requests | req/s | p50 ms | p95 ms | p99 ms | errors | × /healthz | "
        "server CPU ms/req | db CPU ms/req | server cores | db cores | loadgen cores | "
        "others' cores | targets |"
    )
    lines = [head, "|" + "---|" * 15]
    for row in rows:
        lines.append(
            f"| {row['page']} | {row['requests']} | {row['rps']:.1f} | "
            f"{_number(row['p50_ms'], 1)} | {_number(row['p95_ms'], 1)} | "
            f"{_number(row['p99_ms'], 1)} | {row['errors']} | "
            f"{_number(row['ratio'])} | "
            f"{_number(row['server_ms_per_request'])} | {_number(row['db_ms_per_request'])} | "
            f"{_number(row.get('server_cores'))} | {_number(row.get('db_cores'))} | "
            f"{_number(row.get('loadgen_cores'))} | {_number(row.get('other_cores'))} | "
            f"{'ok' if not row['misses'] else 'MISS: ' + ', '.join(row['misses'])} |"
        )
    return "\n".join(lines)


def find_warnings(rows: list[dict], counts: dict, static: dict, vote_waits: int) -> list[str]:
    """What makes the numbers doubtful, or the site wrong, beyond the targets."""
    found = [
        f"load generator saturated a core during '{row['page']}' "
        f"({row['loadgen_busiest_core']:.2f}): try --processes 2"
        for row in rows
        if row.get("loadgen_busiest_core", 0) > 0.9
    ]
    busy = [row["page"] for row in rows if row.get("other_cores", 0) > 0.25]
    if busy:
        found.append(
            "other processes on this machine used CPU during "
            + ", ".join(busy)
            + ": throughput and latency there are not trustworthy (server CPU ms/req still is)"
        )
    unanswered = [row["page"] for row in rows if not row["requests"]]
    if unanswered:
        found.append(
            "no request was answered within the recorded seconds of "
            + ", ".join(unanswered)
            + ": raise --duration; their requests ran on into the next phases"
        )
    if vote_waits:
        found.append(f"voters waited {vote_waits}× for the rate-limit window: raise --vote-fans")
    if counts["mismatches"]:
        found.append(f"vote counts are NOT exact after the run: {counts}")
    if static["br"]["content_encoding"] != "br" or static["gzip"]["content_encoding"] != "gzip":
        found.append(f"static files are not served compressed: {static}")
    if "immutable" not in (static["br"]["cache_control"] or ""):
        found.append(f"static files lack far-future cache headers: {static}")
    return found


def markdown(report: dict, vendor: str) -> str:
    counts, static = report["counts_after"], report["static"]
    return "\n".join(
        [
            f"# Bench {report['when']} — {vendor}",
            "",
            ", ".join(f"{k}: {v}" for k, v in report["setup"].items()),
            "",
            table(report["pages"]),
            "",
            *_while_writing_line(report["while_writing"]),
            f"Votes/s: {report['votes_per_second']}. Counts after the run: "
            f"{counts['mismatches']} count or rank mismatches "
            f"over {counts['theories']} theories and {counts['votes']} votes.",
            f"Static {static['path']}: br → {static['br']['content_encoding']}, gzip → "
            f"{static['gzip']['content_encoding']}; Cache-Control: {static['br']['cache_control']}",
            "",
            *(f"WARNING: {w}" for w in report["warnings"]),
        ]
    )


def _while_writing_line(mixed: dict | None) -> list[str]:
    if not mixed or mixed["share"] is None:
        return []
    return [
        f"Visitors while fans write: {mixed['while_writing_rps']} req/s against "
        f"{mixed['read_only_rps']} read only ({100 * mixed['share']:.0f} %, target at least "
        f"{100 * TARGET_WHILE_WRITING:.0f} %); fans made {mixed['edits_per_second']} edits/s "
        "at their rate limit.",
    ]


def write(
    *,
    vendor: str,
    setup: dict,
    rows: list[dict],
    counts: dict,
    static: dict,
    warnings: list[str],
    seconds: float,
) -> None:
    """bench/results/<time>-<database>.json and .md, and the same Markdown on stdout."""
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    report = {
        "when": stamp,
        "setup": setup,
        "pages": rows,
        "votes_per_second": next((r["rps"] for r in rows if r["page"] == "vote"), None),
        "while_writing": while_writing(rows),
        "counts_after": counts,
        "static": static,
        "warnings": warnings,
        "seconds": seconds,
    }
    md = markdown(report, vendor)
    (RESULTS / f"{stamp}-{vendor}.json").write_text(json.dumps(report, indent=2))
    (RESULTS / f"{stamp}-{vendor}.md").write_text(md + "\n")
    print()
    print(md)
    print(
        f"\nWritten to bench/results/{stamp}-{vendor}.md and .json "
        f"({report['seconds']:.0f} s in all)"
    )
