"""What every HSDS record of the directory has (its id, and what HSDS carries that we keep as received),
and web addresses of any length.

Text is kept whole: HSDS sets no length on any field, so neither do our columns (`max_length=None`: an
unlimited varchar on both engines, a one-line input in forms and the admin). Only values that cannot be
longer keep a length: code lists (status, types, frequencies), country codes, e-mail addresses (254
characters, RFC 5321) and our own slugs. A real court's switchboard with its extensions was 70 characters.
"""

import sys
import uuid
from typing import Any

from django import forms
from django.core.validators import URLValidator
from django.db import models


class WebAddressValidator(URLValidator):
    """Django's check of a web address, without its cap of 2,048 characters: HSDS sets none."""

    max_length = sys.maxsize


class WebAddressFormField(forms.URLField):
    default_validators = [WebAddressValidator()]


class WebAddressField(models.URLField):
    """A web address of any length (HSDS sets none), in the database, the model's validation and its
    forms. URLField cannot say so itself: it sets 200 when given no length, and leaves `max_length=None`
    out of its migrations, which then read 200 again; and its validator stops at 2,048 characters."""

    default_validators = [WebAddressValidator()]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", None)
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs: Any) -> Any:
        return super().formfield(**{"form_class": WebAddressFormField, **kwargs})


class HsdsModel(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    hsds_extra = models.JSONField(default=dict, blank=True, editable=False)

    class Meta:
        abstract = True
