"""A synthetic referral directory, for benchmarks and load tests: plainly fake, deterministic, large.

Nothing here may pass for real. Every organisation's name and description, and every service's
description, starts with "[synthetic]"; every organisation and service carries {"synthetic": {"seed": …}}
in `hsds_extra` (an export gives it back), so the data can be found and removed:
`Organization.objects.filter(hsds_extra__has_key="synthetic").delete()`. Addresses, phone numbers and
emails are invented (emails and websites use example.org).

The data goes through the HSDS importer (`hsds_import_organizations`), so it is exactly what an import
of the same organisations gives, and `--output` writes it as NDJSON for import benchmarks instead.

The same `seed` and `services` give the same directory, ids included. It spans the EU and its
neighbours in their own languages and scripts (Latin with diacritics, Bulgarian Cyrillic, Greek), with
an English translation of every record that is not in English. Service n (counting from 0) has:
- "counselling" in its English text when n % 10 == 0: exactly ⌈N/10⌉ services, 10 %;
- "interpreter" when n % 100 == 1: 1 % (2 of 200);
- "braille" when n % 1000 == 2: 0.1 %, a rare term (1 of 200; 100 of 100,000);
- "synthetic" always. No other text holds a word beginning with these, so a search for one of them
  among services finds exactly those services; place names give other, natural frequencies.
Taxonomy attributes use our own vocabularies (institution_type, service_type, target_group,
crime_type); about 5 % of organisations have a confidential shelter location.

Every location has coordinates within about 17 km (north-south) and 15 km (east-west) of its city's centre
as the directory's gazetteer places it (directory.places.gazetteer), and a postcode of its city: the city's
own prefix (3 digits in Romania and Moldova, whose postcodes have 6; 2 elsewhere) and 3 digits, so a
postcode's addresses are all in one city. Both are drawn with the same random draws as when locations were
spread over Europe at random, so every other value (ids, names, texts) is as it was.

30 % of services (or the share asked for) have opening hours of several kinds (`HOURS`), some with
their country's UTC offset and some closed for Christmas.
"""

import functools
import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from refugiu.directory.hsds.importer import hsds_import_organizations
from refugiu.directory.hsds.summary import ImportSummary
from refugiu.directory.models import TaxonomyTerm
from refugiu.directory.places import gazetteer
from refugiu.directory.search import search_statistics_refresh

MARKER = "[synthetic]"
TEN_PERCENT, ONE_PERCENT, RARE = "counselling", "interpreter", "braille"
BATCH_ORGANIZATIONS = 400

# country → (language, cities); the cities are written as locally.
COUNTRIES = {
    "RO": ("ro", ["București", "Cluj-Napoca", "Iași", "Timișoara", "Constanța", "Brașov", "Craiova"]),
    "MD": ("ro", ["Chișinău", "Bălți", "Cahul"]),
    "BG": ("bg", ["София", "Пловдив", "Варна", "Бургас", "Русе", "Стара Загора"]),
    "GR": ("el", ["Αθήνα", "Θεσσαλονίκη", "Πάτρα", "Ηράκλειο", "Λάρισα"]),
    "CY": ("el", ["Λευκωσία", "Λεμεσός", "Λάρνακα"]),
    "DE": ("de", ["Berlin", "München", "Köln", "Düsseldorf", "Nürnberg", "Leipzig"]),
    "AT": ("de", ["Wien", "Graz", "Linz", "Innsbruck"]),
    "FR": ("fr", ["Paris", "Lyon", "Marseille", "Toulouse", "Nantes", "Strasbourg"]),
    "BE": ("fr", ["Bruxelles", "Liège", "Namur", "Charleroi"]),
    "IT": ("it", ["Roma", "Milano", "Napoli", "Torino", "Palermo", "Bologna"]),
    "ES": ("es", ["Madrid", "Barcelona", "Valencia", "Sevilla", "Málaga", "Zaragoza"]),
    "PL": ("pl", ["Warszawa", "Kraków", "Łódź", "Wrocław", "Poznań", "Gdańsk"]),
    "HU": ("hu", ["Budapest", "Debrecen", "Szeged", "Pécs", "Győr"]),
    "CZ": ("cs", ["Praha", "Brno", "Ostrava", "Plzeň"]),
    "IE": ("en", ["Dublin", "Cork", "Galway", "Limerick"]),
    "MT": ("en", ["Valletta", "Birkirkara", "Sliema"]),
}
CALLING_CODES = {
    "RO": "40", "MD": "373", "BG": "359", "GR": "30", "CY": "357", "DE": "49", "AT": "43", "FR": "33",
    "BE": "32", "IT": "39", "ES": "34", "PL": "48", "HU": "36", "CZ": "420", "IE": "353", "MT": "356",
}  # fmt: skip

