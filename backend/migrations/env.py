"""Alembic environment: run by ``backend.migrate.upgrade`` with the URL set there."""

from alembic import context
from sqlalchemy import create_engine

from backend.models import Base

url = context.config.get_main_option("sqlalchemy.url")
assert url, "backend.migrate sets sqlalchemy.url"

if context.is_offline_mode():
    context.configure(url=url, target_metadata=Base.metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    connectable = create_engine(url)
    with connectable.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()
    connectable.dispose()
