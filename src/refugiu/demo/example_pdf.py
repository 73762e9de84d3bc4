"""Small one-page PDF documents written by hand (no renderer: the demo makes dozens at load time in
milliseconds), for the demo's example invoices, proofs of payment and boarding passes. Each says on its first
line, in large letters, that it is an example."""

from __future__ import annotations

PAGE_WIDTH, PAGE_HEIGHT = 595, 842  # A4 in points


def _escape(text: str) -> str:
    # PDF strings in Helvetica's standard encoding: keep ASCII, escape the three special characters.
    ascii_text = text.encode("ascii", "replace").decode("ascii")
    return ascii_text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def example_pdf(title: str, lines: list[str]) -> bytes:
    """A valid one-page PDF: "EXAMPLE" in large letters, `title`, then `lines`."""
    commands = [
        "BT /F1 36 Tf 56 770 Td (EXAMPLE) Tj ET",
        "BT /F1 11 Tf 56 748 Td (Made up for the Refugiu demo: not a real document.) Tj ET",
        f"BT /F1 16 Tf 56 712 Td ({_escape(title)}) Tj ET",
    ]
    y = 684
    for line in lines:
        commands.append(f"BT /F1 11 Tf 56 {y} Td ({_escape(line)}) Tj ET")
        y -= 18
    stream = "\n".join(commands).encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_WIDTH} {PAGE_HEIGHT}] "
            "/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>"
        ).encode("ascii"),
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)
