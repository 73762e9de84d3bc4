"""Participants' check-in codes: the QR code of a confirmation e-mail and what a scan of it reads.

The code holds a fixed prefix and the participant's random `check_in_token` (models.participants): no
name, address or number, nothing a finder of the e-mail could learn anyone from. Drawn by segno as PNG
(mail clients show PNG attachments; segno writes PNG without Pillow).
"""

from __future__ import annotations

import io
import re

import segno

from refugiu.programmes.models import Participant

PREFIX = "refugiu-check-in:"
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,32}$")


def check_in_payload(participant: Participant) -> str:
    """What the participant's QR code encodes; empty for someone without a token (anonymised)."""
    return f"{PREFIX}{participant.check_in_token}" if participant.check_in_token else ""


def check_in_png(participant: Participant) -> bytes:
    """The participant's QR code as a PNG image (medium error correction, 8 pixels a module)."""
    buffer = io.BytesIO()
    segno.make(check_in_payload(participant), error="m").save(buffer, kind="png", scale=8, border=4)
    return buffer.getvalue()


def token_from_scan(text: str) -> str | None:
    """The token in what a scanner read (or someone typed): the text after our prefix, or a bare token.
    None for anything else (another kind of QR code)."""
    text = text.strip()
    if text.lower().startswith(PREFIX):
        text = text[len(PREFIX) :]
    return text if _TOKEN.match(text) else None
