"""The policy simulator API and the offline `gatehouse policy` commands, over the engine that enforces requests."""
import json
import subprocess

import pytest
from botocore.exceptions import ClientError

from gatehouse import BIN, fresh_account

MFA_ADMIN = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Action": "*", "Resource": "*"},
        {"Sid": "NeedMfa", "Effect": "Deny", "Action": "iam:*", "Resource": "*",
         "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}},
    ],
}


@pytest.fixture
def iam(server):
    created = fresh_account(server, "sim")
    return server.client("iam", key=created["AccessKeyId"], secret=created["SecretAccessKey"]), created["AccountId"]


def test_simulate_principal_policy_agrees_with_enforcement(iam, server):
    client, account = iam
    client.create_user(UserName="power")
    client.attach_user_policy(UserName="power", PolicyArn="arn:aws:iam::aws:policy/PowerUserAccess")
    results = client.simulate_principal_policy(
        PolicySourceArn=f"arn:aws:iam::{account}:user/power", ActionNames=["iam:CreateUser", "iam:ListRoles", "s3:GetObject"]
    )["EvaluationResults"]
    decisions = {r["EvalActionName"]: r["EvalDecision"] for r in results}
    assert decisions == {"iam:CreateUser": "implicitDeny", "iam:ListRoles": "allowed", "s3:GetObject": "allowed"}
    allowed = next(r for r in results if r["EvalActionName"] == "iam:ListRoles")
    assert allowed["MatchedStatements"][0] == {"SourcePolicyId": "PowerUserAccess", "SourcePolicyType": "aws-managed"}
    # The real request agrees with the simulator.
    key = client.create_access_key(UserName="power")["AccessKey"]
    power = server.client("iam", key=key["AccessKeyId"], secret=key["SecretAccessKey"])
    power.list_roles()
    with pytest.raises(ClientError):
        power.create_user(UserName="nope")


def test_simulate_custom_policy_with_context(iam):
    client, _ = iam
    document = json.dumps(MFA_ADMIN)
    (without,) = client.simulate_custom_policy(PolicyInputList=[document], ActionNames=["iam:CreateUser"])["EvaluationResults"]
    assert without["EvalDecision"] == "explicitDeny"
    (with_mfa,) = client.simulate_custom_policy(
        PolicyInputList=[document], ActionNames=["iam:CreateUser"],
        ContextEntries=[{"ContextKeyName": "aws:MultiFactorAuthPresent", "ContextKeyValues": ["true"], "ContextKeyType": "boolean"}],
    )["EvaluationResults"]
    assert with_mfa["EvalDecision"] == "allowed"
    boundary = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]})
    (capped,) = client.simulate_custom_policy(
        PolicyInputList=[document], PermissionsBoundaryPolicyInputList=[boundary], ActionNames=["ec2:RunInstances"]
    )["EvaluationResults"]
    assert capped["EvalDecision"] == "implicitDeny"
    assert capped["PermissionsBoundaryDecisionDetail"] == {"AllowedByPermissionsBoundary": False}
    with pytest.raises(ClientError) as excinfo:
        client.simulate_custom_policy(PolicyInputList=['{"Statement": "nope"}'], ActionNames=["s3:GetObject"])
    assert excinfo.value.response["Error"]["Code"] == "MalformedPolicyDocument"


def test_context_keys(iam):
    client, account = iam
    document = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::home/${aws:username}/*",
        "Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}}]})
    keys = client.get_context_keys_for_custom_policy(PolicyInputList=[document])["ContextKeyNames"]
    assert sorted(k.lower() for k in keys) == ["aws:sourceip", "aws:username"]
    client.create_user(UserName="keyed")
    client.put_user_policy(UserName="keyed", PolicyName="p", PolicyDocument=document)
    keys = client.get_context_keys_for_principal_policy(PolicySourceArn=f"arn:aws:iam::{account}:user/keyed")["ContextKeyNames"]
    assert sorted(k.lower() for k in keys) == ["aws:sourceip", "aws:username"]


def run(*args):
    return subprocess.run([BIN, *args], capture_output=True, text=True)


def test_policy_check_command(tmp_path):
    good = tmp_path / "good.json"
    good.write_text(json.dumps(MFA_ADMIN))
    result = run("policy", "check", str(good))
    assert result.returncode == 0
    assert "full administrator access" in result.stdout
    bad = tmp_path / "bad.json"
    bad.write_text('{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "GetObject", "Resource": "*"}]}')
    result = run("policy", "check", str(bad))
    assert result.returncode == 1
    assert "Actions/Conditions must be prefaced by a vendor" in result.stdout and "Statement[0].Action[0]" in result.stdout
    trust = tmp_path / "trust.json"
    trust.write_text('{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "123456789012"}, "Action": "sts:AssumeRole"}]}')
    assert run("policy", "check", str(trust), "--kind", "trust").returncode == 0
    assert run("policy", "check", str(trust)).returncode == 1


def test_policy_simulate_command(tmp_path):
    policy = tmp_path / "admin.json"
    policy.write_text(json.dumps(MFA_ADMIN))
    denied = run("policy", "simulate", "--policy", str(policy), "--action", "iam:CreateUser")
    assert denied.returncode == 2
    assert denied.stdout.startswith("explicitDeny") and "NeedMfa" in denied.stdout
    assert "aws:MultiFactorAuthPresent" in denied.stdout
    allowed = run("policy", "simulate", "--policy", str(policy), "--action", "iam:CreateUser", "--context", "aws:MultiFactorAuthPresent=true")
    assert allowed.returncode == 0 and allowed.stdout.startswith("allow")
