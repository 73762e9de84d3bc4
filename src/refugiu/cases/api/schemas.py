"""Input and output schemas of the cases API (refugiu.cases.api).

Controlled values are the codes of `cases.vocabularies` (HTCDS names for the trafficking lists), given
to OpenAPI as enums. Outputs never carry a beneficiary's identity, except `IdentityOut`, which only the
audited identity endpoint returns; a beneficiary is otherwise known by their pseudonymous code.
"""

import datetime as dt
import uuid
from typing import Annotated, Any, Literal

from django.db import models
from ninja import Field, Schema
from pydantic import ConfigDict, GetPydanticSchema

from refugiu.cases import vocabularies as v
from refugiu.cases.api.fields import MAX_ID as MAX_ID  # re-exported: the endpoints name them through here
from refugiu.cases.api.fields import Country, Date, Id, In, JsonInteger, Money, Uuid, one_of
from refugiu.cases.api.fields import NoBody as NoBody
from refugiu.cases.api.problems import Problem

# An output that extends an input: read from the server's own records, not from a client.
OUT = ConfigDict(strict=False, extra="ignore")


def choice(choices: type[models.TextChoices]) -> GetPydanticSchema:
    """The codes of a vocabulary, as `Annotated[str, choice(...)]` (`fields.one_of`)."""
    return one_of(tuple(choices.values))


Gender = Annotated[str, choice(v.Gender)]
AgeBand = Annotated[str, choice(v.AgeBand)]
MigrationStatus = Annotated[str, choice(v.MigrationStatus)]
CaseCategory = Annotated[str, choice(v.CaseCategory)]
CaseStatus = Annotated[str, choice(v.CaseStatus)]
RiskLevel = Annotated[str, choice(v.RiskLevel)]
CaseFlag = Annotated[str, choice(v.CaseFlag)]
TeamFunction = Annotated[str, choice(v.TeamFunction)]
TraffickingStatus = Annotated[str, choice(v.TraffickingStatus)] | Literal[""]
ExploitationType = Annotated[str, choice(v.ExploitationType)]
ControlMethod = Annotated[str, choice(v.ControlMethod)]
RecruitmentMethod = Annotated[str, choice(v.RecruitmentMethod)]
ConsentPurpose = Annotated[str, choice(v.ConsentPurpose)]
ConsentForm = Annotated[str, choice(v.ConsentForm)]
NeedLevel = Annotated[str, choice(v.NeedLevel)]
ServiceKind = Annotated[str, choice(v.ServiceKind)]
NoteSeal = Annotated[str, choice(v.NoteSeal)]
ReferralKind = Annotated[str, choice(v.ReferralKind)]
ReferralStatus = Annotated[str, choice(v.ReferralStatus)]
SharedField = Annotated[str, choice(v.SharedField)]
ProceedingKind = Annotated[str, choice(v.ProceedingKind)]
ProceedingStage = Annotated[str, choice(v.ProceedingStage)]
ClosureOutcome = Annotated[str, choice(v.ClosureOutcome)] | Literal[""]


LanguageCode = Annotated[str, Field(min_length=2, max_length=16, description="A language code (ISO 639).")]
# The default of a field of a change (PATCH): one that is not sent is left out (`exclude_unset`), so this None
# is never read; one that is sent must hold a value of the field's type (null is refused, and the OpenAPI
# document does not offer it). Typed Any because it is, on purpose, not a value of that type.
UNSENT: Any = None


class Staff(Schema):
    id: int
    name: str


class Department(Schema):
    id: int
    name: str


# --- beneficiaries --------------------------------------------------------------------------------------


class BeneficiaryOut(Schema):
    id: int
    code: str = Field(description="The pseudonymous code: how the person is named everywhere by default.")
    gender: Gender
    age_band: AgeBand
    nationality: Country
    languages: list[str]
    migration_status: MigrationStatus
    version: Id


class IdentityIn(In):
    given_names: str = Field("", max_length=500)
    family_names: str = Field("", max_length=500)
    other_names: str = Field("", max_length=1000, description="Other names and spellings.")
    date_of_birth: str = Field("", max_length=40, description="As known: a date, a year, or approximate.")
    phone: str = Field("", max_length=100)
    email: str = Field("", max_length=254)
    address: str = Field("", max_length=1000)
    document_type: str = Field("", max_length=100)
    document_number: str = Field("", max_length=100)


