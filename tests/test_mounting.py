"""The API mounted under a prefix inside someone else's WSGI app."""

import pytest
from flask import Flask
from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.test import Client

from article_data_api import create_app
from tests.helpers import SEED_ID


@pytest.fixture(scope="module")
def host_client():
    host = Flask("host")

    @host.get("/")
    def host_home():
        return "the host's own page"

    host.wsgi_app = DispatcherMiddleware(host.wsgi_app, {"/news": create_app()})
    return Client(host)


def test_the_host_keeps_its_own_routes(host_client):
    assert host_client.get("/").get_data(as_text=True) == "the host's own page"


def test_every_link_carries_the_prefix(host_client):
    page = host_client.get("/news/v1/articles?limit=1").get_json()
    assert page["links"]["self"] == "/news/v1/articles?limit=1&offset=0"
    assert page["links"]["next"].startswith("/news/v1/articles?limit=1&cursor=")
    assert page["links"]["prev"] is None
    assert page["items"][0]["links"]["self"] == f"/news/v1/articles/{SEED_ID}"
    organization = host_client.get(f"/news/v1/articles/{SEED_ID}/organizations/nvidia").get_json()
    assert organization["links"]["index"] == "/news/v1/organizations/nvidia"
    linked = host_client.get(
        f"/news/v1/articles/{SEED_ID}", headers={"Accept": "application/ld+json"}
    )
    assert linked.get_json()["@id"] == f"http://localhost/news/v1/articles/{SEED_ID}"


def test_link_headers_and_redirects_carry_the_prefix(host_client):
    response = host_client.get("/news/v1/organizations?limit=2")
    assert response.headers["Link"].startswith("</news/v1/organizations?sort=id&limit=2&offset=0>")
    home = host_client.get("/news/")
    assert home.status_code == 302 and home.headers["Location"] == "/news/docs/"


def test_the_served_spec_names_the_prefix_as_its_server(host_client):
    spec = host_client.get("/news/openapi.json").get_json()
    assert spec["servers"][0]["url"] == "/news"
    assert b"url: /news" in host_client.get("/news/openapi.yaml").get_data()


def test_mounted_and_root_apps_do_not_share_cached_links(host_client, client):
    assert host_client.get("/news/v1/articles").get_json()["links"]["self"].startswith("/news/")
    assert client.get("/v1/articles").get_json()["links"]["self"].startswith("/v1/")
