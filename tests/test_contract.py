"""The OpenAPI document: generated from the code, complete, and checked by other people's tools."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from article_data_api.openapi import documents
from tests.helpers import CONSOLE_SCRIPT

PROJECT = Path(__file__).resolve().parents[1]
SPEC_PATH = PROJECT / "openapi.yaml"
SPECTRAL = PROJECT / "node_modules" / ".bin" / "spectral"


@pytest.fixture(scope="module")
def spec() -> dict:
    return yaml.safe_load(SPEC_PATH.read_text("utf-8"))


def operations(spec):
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method != "parameters":
                yield f"{method.upper()} {path}", operation


def test_committed_spec_is_what_the_code_generates(app):
    if SPEC_PATH.read_bytes() != documents(app).document("", "application/yaml"):
        pytest.fail("openapi.yaml differs from what the code generates: run `make openapi`")


def test_make_openapi_writes_what_the_app_serves(client, tmp_path):
    written = tmp_path / "openapi.yaml"
    subprocess.run([CONSOLE_SCRIPT, "openapi", written], check=True, cwd=tmp_path)
    assert written.read_bytes() == client.get("/openapi.yaml").get_data()


def test_make_openapi_where_it_cannot_write_says_why(tmp_path):
    result = subprocess.run(
        [CONSOLE_SCRIPT, "openapi", tmp_path], capture_output=True, text=True, cwd=tmp_path
    )
    assert result.returncode == 1
    assert result.stderr == f"article-data-api openapi: {tmp_path}: Is a directory\n"


def test_operation_ids_are_unique(spec):
    ids = [operation["operationId"] for _, operation in operations(spec)]
    assert len(ids) == len(set(ids)), ids


def test_served_documents_match_the_committed_file(client, spec):
    served_yaml = client.get("/openapi.yaml")
    assert served_yaml.headers["Content-Type"] == "application/yaml"
    assert served_yaml.get_data() == SPEC_PATH.read_bytes()
    served_json = client.get("/openapi.json")
    assert served_json.headers["Content-Type"] == "application/json"
    assert json.loads(served_json.get_data()) == spec
    assert spec["openapi"] == "3.1.0"


def test_openapi_spec_validator_accepts_it(spec):
    validate(spec)


def test_every_operation_is_documented_completely(spec):
    for name, operation in operations(spec):
        assert operation["summary"] and operation["description"], name
        assert operation["operationId"], name
        responses = operation["responses"]
        ok = responses["200"]["content"]["application/json"]
        assert ok["example"], name
        assert set(responses["200"]["headers"]) >= {"ETag", "Cache-Control"}, name
        assert responses["304"]["headers"] == {"ETag": {"$ref": "#/components/headers/ETag"}}, name
        assert responses["406"] == {"$ref": "#/components/responses/NOT_ACCEPTABLE"}, name
        assert responses["414"] == {"$ref": "#/components/responses/REQUEST_URI_TOO_LONG"}, name
        if "{" in name:
            assert responses["404"] == {"$ref": "#/components/responses/NOT_FOUND"}, name
        if any(p.get("in") == "query" for p in operation.get("parameters", [])):
            assert responses["400"] == {"$ref": "#/components/responses/BAD_REQUEST"}, name
    assert len(list(operations(spec))) == 15


def test_errors_share_one_problem_schema(spec):
    for name, response in spec["components"]["responses"].items():
        assert response["content"] == {
            "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
        }, name


def test_ids_are_constrained_by_pattern(spec):
    checked = 0
    for path, item in spec["paths"].items():
        for parameter in item.get("parameters", []):
            if parameter.get("in") == "path":
                assert parameter["schema"]["pattern"] == "^[a-z0-9]+(?:-[a-z0-9]+)*$", path
                checked += 1
    assert checked == 12


def test_collections_document_items_paging_and_links(spec):
    schemas = spec["components"]["schemas"]
    pages = [name for name in schemas if name.endswith("Page")]
    assert sorted(pages) == [
        "ArticleOrganizationPage",
        "ArticlePage",
        "CorpusEventPage",
        "EventPage",
        "OrganizationArticlePage",
        "OrganizationPage",
        "SectionPage",
    ]
    for name in pages:
        assert set(schemas[name]["required"]) == {"items", "limit", "offset", "total", "links"}
        assert schemas[name]["properties"]["links"] == {"$ref": "#/components/schemas/PageLinks"}


def test_schema_names_are_explicit(spec):
    assert not [name for name in spec["components"]["schemas"] if name[-1].isdigit()]


def test_examples_are_valid_against_their_schemas(spec):
    registry = Registry().with_resource("urn:openapi", DRAFT202012.create_resource(spec))
    for name, operation in operations(spec):
        content = operation["responses"]["200"]["content"]["application/json"]
        validator = Draft202012Validator(
            {"$ref": "urn:openapi" + content["schema"]["$ref"]}, registry=registry
        )
        errors = [error.message for error in validator.iter_errors(content["example"])]
        assert errors == [], name


def test_spectral_finds_no_errors_or_warnings():
    assert SPECTRAL.exists(), "Spectral is missing: `make test` installs it with npm ci"
    result = subprocess.run(
        [
            SPECTRAL,
            "lint",
            SPEC_PATH,
            "--ruleset",
            PROJECT / ".spectral.yaml",
            "--fail-severity",
            "warn",
        ],
        capture_output=True,
        text=True,
        cwd=PROJECT,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No results with a severity of 'warn' or higher" in result.stdout


def test_root_redirects_to_the_docs(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/docs/"


def test_docs_page_loads_swagger_ui_from_this_server(client):
    page = client.get("/docs/").get_data(as_text=True)
    assert '<script src="swagger-ui-bundle.js"></script>' in page
    assert '<script src="../static/docs-init.js"></script>' in page  # no inline script
    init = client.get("/static/docs-init.js").get_data(as_text=True)
    assert 'url: "../openapi.json"' in init
    assert "http" not in page.replace("http-equiv", "")  # nothing from another host
    asset = client.get("/docs/swagger-ui-bundle.js")
    assert asset.status_code == 200 and b"SwaggerUIBundle" in asset.get_data()


@pytest.mark.e2e
@pytest.mark.skipif(
    shutil.which("chromium") is None,
    reason="Debian's chromium is not installed (.ci/run installs it)",
)
def test_docs_render_in_a_real_browser_with_no_network(live_server, tmp_path):
    result = subprocess.run(
        [
            "chromium",
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={tmp_path}",
            "--virtual-time-budget=15000",
            "--dump-dom",
            f"{live_server.url}/docs/",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    rendered = set()
    for chunk in result.stdout.split('class="opblock-summary-path" data-path="')[1:]:
        rendered.add(chunk.split('"', 1)[0])
    assert rendered == {
        "/v1/articles",
        "/v1/articles/{article_id}",
        "/v1/articles/{article_id}/sections",
        "/v1/articles/{article_id}/sections/{section_id}",
        "/v1/articles/{article_id}/organizations",
        "/v1/articles/{article_id}/organizations/{organization_id}",
        "/v1/articles/{article_id}/timeline",
        "/v1/articles/{article_id}/timeline/{event_id}",
        "/v1/organizations",
        "/v1/organizations/{organization_id}",
        "/v1/organizations/{organization_id}/articles",
        "/v1/events",
        "/healthz",
        "/readyz",
        "/oembed",
    }
    assert "Article Data API" in result.stdout


@pytest.mark.e2e
def test_schemathesis_cli_finds_no_failures_against_the_real_server(live_server):
    result = subprocess.run(
        [
            Path(sys.executable).parent / "st",
            "run",
            SPEC_PATH,
            "--url",
            live_server.url,
            "--checks",
            "all",
            "--mode",
            "all",
            "--max-examples",
            "30",
            "--seed",
            "1",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=PROJECT,  # where schemathesis.toml is
        env={**os.environ, "SCHEMATHESIS_HOOKS": "tests.schemathesis_hooks"},
    )
    assert result.returncode == 0, result.stdout[-5000:]
    assert "No issues found" in result.stdout
