"""Benchmark of audits at scale: reprotrack's first and second audit beside a plain baseline.

Run: `python -m benchmarks.audit --papers 1000 [--latency 0.05] [--token/--no-token]
[--discovery] [--baseline-papers K] [--json out.json]`. For each N it builds a synthetic corpus
(`benchmarks.corpus`), serves it from the loopback fakes in a separate process
(`benchmarks.serve`, `--latency` seconds added to every request, GitHub's and the Hub's rate
limits applied), imports it into a fresh SQLite store, then measures, each in a process of its
own (`benchmarks.phases`): the first audit, a second audit with nothing changed, and the baseline
(`benchmarks.baseline`). Requests are counted by the fakes; the tool's own ledger is printed
beside them as a check. With `--baseline-papers K` (K < N) the baseline covers the first K
papers and its counts and times are scaled by N/K (marked `extrapolated`): it is sequential, so
it grows linearly. Figures go to stdout as a table and, with `--json`, to a file.

Beside those, each audit row gives: its network bound (`network_bound`: per service, the
requests over the service's concurrency times the latency, GitHub's spacing included; the run's
bound is its slowest service) and `wall_per_bound`; the store's growth per paper
(`bytes_per_paper`: the first audit's, then the unchanged re-audit's); and the Hub entries
no audit has observed yet (`hub_unobserved`: with `--hub-api-limit` below the corpus's Hub
entries, what a quota leaves for later audits). `--database sqlite postgres` measures both
stores; `--quota-wait` sets how long an audit waits for a spent quota window.

After the runs it prints the store's growth per paper by table (`table_bytes_per_paper`),
the Hub quota scenario (`--hub-papers 10000`: the Hub entries of that many papers under the
free quota, 1,000 requests per 5 minutes, time accelerated by `--time-scale`; see
`hub_quota_scenario`), and the issue's targets beside today's figures, with the 52-weekly-audits
estimate (`yearly_store`, retention `--keep-all-days`). `--discovery-modes off on` measures
discovery both ways. `--quick` runs every part small (tests/benchmarks run it). The figures of
issue 14: `python -m benchmarks.audit --papers 1000 --database sqlite postgres
--discovery-modes off on --skip-baseline --hub-papers 10000 --time-scale 5`.
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from benchmarks.corpus import build_corpus, write_jsonl

ROOT = Path(__file__).resolve().parents[1]
SERVICES = ("github", "huggingface", "osf", "web")
RUNS = ("first audit", "second audit", "baseline")


class Fakes:
    """The fakes' process (`benchmarks.serve`), driven over its stdin and stdout."""

    def __init__(self, papers: int, latency: float, hub_api_limit: int | None,
                 hub_window: int = 300) -> None:
        command = [sys.executable, "-m", "benchmarks.serve", "--papers", str(papers),
                   "--latency", str(latency), "--hub-window", str(hub_window)]
        if hub_api_limit is not None:
            command += ["--hub-api-limit", str(hub_api_limit)]
        self.process = subprocess.Popen(command, cwd=ROOT, stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, text=True)
        self.urls: dict[str, str] = self._read()

    def _read(self) -> Any:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError("the fakes' process ended early")
        return json.loads(line)

    def ask(self, command: str) -> Any:
        """Send one command (`counts`, `reset`) and return its answer."""
        assert self.process.stdin is not None
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        return self._read()

    def close(self) -> None:
        """Stop the fakes' process."""
        try:
            assert self.process.stdin is not None
            self.process.stdin.write("quit\n")
            self.process.stdin.close()
            self.process.wait(timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            self.process.kill()


def run_phase(phase: str, spec: dict[str, Any]) -> dict[str, Any]:
    """Run `benchmarks.phases` in a fresh process; its figures."""
    done = subprocess.run([sys.executable, "-m", "benchmarks.phases", phase, json.dumps(spec)],
                          cwd=ROOT, stdout=subprocess.PIPE, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _row(run: str, measured: dict[str, Any], counts: dict[str, Any], papers: int,
         links: dict[str, int], scale: float = 1.0) -> dict[str, Any]:
    """The figures of one run, from the phase's own figures and what the fakes counted."""
    requests = {s: round(counts[s]["requests"] * scale) for s in SERVICES}
    total = sum(requests.values())
    graphql = counts["github"]["graphql_requests"]
    rest = sum(counts[s]["requests"] for s in SERVICES) - graphql
    not_modified = sum(counts[s]["not_modified"] for s in SERVICES)
    hub_entries = links.get("hf_model", 0) + links.get("hf_dataset", 0)
    row = {
        "run": run, "papers": papers, "links": sum(v for k, v in links.items() if k in
                                                    ("github", "hf_model", "hf_dataset", "osf",
                                                     "page")),
        "requests": requests, "requests_total": total,
        "requests_per_paper": round(total / papers, 3),
        "github_per_repository": round(requests["github"] / max(1, links.get("github", 0)), 3),
        "hub_per_entry": round(requests["huggingface"] / max(1, hub_entries), 3),
        "graphql_requests": round(graphql * scale),
        "graphql_points": round(counts["github"]["graphql_points"] * scale),
        "github_rest_charged": round(counts["github"]["rest_charged"] * scale),
        "rest_requests": round(rest * scale), "rest_304": round(not_modified * scale),
        "rest_304_share": round(not_modified / rest, 3) if rest else None,
        "wall_seconds": round(measured["wall_seconds"] * scale, 2),
        "cpu_seconds": round(measured["cpu_seconds"] * scale, 2),
        "peak_rss_mb": measured["peak_rss_mb"],
        "db_mb": round(measured["db_bytes"] / 2**20, 2),
        "extrapolated": scale != 1.0,
        "statuses": {s: counts[s]["statuses"] for s in SERVICES},
    }
    for key in ("tool_requests", "tool_not_modified", "link_statuses", "outcomes", "status",
                "rate_limit_waits", "links_checked", "hub_unobserved"):
        if key in measured:
            row[key] = measured[key]
    return row


def network_bound(requests: dict[str, int], latency: float) -> dict[str, float]:
    """Seconds each service's requests need at least, and the run's bound (the largest).

    A service with concurrency c answers its n requests in no less than ceil(n / c) x latency;
    GitHub is asked serially, each request at least PyGithub's spacing apart. The services are
    asked in parallel, so the run cannot be faster than its slowest service.
    """
    from tracker.config import Settings

    settings = Settings()
    concurrency = settings.http.concurrency_per_service
    per_service = {}
    for service, count in requests.items():
        if service == "github":
            seconds = count * max(latency, settings.github.min_request_interval)
        else:
            seconds = math.ceil(count / concurrency) * latency
        per_service[service] = round(seconds, 2)
    per_service["bound"] = max(per_service.values(), default=0.0)
    return per_service


def benchmark(papers: int, args: argparse.Namespace, workdir: Path,
              database: str = "sqlite", discovery: bool | None = None) -> dict[str, Any]:
    """Every run for one corpus size, store and discovery setting."""
    discovery = args.discovery if discovery is None else discovery
    corpus = build_corpus(papers)
    links = corpus.mix()
    fakes = Fakes(papers, args.latency, args.hub_api_limit, args.hub_window)
    try:
        corpus_path = workdir / f"corpus-{papers}.jsonl"
        db = workdir / f"audit-{papers}-{database}-{'disc' if discovery else 'nodisc'}.db"
        db.unlink(missing_ok=True)
        write_jsonl(corpus, corpus_path, fakes.urls["web"])
        spec = {"db": str(db), "corpus": str(corpus_path), "urls": fakes.urls,
                "token": args.token, "discovery": discovery,
                "quota_wait": args.quota_wait}
        if database == "postgres":
            spec["db_url"] = fresh_postgres_schema(args.postgres_url)
        imported = run_phase("import", spec)
        rows = []
        stored, tables = imported["db_bytes"], imported.get("table_bytes", {})
        for run in ("first audit", "second audit"):
            fakes.ask("reset")
            measured = run_phase("audit", spec)
            rows.append(_row(run, measured, fakes.ask("counts"), papers, links))
            rows[-1]["database"] = database
            rows[-1]["discovery"] = discovery
            rows[-1]["bytes_per_paper"] = round((measured["db_bytes"] - stored) / papers)
            after = measured.get("table_bytes", {})
            rows[-1]["table_bytes_per_paper"] = {
                name: round((after.get(name, 0) - tables.get(name, 0)) / papers)
                for name in sorted(set(after) | set(tables))
                if after.get(name, 0) != tables.get(name, 0)}
            stored, tables = measured["db_bytes"], after
            bound = network_bound(rows[-1]["requests"], args.latency)
            rows[-1]["network_bound"] = bound
            rows[-1]["wall_per_bound"] = (round(rows[-1]["wall_seconds"] / bound["bound"], 2)
                                          if bound["bound"] else None)
        if (not args.skip_baseline and database == args.database[0]
                and discovery == args.discovery):  # the baseline has no store, no discovery
            sample = min(papers, args.baseline_papers or papers)
            fakes.ask("reset")
            baseline_spec = {**spec, "db": str(workdir / f"baseline-{papers}.json"),
                             "papers": sample, "baseline_spacing": args.baseline_spacing}
            measured = run_phase("baseline", baseline_spec)
            counts = fakes.ask("counts")
            rows.append(_row("baseline", measured, counts, papers, links, papers / sample))
            rows[-1]["baseline_papers_measured"] = sample
    finally:
        fakes.close()
    return {"papers": papers, "latency": args.latency, "token": args.token,
            "discovery": discovery, "database": database, "mix": links,
            "import": imported, "runs": rows, "ratios": ratios(rows),
            "hub_quota": args.hub_api_limit, "hub_window": args.hub_window,
            "quota_wait": args.quota_wait}


def fresh_postgres_schema(url: str) -> str:
    """A new, empty schema in the PostgreSQL at `url`; the URL that uses it."""
    import uuid

    import psycopg

    schema = f"bench_{uuid.uuid4().hex[:10]}"
    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn, autocommit=True) as connection:
        connection.execute(f'CREATE SCHEMA "{schema}"')
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}options=-csearch_path%3D{schema}"


