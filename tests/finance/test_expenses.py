"""Expenses and their supporting documents, through the pages as a financial manager, the grant's
coordinator and auditor, and those refused; closed periods and their adjustments; the audit trail."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from refugiu.core.models import AuditEntry
from refugiu.core.private_files import storage_dir
from refugiu.finance.access import FinanceAccessDenied
from refugiu.finance.models import Expense, ExpenseDocument
from refugiu.finance.services import expenses as services
from refugiu.finance.services.documents import expense_document_add
from refugiu.finance.services.errors import FinanceError, PeriodClosed
from refugiu.finance.vocabularies import ExpenseStatus
from tests.finance.factories import PDF, document_example, expense_example, finance_world, sign_in

pytestmark = pytest.mark.django_db

READERS = ("manager", "coordinator", "auditor")
REFUSED = ("other_coordinator", "expired_auditor", "timesheet", "caseworker")


@pytest.fixture
def world():
    return finance_world()


def _close(period):
    period.submitted_at = dt.datetime(2020, 2, 1, tzinfo=dt.UTC)
    period.save()


def _form(grant, **changes):
    us = grant.partners.first()
    data = {
        "date": "2019-04-10",
        "partner": us.pk,
        "category": grant.template.categories.get(code="C.1").pk,
        "work_package": grant.work_packages.get(number=2).pk,
        "supplier": "Example Hotel",
        "description": "Two nights for the training",
        "reference": "H-77",
        "currency": "EUR",
        "amount": "238.00",
        "vat_amount": "38.00",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_the_manager_records_an_expense_through_the_form(client, world):
    grant = world["grant"]
    sign_in(client, world["manager"])
    assert client.get(reverse("finance:expense_new", args=[grant.pk])).status_code == 200
    response = client.post(reverse("finance:expense_new", args=[grant.pk]), _form(grant))
    expense = Expense.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("finance:expense", args=[grant.pk, expense.pk])
    assert (expense.period.number, expense.amount_eur, expense.status) == (1, Decimal("200.00"), "recorded")
    assert expense.created_by == world["manager"]
    entry = AuditEntry.objects.get(action="finance.expense.created")
    assert entry.object_id == str(expense.pk) and "238" not in str(entry.detail)


def test_the_form_keeps_what_was_typed_and_lists_every_problem(client, world):
    grant = world["grant"]
    sign_in(client, world["manager"])
    response = client.post(
        reverse("finance:expense_new", args=[grant.pk]),
        _form(
            grant, date="2018-06-01", currency="XX1", amount="10.00", vat_amount="12.00", supplier="Shop  "
        ),
    )
    assert response.status_code == 400
    text = response.text
    assert "outside the grant" in text and "three-letter ISO code" in text and "VAT cannot be more" in text
    assert (
        'value="2018-06-01"' in text
        and 'value="XX1"' in text
        and 'value="Two nights for the training"' in text
    )
    assert not Expense.objects.exists()
    response = client.post(reverse("finance:expense_new", args=[grant.pk]), _form(grant, amount="abc"))
    assert response.status_code == 400 and 'value="abc"' in response.text


def test_a_grant_with_work_packages_needs_one_and_only_leaves_are_booked(world):
    grant, manager = world["grant"], world["manager"]
    with pytest.raises(FinanceError) as refused:
        expense_example(grant, manager, work_package=None, category=grant.template.categories.get(code="E"))
    assert len(refused.value.messages) == 2


def test_our_staff_costs_are_not_expenses_but_a_partners_are(client, world):
    """The timesheet category (A.1 here) of the beneficiary that is us takes no expense: our staff costs
    are the approved time × rate and would be counted twice. Another beneficiary declares its own."""
    grant = world["grant"]
    us, partner = grant.partners.get(is_us=True), grant.partners.get(is_us=False)
    staff_costs = grant.template.categories.get(from_timesheets=True)
    sign_in(client, world["manager"])
    url = reverse("finance:expense_new", args=[grant.pk])
    response = client.post(url, _form(grant, partner=us.pk, category=staff_costs.pk, vat_amount="0"))
    assert response.status_code == 400
    assert "Our staff costs come from the approved timesheets" in response.text
    assert not Expense.objects.exists()
    response = client.post(url, _form(grant, partner=partner.pk, category=staff_costs.pk, vat_amount="0"))
    assert response.status_code == 302
    expense = Expense.objects.get()
    assert (expense.partner, expense.category) == (partner, staff_costs)
    with pytest.raises(FinanceError, match="approved timesheets"):
        services.expense_update(
            actor=world["manager"],
            expense=expense,
            data=services.ExpenseFields(
                **{name: getattr(expense, name) for name in services.FIELD_NAMES if name not in ("partner",)},
                partner=us,
            ),
        )


def test_readers_see_the_list_and_the_expense_and_refused_roles_get_404(client, world):
    grant, manager = world["grant"], world["manager"]
    expense = expense_example(grant, manager)
    document = document_example(expense, manager)
    urls = [
        reverse("finance:expenses", args=[grant.pk]),
        reverse("finance:expense", args=[grant.pk, expense.pk]),
        reverse("finance:expense_document", args=[grant.pk, expense.pk, document.pk]),
    ]
    for who in READERS:
        sign_in(client, world[who])
        listing = client.get(urls[0])
        assert listing.status_code == 200 and "Example Travel Ltd" in listing.text, who
        assert ("Record an expense" in listing.text) == (who == "manager"), who
        detail = client.get(urls[1])
        assert detail.status_code == 200 and "Invoice INV-001" in detail.text, who
        assert ("Approve" in detail.text) == (who == "manager"), who
        download = client.get(urls[2])
        assert download.status_code == 200 and download.content == PDF, who
        assert download["Content-Type"] == "application/pdf"
        assert download["Content-Disposition"].startswith("attachment;")
        assert "INV" not in download["Content-Disposition"]
    for who in REFUSED:
        sign_in(client, world[who])
        for url in urls:
            assert client.get(url).status_code == 404, (who, url)
    for who in ("coordinator", "auditor"):
        sign_in(client, world[who])
        for name in ("expense_edit", "expense_adjust", "expense_decide", "expense_document_new"):
            url = reverse(f"finance:{name}", args=[grant.pk, expense.pk])
            assert client.get(url).status_code == 404 and client.post(url, {}).status_code == 404, (who, name)
    downloads = AuditEntry.objects.filter(action="finance.expensedocument.downloaded")
    assert sorted(downloads.values_list("actor_id", flat=True)) == sorted(world[who].pk for who in READERS)
    assert AuditEntry.objects.filter(
        action="finance.grant.access_refused", actor=world["other_coordinator"]
    ).exists()


def test_another_grants_expense_or_document_is_404_and_audited(client, world):
    grant, manager = world["grant"], world["manager"]
    other = finance_world()
    other["grant"].coordinators.add(world["coordinator"])
    expense = expense_example(other["grant"], manager)
    document = document_example(expense, manager)
    own = expense_example(grant, manager)
    sign_in(client, world["coordinator"])
    assert client.get(reverse("finance:expense", args=[grant.pk, expense.pk])).status_code == 404
    url = reverse("finance:expense_document", args=[grant.pk, own.pk, document.pk])
    assert client.get(url).status_code == 404
    assert AuditEntry.objects.filter(
        action="finance.expense.access_refused", object_id=str(expense.pk)
    ).exists()
    assert AuditEntry.objects.filter(
        action="finance.expensedocument.access_refused", object_id=str(document.pk)
    ).exists()


def test_filters_and_pages(client, world):
    grant, manager = world["grant"], world["manager"]
    partner = grant.partners.last()
    for day in range(1, 56):
        expense_example(
            grant, manager, date=dt.date(2019, 5, 1) + dt.timedelta(days=day), supplier=f"Shop {day}"
        )
    expense_example(grant, manager, partner=partner, supplier="Partner's printer", date=dt.date(2020, 2, 3))
    sign_in(client, world["coordinator"])
    url = reverse("finance:expenses", args=[grant.pk])
    first = client.get(url)
    assert "56 expenses" in first.text and "Page 1 of 2" in first.text
    assert "Page 2 of 2" in client.get(url, {"page": 2}).text
    by_partner = client.get(url, {"partner": partner.pk})
    assert "1 expense" in by_partner.text and "Partner&#x27;s printer" in by_partner.text
    assert "1 expense" in client.get(url, {"period": 2}).text
    assert "0 expenses" in client.get(url, {"status": "approved"}).text
    assert "56 expenses" in client.get(url, {"status": "recorded", "category": "x"}).text


def test_approve_reject_and_eligibility(client, world):
    grant, manager = world["grant"], world["manager"]
    expense = expense_example(grant, manager)
    sign_in(client, manager)
    decide = reverse("finance:expense_decide", args=[grant.pk, expense.pk])
    assert client.get(decide).status_code == 405
    response = client.post(decide, {"action": "ineligible", "reason": ""})
    assert response.status_code == 400 and "Say why" in response.text
    assert (
        client.post(decide, {"action": "ineligible", "reason": "Paid after the grant's end"}).status_code
        == 302
    )
    expense.refresh_from_db()
    assert not expense.eligible and expense.ineligible_reason == "Paid after the grant's end"
    assert client.post(decide, {"action": "approve"}).status_code == 302
    expense.refresh_from_db()
    assert expense.status == ExpenseStatus.APPROVED and expense.approved_by == manager and expense.approved_at
    response = client.post(decide, {"action": "reject"})
    assert response.status_code == 400 and "waiting for approval" in response.text
    edit = reverse("finance:expense_edit", args=[grant.pk, expense.pk])
    response = client.post(edit, _form(grant))
    assert response.status_code == 400 and "Only an expense waiting for approval" in response.text
    other = expense_example(grant, manager)
    services.expense_reject(actor=manager, expense=other)
    assert Expense.objects.get(pk=other.pk).status == ExpenseStatus.REJECTED
    actions = set(
        AuditEntry.objects.filter(action__startswith="finance.expense.").values_list("action", flat=True)
    )
    assert {"finance.expense.ineligible", "finance.expense.approved", "finance.expense.rejected"} <= actions
    for who in ("coordinator", "auditor"):
        with pytest.raises(FinanceAccessDenied):
            services.expense_approve(actor=world[who], expense=other)


def test_edit_while_recorded_and_open(client, world):
    grant, manager = world["grant"], world["manager"]
    expense = expense_example(grant, manager)
    sign_in(client, manager)
    url = reverse("finance:expense_edit", args=[grant.pk, expense.pk])
    page = client.get(url)
    assert page.status_code == 200 and 'value="Example Travel Ltd"' in page.text
    response = client.post(url, _form(grant, date="2020-03-01", currency="usd"))
    assert response.status_code == 302
    expense.refresh_from_db()
    assert (expense.period.number, expense.currency, expense.amount_eur) == (2, "USD", None)
    entry = AuditEntry.objects.get(action="finance.expense.changed")
    assert "date" in entry.detail["fields"] and "currency" in entry.detail["fields"]
    detail = client.get(reverse("finance:expense", args=[grant.pk, expense.pk]))
    assert "rates for USD are missing for reporting period 2" in detail.text
    listing = client.get(reverse("finance:expenses", args=[grant.pk]))
    assert "USD, reporting period 2" in listing.text


def test_a_closed_period_refuses_changes_and_takes_adjustments(client, world):
    grant, manager = world["grant"], world["manager"]
    expense = expense_example(grant, manager)
    _close(grant.periods.get(number=1))
    expense.refresh_from_db()
    sign_in(client, manager)
    with pytest.raises(PeriodClosed):
        expense_example(grant, manager)
    for call in (services.expense_approve, services.expense_reject):
        with pytest.raises(PeriodClosed):
            call(actor=manager, expense=expense)
    with pytest.raises(PeriodClosed):
        services.expense_eligibility_set(actor=manager, expense=expense, eligible=False, reason="late")
    response = client.post(reverse("finance:expense_new", args=[grant.pk]), _form(grant))
    assert response.status_code == 400 and "Reporting period 1 is closed" in response.text
    response = client.post(reverse("finance:expense_edit", args=[grant.pk, expense.pk]), _form(grant))
    assert response.status_code == 400 and "is closed" in response.text
    detail = client.get(reverse("finance:expense", args=[grant.pk, expense.pk]))
    assert "Record an adjustment" in detail.text and "Approve" not in detail.text
    adjust = reverse("finance:expense_adjust", args=[grant.pk, expense.pk])
    assert client.get(adjust).status_code == 200
    response = client.post(
        adjust, _form(grant, date="2019-03-15", amount="-24.00", vat_amount="4.00", description="Refund")
    )
    assert response.status_code == 302
    adjustment = Expense.objects.get(adjusts=expense)
    assert (adjustment.period.number, adjustment.amount_eur) == (2, Decimal("-20.00"))
    assert Expense.objects.get(pk=expense.pk).amount_eur == Decimal("100.00")  # as reported
    assert AuditEntry.objects.filter(action="finance.expense.adjusted", object_id=str(adjustment.pk)).exists()
    assert "Adjusted by" in client.get(reverse("finance:expense", args=[grant.pk, expense.pk])).text
    open_one = expense_example(grant, manager, date=dt.date(2020, 1, 10))
    with pytest.raises(FinanceError, match="still open"):
        services.expense_adjust(
            actor=manager,
            original=open_one,
            data=services.ExpenseFields(**{name: getattr(open_one, name) for name in services.FIELD_NAMES}),
        )
    _close(grant.periods.get(number=2))
    with pytest.raises(PeriodClosed):
        services.expense_adjust(
            actor=manager,
            original=expense,
            data=services.ExpenseFields(**{name: getattr(expense, name) for name in services.FIELD_NAMES}),
        )


def test_documents_upload_refuses_a_wrong_type_and_stores_encrypted(client, world):
    grant, manager = world["grant"], world["manager"]
    expense = expense_example(grant, manager)
    sign_in(client, manager)
    url = reverse("finance:expense_document_new", args=[grant.pk, expense.pk])
    assert client.get(url).status_code == 302
    html = SimpleUploadedFile(
        "invoice.pdf", b"<html><script>alert(1)</script></html>", content_type="application/pdf"
    )
    response = client.post(url, {"kind": "invoice", "title": "Invoice", "file": html})
    assert response.status_code == 400 and "This kind of file cannot be uploaded" in response.text
    assert 'value="Invoice"' in response.text
    exe = SimpleUploadedFile("pass.png", b"MZ\x90\x00" + bytes(200), content_type="image/png")
    response = client.post(url, {"kind": "boarding_pass", "title": "Boarding pass", "file": exe})
    assert response.status_code == 400
    assert not ExpenseDocument.objects.exists()
    pdf = SimpleUploadedFile("Jane Doe invoice.pdf", PDF, content_type="application/pdf")
    response = client.post(url, {"kind": "invoice", "title": "Invoice H-77", "file": pdf})
    assert response.status_code == 302
    document = ExpenseDocument.objects.get()
    assert (document.kind, document.extension, document.size) == ("invoice", "pdf", len(PDF))
    stored = (storage_dir() / document.stored_name).read_bytes()
    assert PDF not in stored and b"%PDF" not in stored
    assert "Jane" not in document.title
    entry = AuditEntry.objects.get(action="finance.expensedocument.uploaded")
    assert entry.detail["type"] == "pdf"
    download = client.get(reverse("finance:expense_document", args=[grant.pk, expense.pk, document.pk]))
    assert download.content == PDF and download["Cache-Control"] == "no-store"
    assert download["Content-Security-Policy"] == "default-src 'none'; sandbox"


def test_too_big_and_empty_documents_are_refused(client, world, settings):
    grant, manager = world["grant"], world["manager"]
    expense = expense_example(grant, manager)
    settings.REFUGIU = {**settings.REFUGIU, "UPLOAD_MAX_BYTES": 2048}
    sign_in(client, manager)
    url = reverse("finance:expense_document_new", args=[grant.pk, expense.pk])
    big = SimpleUploadedFile("big.txt", b"a" * 5000, content_type="text/plain")
    response = client.post(url, {"kind": "other", "title": "Big", "file": big})
    assert response.status_code == 400 and "too large" in response.text
    with pytest.raises(FinanceError) as refused:
        expense_document_add(actor=manager, expense=expense, kind="nonsense", title=" ", data=b"")
    assert len(refused.value.messages) == 3
    with pytest.raises(FinanceAccessDenied):
        expense_document_add(actor=world["auditor"], expense=expense, kind="invoice", title="x", data=PDF)
    assert not ExpenseDocument.objects.exists()


def test_convert_again_from_the_list(client, world):
    grant, manager = world["grant"], world["manager"]
    expense = expense_example(grant, manager, currency="USD", amount=Decimal("112"), vat_amount=Decimal("0"))
    from refugiu.finance.models import ExchangeRate

    ExchangeRate.objects.create(
        currency="USD", date=dt.date(2019, 3, 1), rate=Decimal("1.12"), source="manual"
    )
    sign_in(client, manager)
    listing = client.get(reverse("finance:expenses", args=[grant.pk]))
    assert "Rates missing" in listing.text
    assert client.post(reverse("finance:expenses_convert", args=[grant.pk])).status_code == 302
    expense.refresh_from_db()
    assert expense.amount_eur == Decimal("100.00")
