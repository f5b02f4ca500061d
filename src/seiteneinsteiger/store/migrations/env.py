"""Alembic environment: migrations run on the connection the register hands over.

The register (``store/migrate.py``) opens the transaction and takes the lock first, so a whole
upgrade is one transaction on both backends: it is stored completely or not at all.
"""

from __future__ import annotations

from alembic import context

from seiteneinsteiger.store.schema import metadata

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=True,  # SQLite cannot alter most column properties in place
    transaction_per_migration=False,
)
with context.begin_transaction():
    context.run_migrations()
