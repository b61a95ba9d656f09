"""The real server (gunicorn via the console script) on 127.0.0.1, driven with requests."""

import os
import subprocess

import pytest
import requests

from tests.helpers import (
    CONSOLE_SCRIPT,
    PORT_ID,
    SAMPLE_ID,
    SEED_ID,
    SEED_URL,
    free_port,
    serving,
)

pytestmark = pytest.mark.e2e


def test_every_endpoint_serves_json(live_server):
    urls = {
        "/v1/articles": lambda b: [a["id"] for a in b["items"]] == [SEED_ID, PORT_ID, SAMPLE_ID],
        SEED_URL: lambda b: b["counts"]["sections"] == 6,
        f"{SEED_URL}/sections": lambda b: b["items"][0]["id"] == "lead",
        f"{SEED_URL}/sections/what-this-means-in-practice": lambda b: len(b["paragraphs"]) == 3,
        f"{SEED_URL}/organizations": lambda b: b["total"] == 4,
        f"{SEED_URL}/organizations/meta": lambda b: b["mention_count"] == 1,
        f"{SEED_URL}/timeline": lambda b: b["total"] == 9,
        f"{SEED_URL}/timeline/nemotron-coalition-launched": lambda b: (
            b["date"]["value"] == "2026-03-16"
        ),
        "/v1/organizations": lambda b: b["total"] == 8,
        "/v1/organizations/northwind-data-cooperative": lambda b: b["article_count"] == 2,
        "/healthz": lambda b: b == {"status": "ok"},
        "/readyz": lambda b: b["status"] == "ready",
    }
    for url, check in urls.items():
        response = requests.get(live_server.url + url, timeout=5)
        assert response.status_code == 200, url
        assert response.headers["Content-Type"] == "application/json", url
        assert check(response.json()), url


def test_text_survives_the_wire_verbatim(live_server):
    lead = requests.get(f"{live_server.url}{SEED_URL}/sections/lead", timeout=5).json()
    assert "open “frontier models” – that is, the most powerful" in lead["paragraphs"][1]
    last = requests.get(
        f"{live_server.url}{SEED_URL}/sections/what-this-means-in-practice", timeout=5
    )
    assert last.json()["paragraphs"][-1].endswith("interesting in itself 🙂")


def test_conditional_get_and_head(live_server):
    url = f"{live_server.url}{SEED_URL}/timeline"
    first = requests.get(url, timeout=5)
    again = requests.get(url, headers={"If-None-Match": first.headers["ETag"]}, timeout=5)
    assert again.status_code == 304 and again.content == b""
    head = requests.head(url, timeout=5)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["ETag"] == first.headers["ETag"]


def test_errors_are_problems_on_the_wire(live_server):
    missing = requests.get(f"{live_server.url}/v1/articles/nope", timeout=5)
    assert missing.status_code == 404
    assert missing.headers["Content-Type"] == "application/problem+json"
    assert missing.json()["detail"] == (
        "No article with id 'nope'. The ids are listed at /v1/articles."
    )
    posted = requests.post(f"{live_server.url}/v1/articles", timeout=5)
    assert posted.status_code == 405 and posted.json()["status"] == 405


def test_serve_honours_port_from_the_environment():
    with serving(port_from_env=True) as server:
        assert requests.get(f"{server.url}/v1/articles", timeout=5).json()["total"] == 3


def test_serve_refuses_an_invalid_corpus(corpus_copy):
    corpus_copy.edit_annotations(lambda d: d["events"][5]["evidence"].update(quote="nowhere"))
    result = subprocess.run(
        [str(CONSOLE_SCRIPT), "serve", "--port", str(free_port())],
        env={**os.environ, "ARTICLE_DATA_DIR": str(corpus_copy.root)},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 1
    assert (
        f"{corpus_copy.shown()}: events[5].evidence.quote: not found in the article text"
        in result.stderr
    )
