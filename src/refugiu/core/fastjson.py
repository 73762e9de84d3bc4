"""JSON by orjson, several times faster than the json module, with the json module where orjson would
not give the same result.

orjson reads an integer beyond 64 bits as a float and refuses to write one; the json module keeps it
exactly. HSDS records may carry such numbers in what we keep verbatim (hsds_extra), and an import
followed by an export must lose nothing.
"""

import json
import re
from collections.abc import Callable
from typing import Any

import orjson

# A run of 19 digits may be a number beyond 64 bits (or only part of a string: then the json module
# reads it, slower but the same).
_LONG_NUMBER = re.compile(r"\d{19}")


def loads(text: str | bytes, **json_options: Any) -> Any:
    """Parse JSON; on text orjson refuses, the json module's own result or JSONDecodeError (whose
    message names what is wrong and where), with `json_options` (e.g. parse_constant)."""
    if not _LONG_NUMBER.search(text if isinstance(text, str) else text.decode("utf-8", "replace")):
        try:
            return orjson.loads(text)
        except orjson.JSONDecodeError:
            pass
    return json.loads(text, **json_options)


def dumps(value: Any, *, default: Callable[[Any], Any] | None = None, option: int = 0) -> bytes:
    """UTF-8 JSON (no \\u escapes); `default` turns what JSON does not know into what it does."""
    try:
        return orjson.dumps(value, default=default, option=option)
    except orjson.JSONEncodeError:
        # An integer beyond 64 bits (or something `default` refused: the json module says what).
        encoder = (
            type("Encoder", (json.JSONEncoder,), {"default": staticmethod(default)}) if default else None
        )
        return json.dumps(value, ensure_ascii=False, cls=encoder).encode()
