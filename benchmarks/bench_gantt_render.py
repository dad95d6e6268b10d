"""Benchmark: first render of the Gantt of a 2,000-task project with about
3,000 links, in headless Chromium, against OCA's ``project_timeline``.

What it does:

1. Builds (once, committed: the browser must see it) a flow project of
   ``--tasks`` tasks and about ``--links`` links of the four types with lags
   (``benchmarks/generate_data.py``, as ``bench_reschedule.py`` does), named
   "Gantt render benchmark"; later runs reuse it.  A benchmark user
   (``pf_gantt_bench``, flow manager) gets a fresh random password.
2. When OCA's ``web_timeline`` and ``project_timeline`` 18.0 are given
   (``--oca-addons DIR``, or ``$PF_OCA_ADDONS``: a directory holding both,
   e.g. unpacked from their PyPI wheels in a scratch directory; never part
   of this repository), installs them into the database and copies the
   planned windows into their ``planned_date_start`` / ``planned_date_end``,
   so both views draw the same bars.
3. Starts Odoo on ``--port`` and a headless Chromium (DevTools protocol
   through ``websocket-client``), logs in, and for each view and round:
   loads ``/odoo`` fresh, then times ``action.doAction`` of a window action
   showing only that view on the project, until its bars are in the DOM and
   two animation frames have passed (data RPC, layout and paint).

Prints the best and median of ``--rounds`` rounds for each view; exits 1 when
the Gantt misses the target (first render under 1 s), 2 when it cannot run
(no Chromium, no ``flow_gantt`` view).  ``--screenshot PATH`` saves the
Gantt as rendered.  Run it through ``tools/dev bench`` or::

    python benchmarks/bench_gantt_render.py --odoo-home ODOO -c odoo.conf -d DB \\
        [--oca-addons DIR] [--tasks 2000] [--links 3000] [--rounds 3]
"""

import argparse
import datetime
import json
import os
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from generate_data import common_arguments  # noqa: E402

TARGET_SECONDS = 1.0
PROJECT_NAME = "Gantt render benchmark"
BENCH_LOGIN = "pf_gantt_bench"
VIEWS = {
    # view mode -> (label, CSS selector of a bar)
    "flow_gantt": ("project_flow Gantt", ".o_flow_gantt_bar"),
    "timeline": ("OCA project_timeline", ".vis-item"),
    # reference: Odoo's own list view of the same tasks (80 rows)
    "list": ("Odoo list (reference)", ".o_data_row"),
}


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    common_arguments(parser)
    parser.add_argument("--tasks", type=int, default=2000)
    parser.add_argument("--links", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--oca-rounds", type=int, default=1, help="rounds of OCA's timeline (slow)")
    parser.add_argument("--port", type=int, default=0, help="HTTP port (default: a free one)")
    parser.add_argument("--oca-addons", default=os.environ.get("PF_OCA_ADDONS"))
    parser.add_argument("--chromium", default=os.environ.get("PF_CHROMIUM"))
    parser.add_argument("--screenshot", help="save the rendered Gantt as this PNG")
    return parser.parse_args()


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def find_chromium(given):
    for name in (given, "chromium", "chromium-browser", "google-chrome", "chrome"):
        if name and (shutil.which(name) or os.path.exists(name)):
            return shutil.which(name) or name
    return None


# ----------------------------------------------------------------------
# Data
# ----------------------------------------------------------------------
def prepare(args):
    """The project, the benchmark user and one window action per view;
    committed.  Returns (project id, task count, link count, password,
    {view mode: action id})."""
    import odoo
    from odoo import SUPERUSER_ID, Command, api

    registry = odoo.modules.registry.Registry(args.database)

    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        Project = env["project.project"]
        project = Project.search([("name", "=", PROJECT_NAME)], limit=1)
        if not project:
            from bench_reschedule import build_project

            print(f"Building {PROJECT_NAME}: {args.tasks} tasks, ~{args.links} links ...")
            start = time.perf_counter()
            project = build_project(
                env, args.seed, args.tasks, args.links, datetime.date.today(), PROJECT_NAME
            )
            print(f"  built in {time.perf_counter() - start:.1f} s")
        tasks = env["project.task"].search_count([("project_id", "=", project.id)])
        links = env["project.task.link"].search_count([("project_id", "=", project.id)])
        password = secrets.token_urlsafe(16)
        groups = [
            env.ref("base.group_user").id,
            env.ref("project.group_project_manager").id,
            env.ref("project_flow.group_flow_manager").id,
        ]
        user = (
            env["res.users"].with_context(active_test=False).search([("login", "=", BENCH_LOGIN)])
        )
        values = {"password": password, "active": True, "tz": "UTC", "tour_enabled": False}
        if user:
            user.write(values)
        else:
            user = env["res.users"].create(
                {
                    "name": "Gantt benchmark",
                    "login": BENCH_LOGIN,
                    "groups_id": [Command.set(groups)],
                    **values,
                }
            )
        project.message_subscribe(partner_ids=user.partner_id.ids)
        actions = {}
        for mode, (label, _selector) in VIEWS.items():
            if mode == "timeline" and "planned_date_start" not in env["project.task"]._fields:
                continue
            if mode == "timeline":
                # OCA's timeline draws planned_date_start .. planned_date_end
                env.cr.execute(
                    """
                    UPDATE project_task
                       SET planned_date_start = planned_date_begin,
                           planned_date_end = COALESCE(date_deadline, planned_date_begin)
                     WHERE project_id = %s
                    """,
                    [project.id],
                )
            name = f"Gantt benchmark: {label}"
            action = env["ir.actions.act_window"].search([("name", "=", name)], limit=1)
            values = {
                "name": name,
                "res_model": "project.task",
                "view_mode": mode,
                "domain": [("project_id", "=", project.id)],
                "context": {"flow_gantt_group_by": "phase"},
            }
            if action:
                action.write(values)
            else:
                action = action.create(values)
            actions[mode] = action.id
        cr.commit()
        return project.id, tasks, links, password, actions


def load_config(args):
    """Odoo's configuration, with OCA's addons added to the addons path."""
    if args.odoo_home:
        sys.path.insert(0, args.odoo_home)
    import odoo

    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database])
    if args.oca_addons:
        path = odoo.tools.config["addons_path"] + "," + os.path.abspath(args.oca_addons)
        odoo.tools.config.parse_config(
            ["-c", args.config, "-d", args.database, "--addons-path", path]
        )


