"""Keys are checked at start: a missing, malformed or wrong encryption key stops Refugiu with a message
before anyone meets it, and only an empty installation is given a new key (core.startup)."""

import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command
from django.urls import reverse

from refugiu.core import crypto
from refugiu.core.models import EncryptionCheck
from refugiu.core.startup import CHECK_TEXT, StartRefused, start_check
from tests.cases.factories import DepartmentFactory, beneficiary_new, coordinator

MALFORMED_KEY = "not-a-fernet-key-but-secret-looking-0123456789"


@pytest.fixture
def no_keys(settings, tmp_path, monkeypatch):
    """No key configured at all: the variable unset and an empty data folder of this test's own."""
    monkeypatch.delenv(crypto.ENV_VAR, raising=False)
    settings.DATA_DIR = tmp_path
    crypto.keys_reset()
    yield tmp_path
    crypto.keys_reset()


def refusal(**kwargs) -> str:
    with pytest.raises(StartRefused) as refused:
        start_check(**kwargs)
    return str(refused.value)


def key_files(folder) -> list:
    return sorted(path.name for path in folder.iterdir() if "key" in path.name)


def test_keys_load_never_makes_a_key(no_keys):
    with pytest.raises(crypto.KeyUnavailable, match="encryption.keys does not exist"):
        crypto.keys_load()
    assert key_files(no_keys) == []


@pytest.mark.parametrize("configured", [MALFORMED_KEY, f"{Fernet.generate_key().decode()},short"])
def test_a_malformed_key_in_the_environment_is_refused_by_keys_load(monkeypatch, configured):
    monkeypatch.setenv(crypto.ENV_VAR, configured)
    crypto.keys_reset()
    try:
        with pytest.raises(crypto.KeyUnavailable) as problem:
            crypto.keys_load()
    finally:
        monkeypatch.undo()
        crypto.keys_reset()
    assert "is not a Fernet key" in str(problem.value) and crypto.ENV_VAR in str(problem.value)
    for key in configured.split(","):
        assert key not in str(problem.value)


@pytest.mark.django_db
def test_an_empty_installation_gets_a_key_file_and_the_check_value(no_keys):
    EncryptionCheck.objects.all().delete()
    message = refusal(make_key=False)  # the web application and workers never make one
    assert "has no encryption key yet" in message and "refugiu check_keys" in message
    assert key_files(no_keys) == [] and not EncryptionCheck.objects.exists()

    notes = start_check(make_key=True)
    key_file = no_keys / "encryption.keys"
    assert key_files(no_keys) == ["encryption.keys"] and key_file.stat().st_mode & 0o777 == 0o600
    assert "Made a new encryption key" in notes[0] and "Back it up" in notes[0]
    assert EncryptionCheck.objects.get().value == CHECK_TEXT
    assert start_check(make_key=True) == []  # and a second start only checks
    assert key_files(no_keys) == ["encryption.keys"]


@pytest.mark.django_db
def test_a_missing_key_file_with_the_check_value_present_stops_the_start(no_keys):
    assert EncryptionCheck.objects.exists()  # written when the test database was set up
    for make_key in (True, False):
        message = refusal(make_key=make_key)
        assert "the database holds encrypted data, but there is no encryption key" in message
        assert str(no_keys / "encryption.keys") in message and "Restore the key file" in message
    assert key_files(no_keys) == []


@pytest.mark.django_db
def test_a_missing_key_file_with_encrypted_rows_but_no_check_value_stops_the_start(no_keys, monkeypatch):
    department = DepartmentFactory()
    key = Fernet.generate_key().decode()
    monkeypatch.setenv(crypto.ENV_VAR, key)  # the key this installation had, since lost
    crypto.keys_reset()
    beneficiary_new(by=coordinator(department), identity={"given_names": "Ilinca"})
    EncryptionCheck.objects.all().delete()  # an installation from before the check value
    monkeypatch.delenv(crypto.ENV_VAR)
    message = refusal(make_key=True)
    assert "the database holds encrypted data, but there is no encryption key" in message
    assert key_files(no_keys) == [] and not EncryptionCheck.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("where", ["environment", "file"])
def test_a_malformed_key_stops_the_start(no_keys, monkeypatch, where):
    good = Fernet.generate_key().decode()
    if where == "environment":
        monkeypatch.setenv(crypto.ENV_VAR, f"{good},{MALFORMED_KEY}")
    else:
        (no_keys / "encryption.keys").write_text(f"{good}\n{MALFORMED_KEY}\n")
    message = refusal(make_key=True)
    assert "key 2 of 2 in" in message and "is not a Fernet key" in message
    assert (crypto.ENV_VAR if where == "environment" else str(no_keys / "encryption.keys")) in message
    assert MALFORMED_KEY not in message and good not in message


@pytest.mark.django_db
def test_a_key_that_does_not_open_the_check_value_stops_the_start(no_keys, monkeypatch):
    other = Fernet.generate_key().decode()
    monkeypatch.setenv(crypto.ENV_VAR, other)
    message = refusal(make_key=True)
    assert "no configured encryption key (1 from REFUGIU_ENCRYPTION_KEYS) opens the data" in message
    assert other not in message


