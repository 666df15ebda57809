"""Feedback into the next draft: sections agents often edit away rank lower and say so.

The ranking penalty (backend/retrieval/demotion.py), the per-tenant lookup of the open
revision list (backend/services.py), the citation field in the API and the setting.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from flask import Flask
from sqlalchemy import select

from backend import create_app, migrate, pipeline, services
from backend.db import db
from backend.errors import ConfigError
from backend.learning import items
from backend.models import InsightItem, Tenant
from backend.redaction import Vault, seal
from backend.retrieval.demotion import Demotion, ranked_search
from backend.services import EditedAwaySections
from backend.tenants import ensure_tenant
from backend.types import Source
from tests.conftest import app_config, draft_n1, load_fixture_corpus

QUERY = seal("refund")  # the scripted index never reads it
VECTOR = np.zeros(384, dtype=np.float32)


def source(name: str, score: float) -> Source:
    return Source("doc", f"{name}.md", f"{name}#1", name.title(), "", "", "", score)


@dataclass
class ScriptedIndex:
    """Answers every search with its first ``limit`` sources (its own order, as a hybrid
    search's need not be the similarity's); records each limit."""

    sources: list[Source]
    limits: list[int] = field(default_factory=list)

    def search(self, tenant: str, kind: Any, query: Any, vector: Any, limit: int) -> list[Source]:
        self.limits.append(limit)
        return self.sources[:limit]


def ranked(index: ScriptedIndex, limit: int, demotion: Demotion) -> list[str]:
    hits = ranked_search(index, "acme", "doc", QUERY, VECTOR, limit, demotion)  # type: ignore[arg-type]
    return [s.source_id for s in hits]


CANDIDATES = [
    source("a", 0.80),
    source("b", 0.78),
    source("c", 0.70),
    source("d", 0.69),
    source("e", 0.50),
]


def test_when_no_edited_away_section_is_found_then_similarity_orders_after_one_search() -> None:
    index = ScriptedIndex(CANDIDATES)
    demotion = Demotion({("e.md", "E"): 1.0}, 0.1)

    assert ranked(index, 2, demotion) == ["a.md", "b.md"]
    assert index.limits == [2]


def test_when_the_best_section_is_edited_away_then_it_moves_below_the_next_one() -> None:
    index = ScriptedIndex(CANDIDATES)
    demotion = Demotion({("a.md", "A"): 0.5}, 0.3)  # 0.80 - 0.3 x 0.5 = 0.65: below b

    assert ranked(index, 2, demotion) == ["b.md", "a.md"]
    assert index.limits == [2]  # one search: the penalty orders what it found


def test_a_penalty_never_drops_a_source_the_search_found() -> None:
    index = ScriptedIndex(CANDIDATES)
    demotion = Demotion({("a.md", "A"): 1.0}, 1.0)  # a: 0.80 - 1.0 = -0.20

    assert ranked(index, 3, demotion) == ["b.md", "c.md", "a.md"]


@pytest.mark.parametrize(
    ("penalty", "expected"),
    [
        (0.0, ["a.md", "b.md", "c.md"]),  # off
        (0.02, ["a.md", "b.md", "c.md"]),  # 0.80 - 0.02 x 0.6 = 0.788: still above b
        (0.1, ["b.md", "a.md", "c.md"]),  # 0.74: below b only; the penalty is bounded
        (1.0, ["b.md", "c.md", "a.md"]),  # 0.20: last of the three, still kept
    ],
)
def test_when_the_penalty_grows_then_an_edited_away_section_moves_down_by_its_share(
    penalty: float, expected: list[str]
) -> None:
    demotion = Demotion({("a.md", "A"): 0.6}, penalty)
    assert ranked(ScriptedIndex(CANDIDATES), 3, demotion) == expected


def test_a_demoted_source_keeps_its_similarity_for_the_evidence_thresholds() -> None:
    demotion = Demotion({("a.md", "A"): 1.0}, 0.1)
    hits = ranked_search(ScriptedIndex(CANDIDATES), "acme", "doc", QUERY, VECTOR, 5, demotion)  # type: ignore[arg-type]
    assert [(s.source_id, s.score) for s in hits][:2] == [("b.md", 0.78), ("a.md", 0.80)]


def test_a_section_is_matched_by_its_id_and_title_not_by_its_document_alone() -> None:
    other_section = replace(source("a", 0.80), title="A > Other")
    index = ScriptedIndex([other_section, *CANDIDATES[1:]])
    assert ranked(index, 2, Demotion({("a.md", "A"): 1.0}, 1.0)) == ["a.md", "b.md"]


def test_when_the_penalty_is_off_then_the_lookup_is_not_even_asked() -> None:
    asked: list[str] = []

    def lookup(tenant: str) -> dict[tuple[str, str], float]:
        asked.append(tenant)
        return {("a.md", "A"): 1.0}

    off = pipeline.Services(None, None, None, None, None, edited_away=lookup)  # type: ignore[arg-type]
    on = replace(off, edited_away_penalty=0.1)

    assert not pipeline.demotion_for(off, "acme") and asked == []
    assert pipeline.demotion_for(on, "acme") == Demotion({("a.md", "A"): 1.0}, 0.1)


# --- the lookup: the open revision list, cached briefly ---------------------------------------


def add_revision(tenant: str, source_id: str, title: str, rate: float, current: bool = True) -> int:
    """A revision item as the insights refresh stores it (backend/learning/items.py)."""
    with db.session() as session:
        item = InsightItem(
            tenant_id=ensure_tenant(session, tenant).id,
            list="revision",
            key=f"{source_id}#{title}",
            title=title,
            details={"rank": 0, "source_id": source_id, "url": "", "rate": rate},
            current=current,
        )
        session.add(item)
        session.flush()
        return item.id


def mark_done(tenant: str, item_id: int) -> None:
    with db.session() as session:
        tenant_id = session.scalars(select(Tenant.id).where(Tenant.slug == tenant)).one()
        items.set_done(session, tenant_id, item_id, True, "lead@example.com")


@dataclass
class Clock:
    now: float = 1000.0

    def __call__(self) -> float:
        return self.now


def lookup(app: Flask, clock: Clock, seconds: float = 60) -> EditedAwaySections:
    return EditedAwaySections(services._sessions(), seconds, clock)


def test_when_revision_items_are_open_then_the_lookup_gives_their_sections_and_shares(
    app: Flask,
) -> None:
    add_revision("acme", "billing/refunds.md", "Refunds > Timing", 0.4286)
    add_revision("acme", "billing/vat.md", "VAT", 0.9, current=False)  # gone from the signal
    add_revision("globex", "billing/refunds.md", "Refunds > Timing", 0.7)  # another tenant
    with db.session() as session:
        acme = ensure_tenant(session, "acme").id
        session.add(
            InsightItem(tenant_id=acme, list="coaching", key="agent:x", title="x", details={})
        )

    found = lookup(app, Clock())("acme")

    assert dict(found) == {("billing/refunds.md", "Refunds > Timing"): 0.4286}
    assert dict(lookup(app, Clock())("initech")) == {}  # a tenant never seen


def test_when_a_lead_marks_the_item_done_then_the_note_and_penalty_lift_once_the_cache_expires(
    app: Flask,
) -> None:
    item_id = add_revision("acme", "billing/refunds.md", "Refunds > Timing", 0.5)
    clock = Clock()
    sections = lookup(app, clock, seconds=60)
    assert ("billing/refunds.md", "Refunds > Timing") in sections("acme")

    mark_done("acme", item_id)
    clock.now += 59
    assert ("billing/refunds.md", "Refunds > Timing") in sections("acme")  # cached
    clock.now += 1
    assert dict(sections("acme")) == {}


def test_when_the_database_cannot_be_read_then_no_section_is_demoted(app: Flask) -> None:
    broken = EditedAwaySections(lambda: db.session("sqlite:////nonexistent/dir/x.db"), 60)
    assert dict(broken("acme")) == {}


# --- the citation card's field in the API, end to end ------------------------------------------


@pytest.fixture
def uncached(tmp_path: Path) -> Iterator[Flask]:
    """The fixture corpus indexed; the lookup read afresh on every call."""
    flask_app = create_app(app_config(tmp_path, EDITED_AWAY_CACHE_SECONDS=0))
    migrate.upgrade(flask_app.config["DATABASE_URL"])
    with flask_app.app_context():
        load_fixture_corpus(services.get())
        yield flask_app


def citations(app: Flask, draft_id: str) -> list[dict[str, Any]]:
    body = app.test_client().get(f"/api/v1/drafts/{draft_id}").get_json()
    return list(body["citations"])


def test_when_a_cited_section_is_often_edited_away_then_its_card_says_so_until_done(
    uncached: Flask,
) -> None:
    draft_id, _ = draft_n1()
    before = citations(uncached, draft_id)
    assert before and all(c["edited_away"] is None for c in before)

    first = before[0]
    item_id = add_revision("demo", first["source_id"], first["title"], 0.6)
    marked = citations(uncached, draft_id)
    assert marked[0]["edited_away"] == 0.6
    assert all(c["edited_away"] is None for c in marked[1:] if c["title"] != first["title"])

    mark_done("demo", item_id)
    assert all(c["edited_away"] is None for c in citations(uncached, draft_id))


def test_when_the_top_section_is_edited_away_then_the_next_draft_retrieves_it_lower(
    uncached: Flask,
) -> None:
    real = services.get()
    question = real.redactor.redact("How do I get a refund for Plus?", Vault())
    vector = real.embedder.embed([question], purpose="query")[0]
    docs = [s for s in pipeline.retrieve(real, "demo", question, vector)[0] if s.kind == "doc"]
    top = docs[0]
    add_revision("demo", top.source_id, top.title, 1.0)

    penalised = replace(real, edited_away_penalty=1.0)
    again = [
        s for s in pipeline.retrieve(penalised, "demo", question, vector)[0] if s.kind == "doc"
    ]

    assert again[0] != top
    assert [s.score for s in again if s == top] in ([], [top.score])  # similarity unchanged


@pytest.mark.parametrize("penalty", [-0.1, 1.5])
def test_when_the_penalty_is_out_of_range_then_start_up_names_the_setting(
    tmp_path: Path, penalty: float
) -> None:
    with pytest.raises(ConfigError, match="PRECEDENT_EDITED_AWAY_PENALTY must be from 0"):
        create_app({"DATA_DIR": str(tmp_path), "EDITED_AWAY_PENALTY": penalty})


def test_the_penalty_is_on_by_default_and_reaches_the_pipeline(app: Flask) -> None:
    assert app.config["EDITED_AWAY_PENALTY"] == 0.1
    assert services.get().edited_away_penalty == 0.1
    assert services.get().edited_away is not None
