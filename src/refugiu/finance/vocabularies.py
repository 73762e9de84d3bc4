"""Code lists of grant finance."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeBasis(models.TextChoices):
    """How a template counts staff time: EU 2014–2020 action grants by the hour (1,720 productive hours a
    year), the EU's 2021–2027 Corporate Model Grant Agreement by the day (215 days)."""

    HOUR = "hour", _("hours")
    DAY = "day", _("days")


class ConversionRule(models.TextChoices):
    """How costs paid in another currency are converted to the grant's (EUR)."""

    PERIOD_AVERAGE = "period_average", _("average of the daily rates over the reporting period")
    DAY_RATE = "day_rate", _("the rate of the day the cost was paid")


class CategoryKind(models.TextChoices):
    PERSONNEL = "personnel", _("personnel")
    SUBCONTRACTING = "subcontracting", _("subcontracting")
    PURCHASE = "purchase", _("purchases")
    OTHER = "other", _("other costs")
    FINANCIAL_SUPPORT = "financial_support", _("financial support to third parties")
    INDIRECT = "indirect", _("indirect costs")


class PartnerRole(models.TextChoices):
    COORDINATOR = "coordinator", _("coordinator")
    BENEFICIARY = "beneficiary", _("beneficiary (partner)")


class PeriodKind(models.TextChoices):
    INTERIM = "interim", _("interim")
    FINAL = "final", _("final")


class DocumentKind(models.TextChoices):
    INVOICE = "invoice", _("invoice")
    PROOF_OF_PAYMENT = "proof_of_payment", _("proof of payment")
    BOARDING_PASS = "boarding_pass", _("boarding pass")
    ATTENDANCE_LIST = "attendance_list", _("attendance list")
    CONTRACT = "contract", _("contract")
    PAYSLIP = "payslip", _("payslip")
    OTHER = "other", _("other")


class ExpenseStatus(models.TextChoices):
    RECORDED = "recorded", _("recorded, waiting for approval")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("rejected")


class RateSource(models.TextChoices):
    ECB = "ecb", _("European Central Bank")
    MANUAL = "manual", _("entered by the finance team")


class TimeKind(models.TextChoices):
    """What an hour (or day) of a timesheet was spent on."""

    PROJECT = "project", _("project work")
    OTHER_WORK = "other_work", _("other work")
    ABSENCE = "absence", _("absence (leave, sickness, holiday)")


class SheetStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SIGNED = "signed", _("signed, waiting for approval")
    APPROVED = "approved", _("approved")
    RETURNED = "returned", _("returned for correction")
    SUPERSEDED = "superseded", _("superseded by a correction")
