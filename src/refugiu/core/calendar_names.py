"""The names of months and days as each language writes them in a date, where Django's catalogue does not.

Django's Romanian catalogue capitalises them ("16 Noiembrie 2026", "Luni", "Noie."), but Romanian writes
them in lower case: "luni, 16 noiembrie 2026", "16 nov. 2026". Our catalogues (settings.LOCALE_PATHS) take
precedence over Django's, so the names are translated again there; they are Django's own messages
(django.utils.dates), listed here so that `makemessages` keeps them in our catalogues. Ukrainian, Russian
and Arabic keep Django's own translations of them (their public pages show no untranslated message of
ours: tests/test_public_languages.py).

Date formats: "j E Y" (in full, e.g. "16 noiembrie 2026"), "j N Y" (abbreviated, "16 nov. 2026"), "l"
(the day). Not "M": Django capitalises its three-letter month ("Noi") whatever the catalogue says.
"""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

WEEKDAYS = (_("Monday"), _("Tuesday"), _("Wednesday"), _("Thursday"), _("Friday"), _("Saturday"), _("Sunday"))
WEEKDAYS_ABBR = (_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun"))
MONTHS = (
    _("January"),
    _("February"),
    _("March"),
    _("April"),
    _("May"),
    _("June"),
    _("July"),
    _("August"),
    _("September"),
    _("October"),
    _("November"),
    _("December"),
)
# "E": the month in a full date, in languages that decline it.
MONTHS_ALT = (
    pgettext_lazy("alt. month", "January"),
    pgettext_lazy("alt. month", "February"),
    pgettext_lazy("alt. month", "March"),
    pgettext_lazy("alt. month", "April"),
    pgettext_lazy("alt. month", "May"),
    pgettext_lazy("alt. month", "June"),
    pgettext_lazy("alt. month", "July"),
    pgettext_lazy("alt. month", "August"),
    pgettext_lazy("alt. month", "September"),
    pgettext_lazy("alt. month", "October"),
    pgettext_lazy("alt. month", "November"),
    pgettext_lazy("alt. month", "December"),
)
# "N": the abbreviated month.
MONTHS_ABBR = (
    pgettext_lazy("abbrev. month", "Jan."),
    pgettext_lazy("abbrev. month", "Feb."),
    pgettext_lazy("abbrev. month", "March"),
    pgettext_lazy("abbrev. month", "April"),
    pgettext_lazy("abbrev. month", "May"),
    pgettext_lazy("abbrev. month", "June"),
    pgettext_lazy("abbrev. month", "July"),
    pgettext_lazy("abbrev. month", "Aug."),
    pgettext_lazy("abbrev. month", "Sept."),
    pgettext_lazy("abbrev. month", "Oct."),
    pgettext_lazy("abbrev. month", "Nov."),
    pgettext_lazy("abbrev. month", "Dec."),
)
