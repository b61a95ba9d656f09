"""Response examples for the OpenAPI document, taken from the bundled seed article.

They are computed from the real data when this module is imported, because the
route decorators that carry them run at import. They always come from the bundled
corpus, whatever ``ARTICLE_DATA_DIR`` says, so the document never varies.
"""

from __future__ import annotations

import json
from typing import Any

from api.catalog import Representations, page
from api.corpus.corpus import Corpus
from fixtures import BUNDLED_CORPUS

SEED_ID = "mistral-ai-joins-nvidia-nemotron-coalition"
SECTION_ID = "what-mistral-brings-to-the-partnership"
ORGANIZATION_ID = "nvidia"
EVENT_ID = "nemotron-coalition-launched"
EXAMPLE_PAGE_SIZE = 2

_corpus = Corpus.load(BUNDLED_CORPUS)
_seed = _corpus.articles_by_id[SEED_ID]
_dumped = Representations(_corpus, root="")
_seed_path = f"/v1/articles/{SEED_ID}"


def _first_page(found: list, represent, path: str) -> dict[str, Any]:
    return json.loads(page(found, represent, path, EXAMPLE_PAGE_SIZE, 0)[0])


ARTICLE_PAGE = _first_page(
    list(_corpus.articles), lambda a: _dumped.article_summary(a.id), "/v1/articles"
)
ARTICLE = _dumped.article(SEED_ID).data
SECTION_PAGE = _first_page(
    list(_dumped.sections(SEED_ID).values()), lambda s: s, f"{_seed_path}/sections"
)
SECTION = _dumped.sections(SEED_ID)[SECTION_ID].data
ARTICLE_ORGANIZATION_PAGE = _first_page(
    _seed.find_organizations(),
    lambda o: _dumped.organizations_in(SEED_ID)[o.id],
    f"{_seed_path}/organizations",
)
ARTICLE_ORGANIZATION = _dumped.organizations_in(SEED_ID)[ORGANIZATION_ID].data
EVENT_PAGE = _first_page(
    _seed.find_events(), lambda e: _dumped.events(SEED_ID)[e.id], f"{_seed_path}/timeline"
)
EVENT = _dumped.events(SEED_ID)[EVENT_ID].data
ORGANIZATION_PAGE = _first_page(
    _corpus.find_organizations(), lambda o: _dumped.organization(o.id), "/v1/organizations"
)
ORGANIZATION = _dumped.organization("mistral-ai").data
ARTICLE_LD = _dumped.article_ld(SEED_ID).data
ORGANIZATION_LD = _dumped.organization_ld("mistral-ai").data
EVENT_LD = _dumped.events_ld(SEED_ID)[EVENT_ID].data
HEALTH = {"status": "ok"}
READINESS = {
    "status": "ready",
    "corpus": {"articles": len(_corpus.articles), "fingerprint": _corpus.fingerprint},
    "cache": {"backend": "SimpleCache", "ok": True},
}
