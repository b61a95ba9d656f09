"""What installing gives: one import package, a light client, and imports that do no work."""

import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.helpers import PROJECT, SEED_ID

pytestmark = pytest.mark.e2e


def make_venv(path: Path) -> Path:
    subprocess.run([sys.executable, "-m", "venv", path], check=True)
    return path / "bin"


def pip_install(bin_dir: Path, *what: object) -> None:
    subprocess.run(
        [bin_dir / "pip", "install", "--quiet", "--disable-pip-version-check", *map(str, what)],
        check=True,
    )


@pytest.fixture(scope="module")
def wheel_build(tmp_path_factory) -> tuple[Path, str]:
    """The server's wheel, and what building it wrote to stderr."""
    out = tmp_path_factory.mktemp("wheel")
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", out, PROJECT],
        check=True,
        capture_output=True,
        text=True,
    )
    [built] = out.glob("article_data_api-*.whl")
    return built, build.stderr


@pytest.fixture(scope="module")
def wheel(wheel_build) -> Path:
    return wheel_build[0]


def test_the_wheel_builds_without_a_warning(wheel_build):
    """setuptools warns of configuration it may read differently one day (a data folder
    it takes for a package, say)."""
    _, stderr = wheel_build
    assert "Warning" not in stderr, stderr


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    """A fresh venv holding the server's wheel and its dependencies: its bin folder."""
    bin_dir = make_venv(tmp_path_factory.mktemp("server-venv") / "venv")
    pip_install(bin_dir, wheel)
    return bin_dir


def test_the_wheel_holds_one_top_level_package_and_the_corpus_as_data(wheel):
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        [record] = [n for n in names if n.endswith(".dist-info/RECORD")]
        recorded = [line.split(",")[0] for line in archive.read(record).decode().splitlines()]
    top_level = {path.split("/")[0] for path in recorded if ".dist-info/" not in path}
    assert top_level == {"article_data_api"}
    corpus = [n for n in names if n.startswith("article_data_api/fixtures/")]
    assert f"article_data_api/fixtures/articles/{SEED_ID}/article.md" in corpus
    assert not [n for n in corpus if n.endswith(".py")]  # data, not an importable package


def test_the_installed_distribution_lists_one_top_level_name(installed):
    listed = subprocess.run(
        [
            installed / "python",
            "-c",
            "from importlib.metadata import distribution as d;"
            " print(d('article-data-api').read_text('top_level.txt'))",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert listed == ["article_data_api"]


def test_check_on_a_broken_bundled_corpus_lists_the_problems(installed):
    found = subprocess.run(
        [
            installed / "python",
            "-c",
            "from article_data_api.config import bundled_corpus as b; print(b())",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    annotations = Path(found) / "articles" / SEED_ID / "annotations.json"
    original = annotations.read_bytes()
    try:
        annotations.write_text('{"title": ', "utf-8")
        result = subprocess.run(
            [installed / "article-data-api", "check"], capture_output=True, text=True
        )
    finally:
        annotations.write_bytes(original)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    assert f"articles/{SEED_ID}/annotations.json: line 1 column 11" in result.stderr
    assert result.stderr.splitlines()[-1].startswith("1 problem(s) in ")


def readme_client_example() -> str:
    """The Python block of the README's client section, as a user would copy it."""
    readme = (PROJECT / "README.md").read_text("utf-8")
    section = readme.split("## The Python client", 1)[1]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


def test_the_client_alone_runs_the_readme_example_without_flask(live_server, tmp_path):
    bin_dir = make_venv(tmp_path / "client-venv")
    pip_install(bin_dir, PROJECT / "client")
    example = readme_client_example().replace("http://127.0.0.1:8000", live_server.url)
    result = subprocess.run([bin_dir / "python", "-c", example], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "The partnership’s concrete results become visible later" in result.stdout
    assert "400 [{'name': 'limit'" in result.stdout
    no_flask = subprocess.run([bin_dir / "python", "-c", "import flask"], capture_output=True)
    assert no_flask.returncode != 0
    installed = subprocess.run(
        [bin_dir / "pip", "list", "--format", "json"], capture_output=True, text=True, check=True
    )
    names = {p["name"].lower() for p in json.loads(installed.stdout)}
    assert "article-data-api-client" in names and "article-data-api" not in names
