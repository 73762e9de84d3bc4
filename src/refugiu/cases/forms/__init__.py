"""Forms of the staff case pages. They parse and validate input only; every write goes through
`cases.services`, which decides what the user may do.

Identity fields carry `autocomplete="off"` so a shared office computer does not offer one person's name
or document number while another is being registered.

By topic: `beneficiaries`, `cases`, `records` and `referrals`; `common` holds what they share. The pages
import them from here.
"""

from refugiu.cases.forms.beneficiaries import (
    BeneficiaryEditForm,
    BeneficiaryFieldsForm,
    BeneficiaryMergeForm,
    BeneficiaryRegisterForm,
    BeneficiarySearchForm,
    LanguagesField,
)
from refugiu.cases.forms.cases import (
    BreakGlassByReferenceForm,
    BreakGlassForm,
    CaseCloseDecideForm,
    CaseCloseForm,
    CaseEditForm,
    CaseFieldsForm,
    CaseFilterForm,
    CaseOpenForm,
    CaseReopenForm,
    CaseStatusForm,
    TeamAddForm,
)
from refugiu.cases.forms.common import (
    CaseForm,
    StaffChoiceField,
    VersionedForm,
    case_staff_queryset,
)
from refugiu.cases.forms.records import (
    AssessmentForm,
    ConsentForm,
    NoteForm,
    ProceedingEditForm,
    ProceedingFieldsForm,
    ProceedingNewForm,
    ServiceEntryForm,
    TaskForm,
)
from refugiu.cases.forms.referrals import (
    ReferralForm,
    ReferralUpdateForm,
)

__all__ = [
    "AssessmentForm",
    "BeneficiaryEditForm",
    "BeneficiaryFieldsForm",
    "BeneficiaryMergeForm",
    "BeneficiaryRegisterForm",
    "BeneficiarySearchForm",
    "BreakGlassByReferenceForm",
    "BreakGlassForm",
    "CaseCloseDecideForm",
    "CaseCloseForm",
    "CaseEditForm",
    "CaseFieldsForm",
    "CaseFilterForm",
    "CaseForm",
    "CaseOpenForm",
    "CaseReopenForm",
    "CaseStatusForm",
    "ConsentForm",
    "LanguagesField",
    "NoteForm",
    "ProceedingEditForm",
    "ProceedingFieldsForm",
    "ProceedingNewForm",
    "ReferralForm",
    "ReferralUpdateForm",
    "ServiceEntryForm",
    "StaffChoiceField",
    "TaskForm",
    "TeamAddForm",
    "VersionedForm",
    "case_staff_queryset",
]