# Service kinds: service_type code → name in each language (index as LANGUAGES).
LANGUAGES = ("en", "ro", "bg", "el", "de", "fr", "it", "es", "pl", "hu", "cs")
# fmt: off
SERVICE_KINDS = {
    "legal_counselling": ("Legal advice", "Consiliere juridică", "Правна консултация", "Νομική συμβουλευτική",
                          "Rechtsberatung", "Conseil juridique", "Consulenza legale", "Asesoría jurídica",
                          "Porady prawne", "Jogi tanácsadás", "Právní poradenství"),
    "psychological_counselling": ("Psychological support", "Sprijin psihologic", "Психологическа подкрепа",
                                  "Ψυχολογική υποστήριξη", "Psychologische Unterstützung",
                                  "Soutien psychologique", "Supporto psicologico", "Apoyo psicológico",
                                  "Wsparcie psychologiczne", "Pszichológiai támogatás",
                                  "Psychologická podpora"),
    "shelter": ("Safe accommodation", "Adăpost și cazare sigură", "Приют и безопасно настаняване",
                "Ξενώνας φιλοξενίας", "Schutzunterkunft", "Hébergement d'urgence", "Casa rifugio",
                "Casa de acogida", "Bezpieczne schronienie", "Krízisotthon", "Azylový dům"),
    "information": ("Information on rights", "Informare privind drepturile", "Информация за правата",
                    "Ενημέρωση για τα δικαιώματα", "Information über Opferrechte",
                    "Information sur les droits", "Informazione sui diritti", "Información sobre derechos",
                    "Informacja o prawach", "Tájékoztatás a jogokról", "Informace o právech"),
    "helpline": ("Helpline", "Linie telefonică de sprijin", "Телефонна линия за помощ", "Γραμμή βοήθειας",
                 "Hilfetelefon", "Ligne d'écoute", "Numero verde", "Línea de atención", "Telefon zaufania",
                 "Segélyvonal", "Linka pomoci"),
    "accompaniment": ("Accompaniment to court", "Însoțire în instanță", "Придружаване в съда",
                      "Συνοδεία στο δικαστήριο", "Prozessbegleitung", "Accompagnement au tribunal",
                      "Accompagnamento in tribunale", "Acompañamiento judicial", "Towarzyszenie w sądzie",
                      "Bírósági kísérés", "Doprovod k soudu"),
    "medical_care": ("Medical care", "Asistență medicală", "Медицинска помощ", "Ιατρική φροντίδα",
                     "Medizinische Versorgung", "Soins médicaux", "Assistenza sanitaria", "Atención médica",
                     "Opieka medyczna", "Egészségügyi ellátás", "Zdravotní péče"),
    "integration": ("Integration support", "Sprijin pentru integrare", "Подкрепа за интеграция",
                    "Υποστήριξη ένταξης", "Integrationsberatung", "Aide à l'intégration",
                    "Sostegno all'integrazione", "Apoyo a la integración", "Wsparcie integracyjne",
                    "Beilleszkedési támogatás", "Podpora integrace"),
    "cultural_mediation": ("Cultural mediation", "Mediere culturală", "Културно посредничество",
                           "Πολιτισμική διαμεσολάβηση", "Sprach- und Kulturmittlung", "Médiation culturelle",
                           "Mediazione culturale", "Mediación intercultural", "Mediacja międzykulturowa",
                           "Kulturális közvetítés", "Kulturní mediace"),
}
# Organisation kinds and themes; a theme gives the organisation's target group.
ORGANIZATION_KINDS = {
    "en": ("Association", "Foundation", "Centre"), "ro": ("Asociația", "Fundația", "Centrul"),
    "bg": ("Сдружение", "Фондация", "Център"), "el": ("Σύλλογος", "Ίδρυμα", "Κέντρο"),
    "de": ("Verein", "Stiftung", "Beratungsstelle"), "fr": ("Association", "Fondation", "Centre"),
    "it": ("Associazione", "Fondazione", "Centro"), "es": ("Asociación", "Fundación", "Centro"),
    "pl": ("Stowarzyszenie", "Fundacja", "Centrum"), "hu": ("Egyesület", "Alapítvány", "Központ"),
    "cs": ("Spolek", "Nadace", "Centrum"),
}
THEMES = {  # target_group code → theme in each language (index as LANGUAGES)
    "crime_victims": ("for Victim Support", "pentru Sprijinul Victimelor", "за подкрепа на пострадали",
                      "Υποστήριξης Θυμάτων", "für Opferhilfe", "d'aide aux victimes",
                      "di sostegno alle vittime", "de apoyo a las víctimas", "Pomocy Ofiarom",
                      "Áldozatsegítő", "pro pomoc obětem"),
    "women_victims_of_violence": ("for Women's Rights", "pentru Drepturile Femeilor", "за правата на жените",
                                  "για τα Δικαιώματα των Γυναικών", "für Frauenrechte",
                                  "pour les droits des femmes", "per i diritti delle donne",
                                  "por los derechos de las mujeres", "na rzecz Praw Kobiet", "Nőjogi",
                                  "pro práva žen"),
    "refugees": ("for Refugees and Migrants", "pentru Refugiați și Migranți", "за бежанци и мигранти",
                 "για Πρόσφυγες και Μετανάστες", "für Geflüchtete", "pour les réfugiés et les migrants",
                 "per rifugiati e migranti", "para personas refugiadas", "dla Uchodźców i Migrantów",
                 "Menekültügyi", "pro uprchlíky a migranty"),
}
STREETS = {
    "en": ("{n} Main Street", "{n} Church Road", "{n} Harbour View"),
    "ro": ("Strada Mihai Eminescu {n}", "Bulevardul Ștefan cel Mare {n}", "Strada Avram Iancu {n}"),
    "bg": ("ул. „Васил Левски“ {n}", "ул. „Христо Ботев“ {n}", "бул. „Цар Освободител“ {n}"),
    "el": ("Οδός Ερμού {n}", "Λεωφόρος Αλεξάνδρας {n}", "Οδός Αριστοτέλους {n}"),
    "de": ("Hauptstraße {n}", "Goethestraße {n}", "Am Schillerplatz {n}"),
    "fr": ("{n} rue de la République", "{n} avenue Jean Jaurès", "{n} place de l'Église"),
    "it": ("Via Garibaldi {n}", "Corso Vittorio Emanuele {n}", "Piazza Cavour {n}"),
    "es": ("Calle Mayor {n}", "Avenida de la Constitución {n}", "Plaza de España {n}"),
    "pl": ("ul. Mickiewicza {n}", "ul. Piłsudskiego {n}", "al. Jana Pawła II {n}"),
    "hu": ("Kossuth Lajos utca {n}", "Petőfi Sándor utca {n}", "Széchenyi tér {n}"),
    "cs": ("Husova {n}", "Masarykova {n}", "náměstí Míru {n}"),
}
SENTENCES = {  # a free, confidential service, in each language
    "en": "Free and confidential, by appointment.",
    "ro": "Gratuit și confidențial, cu programare.",
    "bg": "Безплатно и поверително, с предварителна уговорка.",
    "el": "Δωρεάν και εμπιστευτικά, κατόπιν ραντεβού.",
    "de": "Kostenlos und vertraulich, nach Terminvereinbarung.",
    "fr": "Gratuit et confidentiel, sur rendez-vous.",
    "it": "Gratuito e riservato, su appuntamento.",
    "es": "Gratuito y confidencial, con cita previa.",
    "pl": "Bezpłatnie i poufnie, po wcześniejszym umówieniu.",
    "hu": "Ingyenes és bizalmas, előzetes bejelentkezéssel.",
    "cs": "Zdarma a důvěrně, po objednání.",
}
# fmt: on
SPOKEN = [
    ("uk", "Ukrainian"),
    ("ar", "Arabic"),
    ("fa", "Persian"),
    ("ru", "Russian"),
    ("tr", "Turkish"),
    ("ti", "Tigrinya"),
    ("so", "Somali"),
    ("ps", "Pashto"),
]  # fmt: skip
LANGUAGE_NAMES = {
    "en": "English", "ro": "Romanian", "bg": "Bulgarian", "el": "Greek", "de": "German", "fr": "French",
    "it": "Italian", "es": "Spanish", "pl": "Polish", "hu": "Hungarian", "cs": "Czech",
}  # fmt: skip
INSTITUTION_TYPES = ("ngo", "ngo", "ngo", "victim_support", "legal_aid", "shelter", "social_assistance")
CRIME_TYPES = ("trafficking", "domestic_violence", "sexual_violence", "gender_based_violence", "hate_crime")
SCHEDULED = 0.3  # the share of services with opening hours, unless asked for more
# Kinds of hours, by weight: office hours, a lunch break, three days, a helpline round the clock, two late
# afternoons and a Saturday morning, a clinic on the first and third Wednesday, a night shelter's intake.
HOURS = (
    (50, [("MO,TU,WE,TH,FR", "09:00", "17:00")]),
    (15, [("MO,TU,WE,TH,FR", "08:00", "12:00"), ("MO,TU,WE,TH,FR", "13:00", "16:00")]),
    (10, [("MO,WE,FR", "10:00", "14:00")]),
    (8, [("MO,TU,WE,TH,FR,SA,SU", "00:00", "00:00")]),
    (7, [("TU,TH", "14:00", "20:00"), ("SA", "10:00", "13:00")]),
    (5, [("1WE,3WE", "10:00", "12:00")]),
    (5, [("MO,TU,WE,TH,FR,SA,SU", "20:00", "08:00")]),
)
# The UTC offset in winter, for the services whose schedules give one.
UTC_OFFSETS = {"IE": 0, "DE": 1, "AT": 1, "FR": 1, "BE": 1, "IT": 1, "ES": 1, "PL": 1, "HU": 1, "CZ": 1,
               "MT": 1, "RO": 2, "MD": 2, "BG": 2, "GR": 2, "CY": 2}  # fmt: skip


