"""Country names: one canonical display name per country, whatever spelling was typed.

Pure and cached: ``canonical_country("usa")`` -> ``"United States"``. The ISO 3166-1 data comes
from ``pycountry`` (Debian's iso-codes, updated as ISO changes names: Türkiye, Eswatini, North
Macedonia), so nobody here keeps a country list by hand; only the aliases below are ours.

The canonical name is pycountry's ``common_name`` when it has one ("South Korea", "Iran",
"Vietnam", "Taiwan", "Bolivia"), else its ISO short ``name`` ("United States", "United Kingdom",
"Russian Federation", "Czechia", "Türkiye"). A country is found by that name, its ISO short name,
its official name, its alpha-2 or alpha-3 code, an alias, or the iso-codes translation of a
name into one of ``LANGUAGES`` ("Deutschland", "España", "Российская Федерация"); case, accents,
spacing, dots, apostrophes and a leading "the" do not matter.
"""

from __future__ import annotations

import difflib
import gettext
import re
import unicodedata
from functools import cache, lru_cache
from typing import Any

import pycountry

# Kosovo is not in ISO 3166-1; XK / XKX are the user-assigned codes the EU, the IMF and most
# software use. Refusing it would make addresses there impossible to write.
_EXTRA_COUNTRIES: dict[str, tuple[str, ...]] = {"Kosovo": ("XK", "XKX")}

# Spellings people write that are neither ISO names nor codes -> an alpha-2 code (or an extra
# country's name). England, Scotland, Wales and Northern Ireland are ISO subdivisions of GB: in
# an address they stand for the United Kingdom (write the nation in `state`).
ALIASES: dict[str, str] = {
    "United States of America": "US",
    "U.S.A.": "US",
    "U.S.": "US",
    "UK": "GB",
    "U.K.": "GB",
    "Great Britain": "GB",
    "Britain": "GB",
    "England": "GB",
    "Scotland": "GB",
    "Wales": "GB",
    "Northern Ireland": "GB",
    "Russia": "RU",
    "Republic of Korea": "KR",
    "Korea, South": "KR",
    "Democratic People's Republic of Korea": "KP",
    "Korea, North": "KP",
    "Czech Republic": "CZ",
    "Holland": "NL",
    "Ivory Coast": "CI",
    "Persia": "IR",
    "Macedonia": "MK",
    "Republic of Macedonia": "MK",
    "Swaziland": "SZ",
    "Burma": "MM",
    "Turkey": "TR",
    "Cape Verde": "CV",
    "East Timor": "TL",
    "Vatican": "VA",
    "Vatican City": "VA",
    "Palestine": "PS",
    "Brunei": "BN",
    "Micronesia": "FM",
    "Democratic Republic of the Congo": "CD",
    "DR Congo": "CD",
    "DRC": "CD",
    "Congo-Kinshasa": "CD",
    "Republic of the Congo": "CG",
    "Congo-Brazzaville": "CG",
    "UAE": "AE",
    "Emirates": "AE",
    "Bosnia": "BA",
    "Falkland Islands": "FK",
    "Saint Martin": "MF",
    "Sint Maarten": "SX",
    "British Virgin Islands": "VG",
    "US Virgin Islands": "VI",
    "Deutschland": "DE",
    "Österreich": "AT",
    "Schweiz": "CH",
    "Suisse": "CH",
    "Svizzera": "CH",
    "España": "ES",
    "Italia": "IT",
    "Nederland": "NL",
    "België": "BE",
    "Belgique": "BE",
    "Sverige": "SE",
    "Norge": "NO",
    "Danmark": "DK",
    "Suomi": "FI",
    "Polska": "PL",
    "Česko": "CZ",
    "Brasil": "BR",
    "Россия": "RU",
    "Росія": "RU",
}

# Words that name no single country (a continent, a divided country): refused, with the likely
# meaning as the suggestion. None of them is a canonical name.
_AMBIGUOUS: dict[str, str | None] = {
    "America": "United States",
    "Korea": "South Korea",
    "Virgin Islands": None,
}

