"""Layer 2, data: month folders read and written, the loaders, units, revisions, ingest, the loaded month.

Imports bulletin.core only (see ARCHITECTURE.md, "Layers")."""
