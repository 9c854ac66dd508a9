#!/usr/bin/env python3
"""Drives the viewer (web/) in Debian's headless Chromium through Playwright, for the tests.

    viewer_browser.py PLAN.json

PLAN is {"chromium": path, "base": "http://127.0.0.1:PORT/", "views": [VIEW, ...]}; each VIEW:

    id             a name; sent as the X-Viewer-View header, which nginx's access log records
    query          "?dataset=...&from=...": the page's URL is base + query
    screenshot     optional: a PNG of the whole page once it is ready
    hold_parquet_and_run
                   optional: a command run (to completion) when the view requests its first
                   .parquet byte range, before that request goes on: a publish in mid-view
    evaluate       optional: a JavaScript function run in the page once it is ready; its
                   result is returned as `evaluated`

Every view runs in a fresh browser context (an empty cache). Prints one JSON document:
{"views": [{"id", "ready", "report", "resources", "requests", "errors", "held"}]} where
`ready` is <html data-ready>, `report` window.viewerReport, `resources` the page's Resource
Timing entries for data files (name, encoded and decoded body sizes, transferSize, responseStatus) and
`requests` every request the page made (url, method, range header) and `options` the
entries of the page's dataset menu.
"""

import json
import subprocess
import sys

from playwright.sync_api import sync_playwright

READY_TIMEOUT_MS = 60_000


def run_view(browser, base, view):
    context = browser.new_context(
        viewport={"width": 1280, "height": 900},
        device_scale_factor=1,
        extra_http_headers={"X-Viewer-View": view["id"]},
    )
    # Resource Timing keeps 250 entries by default; a long view makes more requests than that.
    context.add_init_script("performance.setResourceTimingBufferSize(100000)")
    page = context.new_page()
    requests, errors = [], []
    held = {"done": False, "result": None}
    page.on("request", lambda r: requests.append({"url": r.url, "method": r.method, "range": r.headers.get("range")}))
    page.on("pageerror", lambda e: errors.append(f"page error: {e}"))
    page.on("console", lambda m: errors.append(f"console {m.type}: {m.text}") if m.type == "error" else None)

    command = view.get("hold_parquet_and_run")
    if command:
        def hold(route):
            if not held["done"]:
                held["done"] = True
                finished = subprocess.run(command, capture_output=True, text=True)
                held["result"] = {"status": finished.returncode, "stderr": finished.stderr[-2000:]}
            route.continue_()
        page.route("**/*.parquet", hold)

    page.goto(base + view["query"])
    page.wait_for_function("document.documentElement.dataset.ready !== undefined", timeout=READY_TIMEOUT_MS)
    ready = page.evaluate("document.documentElement.dataset.ready")
    report = page.evaluate("window.viewerReport")
    resources = page.evaluate(
        """() => performance.getEntriesByType('resource')
            .filter(e => new URL(e.name).pathname.startsWith('/data/'))
            .map(e => ({ name: e.name, encodedBodySize: e.encodedBodySize, decodedBodySize: e.decodedBodySize,
                         transferSize: e.transferSize,
                         responseStatus: e.responseStatus }))"""
    )
    options = page.evaluate("[...document.querySelectorAll('#dataset option')].map(o => o.textContent)")
    evaluated = page.evaluate(view["evaluate"]) if view.get("evaluate") else None
    if view.get("screenshot"):
        page.screenshot(path=view["screenshot"], full_page=True)
    context.close()
    return {"id": view["id"], "ready": ready, "report": report, "resources": resources,
            "requests": requests, "errors": errors, "held": held["result"], "options": options,
            "evaluated": evaluated}


def main():
    with open(sys.argv[1]) as f:
        plan = json.load(f)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=plan["chromium"], args=["--no-sandbox", "--disable-dev-shm-usage"])
        try:
            results = [run_view(browser, plan["base"], view) for view in plan["views"]]
        finally:
            browser.close()
    json.dump({"views": results}, sys.stdout)


if __name__ == "__main__":
    main()
