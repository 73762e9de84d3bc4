"""The files behind public records: a publication's file, an event's photograph, a campaign message's image.

Served only while the public may see the record (`access`, through `selectors`): otherwise, or when the file
is missing from the disk, 404. Only images a browser shows safely are shown inline; nothing is ever a page.
"""

from __future__ import annotations

import mimetypes
import os

from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest

from refugiu.programmes import selectors

# Images a browser may show inline. Anything else uploaded as an "image" (an SVG can carry scripts) is
# only ever offered as a download.
INLINE_IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})
# Our files are never pages: should a browser still try to render one, nothing in it may run or load.
FILE_CSP = "default-src 'none'; sandbox"


def _file_response(file_field: FieldFile, *, inline: bool) -> FileResponse:
    """The stored file, with a type guessed from its name; 404 when it is missing from the disk."""
    stored = file_field.name
    if not stored:  # the selectors give only records with a file
        raise Http404
    name = os.path.basename(stored)
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    if inline and content_type not in INLINE_IMAGE_TYPES:
        inline = False
    try:
        handle = file_field.storage.open(stored, "rb")
    except (FileNotFoundError, IsADirectoryError, PermissionError):
        raise Http404 from None
    response = FileResponse(handle, as_attachment=not inline, filename=name, content_type=content_type)
    response["Content-Security-Policy"] = FILE_CSP
    return response


def publication_file(request: HttpRequest, publication_id: int) -> FileResponse:
    publication = selectors.publication_with_file(publication_id)
    if publication is None:
        raise Http404
    return _file_response(publication.file, inline=False)


def event_photo(request: HttpRequest, photo_id: int) -> FileResponse:
    photo = selectors.event_photo_public(photo_id)
    if photo is None:
        raise Http404
    return _file_response(photo.image, inline=True)


def campaign_image(request: HttpRequest, message_id: int) -> FileResponse:
    message = selectors.campaign_message_with_image(message_id)
    if message is None:
        raise Http404
    return _file_response(message.image, inline=True)
