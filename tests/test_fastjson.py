"""core.fastjson gives what the json module gives, integers beyond 64 bits included."""

import json

import pytest

from refugiu.core import fastjson

CASES = [
    '{"register": 123456789012345678901234567890}',
    "[18446744073709551616, -18446744073709551617]",
    '{"a": 9223372036854775807, "b": 1234567890123456789}',
    '{"text": "a run of digits 12345678901234567890 inside a string"}',
    '{"arabic-indic digits": "' + "\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669\u0660" * 2 + '"}',
    '{"lat": 44.4268, "n": 12, "big float": 1.5e300}',
]


@pytest.mark.parametrize("text", CASES)
def test_loads_is_the_json_module(text):
    assert fastjson.loads(text) == json.loads(text)
    assert fastjson.loads(text.encode()) == json.loads(text)


def test_long_integers_stay_integers():
    value = fastjson.loads("[123456789012345678901234567890]")[0]
    assert isinstance(value, int) and value == 123456789012345678901234567890


def test_invalid_json_names_the_place():
    with pytest.raises(json.JSONDecodeError) as refused:
        fastjson.loads('{"a": 1,}')
    assert refused.value.lineno == 1