class IdentityOut(IdentityIn):
    model_config = OUT

    beneficiary_id: Id
    code: str


class BeneficiaryIn(In):
    identity: IdentityIn
    gender: Gender = v.Gender.UNKNOWN.value
    age_band: AgeBand = v.AgeBand.UNKNOWN.value
    nationality: Country = ""
    languages: list[LanguageCode] = Field(default_factory=list, max_length=20)
    migration_status: MigrationStatus = v.MigrationStatus.UNKNOWN.value
    register_despite_matches: bool = Field(
        False,
        description="Search-before-register: registration answers 409 with the possible duplicates unless "
        "this is true (set it once the caller has checked they are other people).",
    )


class BeneficiarySearchIn(In):
    names: str = Field("", max_length=500, description="Any of the person's names, in any order.")
    phone: str = Field("", max_length=100)
    document: str = Field("", max_length=100, description="An identity document number.")
    code: str = Field("", max_length=16, description="A beneficiary code.")


class CaseRef(Schema):
    id: int
    reference: str
    department: Department
    status: CaseStatus


class BeneficiaryMatch(Schema):
    code: str
    matched_on: list[Literal["name", "phone", "document", "code"]]
    beneficiary_id: Id | None = Field(
        description="Given when the caller works on one of the person's cases (or registered them and "
        "no case was opened yet); null for a record known only elsewhere, which is named by its code."
    )
    cases: list[CaseRef] = Field(description="The person's cases the caller may see.")


class PossibleDuplicates(Problem):
    code: Annotated[str, one_of(("possible_duplicate",))]
    matches: list[BeneficiaryMatch]


# --- cases ----------------------------------------------------------------------------------------------


class CaseSummary(Schema):
    id: int
    reference: str
    beneficiary_code: str
    department: Department
    category: CaseCategory
    status: CaseStatus
    risk_level: RiskLevel
    flags: list[CaseFlag]
    opened_on: dt.date
    updated_at: dt.datetime
    is_overdue: bool = Field(description="An open task or a proceeding's deadline is past.")
    closure_requested: bool


class CasePage(Schema):
    total_items: int
    total_pages: int
    page_number: int
    size: int
    contents: list[CaseSummary]


class CaseOut(Schema):
    id: int
    reference: str
    version: int = Field(description="Send it back with a PATCH: a save over a newer version answers 409.")
    beneficiary: BeneficiaryOut
    department: Department
    category: CaseCategory
    status: CaseStatus
    risk_level: RiskLevel
    flags: list[CaseFlag]
    trafficking_status: TraffickingStatus
    exploitation_types: list[ExploitationType]
    control_methods: list[ControlMethod]
    recruitment_methods: list[RecruitmentMethod]
    exploitation_country: Country
    summary: str
    opened_on: dt.date
    updated_at: dt.datetime
    closure_requested_at: dt.datetime | None
    closure_outcome: ClosureOutcome
    closed_on: dt.date | None


class TeamMemberOut(Schema):
    user: Staff
    function: TeamFunction
    is_lead: bool


class AssessmentIn(In):
    assessed_on: Date | None = Field(None, description="Defaults to today.")
    legal: NeedLevel = "none"
    social: NeedLevel = "none"
    psychological: NeedLevel = "none"
    medical: NeedLevel = "none"
    shelter: NeedLevel = "none"
    interpretation: NeedLevel = "none"
    safety: NeedLevel = "none"
    notes: str = Field("", max_length=20_000)


class AssessmentOut(AssessmentIn):
    model_config = OUT

    id: int
    assessed_on: dt.date
    author: Staff


class Organization(Schema):
    id: uuid.UUID
    name: str


class ConsentIn(In):
    purpose: ConsentPurpose
    form: ConsentForm
    given_on: Date | None = Field(None, description="Defaults to today.")
    organization_id: Uuid | None = Field(
        None, description="Sharing: the directory organisation the person agreed to share with."
    )
    recipient_name: str = Field("", max_length=200, description="Sharing: a recipient not in the directory.")
    shared_fields: list[SharedField] = Field(default_factory=list, description="Sharing: what may be shared.")


class ConsentOut(Schema):
    id: int
    case_id: int | None
    purpose: ConsentPurpose
    form: ConsentForm
    given_on: dt.date
    organization: Organization | None
    recipient_name: str
    shared_fields: list[SharedField]
    withdrawn_on: dt.date | None
    is_active: bool


