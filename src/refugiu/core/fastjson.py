"""JSON by orjson, several times faster than the json module, with the json module where orjson would
not give the same result.

orjson reads an integer beyond 64 bits as a float and refuses to write one; the json module keeps it
exactly. HSDS records may carry such numbers in what we keep verbatim (hsds_extra), and an import
followed by an export must lose nothing.
"""

import json
from collections.abc import Callable
from typing import Any

import orjson

# A run of 19 ASCII digits may be a number beyond 64 bits (or only part of a string: then the json
# module reads it, slower but the same). JSON numbers are ASCII digits only. Found by mapping every
# digit to "0" and every other byte to a space, then looking for nineteen zeros: seven times faster
# than a regular expression, which tried a match at every digit of a file (as long as parsing it).
_DIGITS_ONLY = bytes(0x30 if 0x30 <= byte <= 0x39 else 0x20 for byte in range(256))
_LONG_NUMBER = b"0" * 19


def _has_long_number(text: str | bytes) -> bool:
    data = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text
    return _LONG_NUMBER in data.translate(_DIGITS_ONLY)


def loads(text: str | bytes, **json_options: Any) -> Any:
    """Parse JSON; on text orjson refuses, the json module's own result or JSONDecodeError (whose
    message names what is wrong and where), with `json_options` (e.g. parse_constant)."""
    if not _has_long_number(text):
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
