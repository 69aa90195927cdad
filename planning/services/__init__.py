"""Every write of the planning app, a typed keyword-only `<noun>_<verb>` function: `stories` (planning a story,
starting its draft, dropping it and putting it back). The admin calls these; nothing else writes planned stories."""
