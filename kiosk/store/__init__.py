"""Persistence: typed models, engine and unit of work, field encryption, the audit chain, migrations.

Import from the modules themselves (kiosk.store.engine, .models, .crypto, .audit, .keycheck,
.migrate); this package adds nothing of its own, so importing one part does not load Alembic.
"""
