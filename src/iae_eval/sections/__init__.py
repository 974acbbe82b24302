"""Report sections, one module per theme, each offering its département, structure and bilan
views."""
