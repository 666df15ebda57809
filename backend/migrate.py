"""Run Alembic migrations from code (``precedent db upgrade``, start-up, tests)."""

from __future__ import annotations

from alembic import command
from alembic.config import Config

from backend.db import ensure_sqlite_folder


def alembic_config(database_url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", "backend:migrations")
    cfg.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return cfg


def upgrade(database_url: str) -> None:
    ensure_sqlite_folder(database_url)
    command.upgrade(alembic_config(database_url), "head")


def downgrade(database_url: str, revision: str = "base") -> None:
    command.downgrade(alembic_config(database_url), revision)
