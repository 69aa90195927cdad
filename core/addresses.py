"""
`reverse()`, remembered.

A page links to the same few dozen addresses on every visit (sections, writers, the newest articles); Django works
each one out again every time, a noticeable part of every uncached front page (bench/README.md, "Figures behind
decisions in the code").
An address depends only on the URL configuration, the language prefix, the script prefix and the arguments, so
this process keeps the last few thousand it has worked out, keyed on all of them. Nothing here is shared between
workers, and nothing is shared state: a worker that has never seen an address works it out.
"""

import functools

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language


@functools.lru_cache(maxsize=4096)
def _reverse(viewname, args, kwargs, language, script_prefix, urlconf):
    return reverse(viewname, urlconf=urlconf, args=args or None, kwargs=dict(kwargs) if kwargs else None)


def cached_reverse(viewname, *, args=(), kwargs=None):
    """What `reverse(viewname, args=args, kwargs=kwargs)` gives now (arguments must be hashable)."""
    items = tuple(sorted(kwargs.items())) if kwargs else ()
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    return _reverse(viewname, tuple(args), items, get_language(), get_script_prefix(), urlconf)