def install_oca(args):
    """Install web_timeline and project_timeline from ``--oca-addons``."""
    odoo_bin = os.path.join(args.odoo_home, "odoo-bin")
    addons_path = odoo_addons_path(args)
    subprocess.run(
        [
            sys.executable,
            odoo_bin,
            "-c",
            args.config,
            "-d",
            args.database,
            "--addons-path",
            addons_path,
            "-i",
            "web_timeline,project_timeline",
            "--stop-after-init",
            "--log-level=warn",
            "--http-port",
            str(free_port()),
        ],
        check=True,
    )


def odoo_addons_path(args):
    import odoo

    return odoo.tools.config["addons_path"]


# ----------------------------------------------------------------------
# Browser
# ----------------------------------------------------------------------
class Chromium:
    """A headless Chromium driven through the DevTools protocol."""

    def __init__(self, binary):
        import websocket

        self.profile = tempfile.mkdtemp(prefix="pf_gantt_bench_")
        port = free_port()
        self.process = subprocess.Popen(
            [
                binary,
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-extensions",
                "--disable-background-networking",
                "--window-size=1400,900",
                f"--remote-debugging-port={port}",
                f"--user-data-dir={self.profile}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        import requests

        for _attempt in range(100):
            try:
                pages = requests.get(f"http://127.0.0.1:{port}/json/list", timeout=2).json()
                page = next(p for p in pages if p["type"] == "page")
                break
            except Exception:  # noqa: BLE001 (Chromium still starting)
                time.sleep(0.2)
        else:
            raise RuntimeError("Chromium did not start")
        self.ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=120)
        self.next_id = 0

    def send(self, method, **params):
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    def evaluate(self, expression):
        result = self.send(
            "Runtime.evaluate", expression=expression, awaitPromise=True, returnByValue=True
        )
        if result.get("exceptionDetails"):
            raise RuntimeError(json.dumps(result["exceptionDetails"])[:2000])
        return result["result"].get("value")

    def wait_for(self, expression, timeout=60):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.evaluate(expression):
                return
            time.sleep(0.1)
        raise RuntimeError(f"timeout waiting for {expression}")

    def close(self):
        try:
            self.ws.close()
        finally:
            self.process.terminate()
            self.process.wait(timeout=10)
            shutil.rmtree(self.profile, ignore_errors=True)


MEASURE = r"""
(async () => {
    const env = odoo.__WOWL_DEBUG__.root.env;
    const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
    const start = performance.now();
    await env.services.action.doAction(%(action)d, { clearBreadcrumbs: true });
    while (!document.querySelector(%(selector)s)) {
        if (performance.now() - start > 60000) { throw new Error("no bar rendered"); }
        await frame();
    }
    await frame();
    await frame();
    // time spent waiting for the server (requests started during the render)
    const rpc = performance
        .getEntriesByType("resource")
        .filter((entry) => entry.startTime >= start && /call_kw|action\/load/.test(entry.name))
        .map((entry) => [
            entry.name.split("/").slice(-2).join("/"),
            entry.responseEnd - entry.startTime,
        ]);
    return {
        ms: performance.now() - start,
        bars: document.querySelectorAll(%(selector)s).length,
        rpc,
    };
})()
"""


def measure(browser, base, action_id, selector, rounds):
    times = []
    bars = 0
    for _round in range(rounds):
        browser.send("Page.navigate", url=f"{base}/odoo")
        time.sleep(0.5)
        browser.wait_for(
            "!!(window.odoo && odoo.__WOWL_DEBUG__ && document.querySelector('.o_main_navbar'))"
        )
        time.sleep(1.0)  # let the home screen settle (bus, systray)
        result = browser.evaluate(MEASURE % {"action": action_id, "selector": json.dumps(selector)})
        times.append(result["ms"] / 1000.0)
        bars = result["bars"]
        if os.environ.get("PF_BENCH_VERBOSE"):
            rpc = ", ".join(f"{name} {ms / 1000:.3f} s" for name, ms in result["rpc"])
            print(f"    round: {result['ms'] / 1000:.3f} s; server requests: {rpc}")
    return times, bars


def main():
    args = parse_arguments()
    chromium = find_chromium(args.chromium)
    if not chromium:
        print("No Chromium found (set --chromium or PF_CHROMIUM): benchmark skipped.")
        return 2
    load_config(args)
    if args.oca_addons:
        install_oca(args)
    project_id, n_tasks, n_links, password, actions = prepare(args)
    if "flow_gantt" not in actions:
        return 2
    port = args.port or free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [
            sys.executable,
            os.path.join(args.odoo_home, "odoo-bin"),
            "-c",
            args.config,
            "-d",
            args.database,
            "--db-filter",
            f"^{args.database}$",
            "--addons-path",
            odoo_addons_path(args)
            + ("," + os.path.abspath(args.oca_addons) if args.oca_addons else ""),
            "--http-interface",
            "127.0.0.1",
            "--http-port",
            str(port),
            "--max-cron-threads",
            "0",
            "--log-level",
            "warn",
        ]
    )
    browser = None
    try:
        import requests

        for _attempt in range(300):
            try:
                if requests.get(f"{base}/web/health", timeout=2).ok:
                    break
            except requests.RequestException:
                time.sleep(0.2)
        session = requests.Session()
        response = session.post(
            f"{base}/web/session/authenticate",
            json={
                "jsonrpc": "2.0",
                "params": {"db": args.database, "login": BENCH_LOGIN, "password": password},
            },
            timeout=60,
        )
        response.raise_for_status()
        browser = Chromium(chromium)
        browser.send("Network.enable")
        browser.send(
            "Network.setCookie",
            name="session_id",
            value=session.cookies["session_id"],
            url=base,
        )
        print(f"Project {project_id}: {n_tasks} tasks, {n_links} links")
        results = {}
        for mode, action_id in actions.items():
            label, selector = VIEWS[mode]
            rounds = args.oca_rounds if mode == "timeline" else args.rounds
            if not rounds:
                continue
            times, bars = measure(browser, base, action_id, selector, rounds)
            results[mode] = times
            print(
                f"  {label:<22} first render: best {min(times):.3f} s, "
                f"median {statistics.median(times):.3f} s of {rounds} ({bars} bars in the DOM)"
            )
            if mode == "flow_gantt" and args.screenshot:
                shot = browser.send("Page.captureScreenshot", format="png")
                import base64

                with open(args.screenshot, "wb") as file:
                    file.write(base64.b64decode(shot["data"]))
                print(f"  screenshot: {args.screenshot}")
        if "timeline" not in results and "timeline" not in actions:
            print("  (OCA project_timeline not installed: pass --oca-addons to compare)")
        elif "timeline" in results:
            ratio = statistics.median(results["timeline"]) / statistics.median(
                results["flow_gantt"]
            )
            print(f"  project_flow Gantt is {ratio:.1f}x faster (median)")
        gantt = statistics.median(results["flow_gantt"])
        ok = gantt < TARGET_SECONDS
        print(f"Target: first render under {TARGET_SECONDS:.1f} s: {'met' if ok else 'MISSED'}")
        return 0 if ok else 1
    finally:
        if browser:
            browser.close()
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    sys.exit(main())
