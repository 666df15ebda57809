"""Streamed drafts through the real cohere and openai clients against the local stand-in
server: chunks arrive in order, citations come out as without streaming, and a stream that
dies part-way is voided and replaced by the evidence-only draft."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from backend.drafting.verify import verify
from tests.provider_replies import cohere_citation, cohere_stream, openai_chat, openai_stream
from tests.provider_server import ProviderServer, Reply
from tests.unit.test_provider_drafting import QUESTION, REPLY, SOURCES, cohere_reply, router

# REPLY cut where a tokenizer might: mid-word and mid-placeholder
CHUNKS = ["Hi <PER", "SON_1>, E-104 means the purifier could not finish the Wi-"]
CHUNKS += [REPLY[len("".join(CHUNKS)) : 120], REPLY[120:]]


class Sink:
    """Records what a drafter streamed: ("text", chunk) and ("reset", "") in order."""

    def __init__(self) -> None:
        self.events: list[tuple[str, str]] = []

    def __call__(self, chunk: str) -> None:
        self.events.append(("text", chunk))

    def reset(self) -> None:
        self.events.append(("reset", ""))

    @property
    def text(self) -> str:
        """What a reader following the stream holds now: text since the last reset."""
        kept: list[str] = []
        for kind, chunk in self.events:
            kept = [] if kind == "reset" else [*kept, chunk]
        return "".join(kept)


@pytest.fixture
def server() -> Iterator[ProviderServer]:
    with ProviderServer() as running:
        yield running


def cohere_citations() -> list[dict[str, object]]:
    return [
        cohere_citation(REPLY, "could not finish the Wi-Fi handshake", "1"),
        cohere_citation(REPLY, "enable a 2.4 GHz network", "1"),
        cohere_citation(REPLY, "hold the power button for 10 seconds", "2", "doc_99"),
    ]


def test_when_cohere_streams_then_chunks_arrive_in_order_and_citations_match_chat(
    server: ProviderServer,
) -> None:
    assert "".join(CHUNKS) == REPLY
    server.script(Reply(200, cohere_reply()), Reply(200, cohere_stream(CHUNKS, cohere_citations())))
    drafter = router(server)[0].for_tenant("demo")
    whole = verify(drafter.draft(QUESTION, SOURCES))
    sink = Sink()

    streamed = verify(drafter.draft(QUESTION, SOURCES, on_text=sink))

    assert sink.events == [("text", chunk) for chunk in CHUNKS]
    assert streamed.text == whole.text
    assert streamed.citations == whole.citations and len(streamed.citations) == 2
    assert server.requests[1].body["stream"] is True
    assert server.requests[1].body["documents"] == server.requests[0].body["documents"]


def test_when_an_openai_compatible_model_streams_then_chunks_arrive_in_order(
    server: ProviderServer,
) -> None:
    answer = "Please enable a 2.4 GHz network. [1] Then hold the power button. [2]"
    chunks = ["Please enable a 2.4", " GHz network. [", "1] Then hold the power button. [2]"]
    server.script(Reply(200, openai_chat(answer)), Reply(200, openai_stream(chunks)))
    drafter = router(server, kind="openai-compatible")[0].for_tenant("demo")
    whole = verify(drafter.draft(QUESTION, SOURCES))
    sink = Sink()

    streamed = verify(drafter.draft(QUESTION, SOURCES, on_text=sink))

    assert sink.events == [("text", chunk) for chunk in chunks]
    assert (streamed.text, streamed.citations) == (whole.text, whole.citations)
    assert server.requests[1].body["stream"] is True


@pytest.mark.parametrize(
    "stream",
    [
        cohere_stream(CHUNKS, cohere_citations(), hang_up_after=4),
        openai_stream(CHUNKS, hang_up_after=3),
    ],
    ids=["cohere", "openai-compatible"],
)
def test_when_a_stream_dies_part_way_then_the_partial_is_voided_and_the_draft_falls_back(
    server: ProviderServer, stream: object
) -> None:
    kind = "cohere" if "event: message-start" in str(stream) else "openai-compatible"
    server.script(Reply(200, stream))
    sink = Sink()

    drafted = router(server, kind=kind)[0].for_tenant("demo").draft(QUESTION, SOURCES, sink)

    assert len(server.requests) == 3  # a broken stream is retried like a 5xx
    assert [kind for kind, _ in sink.events].count("reset") == 3
    assert sink.events[-1] == ("reset", "") and sink.text == ""
    assert drafted.flags[0] == "model_unavailable"
    assert drafted.verification["outcome"] == "fallback"
    assert "purifier could not finish" not in drafted.text  # nothing of the stream survives


def test_when_a_retry_streams_in_full_then_only_its_text_is_kept(server: ProviderServer) -> None:
    server.script(
        Reply(200, cohere_stream(CHUNKS, cohere_citations(), hang_up_after=5)),
        Reply(200, cohere_stream(CHUNKS, cohere_citations())),
    )
    sink = Sink()

    drafted = router(server)[0].for_tenant("demo").draft(QUESTION, SOURCES, on_text=sink)

    assert sink.events.count(("reset", "")) == 1
    assert sink.text == REPLY
    assert "model_unavailable" not in drafted.flags