# Languages whose translations of the names (shipped with pycountry) are accepted too: those of
# the addresses our users write. English spellings win over a translation that collides.
LANGUAGES = (
    "bg cs da de el es et fi fr hr hu it lt lv nb_NO nl pl pt ro ru sk sl sv tr uk"
).split()

_SEPARATORS = re.compile(r"[\W_]+")


class UnknownCountry(ValueError):
    """The text names no country; ``suggestion`` is the closest known name, if any."""

    def __init__(self, value: str, suggestion: str | None) -> None:
        self.value = value
        self.suggestion = suggestion
        hint = f"; did you mean {suggestion!r}?" if suggestion else ""
        super().__init__(f"{value!r} is not a known country{hint}")


def country_key(text: str) -> str:
    """The comparable form: no accents, case-folded, dots and apostrophes dropped, one space."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()
    plain = plain.replace("&", " and ")
    for mark in (".", "'", "’", "`"):
        plain = plain.replace(mark, "")
    words = _SEPARATORS.sub(" ", plain).split()
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
    return " ".join(words)


def _display_name(country: Any) -> str:
    return str(getattr(country, "common_name", None) or country.name)


@cache
def _index() -> dict[str, str]:
    """Every accepted key -> canonical name. Built once (about 8,000 keys, 0.3 s)."""
    index: dict[str, str] = {}
    by_code: dict[str, str] = {}

    def add(key_text: str, canonical: str) -> None:
        key = country_key(key_text)
        if key and index.setdefault(key, canonical) != canonical:
            raise RuntimeError(f"country key {key!r} names two countries")  # pragma: no cover

    for country in pycountry.countries:
        canonical = _display_name(country)
        by_code[country.alpha_2] = canonical
        for attribute in ("name", "common_name", "official_name", "alpha_2", "alpha_3"):
            value = getattr(country, attribute, None)
            if value:
                add(value, canonical)
    for canonical, codes in _EXTRA_COUNTRIES.items():
        by_code[codes[0]] = canonical
        for value in (canonical, *codes):
            add(value, canonical)
    for alias, code in ALIASES.items():
        add(alias, by_code[code])
    translated: dict[str, str] = {}
    clashes: set[str] = set()
    for language in LANGUAGES:
        translation = gettext.translation(
            "iso3166-1", pycountry.LOCALES_DIR, languages=[language], fallback=True
        )
        for country in pycountry.countries:
            canonical = _display_name(country)
            for attribute in ("name", "common_name", "official_name"):
                value = getattr(country, attribute, None)
                key = country_key(translation.gettext(value)) if value else ""
                if not key or key in index:
                    continue
                if translated.setdefault(key, canonical) != canonical:
                    clashes.add(key)
    index.update({key: name for key, name in translated.items() if key not in clashes})
    for word in _AMBIGUOUS:
        index.pop(country_key(word), None)
    return index


@cache
def _names() -> tuple[str, ...]:
    return tuple(sorted(set(_index().values())))


@cache
def _suggestion_keys() -> dict[str, str]:
    """The English keys only: a suggestion is looked for among about 1,000, not 8,000."""
    english = {country_key(name): name for name in _names()}
    english.update((country_key(alias), _index()[country_key(alias)]) for alias in ALIASES)
    return english


def canonical_country(value: str) -> str:
    """The canonical name of the country ``value`` names; raises ``UnknownCountry``."""
    key = country_key(value)
    found = _index().get(key)
    if found is not None:
        return found
    raise UnknownCountry(value.strip(), suggest_country(value))


def suggest_country(value: str) -> str | None:
    """The closest canonical name to a misspelt country, or None."""
    return _suggest(country_key(value))


@lru_cache(maxsize=4096)
def _suggest(key: str) -> str | None:
    for word, meant in _AMBIGUOUS.items():
        if key == country_key(word):
            return meant
    if len(key) < 4:  # codes: a near miss of "UK" is no clue
        return None
    keys = _suggestion_keys()
    close = difflib.get_close_matches(key, list(keys), n=1, cutoff=0.8)
    return keys[close[0]] if close else None


def country_names() -> tuple[str, ...]:
    """Every canonical name, sorted (for pick lists)."""
    return _names()
