"""
Pages of an archive without counting it.

Django's Paginator counts the whole list on every page, to say «page 2 of 5,000»: an index-only scan of every
visible article, growing with the archive (bench/README.md, "Figures behind decisions in the code"), on every
uncached visit to the front page and each section, tag and writer. Here a page reads one article more than it
shows, to know whether another page follows, and the pager says «page 2» with newer and older links.
"""

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator


class UncountedPage(Page):
    def __init__(self, object_list, number, paginator, *, has_next, head=()):
        super().__init__(object_list, number, paginator)
        self._has_next = has_next
        # The first page's rows that come before its list (the `head` of the paginator).
        self.head = head

    def has_next(self):
        return self._has_next

    def next_page_number(self):
        if not self._has_next:
            raise EmptyPage(self.number + 1)
        return self.number + 1


class UncountedPaginator(Paginator):
    """A Paginator whose pages know their neighbours but not the total (`count` and `num_pages` are None).

    `head`: how many of the first rows the page shows above its list (the empty slots of a front page's top,
    articles/fronts.py): read with the first page, in the same query, and given to it as `page.head`; every page
    starts that many rows later."""

    count = None
    num_pages = None

    def __init__(self, *args, head=0, **kwargs):
        super().__init__(*args, **kwargs)
        self.head = head

    # Further back than any archive reaches, and far below what the databases accept as an offset (a page number
    # of twenty digits would make PostgreSQL and SQLite refuse the query: a 500 instead of a 404).
    MAX_PAGE = 1_000_000

    def validate_number(self, number):
        try:
            number = int(number)
        except (TypeError, ValueError) as error:
            raise PageNotAnInteger(number) from error
        if not 1 <= number <= self.MAX_PAGE:
            raise EmptyPage(number)
        return number

    def page(self, number):
        number = self.validate_number(number)
        bottom = self.head + (number - 1) * self.per_page
        if number == 1:
            rows = list(self.object_list[: bottom + self.per_page + 1])
            head, rows = rows[: self.head], rows[self.head :]
        else:
            head, rows = (), list(self.object_list[bottom : bottom + self.per_page + 1])
        if not rows and (number > 1 or not self.allow_empty_first_page):
            raise EmptyPage(number)  # ListView answers 404
        return UncountedPage(rows[: self.per_page], number, self, has_next=len(rows) > self.per_page, head=head)
