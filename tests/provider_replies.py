"""Recorded-shape replies of the model vendors' chat APIs, and a providers file around them."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from tests.provider_server import EventStream


def cohere_citation(text: str, phrase: str, *document_ids: str) -> dict[str, Any]:
    start = text.index(phrase)
    return {
        "start": start,
        "end": start + len(phrase),
        "text": phrase,
        "sources": [
            {"type": "document", "id": i, "document": {"id": i, "title": "…", "snippet": "…"}}
            for i in document_ids
        ],
        "type": "TEXT_CONTENT",
        "content_index": 0,
    }


def cohere_chat(text: str, citations: list[dict[str, Any]]) -> dict[str, Any]:
    """A v2 /chat reply: message.content[] text parts and message.citations[]."""
    return {
        "id": "5a8b3c1e-0d2f-4f7e-9a61-2b7c4d9e8f10",
        "finish_reason": "COMPLETE",
        "message": {
            "role": "assistant",
            "content": [{"type": "text", "text": text}],
            "citations": citations,
        },
        "usage": {
            "billed_units": {"input_tokens": 412, "output_tokens": 58},
            "tokens": {"input_tokens": 1210, "output_tokens": 60},
        },
    }


COHERE_RATE_LIMITED = {"message": "You are using a Trial key, which is limited to 10 calls/min."}
COHERE_SERVER_ERROR = {"message": "internal server error, this has been reported to our team"}
COHERE_BAD_KEY = {"message": "invalid api token"}


def openai_chat(content: str, model: str = "gpt-4o-mini") -> dict[str, Any]:
    """A /chat/completions reply."""
    return {
        "id": "chatcmpl-9xQ2mB7f",
        "object": "chat.completion",
        "created": 1764650000,
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content, "refusal": None},
                "logprobs": None,
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": 980, "completion_tokens": 61, "total_tokens": 1041},
    }


def cohere_stream(
    chunks: Sequence[str], citations: list[dict[str, Any]], **options: Any
) -> EventStream:
    """A v2 /chat stream: ``event: <type>`` + ``data: {json}`` frames, as Cohere sends them.

    ``citations`` are ``cohere_citation`` dicts over the joined chunks; each one is sent
    as a citation-start/end pair after the text, the order Cohere uses for documents.
    """
    events: list[dict[str, Any]] = [
        {
            "type": "message-start",
            "id": "5a8b3c1e-0d2f-4f7e-9a61-2b7c4d9e8f10",
            "delta": {"message": {"role": "assistant", "content": [], "citations": []}},
        },
        {
            "type": "content-start",
            "index": 0,
            "delta": {"message": {"content": {"type": "text", "text": ""}}},
        },
        *(
            {
                "type": "content-delta",
                "index": 0,
                "delta": {"message": {"content": {"text": chunk}}},
            }
            for chunk in chunks
        ),
    ]
    for index, citation in enumerate(citations):
        events.append(
            {
                "type": "citation-start",
                "index": index,
                "delta": {"message": {"citations": citation}},
            }
        )
        events.append({"type": "citation-end", "index": index})
    events += [
        {"type": "content-end", "index": 0},
        {
            "type": "message-end",
            "delta": {
                "finish_reason": "COMPLETE",
                "usage": {"billed_units": {"input_tokens": 412, "output_tokens": 58}},
            },
        },
    ]
    frames = tuple(f"event: {e['type']}\ndata: {json.dumps(e)}\n\n" for e in events)
    return EventStream(frames, **options)


def openai_stream(chunks: Sequence[str], model: str = "gpt-4o-mini", **options: Any) -> EventStream:
    """A /chat/completions stream: ``data: {chunk}`` frames, then ``data: [DONE]``."""

    def chunk(delta: dict[str, Any], finish: str | None = None) -> str:
        body = {
            "id": "chatcmpl-9xQ2mB7f",
            "object": "chat.completion.chunk",
            "created": 1764650000,
            "model": model,
            "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}],
        }
        return f"data: {json.dumps(body)}\n\n"

    frames = [chunk({"role": "assistant", "content": ""})]
    frames += [chunk({"content": text}) for text in chunks]
    frames += [chunk({}, "stop"), "data: [DONE]\n\n"]
    return EventStream(tuple(frames), **options)


def openai_error(message: str, code: str) -> dict[str, Any]:
    return {"error": {"message": message, "type": "requests", "param": None, "code": code}}


# What the audit records for a call that ``providers_yaml``'s file allows (plus provider, model).
VERIFIED_PII = {
    "kind": "cohere",
    "zero_retention": "verified",
    "evidence": "zero data retention addendum SEC-231",
    "verified_on": "2026-01-05",
    "provider_scopes": ["pii"],
    "tenant_scopes": ["pii"],
    "decision": "allowed",
}


def providers_yaml(url: str, scopes: str = "pii", kind: str = "cohere", **tuning: float) -> str:
    """One verified provider at ``url`` (covering pii) and a tenant 'demo' with ``scopes``."""
    settings = {"timeout_seconds": 2, "max_retries": 2, "backoff_seconds": 0.001, **tuning}
    lines = "\n".join(f"    {key}: {value}" for key, value in settings.items())
    base = f"{url}/v1" if kind == "openai-compatible" else url
    return f"""\
providers:
  vendor:
    kind: {kind}
    model: test-model
    base_url: {base}
    api_key_env: VENDOR_TEST_KEY
{lines}
    retention:
      zero_retention: verified
      evidence: "zero data retention addendum SEC-231"
      verified_on: 2026-01-05
      scopes: [pii]
tenants:
  demo:
    provider: vendor
    scopes: [{scopes}]
    tone: "Warm and brief; sign off as the Tidewater team."
"""
