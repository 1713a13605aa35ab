"""The audit trail proves its end: signed checkpoints, made while the server runs and when it stops, let
`gatehouse audit verify` find events removed from the end, a removed checkpoint and a rebuilt chain; the public key
from `gatehouse audit public-key` verifies them away from the data folder."""
import os
import sqlite3
import subprocess

from gatehouse import BIN, ENV, Server, gatehouse


def verify(data_dir, *args):
    return subprocess.run([BIN, "audit", "verify", "--data-dir", data_dir, *args], capture_output=True, text=True, env=ENV, timeout=60)


def busy_server_stopped():
    """A server that answered 150 calls, stopped with SIGTERM (which makes its last checkpoint)."""
    server = Server(dev=True).start()
    sts = server.client("sts")
    for _ in range(150):
        sts.get_caller_identity()
    assert server.stop() == 0
    return server.data_dir


def test_deleting_the_newest_events_is_found():
    data_dir = busy_server_stopped()
    intact = verify(data_dir)
    assert intact.returncode == 0, intact.stdout + intact.stderr
    assert "signed checkpoints hold" in intact.stdout and "newer than the newest checkpoint" not in intact.stdout
    with sqlite3.connect(os.path.join(data_dir, "gatehouse.sqlite")) as db:
        db.execute("DELETE FROM audit_events WHERE seq IN (SELECT seq FROM audit_events ORDER BY seq DESC LIMIT 100)")
    truncated = verify(data_dir)
    assert truncated.returncode == 2
    assert "does not match its signed checkpoints" in truncated.stdout and "which is gone: events were removed" in truncated.stdout


def test_checkpoints_verify_with_the_public_key_alone():
    data_dir = busy_server_stopped()
    public_key = gatehouse("audit", "public-key", data_dir=data_dir).stdout.strip()
    assert len(public_key) == 44
    assert verify(data_dir, "--public-key", public_key).returncode == 0
    # Someone who can write the data folder drops the checkpoints and the key; the next server signs with a new key.
    with sqlite3.connect(os.path.join(data_dir, "gatehouse.sqlite")) as db:
        db.execute("DELETE FROM audit_events WHERE seq > 100")
        db.execute("DELETE FROM audit_checkpoints")
    os.remove(os.path.join(data_dir, "audit-signing.key"))
    restarted = Server(dev=True, data_dir=data_dir).start()
    restarted.client("sts").get_caller_identity()
    restarted.stop()
    assert gatehouse("audit", "public-key", data_dir=data_dir).stdout.strip() != public_key
    # The data folder's own key cannot tell; the key kept elsewhere can.
    assert verify(data_dir).returncode == 0
    refused = verify(data_dir, "--public-key", public_key)
    assert refused.returncode == 2 and "is not signed by the audit signing key" in refused.stdout


def test_removing_a_checkpoint_is_found():
    data_dir = busy_server_stopped()
    restarted = Server(dev=True, data_dir=data_dir).start()
    restarted.client("sts").get_caller_identity()
    restarted.stop()
    restarted = Server(dev=True, data_dir=data_dir).start()
    restarted.client("sts").get_caller_identity()
    restarted.stop()
    with sqlite3.connect(os.path.join(data_dir, "gatehouse.sqlite")) as db:
        ids = [row[0] for row in db.execute("SELECT id FROM audit_checkpoints ORDER BY id")]
        assert len(ids) >= 3
        db.execute("DELETE FROM audit_checkpoints WHERE id = ?", (ids[1],))
    result = verify(data_dir)
    assert result.returncode == 2 and "a checkpoint was removed" in result.stdout


def test_a_checkpoint_kept_elsewhere_finds_the_newest_part_removed():
    data_dir = busy_server_stopped()
    kept = verify(data_dir).stdout.split("--expect ")[1].split()[0]
    restarted = Server(dev=True, data_dir=data_dir).start()
    restarted.client("sts").get_caller_identity()
    restarted.stop()
    newest = verify(data_dir).stdout.split("--expect ")[1].split()[0]
    assert newest != kept and "audit checkpoint" in restarted.read_log()
    with sqlite3.connect(os.path.join(data_dir, "gatehouse.sqlite")) as db:
        last_signed = db.execute("SELECT event_seq FROM audit_checkpoints WHERE id = ?", (int(kept.split(":")[0]),)).fetchone()[0]
        db.execute("DELETE FROM audit_events WHERE seq > ?", (last_signed,))
        db.execute("DELETE FROM audit_checkpoints WHERE id > ?", (int(kept.split(":")[0]),))
    # What is left is a valid trail with valid checkpoints; only the checkpoint kept elsewhere shows what is gone.
    assert verify(data_dir).returncode == 0
    assert verify(data_dir, "--expect", kept).returncode == 0
    refused = verify(data_dir, "--expect", newest)
    assert refused.returncode == 2 and "kept elsewhere, is not in the trail" in refused.stdout
