"""``make browser-check``: the provider's pages in Airflow's own UI, checked in a real browser.

Starts what ``make demo`` starts for the Snowflake example (the Arize emulator, a local Snowflake and a real
Airflow, ``airflow standalone``), unpauses ``example_arize_snowflake_event_load`` so the schedule runs its
latest hour, and drives Debian's Chromium headless (the ``playwright`` package against the system
browser, ``make browser-deps``; never ``playwright install``) through two pages:

1. Admin > Connections > Add Connection, type "Arize": the standard fields the provider keeps show under
   its labels and placeholders (``ui-field-behaviour``), the ones it hides (login, port, schema) do not,
   and every extra field of its ``conn-fields`` shows under its label. Screenshots
   ``connection-form-standard.png`` and ``connection-form-extra.png`` (the form opens one section at a
   time).
2. The finished ``ensure_job`` task (the create) of that run, Details tab: the "Arize import job" extra
   link points at the job's page on the emulator (``links.job_url``: ``<url>/spaces/<space id>/
   import-jobs?type=table&jobId=<short id>``), and clicking it opens that URL in a new tab. Screenshot
   ``job-link.png``.

The UI needs no login: ``LiveAirflow`` runs the simple auth manager with every user an admin
(``AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS``), bound to 127.0.0.1.

Writes the screenshots and ``result.json`` (what was seen, timings) to ``--output`` (default
``.browser-check/``), with Airflow's home (its logs) in ``<output>/airflow``, fresh on each run. Exits 1
naming what failed, with ``failure.png`` of the page the browser was on.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import shutil
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
DAGS = ROOT / "example_dags"
DAG = "example_arize_snowflake_event_load"
CREATE_TASK = "ensure_job"
LINK_NAME = "Arize import job"
#: Standard fields the provider's ``hidden-fields`` removes from the form, as Airflow labels them.
HIDDEN_LABELS = ("Login", "Port", "Schema")
#: How the browser is started: the system Chromium, headless, no sandbox (root), nothing fetched.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
#: What a passing run writes to the output folder.
SCREENSHOTS = ("connection-form-standard.png", "connection-form-extra.png", "job-link.png")
#: Tall enough that the Add Connection dialog fits whole in a screenshot.
VIEWPORT = {"width": 1400, "height": 1300}
#: A page or an element may take this long (ms) on a loaded two-core machine.
UI_TIMEOUT_MS = 30_000


class CheckFailed(AssertionError):
    """What the browser saw is not what the provider declares."""


def chromium_path() -> str:
    path = shutil.which("chromium")
    if path is None:
        raise CheckFailed("no `chromium` on PATH: run `make browser-deps` (apt-get install chromium)")
    return path


def declared_form() -> dict[str, Any]:
    """The arize connection form as the provider declares it (get_provider_info)."""
    from airflow_provider_arize.get_provider_info import conn_fields, ui_field_behaviour

    behaviour = ui_field_behaviour()
    return {
        "standard_labels": [behaviour["relabeling"][f] for f in ("host", "password")],
        "placeholders": [behaviour["placeholders"][f] for f in ("host", "password")],
        "extra_labels": [field["label"] for field in conn_fields().values()],
    }


@contextlib.contextmanager
def live_stack(home: Path) -> Iterator[tuple[Any, Any]]:
    """The emulator, a local Snowflake and ``airflow standalone`` on the example DAGs, with
    ``arize_default`` and ``snowflake_default`` pointing at them; yields ``(airflow, emulator)``."""
    from airflow_provider_arize.dag_testing import arize_connection_uri_env
    from airflow_provider_arize.emulator.testing import EmulatorServer
    from airflow_provider_arize.local_services import FakeSnowflakeServer
    from airflow_provider_arize.local_services.airflow import LiveAirflow

    with contextlib.ExitStack() as stack:
        snowflake = stack.enter_context(FakeSnowflakeServer())
        stack.enter_context(snowflake.trusted())  # Airflow's processes inherit the trust
        warehouses = {"snowflake": {snowflake.account: snowflake.emulator_warehouse()}}
        emulator = stack.enter_context(EmulatorServer(warehouses=warehouses, worker_interval_seconds=0.2))
        env = {
            **arize_connection_uri_env(
                "arize_default", url=emulator.url, api_key=emulator.api_key, space_id=emulator.space_id
            ),
            **snowflake.airflow_connection("snowflake_default", database="ANALYTICS", schema="ML"),
        }
        yield stack.enter_context(LiveAirflow(home, DAGS, env)), emulator


def _label(text: str) -> re.Pattern[str]:
    """A form label's whole text (Airflow appends a space, or `*` on required fields)."""
    return re.compile(rf"^\s*{re.escape(text)}\s*\*?\s*$")


