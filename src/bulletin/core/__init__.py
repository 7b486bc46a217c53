"""Layer 1, core: month strings, paths, errors, the schema, file utilities, cache keys, fonts.

Imports nothing of the package outside this folder (see ARCHITECTURE.md, "Layers")."""
