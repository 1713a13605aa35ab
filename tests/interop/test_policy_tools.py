"""The policy simulator API and the offline `gatehouse policy` commands, over the engine that enforces requests."""
import json
import random
import subprocess

import pytest
from botocore.exceptions import ClientError

from gatehouse import BIN, fresh_account, gatehouse

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


def random_policy(rng, account):
    """A policy of one to three statements over a few read actions, resources and condition keys."""
    actions = ["iam:GetUser", "iam:ListUsers", "iam:ListGroups", "iam:GetRole", "iam:ListPolicies", "iam:Get*", "iam:List*", "*"]
    resources = ["*", f"arn:aws:iam::{account}:user/*", f"arn:aws:iam::{account}:user/team/*", f"arn:aws:iam::{account}:user/",
                 f"arn:aws:iam::{account}:role/*", "arn:aws:iam::*:user/${aws:username}", f"arn:aws:iam::{account}:policy/"]
    conditions = [
        {"StringEquals": {"aws:username": "walker"}},
        {"StringNotEquals": {"aws:PrincipalTag/team": "red"}},
        {"StringEquals": {"aws:PrincipalTag/team": "blue"}},
        {"StringLike": {"aws:PrincipalArn": f"arn:aws:iam::{account}:user/team/*"}},
        {"IpAddress": {"aws:SourceIp": "127.0.0.0/8"}},
        {"NotIpAddress": {"aws:SourceIp": "127.0.0.0/8"}},
        {"Bool": {"aws:SecureTransport": "false"}},
        {"StringEquals": {"aws:RequestedRegion": "us-east-1"}},
        {"StringEquals": {"aws:PrincipalType": "User"}},
        {"Null": {"aws:PrincipalTag/team": "true"}},
        {"StringEquals": {"aws:ResourceTag/team": "blue"}},
    ]
    statements = []
    for _ in range(rng.randint(1, 3)):
        statement = {"Effect": "Deny" if rng.random() < 0.25 else "Allow",
                     "Action": rng.sample(actions, rng.randint(1, 2)), "Resource": rng.sample(resources, rng.randint(1, 2))}
        if rng.random() < 0.6:
            condition = {}
            for block in rng.sample(conditions, rng.randint(1, 2)):
                for operator, keys in block.items():
                    condition.setdefault(operator, {}).update(keys)
            statement["Condition"] = condition
        statements.append(statement)
    return {"Version": "2012-10-17", "Statement": statements}


