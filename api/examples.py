"""Response examples for the OpenAPI document, taken from the bundled seed article.

They always come from the bundled corpus, whatever ``ARTICLE_DATA_DIR`` says, so the
document never varies. They are made when the document is first rendered, never at import.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from article_data_api.config import bundled_corpus
from article_data_api.corpus.corpus import Corpus
from article_data_api.encoding import Encoded
from article_data_api.negotiation import JSON, LD_JSON
from article_data_api.representations import Representations, page
from article_data_api.schemas.queries import DEFAULT_LIMIT

SEED_ID = "mistral-ai-joins-nvidia-nemotron-coalition"
SECTION_ID = "what-mistral-brings-to-the-partnership"
ORGANIZATION_ID = "nvidia"
INDEXED_ORGANIZATION_ID = "mistral-ai"
EVENT_ID = "nemotron-coalition-launched"
EXAMPLE_PAGE = {"limit": 2, "offset": 0}

Examples = dict[str, dict[str, Any]]


def _first_page(found: Sequence, represent: Callable[[Any], Encoded], path: str) -> dict:
    return json.loads(page(found, represent, path, EXAMPLE_PAGE)[0])


def examples_by_operation() -> dict[str, Examples]:
    """Each operation's 200 examples, by operation id and then by media type."""
    corpus = Corpus.load(bundled_corpus())
    seed = corpus.articles_by_id[SEED_ID]
    dumped = Representations(corpus, root="")
    seed_path = f"/v1/articles/{SEED_ID}"
    every = {"limit": DEFAULT_LIMIT, "offset": 0}
    return {
        "getArticles": {
            JSON: _first_page(
                list(corpus.articles), lambda a: dumped.article_summary(a.id), "/v1/articles"
            )
        },
        "getArticleById": {
            JSON: dumped.article(SEED_ID).data,
            LD_JSON: dumped.article_ld(SEED_ID).data,
        },
        "getSections": {
            JSON: _first_page(
                list(dumped.sections(SEED_ID).values()), lambda s: s, f"{seed_path}/sections"
            )
        },
        "getSectionById": {JSON: dumped.sections(SEED_ID)[SECTION_ID].data},
        "getArticleOrganizations": {
            JSON: _first_page(
                seed.find_organizations(every),
                lambda o: dumped.organizations_in(SEED_ID)[o.id],
                f"{seed_path}/organizations",
            )
        },
        "getArticleOrganizationById": {
            JSON: dumped.organizations_in(SEED_ID)[ORGANIZATION_ID].data,
            LD_JSON: dumped.organization_ld(INDEXED_ORGANIZATION_ID).data,
        },
        "getTimeline": {
            JSON: _first_page(
                seed.find_events(every),
                lambda e: dumped.events(SEED_ID)[e.id],
                f"{seed_path}/timeline",
            )
        },
        "getEventById": {
            JSON: dumped.events(SEED_ID)[EVENT_ID].data,
            LD_JSON: dumped.events_ld(SEED_ID)[EVENT_ID].data,
        },
        "getOrganizations": {
            JSON: _first_page(
                corpus.find_organizations(every),
                lambda o: dumped.organization(o.id),
                "/v1/organizations",
            )
        },
        "getOrganizationById": {
            JSON: dumped.organization(INDEXED_ORGANIZATION_ID).data,
            LD_JSON: dumped.organization_ld(INDEXED_ORGANIZATION_ID).data,
        },
        "getHealth": {JSON: {"status": "ok"}},
        "getReadiness": {
            JSON: {
                "status": "ready",
                "corpus": {"articles": len(corpus.articles), "fingerprint": corpus.fingerprint},
                "cache": {"backend": "SimpleCache", "ok": True},
            }
        },
    }
