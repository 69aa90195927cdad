"""The infrastructure's own tables: job workers' heartbeats and the record of e-mail sent by jobs."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class JobWorker(models.Model):
    """A job worker (`manage.py run_jobs`) and when it last said it was alive (core/jobs.py)."""

    worker_id = models.CharField(_("worker"), max_length=64, primary_key=True)
    seen_at = models.DateTimeField(_("last seen"))

    class Meta:
        verbose_name = _("job worker")
        verbose_name_plural = _("job workers")

    def __str__(self):
        return self.worker_id


class SentMail(models.Model):
    """An e-mail a job has sent, by the job's key: a job run again (its worker was killed after sending) does not
    send it twice (core/mail.py). Holds no address or text; kept for NEWSROOM_SENT_MAIL_RETENTION_DAYS."""

    key = models.CharField(_("key"), max_length=200, unique=True)
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("sent e-mail")
        verbose_name_plural = _("sent e-mails")

    def __str__(self):
        return self.key
