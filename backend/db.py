"""Database engine and sessions, bound to the app in ``init_app``."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import CursorResult, Engine, Update, create_engine, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker


class Database:
    def __init__(self) -> None:
        self._engines: dict[str, Engine] = {}

    def init_app(self, app: Flask) -> None:
        app.extensions["precedent_db"] = self

    def engine(self, url: str) -> Engine:
        if url not in self._engines:
            self._engines[url] = _make_engine(url)
        return self._engines[url]

    def dispose(self, close: bool = True) -> None:
        """Drop every engine; after a fork pass close=False (the parent owns the sockets)."""
        for engine in self._engines.values():
            engine.dispose(close=close)
        self._engines.clear()

    @contextmanager
    def session(self, url: str | None = None) -> Iterator[Session]:
        """One unit of work: committed on success, rolled back on any error."""
        factory = sessionmaker(self.engine(url or _current_url()), expire_on_commit=False)
        with factory() as session, session.begin():
            yield session


# What the stores take: each call opens one unit of work (committed, or rolled back on error).
SessionFactory = Callable[[], AbstractContextManager[Session]]


def sessions_for(url: str) -> SessionFactory:
    """Units of work on the database at ``url``, for code that runs outside a request."""
    return lambda: db.session(url)


def upsert_insert(session: Session) -> Callable[[Any], Any]:
    """The database's own INSERT, with ON CONFLICT (SQLite and PostgreSQL spell it alike):
    one statement, so two writers of the same key both land."""
    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert


def rows_changed(session: Session, statement: Update) -> int:
    """Run an UPDATE and say how many rows it changed: a compare-and-set's verdict.

    The session's loaded objects are left alone (a lost compare-and-set must not be mirrored
    onto them); callers refresh what they go on to read.
    """
    options = statement.execution_options(synchronize_session=False)
    result: CursorResult[Any] = session.execute(options)  # type: ignore[assignment]
    return result.rowcount


def _current_url() -> str:
    from flask import current_app

    return str(current_app.config["DATABASE_URL"])


def ensure_sqlite_folder(url: str) -> None:
    """SQLite creates the file but not its folder."""
    path = url.split("///", 1)[-1] if url.startswith("sqlite") else ""
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)


def _make_engine(url: str) -> Engine:
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True)
    ensure_sqlite_folder(url)
    engine = create_engine(url, connect_args={"timeout": 30})
    event.listen(engine, "connect", _sqlite_on_connect)
    event.listen(engine, "begin", _sqlite_begin_immediate)
    return engine


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy emit BEGIN itself (below), and make SQLite a safe multi-process store.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_begin_immediate(connection: Any) -> None:
    # Take the write lock at BEGIN, so two processes never read-then-write the same rows
    # (the draft claim and the audit chain depend on it).
    connection.exec_driver_sql("BEGIN IMMEDIATE")


db = Database()
