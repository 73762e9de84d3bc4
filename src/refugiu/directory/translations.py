"""The languages an entry's text is kept in: which codes are accepted, what each language is called, and
which fields of each kind of record have translations.

A record keeps its text in its own language (`language`) and in others in `translations`, as
{"uk": {"name": …, "description": …}} (models.Translatable). Languages are named by ISO 639-1 codes
(two lower-case letters): the site's own languages (settings.LANGUAGES) are among them, and so is any
language a directory editor or an HSDS file brings. A code that is not ISO 639-1 ("pt-BR", "eng", "xx")
is refused by the editing form and left out by an import, which says so. A regional variant ("pt-BR",
"uk-UA") asked for by a visitor or an API client is read as its language ("pt", "uk").
"""

from django.conf import settings
from django.conf.locale import LANG_INFO
from django.utils.translation import gettext

# ISO 639-1, every code in force, with its English name (the Library of Congress's list).
ISO_639_1 = {
    "aa": "Afar", "ab": "Abkhazian", "ae": "Avestan", "af": "Afrikaans", "ak": "Akan", "am": "Amharic",
    "an": "Aragonese", "ar": "Arabic", "as": "Assamese", "av": "Avaric", "ay": "Aymara",
    "az": "Azerbaijani", "ba": "Bashkir", "be": "Belarusian", "bg": "Bulgarian", "bi": "Bislama",
    "bm": "Bambara", "bn": "Bengali", "bo": "Tibetan", "br": "Breton", "bs": "Bosnian", "ca": "Catalan",
    "ce": "Chechen", "ch": "Chamorro", "co": "Corsican", "cr": "Cree", "cs": "Czech",
    "cu": "Church Slavic", "cv": "Chuvash", "cy": "Welsh", "da": "Danish", "de": "German",
    "dv": "Divehi", "dz": "Dzongkha", "ee": "Ewe", "el": "Greek", "en": "English", "eo": "Esperanto",
    "es": "Spanish", "et": "Estonian", "eu": "Basque", "fa": "Persian", "ff": "Fulah", "fi": "Finnish",
    "fj": "Fijian", "fo": "Faroese", "fr": "French", "fy": "Western Frisian", "ga": "Irish",
    "gd": "Scottish Gaelic", "gl": "Galician", "gn": "Guarani", "gu": "Gujarati", "gv": "Manx",
    "ha": "Hausa", "he": "Hebrew", "hi": "Hindi", "ho": "Hiri Motu", "hr": "Croatian",
    "ht": "Haitian Creole", "hu": "Hungarian", "hy": "Armenian", "hz": "Herero", "ia": "Interlingua",
    "id": "Indonesian", "ie": "Interlingue", "ig": "Igbo", "ii": "Sichuan Yi", "ik": "Inupiaq",
    "io": "Ido", "is": "Icelandic", "it": "Italian", "iu": "Inuktitut", "ja": "Japanese",
    "jv": "Javanese", "ka": "Georgian", "kg": "Kongo", "ki": "Kikuyu", "kj": "Kuanyama", "kk": "Kazakh",
    "kl": "Kalaallisut", "km": "Khmer", "kn": "Kannada", "ko": "Korean", "kr": "Kanuri",
    "ks": "Kashmiri", "ku": "Kurdish", "kv": "Komi", "kw": "Cornish", "ky": "Kyrgyz", "la": "Latin",
    "lb": "Luxembourgish", "lg": "Ganda", "li": "Limburgish", "ln": "Lingala", "lo": "Lao",
    "lt": "Lithuanian", "lu": "Luba-Katanga", "lv": "Latvian", "mg": "Malagasy", "mh": "Marshallese",
    "mi": "Maori", "mk": "Macedonian", "ml": "Malayalam", "mn": "Mongolian", "mr": "Marathi",
    "ms": "Malay", "mt": "Maltese", "my": "Burmese", "na": "Nauru", "nb": "Norwegian Bokmål",
    "nd": "North Ndebele", "ne": "Nepali", "ng": "Ndonga", "nl": "Dutch", "nn": "Norwegian Nynorsk",
    "no": "Norwegian", "nr": "South Ndebele", "nv": "Navajo", "ny": "Chichewa", "oc": "Occitan",
    "oj": "Ojibwa", "om": "Oromo", "or": "Odia", "os": "Ossetian", "pa": "Punjabi", "pi": "Pali",
    "pl": "Polish", "ps": "Pashto", "pt": "Portuguese", "qu": "Quechua", "rm": "Romansh", "rn": "Rundi",
    "ro": "Romanian", "ru": "Russian", "rw": "Kinyarwanda", "sa": "Sanskrit", "sc": "Sardinian",
    "sd": "Sindhi", "se": "Northern Sami", "sg": "Sango", "si": "Sinhala", "sk": "Slovak",
    "sl": "Slovenian", "sm": "Samoan", "sn": "Shona", "so": "Somali", "sq": "Albanian", "sr": "Serbian",
    "ss": "Swati", "st": "Southern Sotho", "su": "Sundanese", "sv": "Swedish", "sw": "Swahili",
    "ta": "Tamil", "te": "Telugu", "tg": "Tajik", "th": "Thai", "ti": "Tigrinya", "tk": "Turkmen",
    "tl": "Tagalog", "tn": "Tswana", "to": "Tonga", "tr": "Turkish", "ts": "Tsonga", "tt": "Tatar",
    "tw": "Twi", "ty": "Tahitian", "ug": "Uyghur", "uk": "Ukrainian", "ur": "Urdu", "uz": "Uzbek",
    "ve": "Venda", "vi": "Vietnamese", "vo": "Volapük", "wa": "Walloon", "wo": "Wolof", "xh": "Xhosa",
    "yi": "Yiddish", "yo": "Yoruba", "za": "Zhuang", "zh": "Chinese", "zu": "Zulu",
}  # fmt: skip