@pytest.mark.django_db
def test_a_wrong_key_is_found_by_the_data_when_there_is_no_check_value_yet(no_keys, monkeypatch):
    """An installation upgraded from before the check value: the first encrypted value stands in for it,
    and once a key opens it the check value is written."""
    right = Fernet.generate_key().decode()
    monkeypatch.setenv(crypto.ENV_VAR, right)
    crypto.keys_reset()
    beneficiary_new(by=coordinator(DepartmentFactory()), identity={"family_names": "Vornicu"})
    EncryptionCheck.objects.all().delete()

    monkeypatch.setenv(crypto.ENV_VAR, Fernet.generate_key().decode())
    assert "opens the data in this database" in refusal(make_key=True)
    assert not EncryptionCheck.objects.exists()

    monkeypatch.setenv(crypto.ENV_VAR, right)
    assert start_check(make_key=False) == []
    assert EncryptionCheck.objects.get().value == CHECK_TEXT


@pytest.mark.django_db
def test_commands_that_touch_encrypted_data_refuse_with_the_message(no_keys):
    for command in (["rotate_keys"], ["generate_cases", "--cases", "1"], ["check_keys"], ["db_worker"]):
        with pytest.raises(CommandError, match="there is no encryption key"):
            call_command(*command)
    assert key_files(no_keys) == []


@pytest.mark.django_db
def test_rotate_keys_reencrypts_the_check_value(own_keys):
    (old_key,) = crypto.keys_load()
    call_command("rotate_keys", stdout=None)
    (new_key,) = crypto.keys_load()
    assert new_key != old_key
    assert start_check(make_key=False) == []
    (own_keys / "encryption.keys").write_text(old_key.decode() + "\n")
    assert "opens the data in this database" in refusal(make_key=False)


@pytest.mark.django_db
def test_the_web_application_never_makes_a_key(client, no_keys):
    client.raise_request_exception = False
    caseworker = coordinator(DepartmentFactory())
    for response in (
        client.get("/"),
        client.post(reverse("account_login"), {"login": caseworker.username, "password": "x" * 12}),
        client.get(reverse("cases:case_list")),
    ):
        assert response.status_code in {200, 302, 500}
    assert key_files(no_keys) == []


# --- the real commands, as an operator starts them ---------------------------------------------------------


def test_an_empty_installation_is_given_its_key_by_check_keys_not_by_the_web_application(real_installation):
    site, data_dir = real_installation["site"], real_installation["site"].data_dir
    wsgi = real_installation["wsgi_before_any_key"]
    assert wsgi.returncode != 0 and "this installation has no encryption key yet" in wsgi.stderr
    assert real_installation["keys_after_wsgi"] == ["secret_key"]  # made by `migrate`; no encryption key

    checked = real_installation["checked"]
    assert checked.returncode == 0, checked.stderr
    assert "Made a new encryption key" in checked.stderr and "Encryption keys are right" in checked.stdout
    key_file = data_dir / "encryption.keys"
    assert key_file.stat().st_mode & 0o777 == 0o600
    ((stored,),) = site.sql("SELECT value FROM core_encryptioncheck")
    assert stored.startswith(crypto.PREFIX)
    assert Fernet(key_file.read_text().strip()).decrypt(stored[len(crypto.PREFIX) :].encode()).decode() == (
        CHECK_TEXT
    )


STARTS = {
    "serve": ("serve", "--bind", "127.0.0.1:0", "--task-workers", "0"),
    "db_worker": ("db_worker", "--no-reload", "--batch", "--no-startup-delay"),
    "demo": ("demo", "--no-serve"),
    "gunicorn": ("gunicorn", "--bind", "127.0.0.1:0", "refugiu.wsgi:application"),
}


@pytest.mark.parametrize("start", STARTS)
def test_a_missing_key_file_stops_every_start(real_installation, start):
    site = real_installation["site"]
    key_file = site.data_dir / "encryption.keys"
    hidden = key_file.with_name("encryption.keys.away")
    key_file.rename(hidden)
    try:
        result = site.run(*STARTS[start])
        assert not key_file.exists(), "a new key was made"
    finally:
        hidden.rename(key_file)
    assert result.returncode != 0
    assert "Refugiu cannot start: the database holds encrypted data, but there is no encryption key" in (
        result.stderr
    )
    assert str(key_file) in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("start", STARTS)
def test_a_malformed_key_stops_every_start(real_installation, start):
    result = real_installation["site"].run(*STARTS[start], **{crypto.ENV_VAR: MALFORMED_KEY})
    assert result.returncode != 0
    assert "Refugiu cannot start: key 1 of 1 in REFUGIU_ENCRYPTION_KEYS is not a Fernet key" in result.stderr
    assert MALFORMED_KEY not in result.stderr + result.stdout and "Traceback" not in result.stderr


@pytest.mark.parametrize("start", STARTS)
def test_a_wrong_key_stops_every_start(real_installation, start):
    wrong = Fernet.generate_key().decode()
    result = real_installation["site"].run(*STARTS[start], **{crypto.ENV_VAR: wrong})
    assert result.returncode != 0
    expected = "Refugiu cannot start: no configured encryption key (1 from REFUGIU_ENCRYPTION_KEYS)"
    assert expected in result.stderr
    assert wrong not in result.stderr + result.stdout and "Traceback" not in result.stderr


def test_with_the_right_key_the_worker_starts(real_installation):
    """The control: the same installation and commands start when nothing is wrong."""
    result = real_installation["site"].run(*STARTS["db_worker"])
    assert result.returncode == 0, result.stderr
    assert "Refugiu cannot start" not in result.stderr
