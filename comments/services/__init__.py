"""Every write to reader comments, one module per noun: `comments` (submitting, moderating and deleting),
`commenters` (a commenter's export and erasure requests), `moderation_events` (the log those acts write),
`retention` (what the retention periods remove). Views, admin actions and commands call these; nothing else changes
a comment's status or a commenter's details."""
