"""Layer 5, render: the published outputs (the site, the documents, the reader's pages).

Imports layers 1-4 only (see ARCHITECTURE.md, "Layers")."""
