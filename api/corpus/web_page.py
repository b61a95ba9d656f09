"""A news web page read as an article: its body's headings and paragraphs, verbatim, and
what its metadata says (title, authors, publication date, canonical URL, publisher).

trafilatura finds the article body and drops navigation, ads, comments and footers. Its
XML output is used rather than its Markdown, which escapes characters (``\\*``) and
marks emphasis: every paragraph here is the page's own text, whitespace aside.
htmldate dates the page, kept only as precise as the page states it; Open Graph and
JSON-LD give the rest, through trafilatura's metadata reader. Nothing is downloaded:
both work offline on the page given.

These libraries come with the ``import`` extra; the server never needs them.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType

from article_data_api.corpus.text import HEADING_MARK, one_line

IMPORT_EXTRA = "pip install 'article-data-api[import]'"


class MissingExtra(Exception):
    """A library of the ``import`` extra is not installed."""


@dataclass(frozen=True)
class WebPage:
    markdown: str  # in the corpus's article.md format
    title: str | None
    authors: tuple[str, ...]
    published: str | None  # YYYY-MM-DD, or YYYY-MM where the page gives no day
    canonical_url: str | None
    publisher: str | None
    language: str | None


def _libraries() -> tuple[ModuleType, ModuleType, ModuleType]:
    """trafilatura, htmldate and lxml.html, imported only when a page is imported."""
    try:
        import htmldate
        import lxml.html
        import trafilatura
    except ImportError as error:
        raise MissingExtra(
            f"importing a web page needs {error.name}, from the import extra: {IMPORT_EXTRA}"
        ) from None
    return trafilatura, htmldate, lxml.html


def read_page(html: str) -> WebPage:
    """The article in ``html``; raise ValueError when the page holds no article text."""
    trafilatura, htmldate, lxml_html = _libraries()
    from lxml import etree

    extracted = trafilatura.extract(
        html,
        output_format="xml",
        favor_precision=True,
        include_comments=False,
        include_tables=False,
        include_images=False,
        include_links=False,
        include_formatting=False,
    )
    if not extracted:
        raise ValueError("no article text found in the page")
    metadata = trafilatura.extract_metadata(html)
    title = metadata.title if metadata else None
    blocks: list[str] = []
    for element in etree.fromstring(extracted.encode()).find("main").iter("head", "p", "item"):
        text = one_line("".join(element.itertext()))
        if not text:
            continue
        if element.tag == "head":
            if not blocks and text == title:
                continue  # the page's own title above the body: metadata, not a heading
            blocks.append(HEADING_MARK + text)
        else:
            blocks.append(text)
    while blocks and blocks[-1].startswith(HEADING_MARK):
        blocks.pop()  # a heading with nothing under it ends the body: page furniture
    if not blocks:
        raise ValueError("no article text found in the page")
    document = lxml_html.fromstring(html)
    language = document.get("lang") or (metadata.language if metadata else None)
    published = _as_stated(
        htmldate.find_date(html, original_date=True, extensive_search=False), html
    )
    return WebPage(
        markdown="\n\n".join(blocks) + "\n",
        title=title,
        authors=tuple(name.strip() for name in (metadata.author or "").split(";") if name.strip())
        if metadata
        else (),
        published=published,
        canonical_url=metadata.url if metadata else None,
        publisher=metadata.sitename if metadata else None,
        language=language.split("-")[0].lower() if language else None,
    )


def _as_stated(found: str | None, html: str) -> str | None:
    """htmldate's date (YYYY-MM-DD) only as precise as the page writes it.

    htmldate completes what it reads: a month alone ("2026-02") became 2026-02-28, a day
    that does not exist (2026-02-30) 2026-02-01. The day is kept where the page writes
    it (as 2026-02-03 or 2026/02/03, as its markup does), else the month where the page
    writes that, else nothing: a reviewer publishes what the draft says.
    """
    if found is None:
        return None
    year, month, day = found.split("-")
    for value, forms in (
        (found, (f"{year}-{month}-{day}", f"{year}/{month}/{day}")),
        (f"{year}-{month}", (f"{year}-{month}", f"{year}/{month}")),
    ):
        if any(form in html for form in forms):
            return value
    return None
