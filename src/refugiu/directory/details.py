"""What people decide by, made ready for a page: phones to call, languages by name, fees, ages,
accessibility, how to get a service, a country's name, all in the visitor's language. The pages (search
results, an organisation's page, its referral sheet) read records and hand these to their templates.

How to get a service (in person, by phone, online, by referral only) is an HSDS attribute: a term of our
`access_mode` taxonomy attached to the service (HSDS 3 has no field for it; `application_process` is free
text, and `schedule.attending_type` describes one schedule). A service at a virtual location
(`location_type` "virtual") is given online by HSDS's own definition, so that says "online" too.
"""

import datetime as dt
import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries.fields import Country

from refugiu.directory import schedules

if TYPE_CHECKING:
    from refugiu.directory.models import Location

ACCESS_MODE = "access_mode"  # the taxonomy's slug
TARGET_GROUP = "target_group"
ONLINE = "online"

# The first run that can be dialled in a number as written ("+40 21 312 0000 (switchboard)").
_DIALLED = re.compile(r"\+?\d[\d\s().\-/]*\d")
MIN_DIGITS = 3  # 112, 116 006: short numbers are real numbers

PHONE_TYPES = {
    "voice": gettext_lazy("Phone"),
    "text": gettext_lazy("Text messages"),
    "sms": gettext_lazy("Text messages"),
    "fax": gettext_lazy("Fax"),
    "textphone": gettext_lazy("Textphone"),
    "video": gettext_lazy("Video call"),
    "pager": gettext_lazy("Pager"),
    "cell": gettext_lazy("Mobile phone"),
}
NOT_DIALLED = frozenset({"fax", "pager"})


def tel_href(number: str, extension: Any = None) -> str | None:
    """A click-to-call link (RFC 3966 tel: URI) for a phone number as written, or None when nothing in
    it can be dialled. The extension follows a comma, the pause every phone dials it after: the ";ext="
    parameter of RFC 3966 is kept by few diallers."""
    found = _DIALLED.search(number or "")
    if not found:
        return None
    digits = re.sub(r"\D", "", found.group())
    if len(digits) < MIN_DIGITS:
        return None
    href = f"tel:{'+' if found.group().startswith('+') else ''}{digits}"
    if extension not in (None, ""):
        extension_digits = re.sub(r"\D", "", str(extension))
        if extension_digits:
            href += f",{extension_digits}"
    return href


@dataclass(frozen=True)
class PhoneView:
    label: str
    number: str
    extension: str
    href: str | None
    description: str

    @property
    def html(self) -> SafeString:
        """The number, a link to call it where it can be dialled, its extension, what kind of line it is
        if not a voice line, and its description."""
        text = self.number
        if self.extension:
            text = _("%(number)s, extension %(extension)s") % {
                "number": self.number,
                "extension": self.extension,
            }
        markup = format_html('<a href="{}">{}</a>', self.href, text) if self.href else format_html("{}", text)
        if self.label != str(PHONE_TYPES["voice"]):
            markup = format_html("{} ({})", markup, self.label)
        if self.description:
            markup = format_html("{} — {}", markup, self.description)
        return markup


def phone_view(*, number: str, extension: Any, type: str, description: str) -> PhoneView:
    kind = (type or "").strip().lower()
    label = str(PHONE_TYPES.get(kind, PHONE_TYPES["voice"]))
    href = None if kind in NOT_DIALLED else tel_href(number, extension)
    return PhoneView(
        label, number, "" if extension in (None, "") else str(extension), href, description or ""
    )


def phone_views(phones: Iterable[Any]) -> list[PhoneView]:
    """Phone records (or anything with their fields) as pages show them."""
    return [
        phone_view(number=p.number, extension=p.extension, type=p.type, description=p.description)
        for p in phones
    ]


def language_name(code: str, name: str = "") -> str:
    """A spoken language by its name in the visitor's language, where Django knows it; else as recorded."""
    return _language_name(code, name, translation.get_language())


@functools.lru_cache(maxsize=1024)
def _language_name(code: str, name: str, visitor_language: str | None) -> str:
    key = (code or "").strip().lower()
    if key:
        try:
            return str(translation.get_language_info(key)["name_translated"])
        except KeyError:
            pass
    return name or code


def language_names(languages: Iterable[tuple[str, str]]) -> list[str]:
    """(code, name) pairs as names, each once, in order."""
    return list(dict.fromkeys(language_name(code, name) for code, name in languages if code or name))


def country_name(code: str) -> str:
    """A country by its name in the visitor's language (ISO 3166-1 alpha-2 code)."""
    return str(Country(code=code).name) or code if code else ""


def age_words(minimum: int | None, maximum: int | None) -> str:
    if minimum is not None and maximum is not None:
        return _("Ages %(minimum)s to %(maximum)s") % {"minimum": minimum, "maximum": maximum}
    if minimum is not None:
        return _("Ages %(minimum)s and over") % {"minimum": minimum}
    if maximum is not None:
        return _("Ages up to %(maximum)s") % {"maximum": maximum}
    return ""


def cost_words(extra: Mapping[str, Any] | None) -> list[str]:
    """HSDS cost options (kept in `hsds_extra`) in words: "Under 18s: 35 GBP per 1 hour session"."""
    words = []
    for option in (extra or {}).get("cost_options") or []:
        if not isinstance(option, Mapping):
            continue
        amount = option.get("amount")
        currency = str(option.get("currency") or "").upper()
        price = ""
        if amount not in (None, ""):
            try:
                price = f"{Decimal(str(amount)).normalize():f} {currency}".strip()
            except InvalidOperation:
                price = str(amount)
        parts = [p for p in (price, str(option.get("amount_description") or "").strip()) if p]
        text = " ".join(parts)
        label = str(option.get("option") or "").strip()
        words.append(f"{label}: {text}" if label and text else label or text)
    return [w for w in words if w]


def accessibility_words(extra: Mapping[str, Any] | None) -> list[str]:
    """HSDS accessibility (kept in a location's `hsds_extra`) in words, as written."""
    words = []
    for item in (extra or {}).get("accessibility") or []:
        if isinstance(item, Mapping):
            text = " ".join(str(item.get(key) or "").strip() for key in ("description", "details")).strip()
            if text:
                words.append(text)
    return words


def access_words(terms: Iterable[tuple[str, str]], *, virtual: bool) -> list[str]:
    """How to get a service: the names of its access_mode terms, given as (code, name), and "Online" for
    a service at a virtual location."""
    terms = list(terms)
    names = [name for _code, name in terms]
    if virtual and all(code != ONLINE for code, _name in terms):
        names.append(_("Online"))
    return list(dict.fromkeys(names))


def location_place(location: "Location", today: dt.date, *, hours: bool = True) -> dict[str, Any]:
    """A location as `_location_public.html` shows it: its hours in words and its phones (a confidential
    location shows neither: its front door only)."""
    public = not location.is_confidential
    return {
        "location": location,
        "hours": schedules.hours_lines(map(schedules.schedule_row, location.schedules.all()), today)
        if public and hours
        else [],
        "phones": phone_views(location.phones.all()) if public else [],
        "accessibility": accessibility_words(location.hsds_extra) if public else [],
        "front_door_phone": phone_view(
            number=location.front_door_phone, extension=None, type="voice", description=""
        ),
    }