@dataclass(frozen=True)
class _Vocabulary:
    """Our taxonomy terms' ids, by taxonomy slug and code."""

    terms: dict[str, dict[str, str]]

    @classmethod
    def load(cls) -> "_Vocabulary":
        terms: dict[str, dict[str, str]] = {}
        for slug, code, term_id in TaxonomyTerm.objects.filter(taxonomy_ref__slug__isnull=False).values_list(
            "taxonomy_ref__slug", "code", "id"
        ):
            if slug is not None:  # always: the filter keeps the terms of a taxonomy with a slug
                terms.setdefault(slug, {})[code] = str(term_id)
        return cls(terms)

    def attribute(self, rng: random.Random, slug: str, code: str) -> dict:
        return {"id": _uuid(rng), "taxonomy_term_id": self.terms[slug][code]}


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _text(table: dict, key: str, language: str) -> str:
    return table[key][LANGUAGES.index(language)]


def synthetic_organizations(*, services: int, seed: int, scheduled: float = SCHEDULED) -> Iterator[dict]:
    """HSDS organisations in full form, holding `services` services in all; the same for the same seed.
    `scheduled`: the share of services with opening hours (at least SCHEDULED, as always)."""
    rng = random.Random(seed)  # noqa: S311 - reproducible fake data, not security
    vocabulary = _Vocabulary.load()
    countries = sorted(COUNTRIES)
    made, number = 0, 0
    while made < services:
        count = min(rng.randint(1, 9), services - made)
        yield _organization(
            rng, vocabulary, number, rng.choice(countries), first=made, count=count, seed=seed,
            scheduled=scheduled,
        )  # fmt: skip
        made += count
        number += 1


