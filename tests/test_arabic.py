"""The Arabic text utilities (newsroom.arabic)."""

import pytest

from newsroom.arabic import unicode_slug


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("مُحَمَّدٌ يَكْتُبُ", "محمد-يكتب"),
        ("الســـــورية", "السورية"),
        ("زلزال بقوة ٦٫٢ درجة", "زلزال-بقوة-6-2-درجة"),
        ("لماذا؟ قال: نعم، لا", "لماذا-قال-نعم-لا"),
        ("«عاجل» Trump يلتقي بايدن", "عاجل-trump-يلتقي-بايدن"),
        ("ﻻ ﷲ", "لا-الله"),
        ("سور\u200cية\u200f", "سورية"),
        ("عام ۲۰۲۴", "عام-2024"),
    ],
)
def test_unicode_slug_keeps_arabic_letters_and_drops_marks(text, slug):
    assert unicode_slug(text) == slug


def test_long_slugs_are_cut_at_a_word_boundary():
    headline = "قوات سوريا الديمقراطية تعلن السيطرة الكاملة على بلدة الباغوز بعد معارك عنيفة استمرت أسابيع طويلة"
    slug = unicode_slug(headline, max_length=40)
    assert len(slug) <= 40
    assert headline.replace(" ", "-").startswith(slug)
    assert not slug.endswith("-")


def test_a_single_overlong_word_is_cut_hard():
    assert unicode_slug("ا" * 100, max_length=80) == "ا" * 80
