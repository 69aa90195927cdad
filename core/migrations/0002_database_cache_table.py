from django.core.management.commands.createcachetable import Command as CreateCacheTable
from django.db import migrations

# The embedded default's cache (newsroom/settings.py, without REDIS_URL): made whatever CACHES says now, so a site
# that drops Redis later, or a process started with the default settings against this database, finds it.
TABLE = "newsroom_cache"


def create_table(apps, schema_editor):
    command = CreateCacheTable()
    command.verbosity = 0  # set by the command's handle(), which this skips
    command.create_table(schema_editor.connection.alias, TABLE, dry_run=False)


def drop_table(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(TABLE)}")


class Migration(migrations.Migration):
    dependencies = [("core", "0001_job_workers_and_sent_mail")]

    operations = [migrations.RunPython(create_table, drop_table)]