def _organization(
    rng, vocabulary, number: int, country: str, *, first: int, count: int, seed: int, scheduled: float
) -> dict:
    language, cities = COUNTRIES[country]
    city = rng.choice(cities)
    theme = rng.choice(sorted(THEMES))
    kind = rng.choice(ORGANIZATION_KINDS[language])
    theme_text = _text(THEMES, theme, language)
    name = f"{theme_text} {kind} {city}" if language == "hu" else f"{kind} {theme_text} {city}"
    organization_id = _uuid(rng)
    locations = [
        _location(rng, country, language, city if i == 0 else rng.choice(cities))
        for i in range(rng.randint(1, 3))
    ]
    if rng.random() < 0.05:
        locations[-1] |= {"is_confidential": True, "front_door_area": locations[-1]["addresses"][0]["city"],
                          "front_door_phone": _phone_number(rng, country)}  # fmt: skip
    organization = {
        "id": organization_id,
        "name": f"{MARKER} {name}",
        "description": f"{MARKER} {name}. {SENTENCES[language]}",
        "email": f"contact{number}@example.org",
        "website": f"https://example.org/synthetic/{number}",
        "country": country,
        "language": language,
        "synthetic": {"seed": seed, "number": number},
        "phones": [{"id": _uuid(rng), "number": _phone_number(rng, country), "type": "voice"}],
        "locations": locations,
        "attributes": [vocabulary.attribute(rng, "institution_type", rng.choice(INSTITUTION_TYPES))],
        "services": [
            _service(rng, vocabulary, first + i, language, theme, locations, seed=seed, scheduled=scheduled)
            for i in range(count)
        ],
    }
    if language != "en":
        english_kind = ORGANIZATION_KINDS["en"][ORGANIZATION_KINDS[language].index(kind)]
        english = f"{english_kind} {_text(THEMES, theme, 'en')}"
        organization["translations"] = {
            "en": {
                "name": f"{MARKER} {english} {city}",
                "description": f"{MARKER} {english}. {SENTENCES['en']}",
            }
        }
    return organization


