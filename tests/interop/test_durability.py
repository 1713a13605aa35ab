"""Nothing acknowledged is lost: kill -9 the server while 200 account creations run."""
import json
import random
import signal
import subprocess
import time

from gatehouse import BIN, ENV, Server


def test_acknowledged_creations_survive_kill_9(fresh_server):
    server = fresh_server.start()
    creators = [
        subprocess.Popen(
            [BIN, "account", "create", "--email", f"durable-{i}@example.com", "--name", f"durable-{i}", "--root-access-key", "--json",
             "--data-dir", server.data_dir],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=ENV,
        )
        for i in range(200)
    ]
    # While they run: kill the server, and some creators too, mid-flight.
    time.sleep(0.5)
    server.process.send_signal(signal.SIGKILL)
    server.process.wait()
    victims = random.Random(7).sample(creators, 20)
    for victim in victims:
        victim.send_signal(signal.SIGKILL)
    acknowledged = []
    for creator in creators:
        out, err = creator.communicate(timeout=300)
        if creator.returncode == 0:
            acknowledged.append(json.loads(out))
    assert len(acknowledged) >= 100, "most creations should have been acknowledged"

    restarted = Server(dev=True, data_dir=server.data_dir).start()
    try:
        for created in acknowledged:
            client = restarted.client("sts", key=created["AccessKeyId"], secret=created["SecretAccessKey"])
            assert client.get_caller_identity()["Account"] == created["AccountId"]
    finally:
        restarted.stop()
    result = subprocess.run([BIN, "audit", "verify", "--data-dir", server.data_dir], capture_output=True, text=True, env=ENV)
    assert result.returncode == 0, result.stdout + result.stderr


def test_issued_credentials_and_their_audit_events_survive_kill_9(fresh_server):
    """AssumeRole and GetSessionToken write (the credentials); their events commit with them, not after, so a crash
    right after the answer leaves neither credentials without an event nor the other way round."""
    server = fresh_server.start()
    iam = server.client("iam")
    iam.create_role(RoleName="durable", AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::000000000000:root"}, "Action": "sts:AssumeRole"}]}))
    iam.create_user(UserName="ops")
    iam.put_user_policy(UserName="ops", PolicyName="assume", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}]}))
    key = iam.create_access_key(UserName="ops")["AccessKey"]
    sts = server.client("sts", key=key["AccessKeyId"], secret=key["SecretAccessKey"])
    assumed = sts.assume_role(RoleArn="arn:aws:iam::000000000000:role/durable", RoleSessionName="before-the-crash")["Credentials"]
    token = sts.get_session_token()["Credentials"]
    server.process.send_signal(signal.SIGKILL)
    server.process.wait()
    restarted = Server(dev=True, data_dir=server.data_dir).start()
    try:
        for creds in (assumed, token):
            restarted.client("sts", key=creds["AccessKeyId"], secret=creds["SecretAccessKey"], token=creds["SessionToken"]).get_caller_identity()
        events = restarted.client("cloudtrail").lookup_events(LookupAttributes=[{"AttributeKey": "EventSource", "AttributeValue": "sts.amazonaws.com"}])["Events"]
        names = [e["EventName"] for e in events]
        assert "AssumeRole" in names and "GetSessionToken" in names
        record = json.loads(next(e for e in events if e["EventName"] == "AssumeRole")["CloudTrailEvent"])
        assert record["readOnly"] is True and record["requestParameters"]["roleSessionName"] == "before-the-crash"
    finally:
        restarted.stop()
