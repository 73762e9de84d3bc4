"""Bounds on files uploaded through forms: event photographs, campaign images and publication files (the
programme admin). Case documents have their own handler and limit (`cases.documents`).

- The request: Django's own bounds, stated in settings (DATA_UPLOAD_MAX_MEMORY_SIZE, …), and
  `LimitedTemporaryFileUploadHandler`, which writes an upload to a temporary file only up to the largest
  size any form accepts: past it the rest is read and dropped, and the form is given an empty file of the
  size that was sent, so that it can say the file is too large instead of filling the disk first.
- The fields: `LimitedFileField` and `LimitedImageField` refuse a file over REFUGIU["MEDIA_MAX_BYTES"],
  and an image over REFUGIU["IMAGE_MAX_PIXELS"], with messages in the user's language. Pillow reads only
  an image's header when a form checks it, but anything that draws it later (a report's PDF) unpacks
  every pixel: a 100-byte PNG can claim 900 million of them.
- Pillow's own decompression-bomb limit (Image.MAX_IMAGE_PIXELS) is set to the same number at start
  (`core.apps`), for every other use of Pillow in the process.
"""

import io
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.uploadedfile import InMemoryUploadedFile, UploadedFile
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.db import models
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image


def media_limit() -> int:
    return int(settings.REFUGIU["MEDIA_MAX_BYTES"])


def pixel_limit() -> int:
    return int(settings.REFUGIU["IMAGE_MAX_PIXELS"])


def too_big_message(limit: int) -> str:
    return _("The file is too large: the limit is %(size)s.") % {"size": filesizeformat(limit)}


def too_many_pixels_message() -> str:
    return _("The image is too large: the limit is %(megapixels)s megapixels.") % {
        "megapixels": f"{pixel_limit() / 1_000_000:g}"
    }


class LimitedFileFormField(forms.FileField):
    """A form's file, refused past the media limit before anything else looks at it."""

    def to_python(self, data: Any) -> File[Any] | None:
        if data not in self.empty_values and getattr(data, "size", 0) > media_limit():
            raise ValidationError(too_big_message(media_limit()), code="too_big")
        return super().to_python(data)


class LimitedImageFormField(LimitedFileFormField, forms.ImageField):
    """A form's image, refused past the media limit, then past the pixel limit (as its header says)."""

    def to_python(self, data: Any) -> File[Any] | None:
        try:
            uploaded = super().to_python(data)
        except ValidationError as error:
            # Pillow refuses past twice its limit, and warns past it (an error under the tests' filters).
            if isinstance(error.__cause__, Image.DecompressionBombError | Image.DecompressionBombWarning):
                raise ValidationError(too_many_pixels_message(), code="too_many_pixels") from error
            raise
        image = getattr(uploaded, "image", None)
        if image is not None and image.width * image.height > pixel_limit():
            raise ValidationError(too_many_pixels_message(), code="too_many_pixels")
        return uploaded


class LimitedFileField(models.FileField):
    """A FileField whose uploads are bounded (`LimitedFileFormField`)."""

    def formfield(self, **kwargs: Any) -> forms.Field | None:
        return super().formfield(**{"form_class": LimitedFileFormField, **kwargs})


class LimitedImageField(models.ImageField):
    """An ImageField whose uploads are bounded in bytes and in pixels (`LimitedImageFormField`)."""

    def formfield(self, **kwargs: Any) -> forms.Field | None:
        return super().formfield(**{"form_class": LimitedImageFormField, **kwargs})


def largest_upload() -> int:
    """The most any form here accepts for one file: past it, an upload is not kept at all."""
    return max(media_limit(), int(settings.REFUGIU["UPLOAD_MAX_BYTES"]))


class LimitedTemporaryFileUploadHandler(TemporaryFileUploadHandler):
    """Django's handler for uploads too large to keep in memory, which stops writing a file to disk past
    `largest_upload()`: the rest is read (the request must be read to answer it) and dropped, and the form
    gets an empty file that states the size sent, which its field refuses as too large."""

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0
        self.dropped = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        if self.received <= largest_upload():
            return super().receive_data_chunk(raw_data, start)
        if not self.dropped:
            self.file.close()  # a temporary file: closing it deletes it
            self.dropped = True
        return None

    def file_complete(self, file_size: int) -> UploadedFile[Any] | None:
        if not self.dropped:
            return super().file_complete(file_size)
        return InMemoryUploadedFile(
            io.BytesIO(),
            self.field_name,
            self.file_name,
            self.content_type,
            size=self.received,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )
