"""`gatehouse account create`: new accounts, their root keys, and a running server seeing them."""
import json
import os
import stat
import time
import uuid

import pytest
from botocore.exceptions import ClientError

from gatehouse import Server, create_account, gatehouse


def unique_email(tag="acct"):
    return f"{tag}-{uuid.uuid4().hex[:10]}@example.com"


def test_create_with_root_key_and_use_it_within_a_second(server):
    created = create_account(server.data_dir, unique_email(), "Production")
    assert set(created) == {"AccountId", "AccessKeyId", "SecretAccessKey"}
    assert len(created["AccountId"]) == 12 and created["AccountId"].isdigit()
    assert created["AccessKeyId"].startswith("AKIA") and len(created["AccessKeyId"]) == 20
    assert len(created["SecretAccessKey"]) == 40
    client = server.client("sts", key=created["AccessKeyId"], secret=created["SecretAccessKey"])
    deadline = time.time() + 1.0
    while True:
        try:
            identity = client.get_caller_identity()
            break
        except ClientError:
            assert time.time() < deadline, "the running server did not see the new account within 1 second"
            time.sleep(0.05)
    assert identity["Account"] == created["AccountId"]
    assert identity["Arn"] == f"arn:aws:iam::{created['AccountId']}:root"


def test_create_without_root_key_prints_only_the_id(server):
    created = create_account(server.data_dir, unique_email(), "NoKeys", root_key=False)
    assert set(created) == {"AccountId"}


def test_human_output_and_password_from_stdin(server):
    result = gatehouse(
        "account", "create", "--email", unique_email("pw"), "--name", "WithPassword", "--password-stdin",
        data_dir=server.data_dir, stdin="Correct-Horse-9-Battery\n",
    )
    assert result.stdout.startswith("Created account ")


def test_weak_password_is_refused(server):
    result = gatehouse(
        "account", "create", "--email", unique_email("weak"), "--name", "Weak", "--password-stdin",
        data_dir=server.data_dir, stdin="password\n", check=False,
    )
    assert result.returncode != 0
    assert "password must be 8 to 128 characters" in result.stderr


def test_duplicate_email_is_refused(server):
    email = unique_email("dup")
    create_account(server.data_dir, email)
    result = gatehouse("account", "create", "--email", email.upper(), "--name", "again", data_dir=server.data_dir, check=False)
    assert result.returncode != 0
    assert "already exists" in result.stderr


@pytest.mark.parametrize("email", ["not-an-email", "a@b", "two@@example.com"])
def test_bad_email_is_refused(server, email):
    result = gatehouse("account", "create", "--email", email, "--name", "x", data_dir=server.data_dir, check=False)
    assert result.returncode != 0
    assert "not a valid email address" in result.stderr


def test_works_without_a_server(tmp_path):
    data_dir = str(tmp_path / "data")
    created = create_account(data_dir, unique_email("offline"), "Offline")
    mode = stat.S_IMODE(os.stat(os.path.join(data_dir, "instance.key")).st_mode)
    assert mode == 0o600
    assert stat.S_IMODE(os.stat(data_dir).st_mode) == 0o700
    server = Server(dev=False, data_dir=data_dir).start()
    try:
        identity = server.client("sts", key=created["AccessKeyId"], secret=created["SecretAccessKey"]).get_caller_identity()
        assert identity["Account"] == created["AccountId"]
    finally:
        server.stop()


def test_secret_is_not_stored_in_clear(tmp_path):
    data_dir = str(tmp_path / "data")
    created = create_account(data_dir, unique_email("sealed"), "Sealed")
    secret = created["SecretAccessKey"].encode()
    for name in os.listdir(data_dir):
        with open(os.path.join(data_dir, name), "rb") as f:
            assert secret not in f.read(), name


def test_audit_verify_reports_an_intact_trail(tmp_path):
    data_dir = str(tmp_path / "data")
    create_account(data_dir, unique_email("v1"), "One")
    create_account(data_dir, unique_email("v2"), "Two")
    result = gatehouse("audit", "verify", data_dir=data_dir)
    assert "intact: 2 events" in result.stdout
