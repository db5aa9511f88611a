"""Benchmark: `conflictmap serve` under load, on loopback only, bounded in count and time.

Starts ``conflictmap serve`` (uvicorn, 127.0.0.1, a free port) as a child process, as an analyst
runs it, and sends ``--requests`` requests (default 2,000) from ``--threads`` client threads (default 16), each thread on one
keep-alive connection as geopy's requests session keeps: mostly ``/search?q=NAME&limit=1``
(what ``Nominatim.geocode`` sends), some ``limit=5``, some ``/reverse``. The names are
gazetteer names, most respelt the way reports write them (``bench_geocode.make_names``,
``spelling_noise.csv``), each asked several times as in a real session. Prints the errors
(anything but HTTP 200), the median, p95 and max latency per request and the throughput, and,
for comparison in the same run, the in-process ``Geocoder.geocode`` latency on the same query
sequence (a fresh geocoder, so it starts as cold as the server's). Goal: no error and p95 under
50 ms.

Usage::

    python benchmarks/bench_service.py [--requests 2000] [--threads 16] [--names 400] [--quick]

This is a script, not a timed test. It stops by itself: every request has a 10 s timeout and
the whole run a deadline (``--max-seconds``).
"""

from __future__ import annotations

import argparse
import http.client
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from contextlib import ExitStack, contextmanager
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from _measure import fmt_s, machine, measure, report  # noqa: E402
from bench_geocode import make_names  # noqa: E402

GOAL_P95_S = 0.050


def make_requests(gz, n_requests: int, n_names: int, seed: int) -> list[tuple[str, tuple]]:
    """(HTTP target, in-process call) pairs: 85% search limit=1, 10% limit=5, 5% reverse."""
    rng = np.random.default_rng(seed)
    names = make_names(gz, n_names, seed)["location"].tolist()
    settlements = gz.places[gz.places["feature_type"] == "settlement"]
    out = []
    for i in range(n_requests):
        kind = rng.random()
        if kind < 0.95:
            q = names[i % len(names)] if i < len(names) else names[int(rng.integers(len(names)))]
            limit = 1 if kind < 0.85 else 5
            target = "/search?" + urllib.parse.urlencode({"q": q, "format": "json", "limit": limit})
            out.append((target, ("geocode", q, limit == 1)))
        else:
            row = settlements.iloc[int(rng.integers(len(settlements)))]
            lat = round(float(row["latitude"]) + float(rng.normal(0, 0.02)), 5)
            lon = round(float(row["longitude"]) + float(rng.normal(0, 0.02)), 5)
            out.append((f"/reverse?lat={lat}&lon={lon}&format=json", ("reverse", (lat, lon), True)))
    return out