def ratios(rows: list[dict[str, Any]]) -> dict[str, float | None]:
    """reprotrack's first audit against the baseline, and the second audit against the first."""
    by_run = {row["run"]: row for row in rows}
    first, second = by_run["first audit"], by_run["second audit"]

    def ratio(a: float, b: float) -> float | None:
        return round(a / b, 4) if b else None

    figures: dict[str, float | None] = {
        "second_vs_first_wall": ratio(second["wall_seconds"], first["wall_seconds"]),
    }
    if "baseline" in by_run:
        base = by_run["baseline"]
        figures.update(
            requests_total=ratio(first["requests_total"], base["requests_total"]),
            github_requests=ratio(first["requests"]["github"], base["requests"]["github"]),
            hub_requests=ratio(first["requests"]["huggingface"],
                               base["requests"]["huggingface"]),
            wall_time=ratio(first["wall_seconds"], base["wall_seconds"]),
            peak_rss=ratio(first["peak_rss_mb"], base["peak_rss_mb"]),
        )
    return figures


COLUMNS = (
    ("run", "run", "{}"), ("papers", "papers", "{}"), ("links", "links", "{}"),
    ("discovery", lambda r: "on" if r.get("discovery") else "off", "{}"),
    ("GH req", lambda r: r["requests"]["github"], "{}"),
    ("Hub req", lambda r: r["requests"]["huggingface"], "{}"),
    ("OSF", lambda r: r["requests"]["osf"], "{}"), ("web", lambda r: r["requests"]["web"], "{}"),
    ("total", "requests_total", "{}"), ("req/paper", "requests_per_paper", "{:.3f}"),
    ("GH/repo", "github_per_repository", "{:.3f}"), ("Hub/entry", "hub_per_entry", "{:.3f}"),
    ("GQL pts", "graphql_points", "{}"), ("REST 304", "rest_304_share", "{:.0%}"),
    ("wall s", "wall_seconds", "{:.1f}"), ("CPU s", "cpu_seconds", "{:.1f}"),
    ("RSS MB", "peak_rss_mb", "{:.0f}"), ("DB MB", "db_mb", "{:.1f}"),
    ("store", lambda r: r.get("database", "-"), "{}"),
    ("bound s", lambda r: r.get("network_bound", {}).get("bound"), "{:.1f}"),
    ("wall/bound", lambda r: r.get("wall_per_bound"), "{:.2f}"),
    ("B/paper", lambda r: r.get("bytes_per_paper"), "{}"),
    ("Hub unobserved", lambda r: r.get("hub_unobserved"), "{}"),
)


