"""``article-data-api review ID``: walk a draft's suggestions one by one in the terminal.

For each suggested organization, then each suggested event, it shows what was found and
why, and asks: accept, edit (an organization's name or kind; an event's title or status),
reject, skip, or quit. Every answer is checked as ``check`` would check it before it is
kept, and the annotations are written back when the walk ends (or on quit). With
``publish``, a draft with no suggestion left becomes ``status: published``.

Input and output are streams, so a test drives it through its standard input.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from article_data_api.corpus.importer import known_organizations, problems_of
from article_data_api.corpus.loader import (
    ANNOTATIONS_FILE,
    TEXT_FILE,
    load_article,
    read_article_file,
)
from article_data_api.corpus.text import slugify
from article_data_api.schemas.fields import EVENT_STATUSES, ORGANIZATION_KINDS

CONTEXT_CHARACTERS = 60


class ReviewStopped(Exception):
    """The input ended, or the draft cannot be reviewed."""


@dataclass
class Tally:
    accepted: int = 0
    edited: int = 0
    rejected: int = 0
    skipped: int = 0


class Review:
    """One review session of the article in ``folder``."""

    def __init__(self, folder: Path, answers: TextIO, out: TextIO) -> None:
        """Read the draft in ``folder``; raise CorpusError when it does not validate, since
        the walk reads what validation guarantees (a draft may have been edited by hand)."""
        load_article(folder, folder.parent.parent)
        # What the other articles say of each organization: its name and kind must agree.
        known = known_organizations(folder.parent.parent, leaving_out=folder.name)
        self.known = {org.id: org for org in known}
        self.folder = folder
        self.answers = answers
        self.out = out
        self.markdown = read_article_file(folder / TEXT_FILE).decode("utf-8")
        self.annotations: dict[str, Any] = json.loads(
            read_article_file(folder / ANNOTATIONS_FILE).decode("utf-8")
        )
        self.tally = Tally()

    def ask(self, prompt: str) -> str:
        self.out.write(prompt)
        self.out.flush()
        line = self.answers.readline()
        if not line:
            raise ReviewStopped("the input ended")
        return line.strip()

    def choose(self, prompt: str, choices: str) -> str:
        while True:
            answer = self.ask(prompt).lower()[:1]
            if answer and answer in choices:  # "" is in every string
                return answer
            self.out.write(f"  answer one of: {', '.join(choices)}\n")

    def run(self, publish: bool) -> bool:
        """Walk the suggestions; write the result; return True if it was published."""
        orgs = [o for o in self.annotations["organizations"] if o.get("suggested")]
        events = [e for e in self.annotations["events"] if e.get("suggested")]
        self.out.write(
            f"Reviewing {self.folder.name}: {len(orgs)} suggested organization(s),"
            f" {len(events)} suggested event(s).\n"
        )
        try:
            for number, org in enumerate(orgs, 1):
                if not self._organization(org, number, len(orgs)):
                    break
            else:
                for number, event in enumerate(events, 1):
                    if not self._event(event, number, len(events)):
                        break
        finally:
            published = self._finish(publish)
        return published

    def _context(self, text: str) -> str:
        """The first place ``text`` occurs in the article, with some text around it."""
        at = self.markdown.find(text)
        if at < 0:
            return ""
        start = max(0, at - CONTEXT_CHARACTERS)
        end = at + len(text) + CONTEXT_CHARACTERS
        return "…" + self.markdown[start:end].replace("\n", " ") + "…"

    def _decide(
        self,
        item: dict,
        shown: str,
        reject: Callable[[dict], None],
        edit: Callable[[dict], None],
    ) -> bool:
        """Show ``item``, act on the answer; False when the reviewer quits."""
        self.out.write(shown)
        answer = self.choose("  [a]ccept, [e]dit, [r]eject, [s]kip, [q]uit? ", "aersq")
        if answer == "q":
            return False
        actions = {"a": self._accept, "r": reject, "e": edit, "s": self._skip}
        actions[answer](item)
        return True

    def _organization(self, org: dict, number: int, total: int) -> bool:
        shown = (
            f"\nOrganization {number} of {total}: {org['name']} ({org['kind']})\n"
            f"  why: {org.get('reason') or '-'}\n"
            f"  where: {self._context(org['name'])}\n"
        )
        return self._decide(org, shown, self._reject_organization, self._edit_organization)

    def _edit_organization(self, org: dict) -> None:
        name = self.ask(f"  name [{org['name']}]: ") or org["name"]
        kind = ""
        while kind not in ORGANIZATION_KINDS:
            choices = ", ".join(ORGANIZATION_KINDS)
            kind = self.ask(f"  kind [{org['kind']}] ({choices}): ") or org["kind"]
        edited, changed = self._copy_with(org, "organizations")
        if name != org["name"]:
            taken = {o["id"] for o in edited["organizations"]} - {org["id"]}
            new_id = slugify(name)
            changed["id"] = new_id if new_id and new_id not in taken else org["id"]
            changed["name"] = name
            changed["description"] = f"{name}, as the article names it."
            for event in edited["events"]:
                event["organizations"] = [
                    changed["id"] if o == org["id"] else o for o in event["organizations"]
                ]
        changed["kind"] = kind
        changed["suggested"] = False
        changed.pop("reason", None)
        if not self._kept(edited, self._disagreements(changed)):
            return
        org.clear()
        org.update(changed)
        for event, changed_event in zip(self.annotations["events"], edited["events"], strict=True):
            event["organizations"] = changed_event["organizations"]
        self.tally.edited += 1

    def _copy_with(self, item: dict, collection: str) -> tuple[dict, dict]:
        """A copy of the annotations to try an edit on, and ``item``'s copy in it: only an
        edit that still validates is kept."""
        edited = json.loads(json.dumps(self.annotations))
        position = next(i for i, o in enumerate(self.annotations[collection]) if o is item)
        return edited, edited[collection][position]

    def _kept(self, edited: dict, other_reasons: list[str]) -> bool:
        """Whether the edited annotations validate, with no ``other_reasons`` against
        them; if not, say why and count the item as skipped."""
        reasons = [p.message for p in problems_of(self.folder.name, self.markdown, edited)]
        reasons += other_reasons
        if reasons:
            self.out.write("  not kept: " + "; ".join(reasons) + "\n")
            self.tally.skipped += 1
        return not reasons

    def _disagreements(self, org: dict) -> list[str]:
        """How ``org`` differs from the organization of the same id in other articles
        (``check`` refuses a corpus where they differ)."""
        known = self.known.get(org["id"])
        if known is None:
            return []
        seen = (
            "1 other article has it"
            if known.articles == 1
            else f"{known.articles} other articles have it"
        )
        return [
            f"{field} {org[field]!r} differs from {getattr(known, field)!r}, as {seen}:"
            " change it there first"
            for field in ("name", "kind")
            if org[field] != getattr(known, field)
        ]

    def _reject_organization(self, org: dict) -> None:
        self.annotations["organizations"] = [
            o for o in self.annotations["organizations"] if o is not org
        ]
        for event in self.annotations["events"]:
            event["organizations"] = [o for o in event["organizations"] if o != org["id"]]
        self.annotations["about"] = [o for o in self.annotations.get("about", []) if o != org["id"]]
        self.tally.rejected += 1

    def _event(self, event: dict, number: int, total: int) -> bool:
        date = event["date"]
        when = date.get("value") or "undated"
        if date.get("label"):
            when += f" ({date['label']!r}{', inferred' if date.get('inferred') else ''})"
        shown = (
            f"\nEvent {number} of {total}: {event['title']}\n"
            f"  status: {event['status']}; date: {when}\n"
            f"  quote: {event['evidence']['quote']}\n"
            f"  why: {event.get('reason') or '-'}\n"
        )
        return self._decide(event, shown, self._reject_event, self._edit_event)

    def _reject_event(self, event: dict) -> None:
        self.annotations["events"] = [e for e in self.annotations["events"] if e is not event]
        self.tally.rejected += 1

    def _edit_event(self, event: dict) -> None:
        title = self.ask(f"  title [{event['title']}]: ") or event["title"]
        status = ""
        while status not in EVENT_STATUSES:
            choices = ", ".join(EVENT_STATUSES)
            status = self.ask(f"  status [{event['status']}] ({choices}): ") or event["status"]
        edited, changed = self._copy_with(event, "events")
        changed.update(title=title, status=status, suggested=False)
        changed.pop("reason", None)
        if not self._kept(edited, []):
            return
        event.clear()
        event.update(changed)
        self.tally.edited += 1

    def _skip(self, item: dict) -> None:
        self.tally.skipped += 1

    def _accept(self, item: dict) -> None:
        item["suggested"] = False
        item.pop("reason", None)
        self.tally.accepted += 1

    def _finish(self, publish: bool) -> bool:
        left = sum(
            1
            for collection in ("organizations", "events")
            for item in self.annotations[collection]
            if item.get("suggested")
        )
        # A draft edited by hand may disagree with the corpus: never published so.
        disagreements = [
            f"{org['name']}: {reason}"
            for org in self.annotations["organizations"]
            for reason in self._disagreements(org)
        ]
        published = False
        if publish and left == 0 and not disagreements:
            self.annotations["status"] = "published"
            published = True
        (self.folder / ANNOTATIONS_FILE).write_text(
            json.dumps(self.annotations, ensure_ascii=False, indent=2) + "\n", "utf-8"
        )
        t = self.tally
        self.out.write(
            f"\n{t.accepted} accepted, {t.edited} edited, {t.rejected} rejected,"
            f" {t.skipped} skipped; {left} suggestion(s) left.\n"
        )
        if publish and left:
            self.out.write("Not published: review every suggestion first.\n")
        elif publish and disagreements:
            self.out.write("Not published: " + "; ".join(disagreements) + "\n")
        elif publish:
            self.out.write("Published.\n")
        return published
