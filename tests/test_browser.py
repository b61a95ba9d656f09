"""The pages in a real browser: Debian's headless Chromium, driven by playwright-core
(tests/browser/inspect.mjs), against the real server on 127.0.0.1. axe-core, injected
into each page, checks accessibility."""

from __future__ import annotations

import json
import shutil
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from tests.helpers import PROJECT, SAMPLE_ID, SEED_ID, SEED_URL, free_port, serving

INSPECT = PROJECT / "tests" / "browser" / "inspect.mjs"
pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        shutil.which("chromium") is None
        or shutil.which("node") is None
        or not (PROJECT / "node_modules" / "playwright-core").is_dir(),
        reason="needs Debian's chromium and `npm ci` (.ci/run and make test provide them)",
    ),
]
SERIOUS = ("serious", "critical")


def inspect(url: str, width: int = 1280, *extra: str) -> dict:
    result = subprocess.run(
        ["node", INSPECT, url, "--width", str(width), *extra],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=PROJECT,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout)


def serious(facts: dict) -> list[dict]:
    return [v for v in facts["axe"] if v["impact"] in SERIOUS]


def test_the_article_page_renders_its_marks_quotes_and_timeline(live_server):
    facts = inspect(f"{live_server.url}/articles/{SEED_ID}")
    assert facts["status"] == 200 and facts["cspReports"] == []
    organizations = requests.get(f"{live_server.url}{SEED_URL}/organizations?limit=100", timeout=5)
    mentions = sorted(
        (org["id"], m["form"], m["text"])
        for org in organizations.json()["items"]
        for m in org["mentions"]
    )
    marks = sorted((m["organization"], m["form"], m["text"]) for m in facts["marks"])
    assert marks == mentions and len(marks) == 27
    sections = requests.get(f"{live_server.url}{SEED_URL}/sections", timeout=5).json()["items"]
    assert facts["paragraphs"] == [p for s in sections for p in s["paragraphs"]]
    events = requests.get(f"{live_server.url}{SEED_URL}/timeline", timeout=5).json()["items"]
    assert facts["timelineEvents"] == len(events) == 9
    assert {href.removeprefix("#timeline-") for href in facts["evidence"]} == {
        e["id"] for e in events
    }
    assert facts["scripts"] == 0  # only the JSON-LD data block
    assert serious(facts) == [], facts["axe"]


@pytest.mark.parametrize(
    "path",
    [
        f"/articles/{SEED_ID}",
        f"/articles/{SAMPLE_ID}",
        "/articles",
        "/articles?q=coalition",
        f"/embed/articles/{SEED_ID}",
        f"/embed/articles/{SEED_ID}/timeline",
    ],
)
@pytest.mark.parametrize("width", [320, 1280])
def test_every_page_is_readable_at_320_and_1280_px_and_accessible(live_server, path, width):
    facts = inspect(live_server.url + path, width)
    assert facts["status"] == 200
    assert facts["overflows"] is False  # nothing wider than the screen
    assert serious(facts) == [], facts["axe"]
    assert facts["cspReports"] == []


def test_the_oembed_iframe_is_tall_enough_for_the_timeline(live_server):
    embed = f"/embed/articles/{SEED_ID}/timeline"
    answer = requests.get(
        f"{live_server.url}/oembed", params={"url": live_server.url + embed}, timeout=5
    ).json()
    facts = inspect(live_server.url + embed, answer["width"])
    assert facts["contentHeight"] <= answer["height"]  # no scroll bar inside the iframe


class _HostPage(BaseHTTPRequestHandler):
    """Another site (another port: another origin) that embeds the API's pages."""

    page = b""

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write(self.page)

    def log_message(self, *args):
        pass


def test_an_iframe_on_another_site_shows_the_embed_and_never_the_page(live_server):
    embed = f"{live_server.url}/embed/articles/{SEED_ID}"
    _HostPage.page = (
        '<!DOCTYPE html><html lang="en"><head><title>A host</title></head><body><main>'
        "<h1>A site that embeds</h1>"
        f'<iframe title="embed" src="{embed}" width="640" height="400"></iframe>'
        f'<iframe title="page" src="{live_server.url}/articles/{SEED_ID}" width="640"'
        ' height="400"></iframe></main></body></html>'
    ).encode()
    host = ThreadingHTTPServer(("127.0.0.1", free_port()), _HostPage)
    thread = threading.Thread(target=host.serve_forever, daemon=True)
    thread.start()
    try:
        facts = inspect(f"http://127.0.0.1:{host.server_address[1]}/")
    finally:
        host.shutdown()
        host.server_close()
    embedded, refused = facts["frames"]
    assert (embedded["url"], embedded["marks"]) == (embed, 27)
    assert refused["url"].startswith("chrome-error://")  # frame-ancestors 'none'
    assert any("frame-ancestors 'none'" in report for report in facts["cspReports"])


def test_markup_in_an_article_stays_text_in_the_browser(corpus_copy):
    evil = '<img src=x onerror="window.__alerts = 1"><script>window.__alerts = 2</script>'
    text = corpus_copy.folder(SAMPLE_ID) / "article.md"
    paragraphs = text.read_text("utf-8").split("\n\n")
    paragraphs[1] += " " + evil
    text.write_text("\n\n".join(paragraphs), "utf-8")
    with serving(env={"ARTICLE_DATA_DIR": str(corpus_copy.root)}) as running:
        facts = inspect(f"{running.url}/articles/{SAMPLE_ID}")
    assert facts["alerts"] == 0 and facts["scripts"] == 0
    assert any(p.endswith(evil) for p in facts["paragraphs"])  # shown as the text it is