def table(results: list[dict[str, Any]]) -> str:
    """The figures of every run as a Markdown table, then each size's ratios."""
    lines = ["| " + " | ".join(name for name, _, _ in COLUMNS) + " |",
             "|" + "---|" * len(COLUMNS)]
    notes = []
    for result in results:
        for row in result["runs"]:
            cells = []
            for _, key, fmt in COLUMNS:
                value = key(row) if callable(key) else row[key]
                cells.append("-" if value is None else fmt.format(value))
            if row.get("extrapolated"):
                cells[0] += f" (x{row['papers'] / row['baseline_papers_measured']:g})"
            lines.append("| " + " | ".join(cells) + " |")
        shown = ", ".join(f"{k} {v:g}" for k, v in result["ratios"].items() if v is not None)
        notes.append(f"N={result['papers']} ({result.get('database', 'sqlite')}): "
                     f"reprotrack/baseline ratios: {shown}")
    return "\n".join(lines + [""] + notes)


HUB_KINDS = frozenset({"hf_model", "hf_dataset"})
FREE_HUB_QUOTA, HUB_WINDOW, QUOTA_WAIT = 1_000, 300, 60.0  # a free account; the tool's default
TARGET_PAPERS = 10_000  # the scale the quota and yearly targets speak of


def hub_quota_scenario(papers: int, args: argparse.Namespace, workdir: Path,
                       quota_wait: float) -> dict[str, Any]:
    """Two audits of the corpus's Hub entries under a free quota; entries left unobserved.

    The fake Hub enforces `FREE_HUB_QUOTA x papers / 10,000` requests per window (the free
    tier's ratio of quota to entries at 10,000 papers; the quota itself at 10,000). Time is
    accelerated: the window is `300 / --time-scale` seconds, and `quota_wait` (real seconds)
    is divided by the same scale. Only the Hub links are imported (other services do not
    touch the Hub's quota, they would only lengthen the run), and each audit gets a fresh
    window, as audits a week apart would.
    """
    corpus = build_corpus(papers)
    entries = sum(corpus.mix().get(kind, 0) for kind in HUB_KINDS)
    limit = max(1, round(FREE_HUB_QUOTA * papers / TARGET_PAPERS))
    window = max(1, round(HUB_WINDOW / args.time_scale))
    fakes = Fakes(papers, args.latency, limit, window)
    runs = []
    try:
        corpus_path = workdir / f"hub-{papers}.jsonl"
        db = workdir / f"hub-{papers}-{quota_wait:g}.db"
        db.unlink(missing_ok=True)
        write_jsonl(corpus, corpus_path, fakes.urls["web"], kinds=HUB_KINDS)
        spec = {"db": str(db), "corpus": str(corpus_path), "urls": fakes.urls,
                "token": args.token, "discovery": False,
                "quota_wait": quota_wait / args.time_scale}
        run_phase("import", spec)
        for run in ("first audit", "second audit"):
            fakes.ask("reset")
            measured = run_phase("audit", spec)
            counts = fakes.ask("counts")["huggingface"]
            runs.append({"run": run, "hub_requests": counts["requests"],
                         "refused_429": counts["statuses"].get("429", 0),
                         "hub_unobserved": measured["hub_unobserved"],
                         "wall_seconds": measured["wall_seconds"],
                         "waits": measured.get("rate_limit_waits", {})})
    finally:
        fakes.close()
    return {"papers": papers, "entries": entries, "quota": limit, "window_seconds": window,
            "time_scale": args.time_scale, "quota_wait": quota_wait,
            "quota_wait_scaled": round(quota_wait / args.time_scale, 2), "runs": runs}


