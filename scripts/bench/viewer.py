#!/usr/bin/env python3
"""make bench-viewer's browser half: the viewer in headless Chromium against nginx on loopback.

    viewer.py BASE_URL PUBLISH_DIR DATASET [--repeats N] [--chromium PATH]

Two views of DATASET, as a dashboard opens them:
- 30 days: the dataset's last 30 days, rows per day and the sum of `total` per day, the table
  showing created_at and total (two columns);
- 12 months: its last 12 months with the sum of `total` per day, read from a rollup of DATASET
  when manifest.json lists one (an entry whose `from` is DATASET, its measure sum(total)), else
  from DATASET itself.
With --rollup-stand-in, the 12-month view is also loaded from a dataset shaped like a rollup
(published some other way), when no real rollup exists. Each is loaded REPEATS times in a fresh browser context (cold: empty cache, modules included) and
REPEATS times more in one context after a first load (warm: the page, its modules and the
immutable v<N>/ files in Chromium's cache; manifest.json is always fetched again). Prints
medians of the page's own `ms` (navigation start to data-ready) and of its phases, the CPU
time Chromium spent on a cold view (steadier than wall time on a shared machine), the bytes the
view read (viewerReport.bytes), what crossed the network when warm (Resource Timing
transferSize), and the dataset's bytes, then one JSON line.
"""

import argparse
import json
import os
import statistics
import sys
from datetime import date, timedelta

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")

from playwright.sync_api import sync_playwright


def manifest_entries(publish_dir):
    with open(os.path.join(publish_dir, "manifest.json")) as f:
        return json.load(f)["datasets"]


def read_index(publish_dir, entry):
    with open(os.path.join(publish_dir, entry["index"])) as f:
        return json.load(f)


def last_day(index):
    days = [f["max"][:10] for f in index["files"] if f["max"]]
    return date.fromisoformat(max(days))


def rollup_for(entries, dataset, publish_dir):
    """A rollup of `dataset` with a sum(total) measure, as (name, measure), or None."""
    for name, entry in sorted(entries.items()):
        if (entry.get("from") or entry.get("source_dataset")) != dataset:
            continue
        index = read_index(publish_dir, entry)
        measures = (index.get("rollup") or {}).get("measures") or {}
        for measure, definition in measures.items():
            if definition.replace(" ", "") == "sum(total)":
                return name, measure
    return None


def browser_cpu_ms():
    """CPU time (user + system, with reaped children) of every process under this one: the
    Playwright driver and Chromium's processes. Less at the mercy of a busy machine than wall
    time: what a view costs the browser, whoever else wants the cores."""
    parents = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry)] = (int(fields[1]), sum(int(x) for x in fields[11:15]))
    total, frontier = 0, {os.getpid()}
    while frontier:
        children = {pid for pid, (ppid, _) in parents.items() if ppid in frontier}
        total += sum(parents[pid][1] for pid in children)
        frontier = children
    return 1000 * total / CLOCK_TICKS


def load(page, url):
    page.goto(url)
    page.wait_for_function("document.documentElement.dataset.ready !== undefined", timeout=120_000)
    report = page.evaluate("window.viewerReport")
    if page.evaluate("document.documentElement.dataset.ready") != "true":
        raise SystemExit(f"bench-viewer: {url} failed: {report.get('error')}")
    timing = page.evaluate(
        """() => {
            const data = performance.getEntriesByType('resource').filter(e => new URL(e.name).pathname.startsWith('/data/'))
            const manifest = data.find(e => e.name.endsWith('/manifest.json'))
            return { transferred: data.reduce((n, e) => n + e.transferSize, 0), manifestAt: manifest ? manifest.startTime : null }
        }"""
    )
    return report, timing


def measure(browser, url, repeats):
    cold, cold_reports, warm, transferred, before_data, cpu = [], [], [], [], [], []
    for _ in range(repeats):
        context = browser.new_context()
        context.add_init_script("performance.setResourceTimingBufferSize(100000)")
        page = context.new_page()
        spent = browser_cpu_ms()
        report, timing = load(page, url)
        cpu.append(browser_cpu_ms() - spent)
        cold.append(report["ms"])
        cold_reports.append(report)
        before_data.append(timing["manifestAt"])
        context.close()
    context = browser.new_context()
    context.add_init_script("performance.setResourceTimingBufferSize(100000)")
    page = context.new_page()
    load(page, url)
    for _ in range(repeats):
        report, timing = load(page, url)
        warm.append(report["ms"])
        transferred.append(timing["transferred"])
    context.close()
    first = cold_reports[0]
    return {
        "url": url,
        "dataset": first["dataset"],
        "version": first["version"],
        "from": first["from"],
        "to": first["to"],
        "rows": first["rows"],
        "sum": first["sum"],
        "requests": first["requests"],
        "bytes": first["bytes"],
        "dataset_bytes": first["datasetBytes"],
        "ms_cold": statistics.median(cold),
        "ms_warm": statistics.median(warm),
        "ms_cold_all": cold,
        "ms_warm_all": warm,
        "ms_before_manifest_cold": statistics.median(before_data),
        "cpu_ms_cold": statistics.median(cpu),
        "phases_cold": {k: statistics.median(r["phases"][k] for r in cold_reports) for k in first["phases"]},
        "warm_transferred_bytes": statistics.median(transferred),
    }