def _location(rng, country: str, language: str, city: str) -> dict:
    location_id = _uuid(rng)
    street = rng.choice(STREETS[language]).format(n=rng.randint(1, 180))
    latitude, longitude = _city_centre(country, city)
    # The draws of the old spread over Europe (35°-60° N, 9° W-30° E), now around the city's centre.
    north, east = (rng.uniform(35.0, 60.0) - 47.5) / 25, (rng.uniform(-9.0, 30.0) - 10.5) / 39
    return {
        "id": location_id,
        "location_type": "physical",
        "name": city,
        "latitude": round(latitude + 0.3 * north, 6),
        "longitude": round(longitude + 0.4 * east, 6),
        "addresses": [{
            "id": _uuid(rng), "address_1": street, "city": city, "state_province": city,
            "postal_code": _postcode(country, city, rng.randint(10000, 99999)), "country": country,
            "address_type": "physical",
        }],
    }  # fmt: skip


@functools.cache
def _city_centre(country: str, city: str) -> tuple[float, float]:
    town = gazetteer.town_named(city, country=country)
    if town is None:  # never: tests/directory/test_generate.py places every city
        raise LookupError(f"{city} ({country}) is not in the gazetteer")
    return town.latitude, town.longitude


def _postcode(country: str, city: str, draw: int) -> str:
    """A postcode of the city: its prefix (its place among every city of COUNTRIES) and 3 digits."""
    prefix = _CITY_PREFIXES[city]
    return f"{prefix:03d}{draw % 1000:03d}" if country in ("RO", "MD") else f"{prefix:02d}{draw % 1000:03d}"


_CITY_PREFIXES = {
    city: 10 + i for i, city in enumerate(c for _, (_, cities) in sorted(COUNTRIES.items()) for c in cities)
}


def city_postcode(city: str, number: int) -> str:
    """The synthetic postcode `number` (0-999) of a city of COUNTRIES, as the generator writes it."""
    country = next(code for code, (_, cities) in COUNTRIES.items() if city in cities)
    return _postcode(country, city, number)


def _phone_number(rng: random.Random, country: str) -> str:
    return f"+{CALLING_CODES[country]} {rng.randint(100, 999)} {rng.randint(100000, 999999)}"