def yearly_store(first: dict[str, Any], second: dict[str, Any], *, keep_all_days: float,
                 papers: int = TARGET_PAPERS, audits: int = 52) -> dict[str, Any]:
    """The store after `audits` weekly audits of `papers` papers, from measured bytes/paper.

    Simulated: the first audit's growth once, then the unchanged re-audit's for each audit the
    retention setting keeps whole (`tracker.store.retention.audits_to_thin` decides, on weekly
    dates); a thinned unchanged audit keeps only its audit row (its rows repeat the previous
    ones and are deleted), and SQLite re-uses the freed pages for the audits after it.
    """
    from datetime import UTC, datetime, timedelta

    from tracker.store.retention import audits_to_thin

    start = datetime(2026, 1, 5, tzinfo=UTC)
    dates = [(n + 1, "completed", start + timedelta(weeks=n)) for n in range(audits)]
    now = dates[-1][2] + timedelta(hours=1)
    thinned = set(audits_to_thin(dates, keep_all_days=keep_all_days, now=now)
                  if keep_all_days > 0 else [])
    kept = [n for n, _, _ in dates[1:] if n not in thinned]
    growth = first["bytes_per_paper"] + len(kept) * second["bytes_per_paper"]
    everything = first["bytes_per_paper"] + (audits - 1) * second["bytes_per_paper"]
    return {"audits": audits, "papers": papers, "keep_all_days": keep_all_days,
            "reaudits_kept_whole": len(kept), "reaudits_thinned": len(thinned),
            "mb_with_retention": round(growth * papers / 1e6, 1),
            "mb_without_retention": round(everything * papers / 1e6, 1)}


