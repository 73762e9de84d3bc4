"""The organisation's images: its logo and the annual report's cover photograph.

What an upload *is* is judged from its content (its first bytes, read by `filetype`, as core.private_files
does), never from its name or the type the browser declared; only PNG and JPEG are kept, the formats every
browser, WeasyPrint and Word show. Pillow then reads the image within core.uploads' limits (bytes, pixels).
An SVG is refused: it can carry scripts, and we serve these files to the public.
"""

from typing import Any

import filetype
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from refugiu.organisation.models import NGO

IMAGE_TYPES = {"png": "image/png", "jpg": "image/jpeg"}


def image_type(file: Any) -> str | None:
    """The content type of a PNG or JPEG file, judged from its first bytes; None for anything else."""
    position = file.tell()
    file.seek(0)
    head = file.read(261)
    file.seek(position)
    kind = filetype.guess(head)
    return IMAGE_TYPES.get(kind.extension) if kind is not None else None


class ImagesForm(forms.ModelForm):
    class Meta:
        model = NGO
        fields = ["logo", "cover_photo", "cover_photo_text"]

    def _image(self, name: str) -> Any:
        file = self.cleaned_data.get(name)
        # A new upload (not the file already kept, nor a cleared one) must be a PNG or JPEG.
        if file and hasattr(file, "content_type") and image_type(file) is None:
            raise ValidationError(
                _("This file is not a PNG or JPEG image. Save the image as PNG or JPEG and send it again."),
                code="image_type",
            )
        return file

    def clean_logo(self) -> Any:
        return self._image("logo")

    def clean_cover_photo(self) -> Any:
        return self._image("cover_photo")
