"""IAM login profiles and the account password policy, through boto3 and the aws CLI."""
import datetime
import json
import time
import uuid

import pytest
from botocore.exceptions import ClientError

from gatehouse import wait_for, error, fresh_account

GOOD = "Sturdy-Passw0rd!"


@pytest.fixture(scope="module")
def account(server):
    return fresh_account(server, "iam-passwords")


@pytest.fixture(scope="module")
def iam(server, account):
    return server.client("iam", key=account["AccessKeyId"], secret=account["SecretAccessKey"])


@pytest.fixture(autouse=True)
def no_password_policy(iam):
    """Every test starts and ends without a custom password policy (it is account-wide)."""
    def clear():
        try:
            iam.delete_account_password_policy()
        except ClientError as e:
            assert e.response["Error"]["Code"] == "NoSuchEntity"
    clear()
    yield
    clear()


def user(iam, prefix):
    name = f"{prefix}-{uuid.uuid4().hex[:6]}"
    iam.create_user(UserName=name)
    return name


def test_login_profile_lifecycle(iam):
    name = user(iam, "console")
    profile = iam.create_login_profile(UserName=name, Password=GOOD, PasswordResetRequired=True)["LoginProfile"]
    assert profile["UserName"] == name
    assert profile["PasswordResetRequired"] is True
    assert isinstance(profile["CreateDate"], datetime.datetime)

    got = iam.get_login_profile(UserName=name)["LoginProfile"]
    assert got["UserName"] == name
    assert got["PasswordResetRequired"] is True
    assert got["CreateDate"] == profile["CreateDate"]

    iam.update_login_profile(UserName=name, PasswordResetRequired=False)
    assert iam.get_login_profile(UserName=name)["LoginProfile"]["PasswordResetRequired"] is False
    iam.update_login_profile(UserName=name, Password="Another-Passw0rd!", PasswordResetRequired=True)
    assert iam.get_login_profile(UserName=name)["LoginProfile"]["PasswordResetRequired"] is True

    with pytest.raises(ClientError) as excinfo:
        iam.create_login_profile(UserName=name, Password=GOOD)
    assert error(excinfo) == ("EntityAlreadyExists", 409)

    iam.delete_login_profile(UserName=name)
    for call in (iam.get_login_profile, iam.delete_login_profile):
        with pytest.raises(ClientError) as excinfo:
            call(UserName=name)
        assert error(excinfo) == ("NoSuchEntity", 404)
    with pytest.raises(ClientError) as excinfo:
        iam.update_login_profile(UserName=name, PasswordResetRequired=True)
    assert error(excinfo) == ("NoSuchEntity", 404)


def test_login_profile_for_a_missing_user(iam):
    with pytest.raises(ClientError) as excinfo:
        iam.create_login_profile(UserName="no-such-console-user", Password=GOOD)
    assert error(excinfo) == ("NoSuchEntity", 404)


def test_password_policy_round_trips_every_field(iam):
    iam.update_account_password_policy(
        MinimumPasswordLength=14, RequireSymbols=True, RequireNumbers=True, RequireUppercaseCharacters=True,
        RequireLowercaseCharacters=True, AllowUsersToChangePassword=True, MaxPasswordAge=90, PasswordReusePrevention=5,
        HardExpiry=True,
    )
    policy = iam.get_account_password_policy()["PasswordPolicy"]
    assert policy == {
        "MinimumPasswordLength": 14,
        "RequireSymbols": True,
        "RequireNumbers": True,
        "RequireUppercaseCharacters": True,
        "RequireLowercaseCharacters": True,
        "AllowUsersToChangePassword": True,
        "ExpirePasswords": True,
        "MaxPasswordAge": 90,
        "PasswordReusePrevention": 5,
        "HardExpiry": True,
    }


def test_password_policy_update_is_not_partial(iam):
    iam.update_account_password_policy(MinimumPasswordLength=20, RequireSymbols=True, MaxPasswordAge=30, AllowUsersToChangePassword=True)
    # Every parameter left out reverts to its default: AWS does no partial updates.
    iam.update_account_password_policy(RequireNumbers=True)
    policy = iam.get_account_password_policy()["PasswordPolicy"]
    assert policy["RequireNumbers"] is True
    assert policy["RequireSymbols"] is False
    assert policy["AllowUsersToChangePassword"] is False
    assert policy["ExpirePasswords"] is False
    assert policy.get("MaxPasswordAge", 0) == 0
    assert policy.get("PasswordReusePrevention", 0) == 0


