"""The outage test's eyes: `probe` asks the site for a page every 0.1 s and logs each answer; `report`
reads that log with the outage's timestamps and the load's summary, prints the figures, and fails
unless every answer was a 200 or a quick, friendly 503 and the site served again soon after.

Standard library only; run by scripts/outage_test.sh.
"""

import json
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

QUICK_SECONDS = 2.0  # a 503 must come faster than this: no hanging on a dead database
RECOVERY_LIMIT_SECONDS = 15.0


def probe(base_url, seconds, log_path, paths):
    end = time.time() + seconds
    i = 0
    with open(log_path, "w") as log:
        while time.time() < end:
            path = paths[i % len(paths)]
            i += 1
            started = time.time()
            status, body, retry_after = None, "", None
            try:
                with urllib.request.urlopen(base_url + path, timeout=10) as response:  # noqa: S310 (loopback)
                    status, body = response.status, response.read().decode("utf-8", "replace")
            except urllib.error.HTTPError as error:
                status, body = error.code, error.read().decode("utf-8", "replace")
                retry_after = error.headers.get("Retry-After")
            except OSError as error:
                status, body = 0, str(error)
            record = {
                "t": started,
                "path": path,
                "status": status,
                "seconds": round(time.time() - started, 4),
                "retry_after": retry_after,
                "friendly": "Back in a moment" in body,
                "traceback": "Traceback" in body or "OperationalError" in body,
            }
            log.write(json.dumps(record) + "\n")
            log.flush()
            time.sleep(max(0.0, 0.1 - (time.time() - started)))


def report(log_path, events_path, load_path, counts_before, counts_after, workers_before, workers_after):
    records = [json.loads(line) for line in Path(log_path).read_text().splitlines()]
    events = dict(line.split() for line in Path(events_path).read_text().splitlines())
    stopped, started, ready = float(events["stopped"]), float(events["start"]), float(events["ready"])
    load = Path(load_path).read_text()
    summary = [line for line in load.splitlines() if line.startswith(("RESULT", "STATUSES"))]
    problems = []

    down = [r for r in records if stopped <= r["t"] < started]
    down_503 = [r for r in down if r["status"] == 503]
    after = [r for r in records if r["t"] >= ready]
    first_ok = next((r for r in after if r["status"] == 200), None)
    bad = [r for r in records if r["status"] not in (200, 503)]
    unfriendly = [r for r in records if r["status"] == 503 and (not r["friendly"] or not r["retry_after"])]
    leaks = [r for r in records if r["traceback"]]
    slow_503 = [r for r in down_503 if r["seconds"] > QUICK_SECONDS]

    latencies = sorted(r["seconds"] for r in down_503)
    print(f"PostgreSQL down for {started - stopped:.1f} s (stop finished to start), back after {ready - stopped:.1f} s")
    print(f"probe requests: {len(records)} in all, {len(down)} while down, of which {len(down_503)} answered 503")
    if latencies:
        median = latencies[len(latencies) // 2]
        print(f"503 latency while down: median {median * 1000:.0f} ms, max {latencies[-1] * 1000:.0f} ms")
    if first_ok:
        print(f"recovery: first 200 {first_ok['t'] - ready:.2f} s after PostgreSQL accepted connections again")
    print("load during the outage:", *summary, sep="\n  ")
    print(f"rows before: {counts_before}\nrows after:  {counts_after}")
    print(f"gunicorn workers before: {workers_before}; after: {workers_after}")

    if not down:
        problems.append("no probe request fell inside the outage")
    elif len(down_503) < len(down) * 0.5:
        problems.append(f"only {len(down_503)} of {len(down)} requests during the outage answered 503")
    if bad:
        problems.append(f"{len(bad)} answers were neither 200 nor 503, e.g. {bad[0]}")
    if unfriendly:
        problems.append(f"{len(unfriendly)} 503s without the friendly page or Retry-After, e.g. {unfriendly[0]}")
    if leaks:
        problems.append(f"{len(leaks)} answers showed a traceback or an exception name")
    if slow_503:
        problems.append(f"{len(slow_503)} 503s took longer than {QUICK_SECONDS} s")
    if first_ok is None or first_ok["t"] - ready > RECOVERY_LIMIT_SECONDS:
        problems.append(f"the site did not serve a 200 within {RECOVERY_LIMIT_SECONDS} s of PostgreSQL's return")
    statuses = next((line for line in summary if line.startswith("STATUSES")), "STATUSES")
    other = [part for part in statuses.split()[1:] if part.split("=")[0] not in ("200", "503")]
    if other:
        problems.append(f"the load saw other statuses: {other}")
    if "socket_errors=0" not in load:
        problems.append("the load saw socket errors (refused, reset or timed-out connections)")
    if counts_before != counts_after:
        problems.append("row counts changed across the outage")
    if workers_before != workers_after:
        problems.append("gunicorn workers were restarted (a worker hung or crashed)")
    for problem in problems:
        print(f"FAILED: {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    if command == "probe":
        probe(args[0], float(args[1]), args[2], args[3].split())
    elif command == "report":
        sys.exit(report(*args))
    else:
        sys.exit(f"unknown command {command}")
