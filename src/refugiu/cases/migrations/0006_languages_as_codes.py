"""A beneficiary's languages become ISO 639 codes. Before, the form took any word of two to eight letters,
so records hold free text such as "romanian, russian": each value that names a language (its code, or its
name in English, Romanian or the language itself) becomes its code (`cases.languages.languages_to_codes`);
any other value is kept as it was written, and the records holding one are reported by their code (not
their values) so that someone can correct them from the beneficiary's page, which keeps such a value until
it is changed. Nothing is lost. Backwards, the codes stay: they are valid text."""

from django.db import migrations


def languages_to_codes(apps, schema_editor):
    from refugiu.cases.languages import languages_to_codes as read

    Beneficiary = apps.get_model("cases", "Beneficiary")
    changed, unread = [], []
    for beneficiary in Beneficiary.objects.only("pk", "code", "languages").iterator(chunk_size=500):
        values = beneficiary.languages if isinstance(beneficiary.languages, list) else []
        codes, unknown = read(values)
        if unknown:
            unread.append(beneficiary.code)
        if codes != values:
            beneficiary.languages = codes
            changed.append(beneficiary)
        if len(changed) >= 500:
            Beneficiary.objects.bulk_update(changed, ["languages"])
            changed = []
    Beneficiary.objects.bulk_update(changed, ["languages"])
    if unread:
        print(  # the operator reads this once, at the upgrade
            f"\n  Languages: {len(unread)} record(s) keep a language written in words that could not be "
            f"read as an ISO 639 code; correct them on their page: {', '.join(sorted(unread))}"
        )


class Migration(migrations.Migration):
    dependencies = [("cases", "0005_referral_to_an_organization")]

    operations = [migrations.RunPython(languages_to_codes, migrations.RunPython.noop)]
