"""Accessibility checks of every page the browser tests load: axe-core runs in each document when it has loaded.

axe-core (tests/e2e/vendor/axe.min.js, copied from the version frontend/package-lock.json locks by `make static`) is
added to every browser context the tests make (``watch``) as an init script, so the page's strict
Content-Security-Policy does not stop it and no test has to ask for it. Each HTML document of the top frame runs
axe with the rules below when its ``load`` event fires and reports its violations to Python through a binding. A
document that the test leaves before axe finished is not reported (the next one is). ``finish`` waits for the
checks still running and returns what was found; the e2e conftest fails a test whose pages had any violation.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

AXE_JS = Path(__file__).with_name("vendor") / "axe.min.js"
# WCAG 2.2 A and AA and axe's best practices (landmarks, one h1, headings in order, …)
RULE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
WAIT_MS = 20_000  # a check still running at the end of a test is waited for this long (real time)

RUNNER = """
(() => {
  if (window.top !== window || window.__zorgidA11yInstalled) return;
  window.__zorgidA11yInstalled = true;
  const realSetTimeout = window.setTimeout.bind(window);  // before a test's fake clock replaces it
  window.__zorgidA11yWait = (ms) => new Promise((resolve) => realSetTimeout(resolve, ms));
  window.addEventListener("load", () => {
    if (!document.contentType || !document.contentType.includes("html") || !document.documentElement) return;
    window.__zorgidA11y = axe.run(document, {runOnly: {type: "tag", values: %(tags)s}, resultTypes: ["violations"]})
      .then((result) => window.__zorgidA11yReport(location.href, result.violations.map((v) => ({
        id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.slice(0, 5).map((n) => ({target: n.target.join(" "), summary: n.failureSummary})),
      }))))
      .catch((error) => window.__zorgidA11yReport(location.href, [{id: "axe-error", impact: "critical",
        help: String(error), nodes: []}]));
  });
})();
"""


@dataclass
class Findings:
    """What the checks of one test found: the documents checked, and the violations per document."""

    checked: list[str] = field(default_factory=list)
    violations: list[tuple[str, dict]] = field(default_factory=list)
    contexts: list = field(default_factory=list)

    def report(self, source, url: str, violations: list[dict]) -> None:
        self.checked.append(url)
        self.violations.extend((url, violation) for violation in violations)

    def describe(self) -> str:
        lines = []
        for url, violation in self.violations:
            lines.append(f"{url}: {violation['id']} ({violation['impact']}): {violation['help']}")
            lines.extend(f"    {node['target']}: {node['summary']}" for node in violation["nodes"])
        return "\n".join(lines)


CURRENT = Findings()


def _report(source, url: str, violations: list[dict]) -> None:
    CURRENT.report(source, url, violations)  # the test running now, also from a context an earlier test left open


def watch(context) -> None:
    """Check every document this browser context loads from now on."""
    context.expose_binding("__zorgidA11yReport", _report)
    context.add_init_script(script=AXE_JS.read_text() + RUNNER % {"tags": json.dumps(RULE_TAGS)})
    CURRENT.contexts.append(context)


def settle(page) -> None:
    """Wait for the check of the page's current document (if it runs one) to report."""
    if page.is_closed():
        return
    try:
        page.evaluate("ms => window.__zorgidA11y ? Promise.race([window.__zorgidA11y, window.__zorgidA11yWait(ms)])"
                      " : null", WAIT_MS)
    except Exception:  # noqa: BLE001 - the page navigated or closed meanwhile: nothing left to wait for
        pass


def finish_context(context) -> None:
    """Wait for the checks still running in this context's pages (a test's last page, typically)."""
    for page in list(getattr(context, "pages", [])):
        settle(page)
    if context in CURRENT.contexts:
        CURRENT.contexts.remove(context)


def finish() -> Findings:
    """Wait for every context's running checks; return what this test's pages showed and start anew."""
    global CURRENT
    for context in list(CURRENT.contexts):
        try:
            finish_context(context)
        except Exception:  # noqa: BLE001 - a context the test closed itself
            pass
    found, CURRENT = CURRENT, Findings()
    return found


def check_page(page) -> list[dict]:
    """Run axe on the page as it is now (after a test changed it, e.g. a form with its errors shown)."""
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.evaluate(AXE_JS.read_text())
    return page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})"
        ".then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.slice(0, 5).map(n => ({target: n.target.join(' '), summary: n.failureSummary}))})))",
        RULE_TAGS)
