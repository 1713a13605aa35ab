"""Running the server: settings from flags, environment and config file; health, metrics, shutdown."""
import json
import os
import signal
import subprocess

import requests

from gatehouse import BIN, ENV, Server, free_port


def test_healthz_and_metrics(server):
    assert requests.get(server.url + "/healthz", timeout=5).json() == {"status": "ok"}
    server.client("sts").get_caller_identity()
    metrics = requests.get(server.url + "/metrics", timeout=5)
    assert metrics.status_code == 200
    assert "http_server_request_duration" in metrics.text
    # AWS calls, which no route serves, count under the route "aws"; a page under its own route.
    assert 'hb_requests{http_route="aws",http_request_method="POST",http_response_status_code="200"}' in metrics.text
    assert 'hb_requests{http_route="/healthz",http_request_method="GET",http_response_status_code="200"}' in metrics.text


def test_dev_prints_how_to_use_it(server):
    log = server.read_log()
    assert "export AWS_ENDPOINT_URL=" + server.url in log
    assert "AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test" in log


def test_logs_are_structured_json(server):
    lines = [line for line in server.read_log().splitlines() if line.startswith("{")]
    assert lines
    for line in lines:
        entry = json.loads(line)
        assert {"time", "level", "message"} <= set(entry)


def test_settings_from_environment(tmp_path):
    port = free_port()
    env = {**ENV, "GATEHOUSE_LISTEN": f"127.0.0.1:{port}", "GATEHOUSE_DATA_DIR": str(tmp_path / "envdata"), "GATEHOUSE_DEV": "true"}
    process = subprocess.Popen([BIN, "serve"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        server = Server(dev=False, data_dir=str(tmp_path / "envdata"))
        server.port, server.url = port, f"http://127.0.0.1:{port}"
        _wait_healthy(server.url, process)
        assert server.client("sts").get_caller_identity()["Account"] == "000000000000"
        assert os.path.exists(tmp_path / "envdata" / "gatehouse.sqlite")
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_settings_from_config_file_and_flags_win(tmp_path):
    port, other = free_port(), free_port()
    config = tmp_path / "gatehouse.json"
    config.write_text(json.dumps({"listen": f"127.0.0.1:{other}", "data": {"dir": str(tmp_path / "cfgdata")}, "dev": True}))
    process = subprocess.Popen(
        [BIN, "serve", "--config", str(config), "--listen", f"127.0.0.1:{port}"], env=ENV,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        _wait_healthy(f"http://127.0.0.1:{port}", process)
        assert os.path.exists(tmp_path / "cfgdata" / "gatehouse.sqlite")
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_bad_setting_is_refused(tmp_path):
    result = subprocess.run([BIN, "serve", "--listen", "nonsense", "--data-dir", str(tmp_path)], env=ENV, capture_output=True, text=True, timeout=30)
    assert result.returncode != 0
    assert "host:port" in result.stderr


def test_sigterm_shuts_down_gracefully_and_keeps_the_trail(fresh_server):
    fresh_server.start()
    client = fresh_server.client("sts")
    request_ids = {client.get_caller_identity()["ResponseMetadata"]["RequestId"] for _ in range(5)}
    assert fresh_server.stop(signal.SIGTERM) == 0
    restarted = Server(dev=True, data_dir=fresh_server.data_dir).start()
    try:
        events = restarted.client("cloudtrail").lookup_events(
            LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "GetCallerIdentity"}]
        )["Events"]
        recorded = {json.loads(e["CloudTrailEvent"])["requestID"] for e in events}
        assert request_ids <= recorded
    finally:
        restarted.stop()


def test_dev_account_is_created_once(fresh_server):
    fresh_server.start()
    fresh_server.stop()
    again = Server(dev=True, data_dir=fresh_server.data_dir).start()
    try:
        assert again.client("sts").get_caller_identity()["Account"] == "000000000000"
        assert "created the development account" not in again.read_log().split("listening")[-1]
    finally:
        again.stop()


def _wait_healthy(url, process):
    import time

    deadline = time.time() + 30
    while time.time() < deadline:
        assert process.poll() is None, "server exited"
        try:
            if requests.get(url + "/healthz", timeout=1).status_code == 200:
                return
        except requests.ConnectionError:
            time.sleep(0.05)
    raise AssertionError("server did not become healthy")


def test_kept_counts_and_members_are_rebuilt_on_restart(fresh_server):
    """The snapshot's attachment counts, group members, MFA owners and identity store indexes are derived as documents
    load (decoded on every core, applied in order): a restart shows what the writes before it showed."""
    fresh_server.start()
    iam = fresh_server.client("iam")
    policy = iam.create_policy(PolicyName="kept", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}))["Policy"]["Arn"]
    iam.create_group(GroupName="Kept")
    for name in ("kept-b", "Kept-A", "kept-c"):
        iam.create_user(UserName=name)
        iam.add_user_to_group(GroupName="kept", UserName=name)
    iam.attach_user_policy(UserName="kept-b", PolicyArn=policy)
    iam.attach_group_policy(GroupName="Kept", PolicyArn=policy)
    iam.remove_user_from_group(GroupName="Kept", UserName="kept-c")
    # The identity store's indexes too: users by name and email, groups by name, memberships by member.
    admin = fresh_server.client("sso-admin")
    store = admin.describe_instance(InstanceArn=admin.create_instance()["InstanceArn"])["IdentityStoreId"]
    ids = fresh_server.client("identitystore")
    person = {"DisplayName": "K", "Name": {"GivenName": "K", "FamilyName": "L"}}
    kim = ids.create_user(IdentityStoreId=store, UserName="Kim", Emails=[{"Value": "Kim@example.com"}], **person)["UserId"]
    team = ids.create_group(IdentityStoreId=store, DisplayName="Team")["GroupId"]
    ids.create_group_membership(IdentityStoreId=store, GroupId=team, MemberId={"UserId": kim})

    def seen(client, ids):
        def lookup(call, path, value):
            return call(IdentityStoreId=store, AlternateIdentifier={"UniqueAttribute": {"AttributePath": path, "AttributeValue": value}})

        return (
            [u["UserName"] for u in client.get_group(GroupName="kept")["Users"]],
            client.get_policy(PolicyArn=policy)["Policy"]["AttachmentCount"],
            client.get_account_summary()["SummaryMap"]["PolicyVersionsInUse"],
            lookup(ids.get_user_id, "userName", "kim")["UserId"],
            lookup(ids.get_user_id, "emails.value", "kim@EXAMPLE.com")["UserId"],
            lookup(ids.get_group_id, "displayName", "team")["GroupId"],
            [m["GroupId"] for m in ids.list_group_memberships_for_member(IdentityStoreId=store, MemberId={"UserId": kim})["GroupMemberships"]],
        )

    before = seen(iam, ids)
    assert before == (["Kept-A", "kept-b"], 2, 2, kim, kim, team, [team])
    assert fresh_server.stop(signal.SIGTERM) == 0
    restarted = Server(dev=True, data_dir=fresh_server.data_dir).start()
    try:
        assert seen(restarted.client("iam"), restarted.client("identitystore")) == before
    finally:
        restarted.stop()


def test_an_open_data_folder_is_made_private(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir(mode=0o755)
    os.chmod(folder, 0o755)
    server = Server(dev=False, data_dir=str(folder)).start()
    try:
        assert os.stat(folder).st_mode & 0o777 == 0o700
        assert "the data folder was open to other users: its mode is now 0700" in server.read_log()
        assert os.stat(folder / "instance.key").st_mode & 0o777 == 0o600
    finally:
        server.stop()


def test_pages_send_their_forms_only_to_this_server(server):
    for path in ("/console/signin", "/device", "/start/d-0000000000"):
        policy = requests.get(server.url + path, timeout=5).headers["Content-Security-Policy"]
        assert "form-action 'self'" in policy and "frame-ancestors 'none'" in policy, path
