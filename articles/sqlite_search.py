"""
Full-text search on SQLite (the embedded default): an FTS5 index over Article.search_index, kept in step by
triggers. PostgreSQL has its own (a generated tsvector column with a GIN index, migration 0011).

Created after every `migrate` rather than in a migration: SQLite rebuilds a table whenever a migration alters it,
and a rebuilt table loses its triggers. Creating them if they are missing (and refilling the index when it was
just made) keeps the index right whatever later migrations do.
"""

STATEMENTS = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS article_search_fts USING fts5("
    "search_index, content='articles_article', content_rowid='id', tokenize='unicode61 remove_diacritics 0')",
    "CREATE TRIGGER IF NOT EXISTS article_search_fts_insert AFTER INSERT ON articles_article BEGIN "
    "INSERT INTO article_search_fts(rowid, search_index) VALUES (new.id, new.search_index); END",
    "CREATE TRIGGER IF NOT EXISTS article_search_fts_delete AFTER DELETE ON articles_article BEGIN "
    "INSERT INTO article_search_fts(article_search_fts, rowid, search_index) "
    "VALUES ('delete', old.id, old.search_index); END",
    "CREATE TRIGGER IF NOT EXISTS article_search_fts_update AFTER UPDATE OF search_index ON articles_article BEGIN "
    "INSERT INTO article_search_fts(article_search_fts, rowid, search_index) "
    "VALUES ('delete', old.id, old.search_index); "
    "INSERT INTO article_search_fts(rowid, search_index) VALUES (new.id, new.search_index); END",
]


def ensure_full_text_index(sender, using="default", **kwargs):
    """post_migrate handler: make the FTS5 index and its triggers on SQLite if they are missing."""
    from django.db import connections

    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        if "articles_article" not in tables:
            return
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'article_search_fts_%'")
        complete = "article_search_fts" in tables and len(cursor.fetchall()) == 3
        for statement in STATEMENTS:
            cursor.execute(statement)
        if not complete:
            cursor.execute("INSERT INTO article_search_fts(article_search_fts) VALUES ('rebuild')")
