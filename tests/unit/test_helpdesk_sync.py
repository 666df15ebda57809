"""The scheduled helpdesk sync: cursors saved after each indexed page, resume, retry."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

import pytest
from flask import Flask, current_app
from sqlalchemy import update

from backend import services, tasks
from backend.connectors.files import Document
from backend.connectors.settings import HelpdeskSettings, HelpdeskSettingsStore
from backend.db import db
from backend.errors import Conflict, ConnectorError, ConnectorRateLimited, ProviderUnavailable
from backend.jobs import ROUTES, beat_schedule
from backend.models import SyncLease, utcnow
from backend.redaction import RedactedText, seal
from backend.retrieval import Embedder, Purpose, Vectors, helpdesk
from backend.retrieval.chunking import split_markdown
from backend.retrieval.helpdesk import CursorStore, HelpdeskIngest
from backend.retrieval.ingest import doc_records, ingest
from backend.types import Article, Comment, Page, Ticket


def solved(number: int) -> Ticket:
    return Ticket(
        "acme",
        str(number),
        f"Router E-{number} drops Wi-Fi",
        "It drops every hour.",
        comments=(Comment("agent", f"Update the E-{number} firmware to 2.1.", True),),
        status="solved",
    )


@dataclass
class PagedConnector:
    """Three pages of resolved tickets; fails once on the page listed in ``fail_on``."""

    fail_on: dict[str, Exception] = field(default_factory=dict)
    asked: list[str | None] = field(default_factory=list)

    def resolved_tickets(
        self, tenant: str, cursor: str | None = None, since: datetime | None = None
    ) -> Page[Ticket]:
        self.asked.append(cursor)
        if cursor in self.fail_on:
            raise self.fail_on.pop(cursor)
        number = {None: 1, "c1": 2, "c2": 3}[cursor]
        return Page((solved(number),), f"c{number}", done=number == 3)

    def articles(
        self, tenant: str, cursor: str | None = None, since: datetime | None = None
    ) -> Page[Article]:
        return Page((), cursor or "0", done=True)


def sync_with(connector: Any) -> HelpdeskIngest:
    real = services.get()
    cursors = CursorStore.from_config(current_app.config)
    return HelpdeskIngest(connector, real.redactor, real.embedder, real.index, cursors)


def indexed_ids() -> set[str]:
    return services.get().index.source_ids("acme", "ticket")


def test_when_a_sync_crashes_on_page_2_then_the_cursor_stays_after_page_1_and_a_rerun_resumes(
    app: Flask,
) -> None:
    connector = PagedConnector(fail_on={"c1": RuntimeError("worker killed")})
    sync = sync_with(connector)
    cursors = CursorStore.from_config(app.config)

    with pytest.raises(RuntimeError):
        list(sync.run("acme", "tickets"))

    assert cursors.load("acme", "tickets") == "c1"
    assert indexed_ids() == {"1"}

    reports = list(sync.run("acme", "tickets"))

    assert connector.asked == [None, "c1", "c1", "c2"]  # resumed, page 1 not read again
    assert [(r.items, r.sources, r.cursor) for r in reports] == [(1, 1, "c2"), (1, 1, "c3")]
    assert cursors.load("acme", "tickets") == "c3"
    assert indexed_ids() == {"1", "2", "3"}


def test_when_caught_up_then_the_next_sync_asks_from_the_saved_cursor(app: Flask) -> None:
    connector = PagedConnector()
    list(sync_with(connector).run("acme", "tickets"))
    connector.asked.clear()
    connector.resolved_tickets = lambda tenant, cursor=None, since=None: (  # type: ignore[method-assign]
        connector.asked.append(cursor) or Page((), "c3", done=True)
    )

    assert [r.items for r in sync_with(connector).run("acme", "tickets")] == [0]
    assert connector.asked == ["c3"]


@dataclass
class ArticleConnector:
    """One knowledge-base article, as it currently reads."""

    body: str
    published: bool = True

    def articles(
        self, tenant: str, cursor: str | None = None, since: datetime | None = None
    ) -> Page[Article]:
        article = Article(
            "9",
            "Router setup",
            self.body,
            "https://acme.test/hc/9",
            "2026-12-01",
            "",
            "",
            self.published,
        )
        return Page((article,), "1", done=True)


@dataclass
class FailingSecondTime:
    """Embeds the first batch, then the embedding provider goes away."""

    inner: Embedder
    calls: int = 0
    name: str = "failing"
    dimensions: int = 384

    def embed(self, texts: Sequence[RedactedText], purpose: Purpose = "document") -> Vectors:
        self.calls += 1
        if self.calls > 1:
            raise ProviderUnavailable("the embedding provider is unavailable")
        return self.inner.embed(texts, purpose)


def test_when_an_edited_article_cannot_be_embedded_then_its_old_sections_stay(
    app: Flask,
) -> None:
    real = services.get()
    embedder = FailingSecondTime(real.embedder)
    cursors = CursorStore.from_config(app.config)
    old = "<h2>Reset</h2><p>Hold the E-104 button.</p><h2>Wi-Fi</h2><p>Use channel 6.</p>"
    sync = HelpdeskIngest(ArticleConnector(old), real.redactor, embedder, real.index, cursors)
    list(sync.run("acme", "articles"))

    edited = replace(sync, connector=ArticleConnector("<h2>Reset</h2><p>Hold it 10 s.</p>"))
    with pytest.raises(ProviderUnavailable):
        list(edited.run("acme", "articles"))

    query = seal("Wi-Fi channel")
    found = real.index.search("acme", "doc", query, real.embedder.embed([query])[0], 10)
    assert {s.answer for s in found} >= {"Hold the E-104 button.", "Use channel 6."}

    list(replace(edited, embedder=real.embedder).run("acme", "articles"))  # provider is back
    found = real.index.search("acme", "doc", query, real.embedder.embed([query])[0], 10)
    assert {s.answer for s in found} == {"Hold it 10 s."}  # the lost section went


def test_when_an_article_goes_back_to_draft_then_its_sections_leave_the_index(
    app: Flask,
) -> None:
    real = services.get()
    cursors = CursorStore.from_config(app.config)
    body = "<h2>Reset</h2><p>Hold the E-104 button.</p><h2>Wi-Fi</h2><p>Use channel 6.</p>"
    sync = HelpdeskIngest(ArticleConnector(body), real.redactor, real.embedder, real.index, cursors)
    list(sync.run("acme", "articles"))
    assert real.index.source_ids("acme", "doc") == {"articles/9"}

    unpublished = replace(sync, connector=ArticleConnector(body, published=False))
    reports = list(unpublished.run("acme", "articles"))

    assert [(r.sources, r.records, r.withdrawn) for r in reports] == [(0, 0, 2)]
    assert real.index.source_ids("acme", "doc") == set()


@dataclass
class ListedConnector:
    """A help centre that now lists only ``ids``, one article a page; the others were deleted.

    With ``stall_after`` the listing gets stuck on that page (zenpy #451: same cursor again).
    """

    ids: tuple[str, ...]
    stall_after: int | None = None

    def articles(
        self, tenant: str, cursor: str | None = None, since: datetime | None = None
    ) -> Page[Article]:
        at = int(cursor or 0)
        listed = tuple(
            Article(i, f"Article {i}", "<h2>Reset</h2><p>Hold it.</p>", f"https://acme.test/hc/{i}")
            for i in self.ids[at : at + 1]
        )
        if self.stall_after is not None and at >= self.stall_after:
            return Page(listed, str(at), done=False)
        return Page(listed, str(at + 1), done=at + 1 >= len(self.ids))


def full_sync(ids: tuple[str, ...]) -> HelpdeskIngest:
    """Articles ``ids`` and a file document indexed for tenant acme; the sync that did it."""
    real = services.get()
    cursors = CursorStore.from_config(current_app.config)
    sync = HelpdeskIngest(ListedConnector(ids), real.redactor, real.embedder, real.index, cursors)
    list(sync.run("acme", "articles"))
    guide = Document("articles/setup.md", split_markdown("# Setup\nPlug in.", "Setup"))
    ingest("acme", "doc", doc_records([guide], real.redactor), real.embedder, real.index)
    return sync


def test_when_articles_are_listed_in_full_then_only_deleted_helpdesk_articles_go(
    app: Flask,
) -> None:
    index = services.get().index
    sync = full_sync(("9", "10", "11"))
    assert index.source_ids("acme", "doc") == {
        "articles/9", "articles/10", "articles/11", "articles/setup.md"
    }  # fmt: skip
    listed_now = replace(sync, connector=ListedConnector(("10", "11")))

    list(listed_now.run("acme", "articles"))  # an ordinary sync cannot tell a deletion
    assert "articles/9" in index.source_ids("acme", "doc")
    reports = list(listed_now.run("acme", "articles", full=True))

    assert [r.withdrawn for r in reports] == [0, 1]  # removed once the last page is in
    assert index.source_ids("acme", "doc") == {"articles/10", "articles/11", "articles/setup.md"}


def test_when_a_full_listing_stalls_or_lists_nothing_then_no_article_is_removed(
    app: Flask,
) -> None:
    index = services.get().index
    sync = full_sync(("9", "10", "11"))
    stalled = replace(sync, connector=ListedConnector(("10", "11"), stall_after=0))

    reports = list(stalled.run("acme", "articles", full=True))

    assert [r.withdrawn for r in reports] == [0, 0]  # the same cursor came back: stalled
    assert "articles/9" in index.source_ids("acme", "doc")
    nothing = replace(sync, connector=ListedConnector(()))
    with pytest.raises(ConnectorError, match="listed no articles at all; the 3 indexed ones"):
        list(nothing.run("acme", "articles", full=True))
    assert len(index.source_ids("acme", "doc")) == 4


def test_cursors_are_kept_per_tenant_and_stream(app: Flask) -> None:
    cursors = CursorStore.from_config(app.config)
    cursors.save("acme", "tickets", "t1")
    cursors.save("acme", "articles", "a1")
    cursors.save("acme", "tickets", "t2")
    assert (cursors.load("acme", "tickets"), cursors.load("acme", "articles")) == ("t2", "a1")
    assert cursors.load("other", "tickets") is None


def test_while_a_sync_runs_a_second_one_on_the_same_stream_is_refused_and_loses_nothing(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    connect_acme(app)
    first = sync_with(PagedConnector()).run("acme", "tickets")
    next(first)  # page 1 indexed; the run is still going
    second = PagedConnector()
    monkeypatch.setattr(helpdesk, "for_platform", lambda *args: sync_with(second))

    with pytest.raises(Conflict) as refused:
        list(sync_with(second).run("acme", "tickets"))
    assert refused.value.code == "sync_running"
    assert refused.value.message.startswith("a sync of tenant 'acme' tickets is already running (")
    assert refused.value.message.endswith("); this one was not started")
    # The scheduled task skips the busy stream and still syncs the free one.
    assert tasks.sync_helpdesk.run("acme") == 0
    assert second.asked == []

    assert [r.cursor for r in first] == ["c2", "c3"]
    assert CursorStore.from_config(app.config).load("acme", "tickets") == "c3"
    again = sync_with(second).run("acme", "tickets", since=datetime(2026, 1, 1))
    assert len(list(again)) == 3  # the stream is free again


def test_a_lease_left_by_a_killed_sync_is_taken_over_once_it_expires(app: Flask) -> None:
    cursors = CursorStore.from_config(app.config)
    cursors.lease("acme", "tickets", "dead-host:1")
    with pytest.raises(Conflict):
        cursors.lease("acme", "tickets", "live-host:2")
    with db.session() as session:
        session.execute(update(SyncLease).values(expires_at=utcnow() - timedelta(seconds=1)))

    cursors.lease("acme", "tickets", "live-host:2")  # no error: taken over

    with pytest.raises(Conflict):
        cursors.lease("acme", "tickets", "dead-host:1")


class Retry(Exception):
    pass


def connect_acme(app: Flask) -> None:
    settings = HelpdeskSettings(
        tenant="acme", platform="zendesk", host="acme", email="bot@acme.test", api_token="t"
    )
    HelpdeskSettingsStore.from_config(app.config).save(settings)


def test_when_the_helpdesk_rate_limits_then_the_task_retries_after_its_delay(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    connect_acme(app)
    limited = ConnectorRateLimited("Zendesk acme rate limit reached", retry_after=42)
    connector = PagedConnector(fail_on={"c1": limited})
    monkeypatch.setattr(helpdesk, "for_platform", lambda *args: sync_with(connector))
    retried: dict[str, Any] = {}

    def retry(**kwargs: Any) -> Retry:
        retried.update(kwargs)
        return Retry()

    monkeypatch.setattr(tasks.sync_helpdesk, "retry", retry)

    with pytest.raises(Retry):
        tasks.sync_helpdesk.run("acme")

    assert retried["countdown"] == 42
    assert CursorStore.from_config(app.config).load("acme", "tickets") == "c1"
    assert tasks.sync_helpdesk.run("acme") == 2  # the retry: pages 2 and 3
    assert connector.asked == [None, "c1", "c1", "c2"]


def test_the_scheduled_task_queues_one_sync_per_connected_tenant(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    connect_acme(app)
    queued: list[str] = []
    monkeypatch.setattr(tasks.sync_helpdesk, "delay", queued.append)
    assert tasks.sync_helpdesks.run() == 1
    assert queued == ["acme"]


@pytest.mark.parametrize(("minutes", "seconds"), [(0, None), (15, 900.0)])
def test_sync_minutes_schedules_the_sync_on_the_maintenance_queue(
    minutes: int, seconds: float | None
) -> None:
    entry = beat_schedule(minutes).get("sync-helpdesks")
    assert (entry or {}).get("schedule") == seconds
    assert ROUTES["backend.tasks.sync_helpdesks"] == {"queue": "maintenance"}
    assert ROUTES["backend.tasks.sync_helpdesk"] == {"queue": "maintenance"}
