"""The day and the week the desk's plan shows, from its address (`?day=2026-12-04`, `?week=2026-W49`) and back.

A week starts on the active language's first day of the week (Django's FIRST_DAY_OF_WEEK: Saturday in Arabic, as
Syrian newsrooms count it, Monday in English). Addresses name a week as the ISO week does (what an
`<input type="week">` sends): the week shown is the one that holds that ISO week's Monday, so each ISO week names
exactly one week of the plan, whichever day weeks start on."""

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import formats, timezone
from django.utils.translation import gettext as _

WEEK = re.compile(r"(?P<year>\d{4})-W(?P<week>\d{2})")
DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
# Further from today than this, a week or a day is a typing slip (and the arithmetic stays far from year 9999).
YEARS_AROUND = 20


class PeriodError(ValueError):
    """An address that names no day or week the plan can show; its message says so, in the reader's language."""


def first_weekday() -> int:
    """The active language's first day of the week as Python counts days (Monday 0 … Sunday 6); Django counts from
    Sunday (0)."""
    return (int(formats.get_format("FIRST_DAY_OF_WEEK")) - 1) % 7


def week_start(day: date) -> date:
    """The first day of the week (in the active language) that holds `day`."""
    return day - timedelta(days=(day.weekday() - first_weekday()) % 7)


def local_midnight(day: date) -> datetime:
    """The start of `day` in the current time zone, as an aware datetime."""
    return timezone.make_aware(datetime.combine(day, time.min))


@dataclass(frozen=True)
class Period:
    """`length` days (1: a day, 7: a week) from `first`."""

    first: date
    length: int

    @classmethod
    def day(cls, day: date) -> "Period":
        return cls(day, 1)

    @classmethod
    def week(cls, day: date) -> "Period":
        """The week that holds `day`."""
        return cls(week_start(day), 7)

    @property
    def is_week(self) -> bool:
        return self.length == 7

    @property
    def days(self) -> list[date]:
        return [self.first + timedelta(days=offset) for offset in range(self.length)]

    @property
    def last(self) -> date:
        return self.first + timedelta(days=self.length - 1)

    def bounds(self) -> tuple[datetime, datetime]:
        """From the first day's midnight (included) to the midnight after the last day (excluded), local time."""
        return local_midnight(self.first), local_midnight(self.first + timedelta(days=self.length))

    def shifted(self, count: int) -> "Period":
        """The period `count` lengths later (earlier, when negative)."""
        return Period(self.first + timedelta(days=count * self.length), self.length)

    def week_value(self) -> str:
        """The ISO week that names this week, or the week that holds this day (`2026-W49`), as an
        `<input type="week">` writes it."""
        first = self.first if self.is_week else week_start(self.first)
        monday = first + timedelta(days=(7 - first.weekday()) % 7)
        year, week, _weekday = monday.isocalendar()
        return f"{year}-W{week:02d}"

    def query(self) -> str:
        """The address's query string for this period."""
        return f"week={self.week_value()}" if self.is_week else f"day={self.first.isoformat()}"

    def group(self, stories) -> list[tuple[date, list]]:
        """(day, the stories due that day in local time) for each day of the period, in order, empty days too."""
        by_day = {day: [] for day in self.days}
        for story in stories:
            by_day.setdefault(timezone.localtime(story.deadline).date(), []).append(story)
        return [(day, by_day[day]) for day in self.days]


def _near(day: date, today: date) -> bool:
    return abs(day.year - today.year) <= YEARS_AROUND


def period_from(query, *, today: date) -> Period:
    """The period a request's query asks for: `day` (YYYY-MM-DD), else `week` (YYYY-Www), else today's week.
    Raises PeriodError for anything else (malformed, no such date or week, or decades away)."""
    day_text, week_text = query.get("day", "").strip(), query.get("week", "").strip()
    if day_text:
        try:
            day = date.fromisoformat(day_text) if DAY.fullmatch(day_text) else None
        except ValueError:
            day = None
        if day is None or not _near(day, today):
            raise PeriodError(
                _("There is no day “%(value)s” to show. Write a day like %(example)s, or pick one below.")
                % {"value": day_text[:40], "example": today.isoformat()}
            )
        return Period.day(day)
    if week_text:
        match = WEEK.fullmatch(week_text)
        try:
            monday = date.fromisocalendar(int(match["year"]), int(match["week"]), 1) if match else None
        except ValueError:
            monday = None
        if monday is None or not _near(monday, today):
            raise PeriodError(
                _("There is no week “%(value)s” to show. Write a week like %(example)s, or pick one below.")
                % {"value": week_text[:40], "example": Period.week(today).week_value()}
            )
        return Period.week(monday)
    return Period.week(today)
