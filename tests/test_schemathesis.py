"""schemathesis, in process: every operation, positive and negative inputs, every check."""

from pathlib import Path

import schemathesis

import tests.schemathesis_hooks  # noqa: F401 (registers the hooks)
from article_data_api import create_app

schema = schemathesis.openapi.from_path(Path(__file__).resolve().parents[1] / "openapi.yaml")
schema.app = create_app()


@schema.parametrize()
def test_the_app_keeps_the_contract(case):
    # The in-process WSGI client advertises gzip but never decompresses; the CLI run in
    # test_contract.py covers gzip over a real connection.
    case.call_and_validate(headers={"Accept-Encoding": "identity"})
