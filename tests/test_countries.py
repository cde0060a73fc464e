"""Country names: every spelling of a country becomes its one canonical name."""

from __future__ import annotations

import pytest

from patchwatch.countries import (
    ALIASES,
    UnknownCountry,
    canonical_country,
    country_key,
    country_names,
    suggest_country,
)


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        # the examples
        ("usa", "United States"),
        (" U.S.A. ", "United States"),
        ("United States of America", "United States"),
        ("us", "United States"),
        ("UK", "United Kingdom"),
        ("Great Britain", "United Kingdom"),
        ("England", "United Kingdom"),
        # codes, names, official names; case, spacing and accents do not matter
        ("NO", "Norway"),
        ("nor", "Norway"),
        ("  norway ", "Norway"),
        ("DEU", "Germany"),
        ("Federal Republic of Germany", "Germany"),
        ("new   ZEALAND", "New Zealand"),
        ("Cote d'Ivoire", "Côte d'Ivoire"),
        ("côte d’ivoire", "Côte d'Ivoire"),
        ("The Netherlands", "Netherlands"),
        ("Korea, Republic of", "South Korea"),
        ("Viet Nam", "Vietnam"),
        ("Bosnia & Herzegovina", "Bosnia and Herzegovina"),
        # aliases and former names
        ("Russia", "Russian Federation"),
        ("South Korea", "South Korea"),
        ("North Korea", "North Korea"),
        ("Czech Republic", "Czechia"),
        ("Holland", "Netherlands"),
        ("Ivory Coast", "Côte d'Ivoire"),
        ("Iran", "Iran"),
        ("Syria", "Syria"),
        ("Bolivia", "Bolivia"),
        ("Venezuela", "Venezuela"),
        ("Tanzania", "Tanzania"),
        ("Moldova", "Moldova"),
        ("Laos", "Laos"),
        ("Macedonia", "North Macedonia"),
        ("Swaziland", "Eswatini"),
        ("Burma", "Myanmar"),
        ("Turkey", "Türkiye"),
        ("turkiye", "Türkiye"),
        ("Taiwan", "Taiwan"),
        ("Palestine", "Palestine, State of"),
        ("Kosovo", "Kosovo"),
        ("XK", "Kosovo"),
        ("UAE", "United Arab Emirates"),
        # translations shipped with pycountry (and a few native names of our own)
        ("Deutschland", "Germany"),
        ("España", "Spain"),
        ("Österreich", "Austria"),
        ("Schweiz", "Switzerland"),
        ("Россия", "Russian Federation"),
    ],
)
def test_spellings_become_the_canonical_name(typed: str, canonical: str) -> None:
    assert canonical_country(typed) == canonical


def test_every_canonical_name_is_its_own_canonical_name() -> None:
    """Stored values validate again unchanged (they are read back through the same rule)."""
    names = country_names()
    assert len(names) == 250  # 249 ISO 3166-1 countries + Kosovo
    for name in names:
        assert canonical_country(name) == name
        assert len(name) <= 100  # the column's size


def test_every_alias_names_a_country() -> None:
    for alias in ALIASES:
        assert canonical_country(alias) in country_names()


@pytest.mark.parametrize(
    ("typed", "suggestion"),
    [
        ("Germny", "Germany"),
        ("Untied Kingdom", "United Kingdom"),
        ("America", "United States"),  # a continent: refused, with the likely meaning
        ("Korea", "South Korea"),
        ("Narnia", None),
        ("XX", None),
    ],
)
def test_unknown_countries_are_refused_with_a_suggestion(
    typed: str, suggestion: str | None
) -> None:
    with pytest.raises(UnknownCountry) as error:
        canonical_country(typed)
    assert error.value.suggestion == suggestion
    assert repr(typed) in str(error.value)
    if suggestion:
        assert f"did you mean {suggestion!r}?" in str(error.value)
    assert suggest_country(typed) == suggestion


def test_the_key_ignores_case_accents_punctuation_and_spacing() -> None:
    assert country_key("  The  U.S.A. ") == "usa"
    assert country_key("CÔTE D’IVOIRE") == "cote divoire"
    assert country_key("Guinea-Bissau") == "guinea bissau"
