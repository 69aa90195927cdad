"""Every write of the articles app, one module per noun, each a typed keyword-only `<noun>_<verb>` function:
`articles` (the editorial workflow and saving an editor's text), `revisions` (snapshots and restoring one),
`bylines`, `corrections`, `images` (a photo's files and descriptions). Views, admin actions and commands call
these; nothing else writes articles, their workflow state or stored photo files."""
