"""Database layer: engine and session factory, typed models, migrations, query helpers."""
