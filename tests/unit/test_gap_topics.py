"""Knowledge-gap topics: stored query vectors of one embedder first, else the draft's hashed
words, the two kinds never in one cluster (backend/learning/topics.py). SQLite."""

from __future__ import annotations

import pytest

from backend.learning.gaps import knowledge_gaps
from backend.learning.topics import HASHED_DIMENSIONS, DraftTopics, hashed
from tests.gap_vectors_data import GAP, PURIFIER, queried, vector_gap_history
from tests.learning_data import DAY, WINDOW, History

PADDING = [0.0] * HASHED_DIMENSIONS


def topics(history: History, model: str | None = None) -> DraftTopics:
    return DraftTopics(history.session, history.tenant.id, model=model)


def test_when_a_ticket_has_a_stored_vector_then_its_topic_is_the_question_and_that_vector(
    history: History,
) -> None:
    vector_gap_history(history)

    found = topics(history)(["T1", "T2", "T3", "T4", "T6"])

    assert found["T1"].text == "Refund for the invoice of <PERSON_1>"
    assert list(found["T1"].vector) == [1.0, 0.0, 0.0, *PADDING]
    assert list(found["T2"].vector) == pytest.approx([0.8, 0.6, 0.0, *PADDING])
    # the newest of T3's two drafts, not the older one about refunds
    assert (found["T3"].text, list(found["T3"].vector)) == (
        "Router keeps dropping wifi",
        [0.0, 0.0, 1.0, *PADDING],
    )


def test_when_a_ticket_has_no_vector_of_the_embedder_then_its_draft_words_follow_the_vectors(
    history: History,
) -> None:
    vector_gap_history(history)

    found = topics(history)(["T4", "T6"])

    assert found["T4"].text == "Reset the purifier filter light"  # citation marker dropped
    assert list(found["T4"].vector) == [0.0, 0.0, 0.0, *hashed([found["T4"].text])[0]]
    assert found["T6"].text.startswith("The filter light")  # its old embedder's vector unused


def test_when_no_vector_is_stored_then_the_topics_are_the_hashed_words_alone(
    history: History,
) -> None:
    history.draft("T4", 6 * DAY, text=PURIFIER, flags=GAP)

    [topic] = topics(history)(["T4"]).values()

    assert list(topic.vector) == hashed(["Reset the purifier filter light"])[0]


def test_when_a_model_is_named_then_only_its_vectors_are_used(history: History) -> None:
    vector_gap_history(history)

    found = topics(history, model="old-model")(["T1", "T6"])

    assert (found["T6"].text, list(found["T6"].vector)[:3]) == ("Refund, old model", [1, 0, 0])
    assert found["T1"].text == "A draft about something else."  # minilm's: words instead
    assert list(found["T1"].vector)[:3] == [0.0, 0.0, 0.0]


def test_vectors_of_one_model_but_other_dimensions_are_never_compared(history: History) -> None:
    queried(history, "T1", (1.0, 0.0), "Refund in two dimensions", 9 * DAY)
    queried(history, "T2", (1.0, 0.0, 0.0), "Refund in three dimensions", 2 * DAY)

    found = topics(history)(["T1", "T2"])

    assert found["T2"].text == "Refund in three dimensions"
    assert found["T1"].text == "A draft about something else."
    assert len(found["T1"].vector) == len(found["T2"].vector) == 3 + HASHED_DIMENSIONS


def test_another_tenants_vector_for_the_same_ticket_number_is_not_read(history: History) -> None:
    queried(history, "T1", (0.0, 1.0, 0.0), "Ours", 9 * DAY)
    queried(History(history.session, "other"), "T1", (1.0, 0.0, 0.0), "Theirs", 2 * DAY)

    assert topics(history)(["T1"])["T1"].text == "Ours"


def test_knowledge_gaps_cluster_vectors_and_words_apart_with_exact_members(
    history: History,
) -> None:
    vector_gap_history(history)

    found = knowledge_gaps(history.session, history.tenant.id, WINDOW, topics(history))

    members = [(c.size, [t for t, _ in c.examples]) for c in found]
    assert members == [(3, ["T6", "T4", "T5"]), (2, ["T1", "T2"]), (1, ["T3"])]
    assert found[1].examples[0] == ("T1", "Refund for the invoice of <PERSON_1>")


def test_a_query_vector_equal_to_a_tickets_hashed_words_still_clusters_apart(
    history: History,
) -> None:
    # The embedder here is as wide as the hashed words and its vector is the same numbers:
    # laid in one space they would be one topic (cosine 1).
    words = "Reset the purifier filter light"
    queried(history, "T1", hashed([words])[0], words, 9 * DAY, model="wide")
    history.draft("T2", 6 * DAY, text=words, flags=GAP)

    found = knowledge_gaps(history.session, history.tenant.id, WINDOW, topics(history))

    assert [[t for t, _ in c.examples] for c in found] == [["T1"], ["T2"]]