def _service(
    rng, vocabulary, number: int, language: str, theme: str, locations: list[dict], *, seed: int,
    scheduled: float = 0.0,
) -> dict:  # fmt: skip
    kind = rng.choice(sorted(SERVICE_KINDS))
    location = rng.choice(locations)
    country = _country_of(location)
    city = location["addresses"][0]["city"]
    local = _text(SERVICE_KINDS, kind, language)
    english = [f"{MARKER} {_text(SERVICE_KINDS, kind, 'en')} in {city}.", SENTENCES["en"]]
    if number % 10 == 0:
        english.append(f"Trauma {TEN_PERCENT} is available.")
    if number % 100 == 1:
        english.append(f"An {ONE_PERCENT} can join appointments.")
    if number % 1000 == 2:
        english.append(f"Leaflets in {RARE} on request.")
    service: dict[str, Any] = {
        "id": _uuid(rng),
        "name": f"{local} {city}",
        "description": f"{MARKER} {local}. {SENTENCES[language]}",
        "status": "active" if rng.random() < 0.95 else "temporarily closed",
        "language": language,
        "synthetic": {"seed": seed, "number": number},
        "service_at_locations": [
            {"id": _uuid(rng), "location": {"id": location["id"], "location_type": "physical"}}
        ],
        "languages": [{"id": _uuid(rng), "code": language, "name": LANGUAGE_NAMES[language]}],
        "attributes": [
            vocabulary.attribute(rng, "service_type", kind),
            vocabulary.attribute(rng, "target_group", theme),
        ],
    }
    if language == "en":
        service["description"] = " ".join(english)
    else:
        service["translations"] = {
            "en": {"name": f"{_text(SERVICE_KINDS, kind, 'en')} {city}", "description": " ".join(english)}
        }
        if rng.random() < 0.3:
            service["languages"].append({"id": _uuid(rng), "code": "en", "name": "English"})
    if rng.random() < 0.15:
        code, name = rng.choice(SPOKEN)
        service["languages"].append({"id": _uuid(rng), "code": code, "name": name})
    if rng.random() < 0.5:
        service["phones"] = [
            {"id": _uuid(rng), "number": _phone_number(rng, _country_of(location)), "type": "voice"}
        ]
    roll = rng.random()
    if roll < SCHEDULED or roll < scheduled:
        # The first id from the shared stream, as before there was a choice of hours: the same seed keeps
        # giving the same ids. The hours come from a stream of the service's own.
        first_id = _uuid(rng) if roll < SCHEDULED else None
        service["schedules"] = _schedules(random.Random(f"{seed}/{number}"), country, first_id)  # noqa: S311
    if rng.random() < 0.3:
        service["attributes"].append(vocabulary.attribute(rng, "crime_type", rng.choice(CRIME_TYPES)))
    return service


def _country_of(location: dict) -> str:
    return location["addresses"][0]["country"]


def _schedules(rng: random.Random, country: str, first_id: str | None) -> list[dict[str, Any]]:
    """A service's opening hours, HSDS schedules: one of HOURS; a fifth give their country's UTC offset;
    a tenth close for Christmas 2026."""
    kinds = [hours for _weight, hours in HOURS]
    hours = rng.choices(kinds, weights=[weight for weight, _hours in HOURS])[0]
    offset = UTC_OFFSETS[country] if rng.random() < 0.2 else None
    schedules: list[dict[str, Any]] = []
    for byday, opens, closes in hours:
        freq = "MONTHLY" if byday[0].isdigit() else "WEEKLY"
        schedule: dict[str, Any] = {"id": first_id or _uuid(rng), "freq": freq, "byday": byday,
                                    "opens_at": f"{opens}:00", "closes_at": f"{closes}:00"}  # fmt: skip
        if offset is not None:
            schedule["timezone"] = offset
        schedules.append(schedule)
        first_id = None
    if rng.random() < 0.1:
        schedules.append({"id": _uuid(rng), "valid_from": "2026-12-24", "valid_to": "2026-12-26",
                          "description": "Closed for Christmas."})  # fmt: skip
    return schedules


def directory_generate(*, services: int, seed: int = 0, scheduled: float = SCHEDULED) -> ImportSummary:
    """Create (or, with the same seed, update) a synthetic directory of `services` services, all or nothing.

    Imported a batch of organisations at a time, so memory stays flat at any size, in one transaction.
    """
    total = ImportSummary()
    batch: list[dict] = []
    with transaction.atomic():
        for organization in synthetic_organizations(services=services, seed=seed, scheduled=scheduled):
            batch.append(organization)
            if len(batch) == BATCH_ORGANIZATIONS:
                _add(total, hsds_import_organizations(batch))
                batch = []
        if batch:
            _add(total, hsds_import_organizations(batch))
        # Imported in pieces, each too small to refresh the planner's statistics by itself.
        search_statistics_refresh()
    return total


def _add(total: ImportSummary, summary: ImportSummary) -> None:
    for plural, counts in summary.counts().items():
        mine = total.counts()[plural]
        mine.created += counts.created
        mine.updated += counts.updated
        mine.removed += counts.removed
    total.organization_ids += summary.organization_ids
