"""schemathesis, in process: every operation, positive and negative inputs, every check."""

from pathlib import Path

import schemathesis

from api import create_app

schema = schemathesis.openapi.from_path(Path(__file__).resolve().parents[1] / "openapi.yaml")
schema.app = create_app()


@schema.parametrize()
def test_the_app_keeps_the_contract(case):
    case.call_and_validate()
