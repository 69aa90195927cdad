"""The Arabic text utilities (core.arabic)."""

import pytest

from core.arabic import ltr_runs, normalize_arabic, tag_key, unicode_slug


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


@pytest.mark.parametrize(
    "variant",
    [
        "كلمة",
        "كـلمة",  # tatweel
        "كَلِمَة",  # tashkeel
        "ﻛﻠﻤﺔ",  # presentation forms
        "ك\u200bلمة",  # zero-width space
        "ك\u200cلمة",  # zero-width non-joiner
        "\u202eكلمة\u202c",  # bidi override
        "كلمه",  # heh for taa marbuta
    ],
)
def test_spelling_variants_normalise_to_one_form(variant):
    assert normalize_arabic(variant) == normalize_arabic("كلمة") == "كلمه"


@pytest.mark.parametrize(
    ("text", "normal"),
    [
        ("أحمد", "احمد"),
        ("إسرائيل", "اسراييل"),
        ("آمن", "امن"),
        ("ٱلله", "الله"),
        ("مستشفى", "مستشفي"),
        ("مؤتمر", "موتمر"),
        ("رئيس", "رييس"),
        ("سوری", "سوري"),
        ("کتاب", "كتاب"),
        ("عام ٢٠٢٤ و۲۰۲۵", "عام 2024 و2025"),
        ("  Deir   ez-Zor  ", "deir ez-zor"),
        ("الرحمٰن", "الرحمن"),
    ],
)
def test_normalize_arabic(text, normal):
    assert normalize_arabic(text) == normal


def test_taa_marbuta_folding_can_be_turned_off():
    assert normalize_arabic("مدينة", fold_taa_marbuta=False) == "مدينة"


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("الباغوز", "باغوز"),
        ("البَاغُوز", "الباغوز"),
        ("غزة", "غزه"),
        ("قوات سوريا الديمقراطية", "قوات سوريا ديمقراطيه"),
        ("Raqqa", "RAQQA"),
    ],
)
def test_tag_keys_merge_spelling_variants(first, second):
    assert tag_key(first) == tag_key(second)


@pytest.mark.parametrize(("first", "second"), [("الله", "له"), ("غزة", "عزة"), ("دير الزور", "دير")])
def test_tag_keys_keep_different_words_apart(first, second):
    assert tag_key(first) != tag_key(second)


@pytest.mark.parametrize(
    ("text", "runs"),
    [
        ("يتعلم البرمجة بلغة C++ اليوم", ["C++"]),
        ("لقاء مع Joe Biden في واشنطن", ["Joe Biden"]),
        ("شبكة Wi-Fi 6 في المدارس", ["Wi-Fi 6"]),
        ("لا لاتينية هنا ٢٠٢٤", []),
    ],
)
def test_ltr_runs(text, runs):
    assert [text[start:end] for start, end in ltr_runs(text)] == runs