def targets(results: list[dict[str, Any]], hub: list[dict[str, Any]],
            keep_all_days: float) -> list[tuple[str, str, str, str]]:
    """(figure, target, today, met) for each target of issue 14 this run measured."""
    lines: list[tuple[str, str, str, str]] = []

    def verdict(ok: bool | None) -> str:
        return "-" if ok is None else ("met" if ok else "NOT met")

    for result in results:
        runs = {row["run"]: row for row in result["runs"]}
        first, second = runs["first audit"], runs["second audit"]
        where = (f"{result['papers']} papers, {result['database']}, discovery "
                 f"{'on' if result['discovery'] else 'off'}")
        ratio = first.get("wall_per_bound")
        lines.append((f"first audit wall / network bound ({where})", "<= 2.0",
                      f"{ratio:.2f} ({first['wall_seconds']:.1f} s / "
                      f"{first['network_bound']['bound']:.1f} s)" if ratio else "-",
                      verdict(None if ratio is None else ratio <= 2.0)))
        lines.append((f"store growth, first audit ({where})", "-",
                      f"{first['bytes_per_paper']} B/paper", "-"))
        lines.append((f"store growth, unchanged re-audit ({where})", "<= 500 B/paper",
                      f"{second['bytes_per_paper']} B/paper",
                      verdict(second["bytes_per_paper"] <= 500)))
        if result["database"] == "sqlite" and not result["discovery"]:
            year = yearly_store(first, second, keep_all_days=keep_all_days)
            figure = (f"52 weekly audits of 10,000 papers, keep_all_days={keep_all_days:g} "
                      f"(simulated from {result['papers']} papers)")
            today = (f"{year['mb_with_retention']} MB ({year['mb_without_retention']} MB "
                     "keeping every audit)")
            lines.append((figure, "< 500 MB", today, verdict(year["mb_with_retention"] < 500)))
    for scenario in hub:
        first, second = scenario["runs"]
        figure = (f"Hub entries unobserved after 1 / 2 audits ({scenario['papers']} papers, "
                  f"{scenario['entries']} entries, {scenario['quota']} requests per "
                  f"{HUB_WINDOW} s, quota wait {scenario['quota_wait']:g} s)")
        today = (f"{first['hub_unobserved']} / {second['hub_unobserved']} "
                 f"(429s: {first['refused_429'] + second['refused_429']})")
        lines.append((figure, "0 after 2", today, verdict(second["hub_unobserved"] == 0)))
    return lines


def targets_table(lines: list[tuple[str, str, str, str]]) -> str:
    """The targets beside today's figures, as a Markdown table."""
    out = ["| figure | target | today | |", "|---|---|---|---|"]
    out += [f"| {figure} | {target} | {today} | {met} |" for figure, target, today, met in lines]
    return "\n".join(out)


def breakdown_table(results: list[dict[str, Any]]) -> str:
    """Bytes per paper each table grew by, per audit (indexes counted with their table)."""
    names = sorted({name for result in results for row in result["runs"]
                    for name in row.get("table_bytes_per_paper", {})})
    out = ["| run | store | discovery | " + " | ".join(names) + " | file |",
           "|" + "---|" * (len(names) + 4)]
    for result in results:
        for row in result["runs"]:
            if "table_bytes_per_paper" not in row:
                continue
            cells = [str(row["table_bytes_per_paper"].get(name, 0)) for name in names]
            out.append(f"| {row['run']} | {result['database']} | "
                       f"{'on' if result['discovery'] else 'off'} | " + " | ".join(cells)
                       + f" | {row['bytes_per_paper']} |")
    return "\n".join(out)


def hub_table(hub: list[dict[str, Any]]) -> str:
    """The quota scenario's runs."""
    out = [("| papers | Hub entries | quota / window | quota wait | run | Hub requests | 429 | "
            "unobserved | wall s |"), "|---|---|---|---|---|---|---|---|---|"]
    for scenario in hub:
        for run in scenario["runs"]:
            out.append(f"| {scenario['papers']} | {scenario['entries']} | {scenario['quota']} / "
                       f"{scenario['window_seconds']} s (300 s / {scenario['time_scale']:g}) | "
                       f"{scenario['quota_wait']:g} s ({scenario['quota_wait_scaled']:g} s) | "
                       f"{run['run']} | {run['hub_requests']} | {run['refused_429']} | "
                       f"{run['hub_unobserved']} | {run['wall_seconds']:.1f} |")
    return "\n".join(out)


