"""Weaviate search index: one collection, one Weaviate tenant per helpdesk account.

Vectors come from our embedder (the collection has no vectorizer), so only redacted text is
ever embedded. Nothing connects until the first call.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Self

import weaviate
from weaviate.classes.init import AdditionalConfig, Auth, Timeout
from weaviate.classes.query import MetadataQuery
from weaviate.classes.tenants import Tenant
from weaviate.collections.classes.filters import _Filters
from weaviate.exceptions import (
    AuthenticationFailedError,
    InsufficientPermissionsError,
    UnexpectedStatusCodeError,
    WeaviateBaseError,
    WeaviateInvalidInputError,
)

from backend.errors import ConfigError, IndexUnavailable, InputError
from backend.redaction import RedactedText
from backend.retrieval import IndexRecord, SearchMode, Settings, Vectors, indexes
from backend.retrieval.fields import check_tenant, keywords
from backend.retrieval.weaviate_schema import (
    Endpoint,
    data_object,
    floats,
    fusion_type,
    hybrid_arguments,
    parse_url,
    replication_config,
    schema_properties,
    search_filter,
    source_filter,
    tenancy_config,
    to_source,
    vector_config,
)
from backend.types import Source, SourceKind

log = logging.getLogger(__name__)

BATCH = 200  # objects per insert_many call
DELETE_BATCH = 100  # source ids per delete_many filter
RETURNED = ["kind", "source_id", "chunk_id", "title", "url", "text", "answer"]


@indexes.register("weaviate")
class WeaviateIndex:
    def __init__(
        self,
        url: str,
        grpc_port: int = 50051,
        api_key: str = "",
        collection: str = "PrecedentSource",
        alpha: float = 0.5,
        fusion: str = "relative_score",
        replication: int = 1,
    ) -> None:
        self._endpoint = parse_url(url, grpc_port)
        self._api_key = api_key
        self._name = collection
        self._alpha = alpha
        self._fusion = fusion_type(fusion)
        self._replication = replication
        self._lock = threading.Lock()
        self._client: weaviate.WeaviateClient | None = None
        self._tenants: set[str] = set()  # known to exist; absence is never cached

    @classmethod
    def from_settings(cls, settings: Settings, dimensions: int) -> Self:
        """A server (WEAVIATE_*); connects on first use. The vectors bring their own size."""
        return cls(
            url=settings["WEAVIATE_URL"],
            grpc_port=settings["WEAVIATE_GRPC_PORT"],
            api_key=settings["WEAVIATE_API_KEY"],
            collection=settings["WEAVIATE_COLLECTION"],
            alpha=settings["HYBRID_ALPHA"],
            fusion=settings["HYBRID_FUSION"],
            replication=settings["WEAVIATE_REPLICATION"],
        )

    def upsert(self, tenant: str, records: Sequence[IndexRecord], vectors: Vectors) -> None:
        if not records:
            return
        objects = [data_object(tenant, r, v) for r, v in zip(records, vectors, strict=True)]
        with vendor_errors("writing to"):
            self._ensure_tenant(tenant)
            data = self._collection().with_tenant(tenant).data
            for start in range(0, len(objects), BATCH):
                _check_batch(data.insert_many(objects[start : start + BATCH]))

    def delete(self, tenant: str, kind: SourceKind, source_ids: Sequence[str]) -> int:
        with vendor_errors("deleting from"):
            if not source_ids or not self._has_tenant(tenant):
                return 0
            data = self._collection().with_tenant(tenant).data
            deleted = 0
            for start in range(0, len(source_ids), DELETE_BATCH):
                where = source_filter(kind, source_ids[start : start + DELETE_BATCH])
                deleted += data.delete_many(where=where).successful
            return deleted

    def source_ids(self, tenant: str, kind: SourceKind) -> set[str]:
        with vendor_errors("reading from"):
            if not self._has_tenant(tenant):
                return set()
            objects = (
                self._collection()
                .with_tenant(tenant)
                .iterator(return_properties=["kind", "source_id"])
            )
            return {str(o.properties["source_id"]) for o in objects if o.properties["kind"] == kind}

    def search(
        self,
        tenant: str,
        kind: SourceKind,
        query: RedactedText,
        vector: Vectors,
        limit: int,
        mode: SearchMode = "hybrid",
        updated_after: str | None = None,
    ) -> list[Source]:
        filters = search_filter(kind, updated_after)
        with vendor_errors("searching"):
            if limit < 1 or not self._has_tenant(tenant):
                return []
            query_api = self._collection().with_tenant(tenant).query
            result = self._query(query_api, mode, query.text, vector, filters, limit)
        return [to_source(o.properties, o.metadata.distance, o.vector, vector) for o in result]

    def close(self) -> None:
        with self._lock:
            if self._client is not None:
                self._client.close()
                self._client = None

    def _query(
        self, api: Any, mode: SearchMode, text: str, vector: Vectors, filters: _Filters, limit: int
    ) -> Any:
        words = keywords(text)
        common: dict[str, Any] = {"filters": filters, "limit": limit, "return_properties": RETURNED}
        if mode == "vector" or (mode == "hybrid" and not words):
            found = api.near_vector(
                near_vector=floats(vector), return_metadata=MetadataQuery(distance=True), **common
            )
        elif mode == "text":
            if not words:
                return []
            found = api.bm25(query=words, query_properties=["text"], include_vector=True, **common)
        else:
            arguments = hybrid_arguments(words, vector, self._alpha, self._fusion)
            found = api.hybrid(include_vector=True, **arguments, **common)
        return found.objects

    def _connect(self) -> weaviate.WeaviateClient:
        with self._lock:
            if self._client is None:
                client = connect(self._endpoint, self._api_key)
                try:
                    ensure_collection(client, self._name, self._replication)
                except BaseException:
                    client.close()
                    raise
                self._client = client
            return self._client

    def _collection(self) -> Any:
        return self._connect().collections.use(self._name)

    def _has_tenant(self, tenant: str) -> bool:
        check_tenant(tenant)
        if tenant not in self._tenants and self._collection().tenants.exists(tenant):
            self._tenants.add(tenant)
        return tenant in self._tenants

    def _ensure_tenant(self, tenant: str) -> None:
        if self._has_tenant(tenant):
            return
        try:
            self._collection().tenants.create(Tenant(name=tenant))
        except UnexpectedStatusCodeError:
            # Another worker may have created it first; anything else is still an error.
            if not self._collection().tenants.exists(tenant):
                raise
        self._tenants.add(tenant)


def connect(endpoint: Endpoint, api_key: str) -> weaviate.WeaviateClient:
    host, port, secure, grpc_port = endpoint
    client = weaviate.connect_to_custom(
        http_host=host,
        http_port=port,
        http_secure=secure,
        grpc_host=host,
        grpc_port=grpc_port,
        grpc_secure=secure,
        auth_credentials=Auth.api_key(api_key) if api_key else None,
        additional_config=AdditionalConfig(timeout=Timeout(init=5, query=30, insert=120)),
        # Connecting still reads the server's /v1/meta. The skipped checks are a gRPC ping
        # and a pypi.org lookup of the newest client: a self-hosted backend must not call
        # out, so readiness is checked by hand instead.
        skip_init_checks=True,
    )
    if not client.is_ready():
        client.close()
        raise IndexUnavailable(f"Weaviate at {host}:{port} is not ready")
    return client


def ensure_collection(client: weaviate.WeaviateClient, name: str, replication: int = 1) -> None:
    if not client.collections.exists(name):
        try:
            client.collections.create(
                name,
                properties=schema_properties(),
                vector_config=vector_config(),
                multi_tenancy_config=tenancy_config(),
                replication_config=replication_config(replication),
            )
        except UnexpectedStatusCodeError:
            if not client.collections.exists(name):  # lost a race with another worker: fine
                raise
    if not client.collections.use(name).config.get().multi_tenancy_config.enabled:
        raise ConfigError(
            f"Weaviate collection '{name}' exists without multi-tenancy; Precedent keeps each "
            "helpdesk account in its own tenant. Set PRECEDENT_WEAVIATE_COLLECTION to a new name"
        )


@contextmanager
def vendor_errors(action: str) -> Iterator[None]:
    """Weaviate's exceptions become ours; the vendor's words go to the log, not the reader."""
    try:
        yield
    except (AuthenticationFailedError, InsufficientPermissionsError) as exc:
        log.warning("weaviate refused access while %s the index: %s", action, exc)
        raise ConfigError(_REFUSED) from exc
    except UnexpectedStatusCodeError as exc:
        log.warning("weaviate error while %s the index: %s", action, exc)
        if exc.status_code in (401, 403):
            raise ConfigError(_REFUSED) from exc
        raise IndexUnavailable(f"Weaviate failed while {action} the index") from exc
    except WeaviateInvalidInputError as exc:
        raise InputError(f"Weaviate refused the request while {action} the index") from exc
    except WeaviateBaseError as exc:
        log.warning("weaviate error while %s the index: %s", action, exc)
        raise IndexUnavailable(f"Weaviate is unavailable while {action} the index") from exc


_REFUSED = "Weaviate refused our credentials or permissions: check PRECEDENT_WEAVIATE_API_KEY"


def _check_batch(result: Any) -> None:
    if result.has_errors:
        first = next(iter(result.errors.values()))
        log.warning(
            "weaviate batch: %d objects failed, first: %s", len(result.errors), first.message
        )
        raise IndexUnavailable(f"Weaviate refused {len(result.errors)} objects of a batch write")