def test_password_policy_minimum_length_defaults_to_six(iam):
    # botocore's model (UpdateAccountPasswordPolicyRequest.MinimumPasswordLength): "If you do not specify a value
    # for this parameter, then the operation uses the default value of 6."
    iam.update_account_password_policy(RequireSymbols=True)
    assert iam.get_account_password_policy()["PasswordPolicy"]["MinimumPasswordLength"] == 6
    name = user(iam, "sixer")
    iam.create_login_profile(UserName=name, Password="ab!cde")  # six characters with a symbol: allowed


@pytest.mark.parametrize(
    "password",
    ["Sh0rt!", "no-uppercase-0!", "NO-LOWERCASE-0!", "No-Numbers-Here!", "NoSymbols0Here0"],
)
def test_a_password_violating_the_policy_is_refused(iam, password):
    iam.update_account_password_policy(
        MinimumPasswordLength=12, RequireSymbols=True, RequireNumbers=True, RequireUppercaseCharacters=True, RequireLowercaseCharacters=True)
    name = user(iam, "strict")
    with pytest.raises(ClientError) as excinfo:
        iam.create_login_profile(UserName=name, Password=password)
    assert error(excinfo) == ("PasswordPolicyViolation", 400)
    with pytest.raises(ClientError) as excinfo:
        iam.get_login_profile(UserName=name)
    assert error(excinfo) == ("NoSuchEntity", 404)

    iam.create_login_profile(UserName=name, Password="Compliant-Passw0rd!")
    with pytest.raises(ClientError) as excinfo:
        iam.update_login_profile(UserName=name, Password=password)
    assert error(excinfo) == ("PasswordPolicyViolation", 400)


def test_the_default_policy_applies_when_the_account_has_none(iam):
    # Without a custom policy, AWS applies its default password policy: at least 8 characters and at least three
    # of uppercase, lowercase, numbers and symbols
    # (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_account-policy.html).
    name = user(iam, "defaulted")
    for weak in ("Short1!", "alllowercaseletters"):
        with pytest.raises(ClientError) as excinfo:
            iam.create_login_profile(UserName=name, Password=weak)
        assert error(excinfo) == ("PasswordPolicyViolation", 400)
    iam.create_login_profile(UserName=name, Password="Three-types-here")


def test_reuse_prevention(iam):
    iam.update_account_password_policy(PasswordReusePrevention=2)
    name = user(iam, "reuser")
    first, second = "First-Passw0rd!", "Second-Passw0rd!"
    iam.create_login_profile(UserName=name, Password=first)
    with pytest.raises(ClientError) as excinfo:
        iam.update_login_profile(UserName=name, Password=first)
    assert error(excinfo) == ("PasswordPolicyViolation", 400)
    iam.update_login_profile(UserName=name, Password=second)
    with pytest.raises(ClientError) as excinfo:
        iam.update_login_profile(UserName=name, Password=first)  # one of the last two
    assert error(excinfo) == ("PasswordPolicyViolation", 400)


def test_delete_password_policy(iam, account):
    iam.update_account_password_policy(MinimumPasswordLength=10)
    iam.delete_account_password_policy()
    with pytest.raises(ClientError) as excinfo:
        iam.get_account_password_policy()
    assert error(excinfo) == ("NoSuchEntity", 404)
    with pytest.raises(ClientError) as excinfo:
        iam.delete_account_password_policy()
    assert error(excinfo) == ("NoSuchEntity", 404)


def _user_with_console_and_key(server, iam, prefix):
    name = user(iam, prefix)
    iam.create_login_profile(UserName=name, Password=GOOD)
    key = iam.create_access_key(UserName=name)["AccessKey"]
    wait_for(server.client("sts", key=key["AccessKeyId"], secret=key["SecretAccessKey"]).get_caller_identity)
    return name, server.client("iam", key=key["AccessKeyId"], secret=key["SecretAccessKey"])