QUICK = ["--papers", "20", "--latency", "0", "--skip-baseline", "--discovery-modes", "off", "on",
         "--hub-papers", "100", "--time-scale", "60"]


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark for each --papers size; print the tables (and write --json)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="a small run of every part (what CI runs): " + " ".join(QUICK))
    parser.add_argument("--papers", type=int, nargs="*", default=[1000],
                        help="corpus sizes (none: only the Hub quota scenario)")
    parser.add_argument("--latency", type=float, default=0.05, help="seconds per request")
    parser.add_argument("--token", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--discovery", action=argparse.BooleanOptionalAction, default=False,
                        help="the discovery setting of the baseline's runs")
    parser.add_argument("--discovery-modes", nargs="+", choices=("off", "on"), default=None,
                        help="measure each of these (default: as --discovery says); "
                        "discovery on is measured on the first --database only")
    parser.add_argument("--baseline-papers", type=int, default=None,
                        help="run the baseline over the first K papers and scale it to N")
    parser.add_argument("--baseline-spacing", type=float, default=None,
                        help="seconds between the baseline's GitHub requests "
                        "(default: PyGithub's own, 0.25)")
    parser.add_argument("--skip-baseline", action="store_true")
    parser.add_argument("--hub-api-limit", type=int, default=None,
                        help="Hub requests per 5 minutes (default 1,000: a free account)")
    parser.add_argument("--hub-window", type=int, default=300,
                        help="seconds per Hub quota window (default 300, as the Hub's)")
    parser.add_argument("--quota-wait", type=float, default=None,
                        help="seconds an audit waits for a spent quota window to reset "
                        "(default: [http] max_rate_limit_wait, 60)")
    parser.add_argument("--hub-papers", type=int, default=0,
                        help="also run the Hub quota scenario at this many papers (10000: the "
                        "issue's target), with the default quota wait and with one window")
    parser.add_argument("--time-scale", type=float, default=5.0,
                        help="the quota scenario's clock speed-up: window 300 s / scale, "
                        "quota waits / scale; keep the window well above the time the "
                        "audit takes to spend a window's quota (1,000 requests at 4 at a "
                        "time and 50 ms: 12.5 s), or windows reset within one audit")
    parser.add_argument("--keep-all-days", type=float, default=90.0,
                        help="the retention setting of the 52-audit estimate")
    parser.add_argument("--database", nargs="+", choices=("sqlite", "postgres"),
                        default=["sqlite"], help="the stores to measure on")
    parser.add_argument("--postgres-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    argv = list(sys.argv[1:] if argv is None else argv)
    if "--quick" in argv:
        argv = QUICK + argv  # later flags override the quick defaults
    args = parser.parse_args(argv)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="reprotrack-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    modes = ([mode == "on" for mode in args.discovery_modes] if args.discovery_modes
             else [args.discovery])
    results = []
    for papers in args.papers:
        for database in args.database:
            for discovery in modes:
                if discovery != modes[0] and database != args.database[0]:
                    continue
                results.append(benchmark(papers, args, workdir, database, discovery))
                print(f"N={papers} {database} discovery {'on' if discovery else 'off'} done",
                      file=sys.stderr, flush=True)
    hub = []
    if args.hub_papers:
        for wait in (QUOTA_WAIT, float(HUB_WINDOW)):
            hub.append(hub_quota_scenario(args.hub_papers, args, workdir, wait))
            print(f"Hub quota scenario (wait {wait:g} s) done", file=sys.stderr, flush=True)
    print(table(results))
    print()
    print("Store growth per paper, by table (bytes; indexes counted with their table):")
    print(breakdown_table(results))
    if hub:
        print()
        print("Hub quota scenario (time accelerated):")
        print(hub_table(hub))
    print()
    print("Targets (issue 14):")
    print(targets_table(targets(results, hub, args.keep_all_days)))
    print(f"(latency {args.latency:g} s per request, tokens {'on' if args.token else 'off'}; "
          "wall times depend on the machine's load, counts and bytes do not)")
    if args.json:
        figures = {"results": results, "hub_quota": hub,
                   "targets": [dict(zip(("figure", "target", "today", "met"), line, strict=True))
                               for line in targets(results, hub, args.keep_all_days)]}
        args.json.write_text(json.dumps(figures, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