def run_clients(host: str, port: int, targets: list[str], threads: int, deadline: float):
    """Send every target from ``threads`` threads; returns (latencies, errors, seconds)."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    chunks = [targets[i::threads] for i in range(threads)]

    def client(chunk: list[str]) -> None:
        conn = http.client.HTTPConnection(host, port, timeout=10)
        mine, bad = [], []
        try:
            for target in chunk:
                if time.monotonic() > deadline:
                    bad.append("deadline reached before the request was sent")
                    continue
                t0 = time.perf_counter()
                try:
                    conn.request("GET", target, headers={"User-Agent": "conflictmap-bench"})
                    resp = conn.getresponse()
                    body = resp.read()
                    if resp.status != 200:
                        bad.append(f"{resp.status} {target[:80]} {body[:120]!r}")
                except (OSError, http.client.HTTPException) as exc:
                    bad.append(f"{type(exc).__name__} {target[:80]}")
                    conn.close()
                    conn = http.client.HTTPConnection(host, port, timeout=10)
                mine.append(time.perf_counter() - t0)
        finally:
            conn.close()
        with lock:
            latencies.extend(mine)
            errors.extend(bad)

    t0 = time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        list(pool.map(client, chunks))
    return latencies, errors, time.perf_counter() - t0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def served(start_seconds: float = 180.0):
    """``conflictmap serve`` on 127.0.0.1 in a child process; yields (port, pid); stops it on exit."""
    port = _free_port()
    log = tempfile.TemporaryFile()
    cmd = [sys.executable, "-m", "conflictmap", "serve", "--host", "127.0.0.1", "--port", str(port), "--quiet"]
    proc = subprocess.Popen(cmd, stdout=log, stderr=log, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        deadline = time.monotonic() + start_seconds
        while True:
            if proc.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                raise RuntimeError("the service did not start: " + log.read().decode(errors="replace")[-2000:])
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", "/status")
                if conn.getresponse().status == 200:
                    conn.close()
                    break
            except OSError:
                time.sleep(0.2)
        yield port, proc.pid
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(15)
        log.close()


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process so far (Linux /proc; None elsewhere)."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def in_process(geocoder, calls: list[tuple]) -> list[float]:
    """Latency of the same calls made directly on a Geocoder, one thread."""
    times = []
    for kind, arg, one in calls:
        t0 = time.perf_counter()
        if kind == "geocode":
            geocoder.geocode(arg, exactly_one=one)
        else:
            geocoder.reverse(arg)
        times.append(time.perf_counter() - t0)
    return times


def _stats(times: list[float]) -> tuple[float, float, float]:
    return statistics.median(times), float(np.percentile(times, 95)), max(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=2_000)
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--names", type=int, default=400, help="distinct names among the searches")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--max-seconds", type=float, default=300.0, help="deadline of the whole load run")
    parser.add_argument("--quick", action="store_true", help="tiny sizes (smoke test)")
    args = parser.parse_args(argv)
    if args.quick:
        args.requests, args.threads, args.names = 200, 4, 60
    if not (0 < args.requests <= 100_000 and 0 < args.threads <= 64):
        parser.error("--requests must be 1..100000 and --threads 1..64")

    from conflictmap import Geocoder, get_gazetteer

    print(f"Service ({machine()})")
    gz = get_gazetteer()
    work = make_requests(gz, args.requests, args.names, args.seed)
    targets = [t for t, _ in work]
    n_search = sum(1 for _, c in work if c[0] == "geocode")
    print(f"  data: {len(work):,} requests ({n_search:,} /search over {args.names:,} names, "
          f"{len(work) - n_search:,} /reverse), {args.threads} client threads")

    with ExitStack() as stack:
        t0 = time.perf_counter()
        port, pid = stack.enter_context(served())
        print(f"  {'start `conflictmap serve` (gazetteer + index)':<46} {fmt_s(time.perf_counter() - t0):>10}")
        deadline = time.monotonic() + args.max_seconds
        cpu0 = cpu_seconds(pid)
        latencies, errors, seconds = run_clients("127.0.0.1", port, targets, args.threads, deadline)
        cpu1 = cpu_seconds(pid)
    med, p95, worst = _stats(latencies)
    ok = not errors and p95 < GOAL_P95_S
    print(f"  {len(latencies):,} requests in {seconds:.2f} s ({len(latencies) / seconds:,.0f} requests/s); "
          f"errors {len(errors)}")
    for line in errors[:5]:
        print(f"    error: {line}")
    print(f"  {'latency over HTTP (loopback), median':<46} {fmt_s(med):>10}   p95 {fmt_s(p95)}   max {fmt_s(worst)}"
          f"   goal (no error, p95 < 50 ms): {'OK' if ok else 'MISSED'}")

    if cpu0 is not None and cpu1 is not None:
        print(f"  {'server CPU time per request':<46} {fmt_s((cpu1 - cpu0) / len(latencies)):>10}   "
              f"(the service used {(cpu1 - cpu0) / seconds:.0%} of one core; load average now "
              f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)")
    with measure() as load:
        fresh = Geocoder(gz)  # its own memo, as cold as the server's was
    report("in-process Geocoder() (for comparison)", load)
    local = in_process(fresh, [c for _, c in work])
    lmed, lp95, lworst = _stats(local)
    print(f"  {'in-process Geocoder.geocode/reverse, median':<46} {fmt_s(lmed):>10}   p95 {fmt_s(lp95)}"
          f"   max {fmt_s(lworst)}   (HTTP adds {fmt_s(max(med - lmed, 0))} at the median)")
    return 0 if not errors else 1


if __name__ == "__main__":
    sys.exit(main())
