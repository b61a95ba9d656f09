"""Importing any module does no work: no corpus read, no connection, no environment read."""

import json
import os
import pkgutil
import subprocess
import sys

import article_data_api
import article_data_api.schemas
from tests.helpers import PROJECT

SOURCES = [str(PROJECT / "api"), str(PROJECT / "schemas")]

PROBE = PROJECT / "tests" / "import_probe.py"


def every_module() -> list[str]:
    """Every module of the package, and of its schemas (a folder of their own)."""
    found = ["article_data_api", "article_data_api.schemas"]
    for package in (article_data_api, article_data_api.schemas):
        found += [m.name for m in pkgutil.walk_packages(package.__path__, package.__name__ + ".")]
    return sorted(set(found))


def test_there_are_modules_to_import():
    modules = every_module()
    assert "article_data_api.app" in modules and "article_data_api.schemas.fields" in modules
    assert len(modules) > 20


def test_importing_every_module_reads_no_corpus_no_environment_and_connects_nowhere():
    result = subprocess.run(
        [sys.executable, PROBE, os.pathsep.join(SOURCES), *every_module()],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == []


def test_create_app_lives_in_its_own_module_and_the_package_only_reexports_it():
    from article_data_api.app import create_app

    assert article_data_api.create_app is create_app
    assert article_data_api.__all__ == ["create_app"]


def test_the_server_needs_none_of_the_import_extra():
    code = (
        "import sys\n"
        "for name in ('trafilatura', 'htmldate', 'dateparser', 'lxml'):\n"
        "    sys.modules[name] = None  # as if not installed\n"
        "from article_data_api import create_app\n"
        "client = create_app().test_client()\n"
        "assert client.get('/v1/articles').status_code == 200\n"
        "import article_data_api.cli, article_data_api.corpus.importer\n"
        "print('ok')\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("ok")
