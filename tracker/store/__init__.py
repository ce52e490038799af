"""The paper store: SQLModel tables, the engine, Alembic migrations."""
