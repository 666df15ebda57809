import re

from hypothesis import given
from hypothesis import strategies as st

from backend.drafting.offline import OfflineDrafter
from backend.drafting.verify import verify
from backend.redaction import seal
from backend.types import DraftText, Source


def source(n: int, kind: str = "ticket", answer: str = "", score: float = 0.7) -> Source:
    return Source(
        kind=kind,
        source_id=f"s{n}",
        chunk_id=f"c{n}",
        title=f"Source {n}",
        url="",  # type: ignore[arg-type]
        text=f"text {n}",
        answer=answer,
        score=score,
    )


WIFI = source(
    1,
    answer="Hi Ann, thanks for writing. E-104 is a Wi-Fi handshake failure. "
    "Please enable a 2.4 GHz network name on your router. Best, Tom",
)
WIFI_DOC = source(
    2,
    "doc",
    "Move the purifier within 5 metres of the router when pairing. "
    "Hold the power button for 10 seconds to reset the Wi-Fi radio.",
    0.6,
)


def test_when_evidence_is_strong_then_every_paragraph_is_cited_and_chatter_dropped() -> None:
    draft = OfflineDrafter().draft(seal("E-104 when pairing wifi router"), [WIFI, WIFI_DOC])
    body = draft.text.split("\n\n")[1:-1]
    assert body == [
        "E-104 is a Wi-Fi handshake failure. Please enable a 2.4 GHz network name on your "
        "router. [1]",
        "Move the purifier within 5 metres of the router when pairing. Hold the power button "
        "for 10 seconds to reset the Wi-Fi radio. [2]",
    ]
    assert draft.flags == () and draft.notes == ()


def test_when_nothing_is_related_then_a_knowledge_gap_is_reported_without_citations() -> None:
    draft = OfflineDrafter().draft(seal("robotic lawnmower"), [source(1, answer="x", score=0.1)])
    assert draft.flags == ("knowledge_gap",)
    assert "Knowledge gap" in draft.notes[0]
    assert not re.search(r"\[\d+\]", draft.text)


def test_when_the_best_match_is_loose_then_weak_evidence_is_said_plainly() -> None:
    weak = source(1, answer="Restart the purifier and try pairing again from the app.", score=0.45)
    draft = OfflineDrafter().draft(seal("pairing again"), [weak])
    assert draft.flags == ("weak_evidence",)
    assert draft.notes[0].startswith("Weak evidence: the closest precedent is only loosely")


def test_when_the_subject_names_things_no_source_mentions_then_the_draft_says_which() -> None:
    question = seal("Does the Mist humidifier pair over wifi?\n\nE-104 when pairing wifi")
    draft = OfflineDrafter().draft(question, [WIFI, WIFI_DOC])
    assert draft.flags == ("uncovered_terms",)
    assert draft.notes == (
        "No source mentions 'humidifier', 'mist': answer that part of the question yourself.",
    )


def test_when_a_precedent_mentions_another_customer_then_that_sentence_is_left_out() -> None:
    leaky = source(
        1,
        answer="I sent the label to <EMAIL_ADDRESS>. Returns take 5 business days "
        "to process once we receive the parcel.",
    )
    draft = OfflineDrafter().draft(seal("how long do returns take to process"), [leaky])
    assert "<EMAIL_ADDRESS>" not in draft.text
    assert "Returns take 5 business days" in draft.text


def test_when_a_marker_points_nowhere_then_verify_removes_it_and_says_so() -> None:
    draft = DraftText("Reset it [2]. Then pair [7]. Done [1].", (source(1), source(2)))
    verified = verify(draft)
    assert verified.text == "Reset it [1]. Then pair. Done [2]."
    assert [(c.marker, c.source.source_id) for c in verified.citations] == [(1, "s2"), (2, "s1")]
    assert "unsupported_citation_removed" in verified.flags


def test_when_a_marker_lists_several_sources_then_each_is_renumbered_or_dropped() -> None:
    draft = DraftText("Reset it. [3] Then wait. [1, 3, 9] Done. [9]", tuple(map(source, (1, 2, 3))))
    verified = verify(draft)
    assert verified.text == "Reset it. [1] Then wait. [2, 1] Done."
    assert [(c.marker, c.source.source_id) for c in verified.citations] == [(1, "s3"), (2, "s1")]
    assert "unsupported_citation_removed" in verified.flags


@given(
    markers=st.lists(
        st.lists(st.integers(min_value=0, max_value=12), min_size=1, max_size=3), max_size=12
    ),
    source_count=st.integers(min_value=0, max_value=6),
)
def test_verified_citations_always_point_at_retrieved_sources(
    markers: list[list[int]], source_count: int
) -> None:
    sources = tuple(source(n) for n in range(1, source_count + 1))
    text = " ".join(f"Sentence {i} [{', '.join(map(str, m))}]." for i, m in enumerate(markers))
    verified = verify(DraftText(text, sources))
    assert {c.source for c in verified.citations} <= set(sources)
    lists = re.findall(r"\[(\d+(?:, \d+)*)\]", verified.text)
    shown = [int(n) for found in lists for n in found.split(", ")]
    assert set(shown) == {c.marker for c in verified.citations}
    assert sorted({c.marker for c in verified.citations}) == list(
        range(1, len(verified.citations) + 1)
    )
