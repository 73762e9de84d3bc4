"""Controlled lists of the cases module.

The trafficking lists carry the value names of IOM's Human Trafficking Case Data Standard (HTCDS 2.0,
CC BY 4.0) unchanged, so a case can be exchanged with and reported to anti-trafficking partners in
their terms; the labels are translatable. Migration and protection statuses follow HTCDS's migration
and international protection classification.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Gender(models.TextChoices):  # HTCDS `gender`
    FEMININE = "Feminine", _("Feminine")
    MASCULINE = "Masculine", _("Masculine")
    TRANSGENDER_FEMININE = "TransgenderFeminine", _("Transgender feminine")
    TRANSGENDER_MASCULINE = "TransgenderMasculine", _("Transgender masculine")
    NON_CONFORMING = "NonConforming", _("Non-conforming")
    UNKNOWN = "NonSpecifiedUnknown", _("Not specified / unknown")


class AgeBand(models.TextChoices):
    CHILD_0_13 = "0-13", _("0–13")
    CHILD_14_17 = "14-17", _("14–17")
    ADULT_18_24 = "18-24", _("18–24")
    ADULT_25_34 = "25-34", _("25–34")
    ADULT_35_49 = "35-49", _("35–49")
    ADULT_50_64 = "50-64", _("50–64")
    ADULT_65 = "65+", _("65 and over")
    UNKNOWN = "unknown", _("Unknown")


class MigrationStatus(models.TextChoices):
    NATIONAL = "national", _("National of the country")
    EU_CITIZEN = "eu_citizen", _("EU citizen")
    ASYLUM_SEEKER = "asylum_seeker", _("Asylum seeker")
    REFUGEE = "refugee", _("Refugee")
    COMPLEMENTARY_PROTECTION = "complementary_protection", _("Recipient of complementary protection")
    STATELESS = "stateless", _("Stateless person")
    FAMILY_MIGRANT = "family_migrant", _("Family migrant")
    LABOUR_MIGRANT = "labour_migrant", _("Labour migrant")
    STUDENT_MIGRANT = "student_migrant", _("Student migrant")
    IRREGULAR_MIGRANT = "irregular_migrant", _("Irregular migrant")
    UNACCOMPANIED_CHILD = "unaccompanied_child", _("Separated or unaccompanied child")
    RETURNEE = "returnee", _("Returnee")
    OTHER = "other", _("Other")
    UNKNOWN = "unknown", _("Unknown")


class CaseCategory(models.TextChoices):
    TRAFFICKING = "trafficking", _("Victim of trafficking")
    CRIME = "crime", _("Victim of crime")
    VIOLENCE_AGAINST_WOMEN = "violence_against_women", _("Woman victim of violence")
    ASYLUM_SEEKER = "asylum_seeker", _("Asylum seeker")
    REFUGEE = "refugee", _("Refugee")
    OTHER = "other", pgettext_lazy("a case's category", "Other")


class CaseStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ASSESSMENT = "assessment", _("Assessment")
    SUPPORT_PLAN = "support_plan", _("Support plan")
    SERVICES = "services", _("Services")
    CLOSED = "closed", _("Closed")


# The forward path of a case; any open status may also move back one step, and closing goes through
# the coordinator's approval (case_close_approve), never through a plain status change.
STATUS_NEXT: dict[str, set[str]] = {
    CaseStatus.OPEN: {CaseStatus.ASSESSMENT},
    CaseStatus.ASSESSMENT: {CaseStatus.SUPPORT_PLAN, CaseStatus.OPEN},
    CaseStatus.SUPPORT_PLAN: {CaseStatus.SERVICES, CaseStatus.ASSESSMENT},
    CaseStatus.SERVICES: {CaseStatus.SUPPORT_PLAN},
    CaseStatus.CLOSED: set(),
}


class RiskLevel(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


class CaseFlag(models.TextChoices):
    CHILD = "child", _("Child")
    UNACCOMPANIED = "unaccompanied", _("Unaccompanied")
    DISABILITY = "disability", _("Disability")
    PREGNANCY = "pregnancy", _("Pregnancy")
    NEEDS_INTERPRETER = "needs_interpreter", _("Needs an interpreter")
    SAFETY_RISK = "safety_risk", _("Safety risk")
    CROSS_BORDER = "cross_border", _("Cross-border")
    MEDIA_ATTENTION = "media_attention", _("Media attention")


class TeamFunction(models.TextChoices):
    LAWYER = "lawyer", _("Lawyer")
    PSYCHOLOGIST = "psychologist", _("Psychologist")
    SOCIAL_WORKER = "social_worker", _("Social worker")
    CULTURAL_MEDIATOR = "cultural_mediator", _("Cultural mediator")
    MEDICAL_MEDIATOR = "medical_mediator", _("Medical mediator")
    INTERPRETER = "interpreter", _("Interpreter")
    OTHER = "other", pgettext_lazy("a function in a case's team", "Other")


class TraffickingStatus(models.TextChoices):  # HTCDS `traffickingstatus`
    POSSIBLE = "PossibleVictimOfTrafficking", _("Possible victim of trafficking")
    ACTUAL = "ActualVictimOfTrafficking", _("Actual victim of trafficking")
    NOT_A_VICTIM = "NotAVictimOfTrafficking", _("Not a victim of trafficking")


class ExploitationType(models.TextChoices):  # HTCDS `typeofexploitation`
    FORCED_LABOUR = "ForcedLabour", _("Forced labour")
    SEXUAL_EXPLOITATION = "SexualExploitation", _("Sexual exploitation")
    CHILD_LABOUR = "ChildLabour", _("Child labour")
    FORCED_MARRIAGE = "ForcedMarriage", _("Forced marriage")
    SERVITUDE = "Servitude", _("Servitude")
    FORCED_MILITARY = "ForcedMilitaryByNonStateActors", _("Forced military (by non-state actors)")
    ORGAN_REMOVAL = "OrganRemoval", _("Organ removal")
    FORCED_BEGGING = "ForcedBegging", _("Forced begging")
    FORCED_ADOPTION = "ForcedAdoption", _("Forced adoption")
    SURROGACY = "Surrogacy", _("Surrogacy")
    OTHER = "Other", pgettext_lazy("a form of exploitation", "Other")


class ControlMethod(models.TextChoices):  # HTCDS `methodsofcontrol`
    PHYSICAL_THREATS = "PhysicalThreats", _("Physical threats")
    THREATS_LAW_ENFORCEMENT = "ThreatsLawEnforcement", _("Threats of law enforcement")
    THREATENS_CHILDREN_FAMILY = "ThreatensChildrenFamily", _("Threatens children/family")
    DEBT_BONDAGE = "DebtBondage", _("Debt bondage")
    FALSE_PROMISES = "FalsePromises", _("False promises")
    PHYSICAL_ABUSE = "PhysicalAbuse", _("Physical abuse")
    SEXUAL_ABUSE = "SexualAbuse", _("Sexual abuse")
    TAKES_EARNINGS = "TakesEarnings", _("Takes earnings")
    RESTRICTS_FINANCIAL_ACCESS = "RestrictsFinancialAccess", _("Restricts financial access")
    RESTRICTS_MEDICAL_CARE = "RestrictsMedicalCare", _("Restricts medical care")
    WITHHOLDS_NECESSITIES = "WithholdsNecessities", _("Withholds necessities")
    PSYCHOLOGICAL_ABUSE = "PsychologicalAbuse", _("Psychological abuse")
    PSYCHOACTIVE_SUBSTANCE = "PsychoactiveSubstance", _("Psychoactive substance")
    EXCESSIVE_WORKING_HOURS = "ExcessiveWorkingHours", _("Excessive working hours")
    WITHHOLDS_DOCUMENTS = "WithholdsDocuments", _("Withholds documents")
    OTHER = "Other", pgettext_lazy("a means of control", "Other")


class RecruitmentMethod(models.TextChoices):  # HTCDS `methodofrecruitment`
    PLACE_OF_BUSINESS = "AtAPlaceOfBusiness", _("At a place of business")
    EDUCATIONAL_INSTITUTION = "AtAnEducationalInstitution", _("At an educational institution")
    AT_WORK = "AtWork", _("At work")
    ONLINE_SOCIAL_NETWORKS = "ThroughOnlineSocialNetworks", _("Through online social networks")
    ONLINE_ADVERTISEMENT = "ThroughAnOnlineAdvertisement", _("Through an online advertisement")
    TELEVISION_ADVERT = "ThroughATelevisionAdvert", _("Through a television advert")
    NEWSPAPER_ADVERT = "ThroughANewspaperAdvert", _("Through a newspaper advert")
    FAMILY = "ThroughFamilyOrFamilyEvents", _("Through family or family events")
    FRIENDS = "ThroughFriendsOrSocialEvents", _("Through friends or social events")
    OTHER = "Other", pgettext_lazy("a method of recruitment", "Other")


class ConsentPurpose(models.TextChoices):
    ASSISTANCE = "assistance", _("Assistance")
    SHARING = "sharing", _("Sharing with a named organisation")
    STATISTICS = "statistics", _("Statistics")
    CONTACT = "contact", _("Contact")


class ConsentForm(models.TextChoices):
    WRITTEN = "written", _("Written, signed")
    ORAL = "oral", _("Oral, witnessed")
    ELECTRONIC = "electronic", _("Electronic")
    GUARDIAN = "guardian", _("Given by a legal guardian")


class NeedArea(models.TextChoices):  # Victims' Rights Directive art. 22 individual assessment
    LEGAL = "legal", _("Legal")
    SOCIAL = "social", _("Social")
    PSYCHOLOGICAL = "psychological", _("Psychological")
    MEDICAL = "medical", _("Medical")
    SHELTER = "shelter", _("Shelter")
    INTERPRETATION = "interpretation", _("Interpretation")
    SAFETY = "safety", _("Safety")


class NeedLevel(models.TextChoices):
    NONE = "none", _("No need")
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class ServiceKind(models.TextChoices):
    LEGAL_COUNSELLING = "legal_counselling", _("Legal counselling")
    LEGAL_REPRESENTATION = "legal_representation", _("Legal representation")
    SOCIAL_COUNSELLING = "social_counselling", _("Social counselling")
    PSYCHOLOGICAL_COUNSELLING = "psychological_counselling", _("Psychological counselling")
    CULTURAL_MEDIATION = "cultural_mediation", _("Cultural mediation")
    MEDICAL_MEDIATION = "medical_mediation", _("Medical mediation")
    INTERPRETATION = "interpretation", _("Interpretation")
    ACCOMPANIMENT = "accompaniment", _("Accompaniment")
    SHELTER = "shelter", _("Shelter")


class NoteSeal(models.TextChoices):
    """A sealed note is readable only by team members of the matching profession (SEAL_READERS)."""

    NONE = "none", _("Team note")
    PSYCHOLOGICAL = "psychological", _("Psychological (psychologists on the team only)")
    LEGAL = "legal", _("Legal (lawyers on the team only)")


SEAL_READERS = {NoteSeal.PSYCHOLOGICAL: TeamFunction.PSYCHOLOGIST, NoteSeal.LEGAL: TeamFunction.LAWYER}


class ReferralKind(models.TextChoices):
    INTERNAL = "internal", _("Internal (another department)")
    EXTERNAL = "external", _("External (another organisation)")


class ReferralStatus(models.TextChoices):
    SENT = "sent", _("Sent")
    ACCEPTED = "accepted", _("Accepted")
    COMPLETED = "completed", _("Completed")
    DECLINED = "declined", _("Declined")


REFERRAL_NEXT: dict[str, set[str]] = {
    ReferralStatus.SENT: {ReferralStatus.ACCEPTED, ReferralStatus.DECLINED},
    ReferralStatus.ACCEPTED: {ReferralStatus.COMPLETED, ReferralStatus.DECLINED},
    ReferralStatus.COMPLETED: set(),
    ReferralStatus.DECLINED: set(),
}


class SharedField(models.TextChoices):
    """The pieces of a case a referral may carry; the packet holds only those the consent covers."""

    CODE = "code", _("Beneficiary code")
    NAMES = "names", _("Names")
    DATE_OF_BIRTH = "date_of_birth", _("Date of birth")
    CONTACT = "contact", _("Contact details")
    DOCUMENTS = "documents", _("Identity documents")
    GENDER_AGE = "gender_age", _("Gender and age band")
    NATIONALITY = "nationality", _("Nationality and languages")
    MIGRATION_STATUS = "migration_status", _("Migration or protection status")
    CATEGORY = "category", _("Case category and forms of exploitation")
    NEEDS = "needs", _("Needs assessment")
    RISK = "risk", _("Risk level and flags")


class ProceedingKind(models.TextChoices):
    CRIMINAL_CASE = "criminal_case", _("Criminal case")
    PROTECTION_ORDER = "protection_order", _("Protection order")
    COMPENSATION_CLAIM = "compensation_claim", _("Compensation claim")
    ASYLUM_PROCEDURE = "asylum_procedure", _("Asylum procedure")
    REFLECTION_PERIOD = "reflection_period", _("Reflection period (trafficking)")
    RESIDENCE_PERMIT = "residence_permit", _("Residence permit")


class ProceedingStage(models.TextChoices):
    # Criminal case
    COMPLAINT = "complaint", _("Complaint filed")
    INVESTIGATION = "investigation", _("Criminal investigation")
    INDICTMENT = "indictment", _("Indictment")
    TRIAL = "trial", _("Trial, first instance")
    APPEAL = "appeal", _("Appeal")
    FINAL_JUDGMENT = "final_judgment", _("Final judgment")
    DISCONTINUED = "discontinued", _("Discontinued")
    # Protection order
    REQUESTED = "requested", _("Requested")
    ISSUED = "issued", _("Issued")
    REFUSED = "refused", _("Refused")
    BREACHED = "breached", _("Breached")
    # Compensation claim
    FILED = "filed", _("Filed")
    DECIDED = "decided", _("Decided")
    PAID = "paid", _("Paid")
    # Asylum procedure
    REGISTERED = "registered", _("Application registered")
    INTERVIEW = "interview", _("Interview")
    DUBLIN = "dublin", _("Dublin procedure")
    FIRST_DECISION = "first_decision", _("First-instance decision")
    REFUGEE_STATUS = "refugee_status", _("Refugee status granted")
    SUBSIDIARY_PROTECTION = "subsidiary_protection", _("Subsidiary protection granted")
    REJECTED = "rejected", _("Rejected")
    # Reflection period and residence permit
    GRANTED = "granted", _("Granted")
    EXTENDED = "extended", _("Extended")
    ENDED = "ended", _("Ended")


PROCEEDING_STAGES: dict[str, list[str]] = {
    ProceedingKind.CRIMINAL_CASE: [
        ProceedingStage.COMPLAINT,
        ProceedingStage.INVESTIGATION,
        ProceedingStage.INDICTMENT,
        ProceedingStage.TRIAL,
        ProceedingStage.APPEAL,
        ProceedingStage.FINAL_JUDGMENT,
        ProceedingStage.DISCONTINUED,
    ],
    ProceedingKind.PROTECTION_ORDER: [
        ProceedingStage.REQUESTED,
        ProceedingStage.ISSUED,
        ProceedingStage.REFUSED,
        ProceedingStage.BREACHED,
    ],
    ProceedingKind.COMPENSATION_CLAIM: [
        ProceedingStage.FILED,
        ProceedingStage.DECIDED,
        ProceedingStage.APPEAL,
        ProceedingStage.PAID,
        ProceedingStage.REJECTED,
    ],
    ProceedingKind.ASYLUM_PROCEDURE: [
        ProceedingStage.REGISTERED,
        ProceedingStage.INTERVIEW,
        ProceedingStage.DUBLIN,
        ProceedingStage.FIRST_DECISION,
        ProceedingStage.APPEAL,
        ProceedingStage.REFUGEE_STATUS,
        ProceedingStage.SUBSIDIARY_PROTECTION,
        ProceedingStage.REJECTED,
    ],
    ProceedingKind.REFLECTION_PERIOD: [
        ProceedingStage.REQUESTED,
        ProceedingStage.GRANTED,
        ProceedingStage.EXTENDED,
        ProceedingStage.ENDED,
    ],
    ProceedingKind.RESIDENCE_PERMIT: [
        ProceedingStage.REQUESTED,
        ProceedingStage.GRANTED,
        ProceedingStage.REFUSED,
        ProceedingStage.EXTENDED,
        ProceedingStage.ENDED,
    ],
}


class ClosureOutcome(models.TextChoices):
    GOALS_MET = "goals_met", _("Support plan goals met")
    INTEGRATED = "integrated", _("Integrated / socially included")
    RETURNED = "returned", _("Safe return to the country of origin")
    REFERRED = "referred", _("Referred on to another service")
    LOST_CONTACT = "lost_contact", _("Contact lost")
    WITHDREW = "withdrew", _("Beneficiary withdrew")
    OTHER = "other", _("Other")