def test_the_simulator_decides_as_enforcement_on_random_policies(iam, server):
    """Random policies, tags and requests: SimulatePrincipalPolicy's decision is the real request's outcome."""
    client, account = iam
    client.create_user(UserName="walker", Path="/team/")
    client.create_user(UserName="target")
    client.create_role(RoleName="target-role", AssumeRolePolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": account}, "Action": "sts:AssumeRole"}]}))
    key = client.create_access_key(UserName="walker")["AccessKey"]
    walker = server.client("iam", key=key["AccessKeyId"], secret=key["SecretAccessKey"])
    calls = [
        ("iam:GetUser", f"arn:aws:iam::{account}:user/target", lambda: walker.get_user(UserName="target")),
        ("iam:GetUser", f"arn:aws:iam::{account}:user/team/walker", lambda: walker.get_user()),
        ("iam:ListUsers", f"arn:aws:iam::{account}:user/", lambda: walker.list_users()),
        ("iam:ListGroups", f"arn:aws:iam::{account}:group/", lambda: walker.list_groups()),
        ("iam:GetRole", f"arn:aws:iam::{account}:role/target-role", lambda: walker.get_role(RoleName="target-role")),
        ("iam:ListPolicies", f"arn:aws:iam::{account}:policy/", lambda: walker.list_policies(Scope="Local")),
    ]
    rng = random.Random(20261207)
    context = [{"ContextKeyName": "aws:SourceIp", "ContextKeyValues": ["127.0.0.1"], "ContextKeyType": "ip"},
               {"ContextKeyName": "aws:RequestedRegion", "ContextKeyValues": ["us-east-1"], "ContextKeyType": "string"}]
    disagreements = []
    for trial in range(40):
        policy = random_policy(rng, account)
        client.put_user_policy(UserName="walker", PolicyName="random", PolicyDocument=json.dumps(policy))
        team = rng.choice([None, "blue", "red"])
        if team:
            client.tag_user(UserName="walker", Tags=[{"Key": "team", "Value": team}])
            client.tag_user(UserName="target", Tags=[{"Key": "team", "Value": team}])
        else:
            client.untag_user(UserName="walker", TagKeys=["team"])
            client.untag_user(UserName="target", TagKeys=["team"])
        for action, resource, call in calls:
            (result,) = client.simulate_principal_policy(
                PolicySourceArn=f"arn:aws:iam::{account}:user/team/walker", ActionNames=[action], ResourceArns=[resource],
                ContextEntries=context)["EvaluationResults"]
            try:
                call()
                enforced = True
            except ClientError as error:
                assert error.response["Error"]["Code"] == "AccessDenied"
                enforced = False
            if (result["EvalDecision"] == "allowed") != enforced:
                disagreements.append((trial, action, resource, team, policy, result["EvalDecision"]))
    assert disagreements == []


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


def test_the_simulator_sees_a_resource_owner_in_another_account(iam):
    """An S3-style ARN names no account: ResourceOwner says whose it is, and another account's needs its resource policy."""
    client, account = iam
    allow = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]})
    caller = f"arn:aws:iam::{account}:user/reader"
    arguments = dict(PolicyInputList=[allow], ActionNames=["s3:GetObject"], ResourceArns=["arn:aws:s3:::their-bucket/key"], CallerArn=caller)
    (own,) = client.simulate_custom_policy(**arguments, ResourceOwner=f"arn:aws:iam::{account}:root")["EvaluationResults"]
    assert own["EvalDecision"] == "allowed"
    (theirs,) = client.simulate_custom_policy(**arguments, ResourceOwner="arn:aws:iam::444455556666:root")["EvaluationResults"]
    assert theirs["EvalDecision"] == "implicitDeny"
    bucket_policy = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": caller}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::their-bucket/*"}]})
    (granted,) = client.simulate_custom_policy(
        **arguments, ResourceOwner="arn:aws:iam::444455556666:root", ResourcePolicy=bucket_policy)["EvaluationResults"]
    assert granted["EvalDecision"] == "allowed"


def test_the_cli_simulates_a_principal_as_the_server_does(server):
    """`gatehouse policy simulate-principal` runs the server's simulator over its authorizer on the data folder."""
    created = fresh_account(server, "cli-simulate")
    iam = server.client("iam", key=created["AccessKeyId"], secret=created["SecretAccessKey"])
    iam.create_user(UserName="alice")
    iam.put_user_policy(UserName="alice", PolicyName="p", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "iam:*", "Resource": "*"},
        {"Effect": "Deny", "Action": "iam:CreateUser", "Resource": "*", "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"}}}]}))
    arn = f"arn:aws:iam::{created['AccountId']}:user/alice"
    args = ["policy", "simulate-principal", "--principal", arn, "--action", "iam:ListUsers", "--action", "iam:CreateUser"]
    refused = gatehouse(*args, "--context", "aws:MultiFactorAuthPresent=false", data_dir=server.data_dir, check=False)
    assert refused.returncode == 2, refused.stderr
    assert refused.stdout.splitlines()[0] == "allowed: iam:ListUsers on *"
    assert refused.stdout.splitlines()[1:] == ["  matched user p", "explicitDeny: iam:CreateUser on *", "  matched user p", "  matched user p"]
    allowed = gatehouse(*args, "--context", "aws:MultiFactorAuthPresent=true", data_dir=server.data_dir)
    assert allowed.stdout.count("allowed:") == 2
    # The server's SimulatePrincipalPolicy decides alike.
    results = iam.simulate_principal_policy(PolicySourceArn=arn, ActionNames=["iam:ListUsers", "iam:CreateUser"], ContextEntries=[
        {"ContextKeyName": "aws:MultiFactorAuthPresent", "ContextKeyValues": ["false"], "ContextKeyType": "boolean"}])["EvaluationResults"]
    assert [r["EvalDecision"] for r in results] == ["allowed", "explicitDeny"]
