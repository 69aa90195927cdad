"""Our format modules replace Django's incomplete Arabic formats (no DATETIME_FORMAT, RLM marks in short dates)."""

from datetime import datetime

import pytest
from django.utils import formats
from django.utils.translation import override

MOMENT = datetime(2019, 3, 23, 17, 5)  # noqa: DTZ001 - formatting only, no time zone involved


@pytest.mark.parametrize(
    ("language", "format_name", "expected"),
    [
        ("ar", "DATE_FORMAT", "23 مارس 2019"),
        ("ar", "DATETIME_FORMAT", "23 مارس 2019، 5:05 م"),
        ("ar", "SHORT_DATE_FORMAT", "2019/03/23"),
        ("ar", "SHORT_DATETIME_FORMAT", "2019/03/23 17:05"),
        ("en", "DATE_FORMAT", "23 March 2019"),
        ("en", "DATETIME_FORMAT", "23 March 2019, 5:05 PM"),
        ("en", "SHORT_DATE_FORMAT", "2019-03-23"),
    ],
)
def test_date_formats(language, format_name, expected):
    with override(language):
        assert formats.date_format(MOMENT, format_name) == expected


def test_arabic_formats_contain_no_invisible_direction_marks():
    with override("ar"):
        for name in ("DATE_FORMAT", "DATETIME_FORMAT", "SHORT_DATE_FORMAT", "SHORT_DATETIME_FORMAT"):
            assert not set(formats.date_format(MOMENT, name)) & {"\u200e", "\u200f", "\u061c"}


def test_arabic_numbers_are_grouped_by_thousands(settings):
    settings.USE_THOUSAND_SEPARATOR = True
    with override("ar"):
        assert formats.number_format(1234567.891, 2) == "1,234,567.89"