# The fields of each kind of record that may be kept in several languages. Names are among them: a
# body may go by another name in another language (or keep its own, the usual case: then its
# translation simply has none, and the name is shown as it is).
TRANSLATED_FIELDS = {
    "taxonomy_term": ("name", "description"),
    "organization": ("name", "alternate_name", "description"),
    "service": ("name", "alternate_name", "description", "eligibility_description", "application_process"),
    "location": ("name", "alternate_name", "description", "transportation"),
}
ALL_TRANSLATED_FIELDS = frozenset(f for fields in TRANSLATED_FIELDS.values() for f in fields)


def is_language_code(code: object) -> bool:
    """An ISO 639-1 code as kept: two lower-case letters of the list."""
    return isinstance(code, str) and code in ISO_639_1


def language_of_tag(tag: str) -> str | None:
    """The ISO 639-1 language of a language tag a visitor or client sends ("uk", "uk-UA", "UK", "pt_BR"),
    or None when it names none."""
    primary = tag.strip().replace("_", "-").split("-")[0].lower()
    return primary if primary in ISO_639_1 else None


def language_name(code: str) -> str:
    """The language's name in the active language where Django knows it (all the site's languages and
    most others), else its English name, else the code itself."""
    info = LANG_INFO.get(code)
    if info and "name" in info:
        return gettext(info["name"])
    return ISO_639_1.get(code, code)


def language_label(code: str) -> str:
    """How a form lists a language: its own name where known, and its code ("Українська (uk)")."""
    info = LANG_INFO.get(code)
    name = info.get("name_local") if info else None
    return f"{name or ISO_639_1.get(code, code)} ({code})"


def site_languages() -> list[str]:
    """The site's own languages (settings.LANGUAGES), as ISO 639-1 codes, in their order."""
    codes: list[str] = []
    for tag, _name in settings.LANGUAGES:
        code = language_of_tag(tag)
        if code and code not in codes:
            codes.append(code)
    return codes


def language_choices() -> list[tuple[str, str]]:
    """Every ISO 639-1 language for a form's select: the site's own first, then the rest by code."""
    first = site_languages()
    rest = sorted(code for code in ISO_639_1 if code not in first)
    return [(code, language_label(code)) for code in [*first, *rest]]