def human(n):
    for unit in ["B", "KB", "MB", "GB"]:
        if n < 1000 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.2f} {unit}"
        n /= 1000


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("base")
    parser.add_argument("publish_dir")
    parser.add_argument("dataset")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--rollup-stand-in", metavar="DATASET:SUM",
                        help="also view 12 months of this rollup-shaped dataset, summing SUM")
    args = parser.parse_args()

    entries = manifest_entries(args.publish_dir)
    base_index = read_index(args.publish_dir, entries[args.dataset])
    end = last_day(base_index) + timedelta(days=1)
    month = (end - timedelta(days=30)).isoformat(), end.isoformat()
    year_start = end.replace(year=end.year - 1) if not (end.month == 2 and end.day == 29) else end - timedelta(days=365)
    rollup = rollup_for(entries, args.dataset, args.publish_dir)
    year_dataset, year_sum = rollup if rollup else (args.dataset, "total")

    views = {
        "30 days, 2 columns": f"?dataset={args.dataset}&from={month[0]}&to={month[1]}&sum=total&columns=created_at,total",
        "12 months": f"?dataset={year_dataset}&from={year_start.isoformat()}&to={end.isoformat()}&sum={year_sum}",
    }
    if args.rollup_stand_in and not rollup:
        stand_in, stand_in_sum = args.rollup_stand_in.split(":")
        views["12 months, stand-in"] = (f"?dataset={stand_in}&from={year_start.isoformat()}&to={end.isoformat()}"
                                        f"&sum={stand_in_sum}")
    results = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=args.chromium, args=["--no-sandbox", "--disable-dev-shm-usage"])
        try:
            version = browser.version
            for name, query in views.items():
                print(f"bench-viewer: {name}: {query}", file=sys.stderr)
                results[name] = measure(browser, args.base + query, args.repeats)
        finally:
            browser.close()

    total = results["30 days, 2 columns"]["dataset_bytes"]
    print(f"bench-viewer: {args.dataset} v{results['30 days, 2 columns']['version']}, {base_index['rows']:,} rows, "
          f"{human(total)} in {len(base_index['files'])} files; nginx on loopback, Chromium {version} headless, "
          f"median of {args.repeats}")
    print(f"{'view':<20}{'source':<18}{'rows':>11}{'ms cold':>10}{'ms warm':>10}{'CPU ms':>8}{'bytes':>12}"
          f"{'of dataset':>12}{'requests':>10}{'warm net':>12}")
    for name, r in results.items():
        share = 100 * r["bytes"] / r["dataset_bytes"]
        print(f"{name:<20}{r['dataset'] + ' v' + str(r['version']):<18}{r['rows']:>11,}{r['ms_cold']:>10.0f}"
              f"{r['ms_warm']:>10.0f}{r['cpu_ms_cold']:>8.0f}{human(r['bytes']):>12}{share:>11.2f}%"
              f"{r['requests']:>10}{human(r['warm_transferred_bytes']):>12}")
    month_view, year_view = results["30 days, 2 columns"], results["12 months"]
    print(f"targets: 30-day view ready < 300 ms (cold {month_view['ms_cold']:.0f} ms, warm {month_view['ms_warm']:.0f} ms), "
          f"< 3% of the dataset ({100 * month_view['bytes'] / total:.2f}%); 12-month view from a rollup < 200 KB "
          + (f"({human(year_view['bytes'])} from {year_view['dataset']})" if rollup else
             f"(no rollup of {args.dataset} published: {human(year_view['bytes'])} from the base"
             + (f"; {human(results['12 months, stand-in']['bytes'])} from the stand-in "
                f"{results['12 months, stand-in']['dataset']})" if "12 months, stand-in" in results else ")")))
    for name, r in results.items():
        print(f"{name}, cold, ms from navigation start to: "
              + ", ".join(f"{phase} {ms:.0f}" for phase, ms in r["phases_cold"].items()))
    print(f"(CPU ms: user + system time of Chromium's processes for one cold view; load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    print(json.dumps({"dataset": args.dataset, "dataset_bytes": total, "chromium": version, "views": results}, sort_keys=True))


if __name__ == "__main__":
    main()
