"""The e-mails: the source's e-mail cells split, cleaned and validated, and the addresses that look wrong
(shared by several institutions, a person's own, a prosecutor office's unlike the others)."""

import re

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator

from refugiu.core.folding import fold
from refugiu.demo.ro_institutions.institutions import Institution
from refugiu.demo.ro_institutions.report import Doubts
from refugiu.demo.ro_institutions.source import INVISIBLE

# Words of the addresses of offices, not of people ("relatii.publice@", "director.general@").
OFFICE_WORDS = frozenset(
    {"adulti", "arh", "barou", "baroul", "cabinet", "comunicare", "conducere", "consiliu", "contact",
     "copii", "copilului", "decan", "director", "directie", "general", "ghiseu", "gref", "info", "jud",
     "judecatoria", "monitorizare", "office", "petitii", "politia", "presedinte", "protectia", "public",
     "publice", "reg", "registratura", "relatii", "relations", "secretariat", "sesizari", "support", "unic"}
)  # fmt: skip

_email = EmailValidator()


def emails_parse(cell: str) -> tuple[list[str], list[tuple[str, str]]]:
    """The valid addresses of an e-mail cell, lower-cased, in order, and (problem kind, detail) pairs."""
    found: list[str] = []
    problems: list[tuple[str, str]] = []
    shown = " ".join(cell.split())
    if INVISIBLE.search(cell):
        problems.append(("email-cleaned", f"invisible characters removed from {shown!r}"))
    for piece in INVISIBLE.sub("", cell).split(";"):
        parts = [part.strip() for part in piece.split(",")]
        if len([part for part in parts if part]) > 1:
            problems.append(("email-cleaned", f"{piece.strip()!r} holds addresses separated by ','"))
        for part in filter(None, parts):
            address = part.lower()
            if not address.isascii():
                odd = ", ".join(f"U+{ord(c):04X} {c}" for c in dict.fromkeys(address) if not c.isascii())
                problems.append(
                    ("email-invalid", f"{part!r} holds a character that is not plain ASCII ({odd})")
                )
                continue
            try:
                _email(address)
            except ValidationError:
                problems.append(("email-invalid", f"{part!r} is not an e-mail address"))
                continue
            if address in found:
                problems.append(("email-repeated", f"{address} is given twice in {shown!r}"))
                continue
            found.append(address)
    return found, problems


def gather_emails(institution: Institution, doubts: Doubts) -> None:
    """Its valid e-mail addresses, from the cells of all its rows, in order and each once."""
    by_problem: dict[tuple[str, str], list[str]] = {}
    for row in institution.rows:
        if not row.has_emails:
            by_problem.setdefault(("email-missing", "no e-mail cell"), []).append(row.where)
        addresses, problems = emails_parse(row.emails)
        for address in addresses:
            if address not in institution.emails:
                institution.emails.append(address)
        for kind, detail in problems:
            by_problem.setdefault((kind, detail), []).append(row.where)
    for (kind, detail), wheres in by_problem.items():
        doubts.problem(kind, institution.name, detail, wheres)
    if not institution.emails:
        doubts.problem("no-email", institution.name, "no valid e-mail address", institution.wheres())
    if institution.type.code == "first_instance_prosecutor":
        for address in institution.emails:
            local, _, domain = address.partition("@")
            if domain == "mpublic.ro" and not local.startswith("pj_"):
                prefix = local.split("_")[0] + "_"
                doubts.problem(
                    "prosecutor-email",
                    institution.name,
                    f"{address} begins {prefix}, where the others of its kind begin pj_",
                    institution.wheres(),
                )


def check_shared_emails(institutions: list[Institution], doubts: Doubts) -> None:
    holders: dict[str, list[Institution]] = {}
    for institution in institutions:
        for address in institution.emails:
            holders.setdefault(address, []).append(institution)
    for address, sharing in holders.items():
        if len(sharing) > 1:
            names = "; ".join(institution.name for institution in sharing)
            wheres = [where for institution in sharing for where in institution.wheres()]
            doubts.problem("email-shared", address, f"the e-mail of {names}", wheres)


def check_personal_emails(institutions: list[Institution], doubts: Doubts) -> None:
    """Addresses made of two or more words, none of them a word of the institution's name or of an
    office's address ("office", "registratura"): a person's own, most likely."""
    for institution in institutions:
        own = set(fold(f"{institution.name} {institution.source_name}").split())
        for address in institution.emails:
            words = re.split(r"[._-]", address.partition("@")[0])
            if len(words) > 1 and all(
                word.isalpha() and len(word) > 2 and word not in OFFICE_WORDS and word not in own
                for word in words
            ):
                doubts.problem("personal-email", institution.name, address, institution.wheres())