class ConsentWithdrawIn(In):
    withdrawn_on: Date | None = Field(None, description="Defaults to today.")


class ProceedingFields(In):
    authority: str = Field("", max_length=200, description="Court or authority.")
    file_number: str = Field("", max_length=200)
    started_on: Date | None = None
    decided_on: Date | None = None
    deadline: Date | None = Field(None, description="The next deadline; it appears in the team's work.")
    deadline_label: str = Field("", max_length=200, description="What is due by the deadline.")
    is_dublin: bool = False
    is_appeal: bool = False
    pecuniary_claimed: Money = None
    non_pecuniary_claimed: Money = None
    pecuniary_awarded: Money = None
    non_pecuniary_awarded: Money = None
    currency: str = Field("", max_length=3, description="ISO 4217, e.g. EUR.")
    evidence: str = Field("", max_length=20_000, description="E.g. psychological reports.")
    notes: str = Field("", max_length=20_000)


class ProceedingIn(ProceedingFields):
    kind: ProceedingKind
    stage: ProceedingStage = Field(description="One of the stages of the proceeding's kind.")


class ProceedingUpdateIn(In):
    """Only the fields sent are changed."""

    version: Id
    stage: ProceedingStage = UNSENT
    authority: str = Field(UNSENT, max_length=200)
    file_number: str = Field(UNSENT, max_length=200)
    started_on: Date | None = None
    decided_on: Date | None = None
    deadline: Date | None = None
    deadline_label: str = Field(UNSENT, max_length=200)
    is_dublin: bool = UNSENT
    is_appeal: bool = UNSENT
    pecuniary_claimed: Money = None
    non_pecuniary_claimed: Money = None
    pecuniary_awarded: Money = None
    non_pecuniary_awarded: Money = None
    currency: str = Field(UNSENT, max_length=3)
    evidence: str = Field(UNSENT, max_length=20_000)
    notes: str = Field(UNSENT, max_length=20_000)


class ProceedingOut(ProceedingIn):
    model_config = OUT

    id: int
    version: Id


class TaskIn(In):
    title: str = Field(min_length=1, max_length=500)
    due_on: Date
    assignee_id: Id | None = Field(None, description="A member of staff who works on the case; default: you.")


class TaskOut(Schema):
    id: int
    title: str
    due_on: dt.date
    assignee: Staff
    done_at: dt.datetime | None
    is_overdue: bool


class CaseDetail(CaseOut):
    team: list[TeamMemberOut]
    latest_assessment: AssessmentOut | None
    consents: list[ConsentOut] = Field(description="The person's consents, latest first.")
    proceedings: list[ProceedingOut]
    open_tasks: list[TaskOut]
    can_edit: bool = Field(description="The caller may write to this case (team member or coordinator).")
    can_coordinate: bool = Field(description="The caller is the department's coordinator.")


class TeamMemberIn(In):
    user_id: Id
    function: TeamFunction
    is_lead: bool = False


class CaseOpenIn(In):
    beneficiary_id: Id = Field(description="A person you registered, or one of whose cases you work on.")
    department_id: Id = Field(description="A department you work in.")
    category: CaseCategory
    risk_level: RiskLevel = v.RiskLevel.LOW.value
    flags: list[CaseFlag] = Field(default_factory=list)
    trafficking_status: TraffickingStatus = ""
    exploitation_types: list[ExploitationType] = Field(default_factory=list)
    control_methods: list[ControlMethod] = Field(default_factory=list)
    recruitment_methods: list[RecruitmentMethod] = Field(default_factory=list)
    exploitation_country: Country = ""
    summary: str = Field("", max_length=20_000)
    team: list[TeamMemberIn] = Field(
        default_factory=list,
        description="Coordinators only: who works on the case. Without it, a caseworker who opens a case "
        "leads its team.",
    )
    my_function: TeamFunction | None = Field(
        None,
        description="Your function on the case, when you lead it (default: the one you last held).",
    )


class CaseUpdateIn(In):
    """Only the fields sent are changed. `status` moves the case along its path (open → assessment →
    support plan → services; one step back is allowed); closing goes through the coordinator."""

    version: Id
    category: CaseCategory = UNSENT
    risk_level: RiskLevel = UNSENT
    flags: list[CaseFlag] = UNSENT
    trafficking_status: TraffickingStatus = UNSENT
    exploitation_types: list[ExploitationType] = UNSENT
    control_methods: list[ControlMethod] = UNSENT
    recruitment_methods: list[RecruitmentMethod] = UNSENT
    exploitation_country: Country = UNSENT
    summary: str = Field(UNSENT, max_length=20_000)
    status: CaseStatus = UNSENT
    status_note: str = Field("", max_length=5_000, description="Why the status changed.")