def test_change_password_without_permission_is_denied(server, iam, account):
    # No password policy, so AllowUsersToChangePassword is off and the user has no policy granting
    # iam:ChangePassword: AWS refuses.
    name, user_iam = _user_with_console_and_key(server, iam, "changer")
    with pytest.raises(ClientError) as excinfo:
        user_iam.change_password(OldPassword=GOOD, NewPassword="Brand-New-Passw0rd!")
    assert error(excinfo) == ("AccessDenied", 403)
    message = excinfo.value.response["Error"]["Message"]
    assert message.startswith(f"User: arn:aws:iam::{account['AccountId']}:user/{name} is not authorized to perform: iam:ChangePassword")
    assert message.endswith("because no identity-based policy allows the iam:ChangePassword action")


def test_change_password_when_the_policy_allows_users_to(server, iam):
    # AllowUsersToChangePassword "gives IAM users permissions to iam:ChangePassword for only their user ... the
    # permissions are applied at the account-level for all users by IAM" (botocore model, PasswordPolicy).
    iam.update_account_password_policy(AllowUsersToChangePassword=True, PasswordReusePrevention=1)
    name, user_iam = _user_with_console_and_key(server, iam, "self-changer")
    user_iam.change_password(OldPassword=GOOD, NewPassword="Brand-New-Passw0rd!")
    # The password did change: setting it again is now a reuse.
    with pytest.raises(ClientError) as excinfo:
        iam.update_login_profile(UserName=name, Password="Brand-New-Passw0rd!")
    assert error(excinfo) == ("PasswordPolicyViolation", 400)


def test_the_password_policy_grant_is_only_the_users_own_and_a_deny_still_holds(server, iam, account):
    iam.update_account_password_policy(AllowUsersToChangePassword=True)
    name, user_iam = _user_with_console_and_key(server, iam, "granted")
    other = user(iam, "other")
    iam.create_login_profile(UserName=other, Password=GOOD)
    assert user_iam.get_account_password_policy()["PasswordPolicy"]["AllowUsersToChangePassword"] is True
    # The grant is iam:ChangePassword on the user itself and iam:GetAccountPasswordPolicy; nothing more.
    with pytest.raises(ClientError) as excinfo:
        user_iam.get_user(UserName=other)
    assert error(excinfo) == ("AccessDenied", 403)
    # It is evaluated with the user's own policies: an explicit Deny wins.
    iam.put_user_policy(UserName=name, PolicyName="no-changes", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Deny", "Action": "iam:ChangePassword", "Resource": "*"}]}))
    with pytest.raises(ClientError) as denied:
        user_iam.change_password(OldPassword=GOOD, NewPassword="Brand-New-Passw0rd!")
    assert error(denied) == ("AccessDenied", 403)
    assert "with an explicit deny in an identity-based policy" in denied.value.response["Error"]["Message"]


def test_login_profiles_and_policy_through_the_aws_cli(server, iam, account):
    creds = {"key": account["AccessKeyId"], "secret": account["SecretAccessKey"]}
    name = user(iam, "cli-console")
    created = json.loads(server.aws("iam", "create-login-profile", "--user-name", name, "--password", GOOD, "--password-reset-required", **creds).stdout)
    assert created["LoginProfile"]["UserName"] == name
    assert created["LoginProfile"]["PasswordResetRequired"] is True
    server.aws("iam", "update-account-password-policy", "--minimum-password-length", "16", "--require-numbers", **creds)
    policy = json.loads(server.aws("iam", "get-account-password-policy", **creds).stdout)["PasswordPolicy"]
    assert policy["MinimumPasswordLength"] == 16 and policy["RequireNumbers"] is True
    refused = server.aws("iam", "update-login-profile", "--user-name", name, "--password", "Too-short-1", check=False, **creds)
    assert refused.returncode != 0 and "PasswordPolicyViolation" in refused.stderr


def test_change_password_needs_the_old_password(server, iam):
    iam.update_account_password_policy(AllowUsersToChangePassword=True)
    name, user_iam = _user_with_console_and_key(server, iam, "forgetful")
    with pytest.raises(ClientError) as excinfo:
        user_iam.change_password(OldPassword="Not-The-Passw0rd!", NewPassword="Brand-New-Passw0rd!")
    code, status = error(excinfo)
    assert 400 <= status < 500, code
    # Nothing changed: the real old password still works.
    user_iam.change_password(OldPassword=GOOD, NewPassword="Brand-New-Passw0rd!")
