"""Layer 3, style: how a figure is written and drawn (fmt, charts, notebook text, safe HTML).

Imports bulletin.core and bulletin.data only (see ARCHITECTURE.md, "Layers")."""