def _visible_labels(dialog: Any) -> list[str]:
    """The field labels the dialog shows below the connection id and type, as a person reads them."""
    texts = (" ".join(t.replace("*", "").split()) for t in dialog.locator("label:visible").all_inner_texts())
    return [t for t in texts if t and t not in ("Connection ID", "Connection Type")]


def check_connection_form(page: Any, airflow_url: str, output: Path) -> dict[str, Any]:
    """Check 1 (see the module docstring); return the labels seen and the screenshots."""
    from playwright.sync_api import expect

    declared = declared_form()
    page.goto(f"{airflow_url}/connections")
    page.get_by_role("button", name="Add Connection").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("combobox", name="Connection Type").fill("Arize")
    page.get_by_role("option", name="Arize", exact=True).click()

    standard_section = dialog.get_by_role("button", name="Standard Fields", exact=True)
    expect(standard_section).to_have_attribute("aria-expanded", "true")
    for label in declared["standard_labels"]:
        expect(dialog.locator("label", has_text=_label(label)), f"label {label!r}").to_be_visible()
    for placeholder in declared["placeholders"]:
        expect(dialog.get_by_placeholder(placeholder, exact=True)).to_be_visible()
    visible = _visible_labels(dialog)
    shown_hidden = [h for h in HIDDEN_LABELS if h in visible]
    if shown_hidden:
        raise CheckFailed(f"the form shows fields the provider hides: {shown_hidden} (labels: {visible})")
    standard_png = output / SCREENSHOTS[0]
    dialog.screenshot(path=standard_png)

    dialog.get_by_role("button", name="Extra Fields", exact=True).click()
    for label in declared["extra_labels"]:
        expect(dialog.locator("label", has_text=_label(label)), f"label {label!r}").to_be_visible()
    extra_png = output / SCREENSHOTS[1]
    dialog.screenshot(path=extra_png)
    return {
        "standard_labels": visible,
        "extra_labels": _visible_labels(dialog),
        "screenshots": [standard_png.name, extra_png.name],
    }


#: Writes a link's href under the row of extra links, boxed and marked as added by this check.
_SHOW_HREF = """(a) => {
  const note = document.createElement("div");
  note.textContent = "[added by scripts/browser_check.py] href: " + a.getAttribute("href");
  note.style.cssText = "margin:4px 0;padding:4px 8px;border:2px dashed #c05621;color:#c05621;"
    + "font:13px monospace;width:fit-content";
  a.parentElement.after(note);
}"""


def check_job_link(page: Any, airflow_url: str, run_id: str, expected: str, output: Path) -> dict[str, Any]:
    """Check 2 (see the module docstring); return the link's href, the URL it opened and the screenshot."""
    from playwright.sync_api import expect

    page.goto(f"{airflow_url}/dags/{DAG}/runs/{quote(run_id, safe='')}/tasks/{CREATE_TASK}/details")
    link = page.get_by_role("link", name=LINK_NAME, exact=True)
    expect(link).to_be_visible()
    expect(link).to_have_attribute("href", expected)
    link.evaluate(_SHOW_HREF)  # a screenshot shows no link target: print it under the links, marked as ours
    link_png = output / SCREENSHOTS[2]
    page.screenshot(path=link_png)
    with page.expect_popup() as popup_info:
        link.click()
    popup = popup_info.value
    popup.wait_for_load_state()
    opened = str(popup.url)
    popup.close()
    if opened != expected:
        raise CheckFailed(f"the {LINK_NAME!r} link opened {opened}, not {expected}")
    return {
        "dag_run_id": run_id,
        "href": link.get_attribute("href"),
        "opened": opened,
        "screenshot": link_png.name,
    }


