"""Every write to reader comments, one module per noun: `comments` (submitting and moderating), `commenters`
(a commenter's export and erasure requests), `moderation_events` (the log those acts write). Views, admin actions
and commands call these; nothing else changes a comment's status or a commenter's details."""
