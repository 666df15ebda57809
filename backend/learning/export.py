"""The insights as plain data, and as CSV or the weekly Markdown retro report.

``snapshot`` gathers what the page shows into JSON-ready dicts (the API's shapes and the
CLI's ``--format json`` are the same). Agent names appear only where ``names`` is true (the
lead's page and API); otherwise each agent is ``Agent A``, ``Agent B`` … by volume, the same
letter for the same agent within one export. Every text comes from stored, redacted texts.
"""

from __future__ import annotations

import csv
import io
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from backend.learning import items, report
from backend.learning.dimensions import Dimension
from backend.learning.outcomes import ACTIONS
from backend.learning.quality import Quality
from backend.learning.sql import Filters
from backend.learning.thresholds import Thresholds
from backend.learning.window import Window


def iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)  # SQLite: naive UTC
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def window_json(window: Window, filters: Filters | None) -> dict[str, Any]:
    return {
        "since": iso(window.since),
        "until": iso(window.until),
        "period_days": report.period_days(window),
        "filters": dict(filters or {}),
    }


def quality_json(q: Quality) -> dict[str, Any]:
    return {
        "key": q.key,
        "volume": q.volume,
        "actions": dict(q.actions),
        "rates": {a: q.rate(a) for a in ACTIONS},
        "similarity": asdict(q.similarity) if q.similarity else None,
        "review_seconds": asdict(q.review_seconds) if q.review_seconds else None,
    }


def overview_json(
    session: Session, tenant_id: int, window: Window, filters: Filters | None = None
) -> dict[str, Any]:
    found = report.overview(session, tenant_id, window, filters)
    return {
        "window": window_json(window, filters),
        "totals": quality_json(found.overall),
        "bypasses": found.bypasses,
        "edit_distance": found.edit_distance,
        "trend": [
            {
                "start": iso(p.start),
                "volume": p.volume,
                "actions": dict(p.actions),
                "acceptance": p.acceptance,
                "edit_distance": p.edit_distance,
                "similarity": p.similarity,
            }
            for p in found.trend
        ],
        "similarity_bins": found.similarity_bins,
    }


class Pseudonyms:
    """``Agent A``, ``Agent B`` … in the order agents are first met (the largest first)."""

    def __init__(self) -> None:
        self._names: dict[str, str] = {}

    def __call__(self, name: str) -> str:
        return self._names.setdefault(name, f"Agent {_letter(len(self._names))}")


def quality_rows_json(
    session: Session,
    tenant_id: int,
    window: Window,
    by: Dimension,
    filters: Filters | None = None,
    pseudonyms: Pseudonyms | None = None,
) -> dict[str, Any]:
    """With ``pseudonyms``, agents are not named."""
    rows = [quality_json(q) for q in report.action_mix(session, tenant_id, window, by, filters)]
    if by == "agent" and pseudonyms is not None:
        rows = [{**row, "key": pseudonyms(row["key"])} for row in rows]
    return {"window": window_json(window, filters), "by": by, "rows": rows}


def lists_json(
    session: Session,
    tenant_id: int,
    pseudonyms: Pseudonyms | None = None,
    scope: tuple[Window, Filters] | None = None,
    limits: Thresholds = items.DEFAULTS,
) -> dict[str, Any]:
    """The lists as last stored, with when and how long ago (seconds) they were computed;
    with a ``scope``, only the entries with drafts in that window and filters, recounted
    over those drafts (``items.narrowed``)."""
    if scope is None:
        found = [(i, dict(i.details)) for i in items.items(session, tenant_id)]
    else:
        found = items.narrowed(session, tenant_id, *scope, limits)
    refreshed = items.refreshed_at(session, tenant_id)
    return {
        "refreshed_at": iso(refreshed),
        "age_seconds": items.age_seconds(refreshed),
        "covers": window_json(items.covered(refreshed), {}) if refreshed else None,
        "narrowed": window_json(*scope) if scope else None,
        "items": [_item_json(i, details, pseudonyms) for i, details in found],
    }


def _item_json(item: Any, details: dict[str, Any], pseudonyms: Pseudonyms | None) -> dict[str, Any]:
    key, title = item.key, item.title
    if pseudonyms is not None and item.list == "coaching" and details.get("by") == "agent":
        title = pseudonyms(title)
        key = f"agent:{title}"
    if pseudonyms is not None and details.get("agent"):
        details["agent"] = pseudonyms(details["agent"])
    return {
        "id": item.id,
        "list": item.list,
        "key": key,
        "title": title,
        "details": details,
        "first_seen": iso(item.first_seen),
        "done": item.done_at is not None,
        "done_at": iso(item.done_at),
        "done_by": item.done_by,
    }


