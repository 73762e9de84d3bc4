"""Text a record keeps in several languages, shown in the visitor's: the one rule for the directory's
records (directory.models.translatable) and the organisation's own (organisation.models).

A record keeps its text in its own language and the others in a JSON column `translations`, as
{"ro": {"name": …, "description": …}}; a page shows the translation in the active language where there is
one, else the record's own text, field by field.
"""

from typing import Any

from django.utils import translation


def display_language(language: str | None = None) -> str:
    """The language records are shown in: `language`, else the active one, without its region."""
    return (language or translation.get_language() or "en").split("-")[0]


def translated_text(
    text: str, record_language: str, translations: dict[str, Any] | None, field: str, language: str
) -> str:
    """A record's `field` in `language`: its translation there, else its own `text` (in
    `record_language`). The same for a model instance (Translatable.translated) and for the plain rows
    that busy pages read."""
    if language != record_language:
        value = ((translations or {}).get(language) or {}).get(field)
        if isinstance(value, str) and value:
            return value
    return text or ""