# --- what happens in a case -----------------------------------------------------------------------------


class SessionIn(In):
    kind: ServiceKind
    duration_minutes: Annotated[int, Field(gt=0, le=24 * 60), JsonInteger]
    delivered_on: Date | None = Field(None, description="Defaults to today; never in the future.")
    mediator: str = Field("", max_length=150, description="The mediator or interpreter present.")
    language: str = Field("", max_length=16, description="The language used (ISO 639).")
    note: str = Field("", max_length=20_000)


class SessionOut(SessionIn):
    model_config = OUT

    id: int
    delivered_on: dt.date
    staff: Staff


class NoteIn(In):
    text: str = Field(min_length=1, max_length=50_000)
    seal: NoteSeal = Field(
        v.NoteSeal.NONE.value,
        description="psychological / legal: readable only by the psychologists / lawyers on the team.",
    )


class NoteOut(NoteIn):
    model_config = OUT

    id: int
    author: Staff
    written_at: dt.datetime


class ReferralIn(In):
    """Exactly one destination: `service_id`, `organization_id` or `department_id`."""

    service_id: Uuid | None = Field(None, description="External: a service of the directory.")
    organization_id: Uuid | None = Field(
        None,
        description="External: an organisation of the directory itself, not one of its services (for one "
        "with no listed service, such as a prosecutor's office). The consent to share with it applies.",
    )
    department_id: Id | None = Field(None, description="Internal: another department.")
    reason: str = Field(min_length=1, max_length=20_000)
    shared_fields: list[SharedField] = Field(
        description="Exactly which data is shared; the consent must cover it."
    )
    override_reason: str = Field(
        "", max_length=5_000, description="Coordinators only: why the referral goes without consent."
    )


class ReferralUpdateIn(In):
    version: Id
    status: ReferralStatus = Field(description="sent → accepted → completed; sent or accepted → declined.")
    decline_reason: str = Field("", max_length=5_000, description="Required when declined.")
    feedback: str = Field("", max_length=20_000)


class ServiceRef(Schema):
    id: uuid.UUID
    name: str
    organization: Organization


class ReferralOut(Schema):
    id: int
    version: Id
    kind: ReferralKind
    status: ReferralStatus
    service: ServiceRef | None = Field(
        description="The directory service referred to, with its organisation."
    )
    organization: Organization | None = Field(
        None,
        description="The directory organisation referred to itself, not one of its services (null when the "
        "referral goes to a service or a department).",
    )
    department: Department | None
    country: str
    is_cross_border: bool
    reason: str
    shared_fields: list[SharedField]
    consent_id: int | None
    consent_overridden: bool
    sent_on: dt.date
    responded_on: dt.date | None
    completed_on: dt.date | None
    decline_reason: str
    feedback: str


class TimelineEntry(Schema):
    """One event of the case. Which optional fields are set depends on `kind`."""

    kind: Literal["service", "note", "sealed_note", "status", "referral", "assessment", "consent", "document"]
    at: dt.datetime
    id: int
    by: Staff | None
    text: str | None = Field(
        description="The note, the session's note or the status change's note; null for a sealed note "
        "the caller may not read."
    )
    seal: NoteSeal | None = None
    service_kind: ServiceKind | None = None
    duration_minutes: int | None = None
    language: str | None = None
    mediator: str | None = None
    from_status: CaseStatus | Literal[""] | None = None
    to_status: CaseStatus | None = None
    referral_kind: ReferralKind | None = None
    referral_status: ReferralStatus | None = None
    destination: str | None = None
    consent_purpose: ConsentPurpose | None = None
    consent_active: bool | None = None
    title: str | None = Field(None, description="A document's title.")


class CaseBrief(Schema):
    id: int
    reference: str
    beneficiary_code: str


class WorkItem(Schema):
    kind: Literal["task", "deadline"]
    due_on: dt.date
    is_overdue: bool
    case: CaseBrief
    title: str = Field(description="The task, or what is due by the proceeding's deadline.")
    task_id: int | None
    proceeding_id: int | None
    proceeding_kind: ProceedingKind | None
