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
              database: str = "sqlite") -> dict[str, Any]:
    """Every run for one corpus size."""
    corpus = build_corpus(papers)
    links = corpus.mix()
    fakes = Fakes(papers, args.latency, args.hub_api_limit, args.hub_window)
    try:
        corpus_path = workdir / f"corpus-{papers}.jsonl"
        db = workdir / f"audit-{papers}-{database}.db"
        db.unlink(missing_ok=True)
        write_jsonl(corpus, corpus_path, fakes.urls["web"])
        spec = {"db": str(db), "corpus": str(corpus_path), "urls": fakes.urls,
                "token": args.token, "discovery": args.discovery,
                "quota_wait": args.quota_wait}
        if database == "postgres":
            spec["db_url"] = fresh_postgres_schema(args.postgres_url)
        imported = run_phase("import", spec)
        rows = []
        stored = imported["db_bytes"]
        for run in ("first audit", "second audit"):
            fakes.ask("reset")
            measured = run_phase("audit", spec)
            rows.append(_row(run, measured, fakes.ask("counts"), papers, links))
            rows[-1]["database"] = database
            rows[-1]["bytes_per_paper"] = round((measured["db_bytes"] - stored) / papers)
            stored = measured["db_bytes"]
            bound = network_bound(rows[-1]["requests"], args.latency)
            rows[-1]["network_bound"] = bound
            rows[-1]["wall_per_bound"] = (round(rows[-1]["wall_seconds"] / bound["bound"], 2)
                                          if bound["bound"] else None)
        if not args.skip_baseline and database == args.database[0]:  # the baseline has no store
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
            "discovery": args.discovery, "database": database, "mix": links,
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


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark for each --papers size; print the table (and write --json)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, nargs="+", default=[1000])
    parser.add_argument("--latency", type=float, default=0.05, help="seconds per request")
    parser.add_argument("--token", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--discovery", action=argparse.BooleanOptionalAction, default=False)
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
    parser.add_argument("--database", nargs="+", choices=("sqlite", "postgres"),
                        default=["sqlite"], help="the stores to measure on")
    parser.add_argument("--postgres-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args(argv)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="reprotrack-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    results = []
    for papers in args.papers:
        for database in args.database:
            results.append(benchmark(papers, args, workdir, database))
            print(f"N={papers} {database} done", file=sys.stderr, flush=True)
    print(table(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