def _letter(i: int) -> str:
    return chr(ord("A") + i % 26) + (str(i // 26) if i >= 26 else "")


def snapshot(
    session: Session,
    tenant_id: int,
    window: Window,
    by: Dimension,
    filters: Filters | None = None,
    names: bool = True,
    limits: Thresholds = items.DEFAULTS,
) -> dict[str, Any]:
    """Without ``names``, one pseudonym per agent throughout, by volume in the window. The
    lists are narrowed to the window and filters."""
    pseudonyms = None if names else Pseudonyms()
    if pseudonyms is not None:
        for q in report.action_mix(session, tenant_id, window, "agent", filters, limit=10_000):
            pseudonyms(q.key)
    return {
        "overview": overview_json(session, tenant_id, window, filters),
        "quality": quality_rows_json(session, tenant_id, window, by, filters, pseudonyms),
        "lists": lists_json(session, tenant_id, pseudonyms, (window, filters or {}), limits),
    }


def as_csv(data: dict[str, Any]) -> str:
    """One row per value of the grouped dimension: volume, action counts and rates, quartiles."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    by = data["quality"]["by"]
    writer.writerow(
        [
            by,
            "volume",
            *ACTIONS,
            *(f"{a}_rate" for a in ACTIONS),
            "similarity_median",
            "review_seconds_median",
        ]  # fmt: skip
    )
    for row in data["quality"]["rows"]:
        writer.writerow(
            [
                row["key"],
                row["volume"],
                *(row["actions"][a] for a in ACTIONS),
                *(row["rates"][a] for a in ACTIONS),
                _median(row["similarity"]),
                _median(row["review_seconds"]),
            ]
        )
    return out.getvalue()


def _median(spread: dict[str, float] | None) -> str:
    return "" if spread is None else f"{spread['median']:.4g}"


def as_markdown(data: dict[str, Any], title: str = "Insights") -> str:
    """The weekly retro: headline figures, the trend, and the four lists to work through."""
    ov, window = data["overview"], data["overview"]["window"]
    totals = ov["totals"]
    lines = [
        f"# {title}",
        "",
        f"{window['since'][:10]} to {window['until'][:10]}"
        + "".join(f" · {k}: {v}" for k, v in window["filters"].items()),
        "",
        "## Is the copilot helping?",
        "",
        f"- {totals['volume']} drafts acted on: "
        + ", ".join(f"{a} {totals['rates'][a]:.0%}" for a in ACTIONS),
        f"- mean edit distance {_number(ov['edit_distance'])} characters; median similarity "
        f"{_number((totals['similarity'] or {}).get('median'))}",
        f"- {ov['bypasses']} gated drafts sent anyway",
        "",
        "| period from | drafts | accepted as drafted | mean edit distance |",
        "|---|---:|---:|---:|",
        *(
            f"| {p['start'][:10]} | {p['volume']} | {p['acceptance']:.0%} | "
            f"{_number(p['edit_distance'])} |"
            for p in ov["trend"]
            if p["volume"]
        ),
        "",
        f"## By {data['quality']['by']}",
        "",
        "| value | drafts | accepted | edited | rejected | escalated |",
        "|---|---:|---:|---:|---:|---:|",
        *(
            f"| {_cell(r['key'] or '(unknown)')} | {r['volume']} | "
            + " | ".join(f"{r['rates'][a]:.0%}" for a in ACTIONS)
            + " |"
            for r in data["quality"]["rows"]
        ),
    ]
    for name, heading in LIST_HEADINGS.items():
        lines += ["", f"## {heading}", ""]
        entries = [i for i in data["lists"]["items"] if i["list"] == name]
        lines += [_entry_line(i) for i in entries] or ["- nothing this week"]
    return "\n".join(lines) + "\n"


LIST_HEADINGS = {
    "revision": "Help-centre sections to revise",
    "coaching": "Coaching reviews",
    "policy": "Policy review: gated drafts sent anyway",
    "gap": "Knowledge gaps: articles to write",
}


def _entry_line(item: dict[str, Any]) -> str:
    d, box = item["details"], "[x]" if item["done"] else "[ ]"
    figures = {
        "revision": lambda: (
            f"{d['rate']:.0%} of {d['cited']} cited sentences edited away" + _judged("revision", d)
        ),
        "coaching": lambda: (
            f"{d['rejected']}/{d['drafts']} rejected against {d['tenant_rate']:.0%}"
            + _judged("coaching", d)
        ),
        "policy": lambda: f"{d['review_status'] or 'no review'}; {d['at'][:10]}",
        "gap": lambda: f"{d['size']} ticket{'' if d['size'] == 1 else 's'}, {d['trend']}",
    }[item["list"]]()
    return f"- {box} {_cell(item['title'])}: {figures}"


def _judged(which: str, d: dict[str, Any]) -> str:
    """Why a section or cohort does not count in the report's period, if it does not."""
    if d.get("flagged", True):
        return ""
    revision = which == "revision"
    counted, what = (d["cited"], "cited sentences") if revision else (d["drafts"], "drafts")
    if counted < d["min_count"]:
        return f" (too few {what} in this period to judge: {d['min_count']} needed)"
    under = "under the threshold" if revision else "not above the rate"
    return f" ({under} in this period)"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _number(value: float | None) -> str:
    return "-" if value is None else f"{value:.3g}"
