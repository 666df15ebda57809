"""Model drafters through the real cohere and openai clients against a local stand-in server:
citations, retries, the circuit breaker and the evidence-only fallback."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from backend.drafting.offline import OfflineDrafter
from backend.drafting.providers_file import parse_providers
from backend.drafting.resilience import RetryPolicy
from backend.drafting.router import ProviderRouter
from backend.drafting.verify import verify
from backend.redaction import seal
from backend.types import Source
from tests.provider_replies import (
    COHERE_BAD_KEY,
    COHERE_RATE_LIMITED,
    COHERE_SERVER_ERROR,
    VERIFIED_PII,
    cohere_chat,
    cohere_citation,
    openai_chat,
    openai_error,
    providers_yaml,
)
from tests.provider_server import ProviderServer, Reply

QUESTION = seal("Purifier shows E-104 on wifi\n\nHi, <PERSON_1> here, E-104 when pairing.")
SOURCES = [
    Source(
        "ticket",
        "R-1",
        "R-1#0",
        "E-104 during setup",
        "https://t/R-1",
        "My purifier shows E-104 every time I pair it. I am <PERSON_1>.",
        "E-104 is a Wi-Fi handshake failure. Please enable a 2.4 GHz network name on your "
        "router, since the purifier cannot use 5 GHz.",
        0.72,
    ),
    Source(
        "doc",
        "devices/wifi.md",
        "devices/wifi.md#reset",
        "Resetting the Wi-Fi radio",
        "https://help.test/devices/wifi#reset",
        "Resetting the Wi-Fi radio",
        "Hold the power button for 10 seconds to reset the Wi-Fi radio.",
        0.61,
    ),
]
REPLY = (
    "Hi <PERSON_1>, E-104 means the purifier could not finish the Wi-Fi handshake. Please "
    "enable a 2.4 GHz network on your router. Then hold the power button for 10 seconds "
    "and pair again."
)


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def server() -> Iterator[ProviderServer]:
    with ProviderServer() as running:
        yield running


def router(
    server: ProviderServer, kind: str = "cohere", clock: Clock | None = None, **tuning: float
) -> tuple[ProviderRouter, list[float]]:
    slept: list[float] = []
    registry = parse_providers(providers_yaml(server.url, kind=kind, **tuning), "providers.yaml")
    environ = {"VENDOR_TEST_KEY": "test-key-123"}
    built = ProviderRouter(registry, OfflineDrafter(), environ, slept.append, clock or Clock())
    return built, slept


def cohere_reply() -> dict[str, object]:
    return cohere_chat(
        REPLY,
        [
            cohere_citation(REPLY, "could not finish the Wi-Fi handshake", "1"),
            cohere_citation(REPLY, "enable a 2.4 GHz network", "1"),
            cohere_citation(REPLY, "hold the power button for 10 seconds", "2", "doc_99"),
        ],
    )


def test_when_cohere_cites_documents_then_markers_point_at_the_retrieved_sources(
    server: ProviderServer,
) -> None:
    server.script(Reply(200, cohere_reply()))
    drafted = router(server)[0].for_tenant("demo").draft(QUESTION, SOURCES)
    result = verify(drafted)
    assert result.text == (
        "Hi <PERSON_1>, E-104 means the purifier could not finish the Wi-Fi handshake. [1] "
        "Please enable a 2.4 GHz network on your router. [1] Then hold the power button for "
        "10 seconds and pair again. [2]"
    )
    assert [(c.marker, c.source.source_id) for c in result.citations] == [
        (1, "R-1"),
        (2, "devices/wifi.md"),
    ]
    assert result.flags == ()  # the unknown document id was dropped before verify saw it
    assert (result.provider, result.model) == ("vendor", "test-model")


def test_when_cohere_is_called_then_sources_go_as_documents_and_tone_as_system_message(
    server: ProviderServer,
) -> None:
    server.script(Reply(200, cohere_reply()))
    router(server)[0].for_tenant("demo").draft(QUESTION, SOURCES)
    request = server.requests[0]
    assert request.path == "/v2/chat"
    assert request.headers["authorization"] == "Bearer test-key-123"
    assert [d["id"] for d in request.body["documents"]] == ["1", "2"]
    assert request.body["documents"][1]["data"] == {
        "title": "Resetting the Wi-Fi radio",
        "kind": "help-centre article",
        "snippet": "Hold the power button for 10 seconds to reset the Wi-Fi radio.",
    }
    system, user = request.body["messages"]
    assert system["role"] == "system" and "sign off as the Tidewater team" in system["content"]
    assert user == {"role": "user", "content": QUESTION.text}


def test_when_a_call_succeeds_then_the_verification_it_relied_on_travels_with_the_draft(
    server: ProviderServer,
) -> None:
    server.script(Reply(200, cohere_reply()))
    drafted = router(server)[0].for_tenant("demo").draft(QUESTION, SOURCES)
    expected = {"provider": "vendor", "model": "test-model", **VERIFIED_PII}
    assert verify(drafted).verification == expected


def test_when_cohere_is_rate_limited_once_then_the_call_is_retried_after_a_backoff(
    server: ProviderServer,
) -> None:
    server.script(Reply(429, COHERE_RATE_LIMITED), Reply(200, cohere_reply()))
    built, slept = router(server)
    drafted = built.for_tenant("demo").draft(QUESTION, SOURCES)
    assert len(server.requests) == 2
    assert len(slept) == 1 and 0 < slept[0] <= 0.001
    assert "model_unavailable" not in drafted.flags and "[1]" in drafted.text


@pytest.mark.parametrize(
    ("reply", "calls", "why"),
    [
        (Reply(429, COHERE_RATE_LIMITED), 3, "vendor is rate limiting us"),
        (Reply(500, COHERE_SERVER_ERROR), 3, "vendor had a server error (HTTP 500)"),
        (Reply(503, COHERE_SERVER_ERROR), 3, "vendor had a server error (HTTP 503)"),
        (Reply(200, {}, delay=1.0), 3, "vendor did not answer within 0.2s"),
        (Reply(401, COHERE_BAD_KEY), 1, "vendor refused the request (HTTP 401)"),
    ],
    ids=["429", "500", "503", "timeout", "401-not-retried"],
)
def test_when_cohere_keeps_failing_then_an_evidence_only_draft_is_flagged(
    server: ProviderServer, reply: Reply, calls: int, why: str
) -> None:
    server.script(reply)
    drafted = router(server, timeout_seconds=0.2)[0].for_tenant("demo").draft(QUESTION, SOURCES)
    assert len(server.requests) == calls
    assert drafted.flags[0] == "model_unavailable"
    assert drafted.notes[0].startswith(f"Model unavailable — evidence-only draft: {why}.")
    assert "[1]" in drafted.text and drafted.provider == "offline"  # the draft is not lost
    assert drafted.verification["outcome"] == "fallback"
    assert drafted.verification["error"] == (
        "provider_rejected" if calls == 1 else "provider_unavailable"
    )
    for vendor_words in ("Trial key", "reported to our team", "invalid api token"):
        assert vendor_words not in " ".join(drafted.notes)  # the vendor's text stays in the log


def test_when_failures_run_on_then_the_breaker_opens_and_the_provider_is_not_called(
    server: ProviderServer,
) -> None:
    clock = Clock()
    built, _ = router(
        server, clock=clock, max_retries=1, breaker_failures=3, breaker_cooldown_seconds=30
    )
    drafter = built.for_tenant("demo")
    server.script(Reply(500, COHERE_SERVER_ERROR))
    drafter.draft(QUESTION, SOURCES)  # 2 failures
    drafter.draft(QUESTION, SOURCES)  # the 3rd failure opens the breaker before the retry
    assert len(server.requests) == 3 and built.breaker("vendor").state == "open"
    opened = drafter.draft(QUESTION, SOURCES)
    assert len(server.requests) == 3  # nothing reached the provider
    assert opened.verification["error"] == "provider_circuit_open"
    assert opened.notes[0].startswith(
        "Model unavailable — evidence-only draft: vendor failed repeatedly and is paused."
    )
    clock.now = 31.0  # cool-down over: one trial call goes through, and it succeeds
    server.script(Reply(200, cohere_reply()))
    assert "model_unavailable" not in drafter.draft(QUESTION, SOURCES).flags
    assert len(server.requests) == 4 and built.breaker("vendor").state == "closed"


def test_when_the_half_open_trial_fails_then_the_breaker_opens_again(
    server: ProviderServer,
) -> None:
    clock = Clock()
    built, _ = router(server, clock=clock, max_retries=0, breaker_failures=1)
    server.script(Reply(500, COHERE_SERVER_ERROR))
    built.for_tenant("demo").draft(QUESTION, SOURCES)
    clock.now = 61.0
    built.for_tenant("demo").draft(QUESTION, SOURCES)
    assert len(server.requests) == 2 and built.breaker("vendor").state == "open"


def test_when_nothing_retrieved_is_evidence_then_no_model_is_asked(server: ProviderServer) -> None:
    weak = [Source("doc", "x.md", "x.md#0", "Unrelated", "", "x", "Lawn care tips.", 0.1)]
    drafted = router(server)[0].for_tenant("demo").draft(QUESTION, weak)
    assert server.requests == [] and drafted.flags == ("knowledge_gap",)


def test_when_retrying_then_each_wait_doubles_within_its_jitter() -> None:
    policy = RetryPolicy(max_retries=3, backoff_seconds=1.0)
    for retry, ceiling in enumerate([1.0, 2.0, 4.0, 8.0, 8.0]):
        assert ceiling / 2 <= policy.delay(retry) <= ceiling
    assert policy.delay(0, retry_after=3.0) == 3.0  # the vendor's Retry-After is honoured
    assert policy.delay(0, retry_after=600.0) == 8.0  # but never beyond our cap


def test_when_an_openai_compatible_model_cites_by_marker_then_bad_markers_are_dropped(
    server: ProviderServer,
) -> None:
    answer = (
        "Hi <PERSON_1>, please enable a 2.4 GHz network on your router. [1] Then hold the "
        "power button for 10 seconds. [2] Your warranty covers this. [7]"
    )
    server.script(Reply(200, openai_chat(answer)))
    result = verify(
        router(server, kind="openai-compatible")[0].for_tenant("demo").draft(QUESTION, SOURCES)
    )
    assert result.text.endswith("Your warranty covers this.")
    assert [c.source.source_id for c in result.citations] == ["R-1", "devices/wifi.md"]
    assert result.flags == ("unsupported_citation_removed",)
    assert result.verification["kind"] == "openai-compatible"


def test_when_an_openai_compatible_model_is_called_then_sources_are_numbered_in_the_prompt(
    server: ProviderServer,
) -> None:
    server.script(Reply(200, openai_chat("Please enable a 2.4 GHz network. [1]")))
    router(server, kind="openai-compatible")[0].for_tenant("demo").draft(QUESTION, SOURCES)
    request = server.requests[0]
    assert request.path == "/v1/chat/completions"
    assert request.body["model"] == "test-model"
    system, user = request.body["messages"]
    assert "End every sentence that uses a source with that source's marker" in system["content"]
    assert user["content"].startswith("Sources:\n\n[1] E-104 during setup (resolved ticket)\n")
    assert "[2] Resetting the Wi-Fi radio (help-centre article)" in user["content"]
    assert user["content"].endswith(f"Customer's message:\n{QUESTION.text}")


@pytest.mark.parametrize(
    ("reply", "calls"),
    [
        (Reply(429, openai_error("Rate limit reached for gpt-4o-mini", "rate_limit_exceeded")), 3),
        (Reply(500, openai_error("The server had an error", "server_error")), 3),
        (Reply(200, {}, delay=1.0), 3),
        (Reply(401, openai_error("Incorrect API key provided", "invalid_api_key")), 1),
    ],
    ids=["429", "500", "timeout", "401-not-retried"],
)
def test_when_an_openai_compatible_endpoint_fails_then_the_draft_falls_back(
    server: ProviderServer, reply: Reply, calls: int
) -> None:
    server.script(reply)
    built, _ = router(server, kind="openai-compatible", timeout_seconds=0.2)
    drafted = built.for_tenant("demo").draft(QUESTION, SOURCES)
    assert len(server.requests) == calls
    assert drafted.flags[0] == "model_unavailable" and "[1]" in drafted.text