def run_checks(output: Path) -> dict[str, Any]:
    """Start the stack in ``output/airflow`` and run both checks; raise :class:`CheckFailed` (or
    playwright's or ``LiveAirflow``'s error) on the first that fails. Returns what ``result.json`` holds."""
    from playwright.sync_api import expect, sync_playwright

    executable = chromium_path()  # before anything starts
    expect.set_options(timeout=UI_TIMEOUT_MS)
    seconds: dict[str, float] = {}
    result: dict[str, Any] = {"seconds": seconds}
    started = time.monotonic()
    with live_stack(output / "airflow") as (airflow, emulator):
        seconds["stack_up"] = round(time.monotonic() - started, 1)
        airflow.unpause(DAG)  # catchup=False: the schedule runs the latest complete hour
        run_id = str(airflow.wait_scheduled_run(DAG)["dag_run_id"])
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport=VIEWPORT)
            page.set_default_timeout(UI_TIMEOUT_MS)
            try:
                # the form does not need the run: check it while the run writes and creates the job
                result["connection_form"] = check_connection_form(page, airflow.url, output)
                ti = airflow.wait_task(DAG, run_id, CREATE_TASK, timeout=240)
                seconds["create_task_done"] = round(time.monotonic() - started, 1)
                if ti["state"] != "success":
                    log = airflow.task_log(DAG, run_id, CREATE_TASK, max(int(ti["try_number"]), 1))
                    raise CheckFailed(f"{DAG} {run_id} {CREATE_TASK} {ti['state']}:\n{log[-3000:]}")
                jobs = [j for j in emulator.admin.jobs() if j["job_status"] != "deleted"]
                if len(jobs) != 1:
                    raise CheckFailed(f"the emulator has {len(jobs)} live jobs after one run, not 1: {jobs}")
                job = jobs[0]
                expected = (
                    f"{emulator.url}/spaces/{emulator.space_id}/import-jobs?type=table&jobId={job['job_id']}"
                )
                result["job_link"] = {
                    "expected": expected,
                    **check_job_link(page, airflow.url, run_id, expected, output),
                }
            except Exception:
                with contextlib.suppress(Exception):
                    page.screenshot(path=output / "failure.png")
                raise
            finally:
                browser.close()
    seconds["total"] = round(time.monotonic() - started, 1)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument(
        "--output", type=Path, default=ROOT / ".browser-check", help="screenshots, result.json, Airflow home"
    )
    args = parser.parse_args(argv)
    output: Path = args.output.resolve()
    output.mkdir(parents=True, exist_ok=True)
    for stale in ("airflow", "result.json", "failure.png", *SCREENSHOTS):
        path = output / stale
        shutil.rmtree(path) if path.is_dir() else path.unlink(missing_ok=True)
    from playwright.sync_api import Error as PlaywrightError

    from airflow_provider_arize.local_services.airflow import LiveAirflowError

    try:
        result = run_checks(output)
    except (AssertionError, PlaywrightError, LiveAirflowError) as exc:
        (output / "result.json").write_text(json.dumps({"failed": str(exc)}, indent=2) + "\n")
        logs = f"\n(Airflow's home and logs: {output / 'airflow'})" if (output / "airflow").exists() else ""
        print(f"browser check FAILED: {exc}{logs}", file=sys.stderr)
        return 1
    (output / "result.json").write_text(json.dumps(result, indent=2) + "\n")
    form, link = result["connection_form"], result["job_link"]
    print(f"connection form: {', '.join(form['standard_labels'] + form['extra_labels'])}")
    print(f"{LINK_NAME!r} link on {CREATE_TASK}: {link['href']}")
    print(f"screenshots in {output}: {', '.join(form['screenshots'] + [link['screenshot']])}")
    print(f"browser check passed in {result['seconds']['total']:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
