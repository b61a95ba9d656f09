"""The OpenAPI document as served and as ``make openapi`` writes it."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import yaml
from flask import Flask
from flask_smorest import Api

from article_data_api.examples import Examples, examples_by_operation
from article_data_api.negotiation import JSON

EXTENSION = "article_data_openapi"
YAML = "application/yaml"
# Mount points whose documents are kept rendered: an app is mounted at one or two.
ROOTS_KEPT = 8


class OpenApiDocuments:
    """The document by media type, rendered once per mount point, with the examples of
    every operation added by operation id.

    Its ``servers`` entry is where the API is mounted. At the root, the YAML is exactly
    what ``make openapi`` writes into the repository.
    """

    def __init__(self, spec: dict[str, Any], examples: Callable[[], dict[str, Examples]]) -> None:
        self.spec = spec
        self.examples = examples
        self.rendered: dict[str, dict[str, bytes]] = {}

    def document(self, root: str, media_type: str) -> bytes:
        if root not in self.rendered:
            if len(self.rendered) >= ROOTS_KEPT:
                self.rendered.clear()
            self.rendered[root] = self._render(root)
        return self.rendered[root][media_type]

    def _render(self, root: str) -> dict[str, bytes]:
        spec = with_examples(self.spec, self.examples())
        if root:
            spec = {**spec, "servers": [{**spec["servers"][0], "url": root}]}
        return {JSON: json.dumps(spec, indent=2).encode(), YAML: yaml.dump(spec).encode()}


def with_examples(spec: dict[str, Any], examples: dict[str, Examples]) -> dict[str, Any]:
    """A copy of ``spec`` with each 200 response's example, by operation id and media type.

    Copied through JSON, so that no object appears twice (YAML would write an anchor).
    """
    spec, examples = json.loads(json.dumps(spec)), json.loads(json.dumps(examples))
    for item in spec["paths"].values():
        for operation in item.values():
            if not isinstance(operation, dict) or "operationId" not in operation:
                continue
            content = operation["responses"]["200"]["content"]
            for media_type, example in examples[operation["operationId"]].items():
                content[media_type]["example"] = example
    return spec


def init_app(app: Flask, api: Api) -> None:
    """Keep the document on the app. flask-smorest's own ``flask openapi`` commands would
    write it without examples, so ``article-data-api openapi`` replaces them."""
    app.extensions[EXTENSION] = OpenApiDocuments(api.spec.to_dict(), examples_by_operation)
    app.cli.commands.pop("openapi", None)


def documents(app: Flask) -> OpenApiDocuments:
    return app.extensions[EXTENSION]
