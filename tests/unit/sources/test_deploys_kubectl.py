"""Deploys from Kubernetes through the fake `kubectl` in tests/fixtures/bin (real formats)."""

import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from warroom.config.model import DeploysConfig
from warroom.domain.deploy_rules import DeployTracker
from warroom.runner import run_argv
from warroom.sources.deploys import DeploysSource

BIN = Path(__file__).resolve().parents[2] / "fixtures" / "bin"
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def ts(minutes_ago: float) -> str:
    return (NOW - timedelta(minutes=minutes_ago)).strftime("%Y-%m-%dT%H:%M:%SZ")


def state_doc():
    return {
        "contexts": ["prod"],
        "namespaces": {
            "payments": {
                "deployments": {
                    "api": {
                        "revisions": [
                            {"revision": 4, "created": ts(300), "image": "registry/api:1.41.0"},
                            {
                                "revision": 5,
                                "created": ts(120),
                                "image": "registry/api:1.42.0",
                                "change_cause": "kubectl set image deploy/api api=registry/api:1.42.0",
                            },
                            {"revision": 6, "created": ts(15), "image": "registry/api:1.43.0"},
                        ]
                    },
                    # same app label, different owner: its ReplicaSets must not be mixed in
                    "api-canary": {
                        "labels": {"app": "api", "track": "canary"},
                        "revisions": [{"revision": 6, "created": ts(1), "image": "registry/api:canary"}],
                    },
                    "worker": {
                        "labels": {"component": "worker", "tier": "jobs"},
                        "revisions": [
                            {"revision": 1, "created": ts(1000), "image": "registry/worker:2.0"},
                            {"revision": 2, "created": ts(50), "image": "registry/worker:2.1"},
                        ],
                    },
                }
            },
            "default": {
                "deployments": {
                    "web": {
                        "revisions": [
                            {"revision": 1, "created": ts(90), "image": "web:1"},
                            {"revision": 2, "created": ts(30), "image": "web:2"},
                        ]
                    }
                }
            },
        },
    }


@pytest.fixture
def kube(tmp_path, monkeypatch):
    """Fake kubectl on PATH, with a state file the test can rewrite."""
    path = tmp_path / "kube.json"
    path.write_text(json.dumps(state_doc()))
    monkeypatch.setenv("PATH", f"{BIN}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("FAKE_KUBECTL_STATE", str(path))
    monkeypatch.setenv("FAKE_KUBECTL_NOW", ts(0))
    return path


def source(deployments=("api", "worker"), namespace="payments", context=None):
    cfg = DeploysConfig(
        name="prod", kind="kubectl", namespace=namespace, deployments=tuple(deployments), context=context
    )
    return DeploysSource(cfg)


async def test_revisions_dated_by_replicasets_with_images_and_rollbacks(kube):
    snap = await source().collect(NOW)
    assert snap.error is None
    assert [d.ident for d in snap.deploys] == ["api:6", "worker:2", "api:5", "api:4", "worker:1"]
    api6, worker2, api5, api4, worker1 = snap.deploys
    assert (api6.short, api6.ref, api6.revision, api6.image) == ("rev 6", "api", 6, "registry/api:1.43.0")
    assert api6.at == NOW - timedelta(minutes=15)
    assert api6.rollback_command == "kubectl rollout undo deploy/api --to-revision=5 -n payments"
    assert api6.rollback_argv == ("kubectl", "rollout", "undo", "deploy/api", "--to-revision=5", "-n", "payments")
    assert api5.subject == "kubectl set image deploy/api api=registry/api:1.42.0"  # change-cause
    assert api5.rollback_command.endswith("--to-revision=4 -n payments")
    assert api4.rollback_argv == () and api4.rollback_command == ""  # nothing older to go back to
    # the worker's selector is not app=worker: its ReplicaSets are still found
    assert (worker2.image, worker2.at) == ("registry/worker:2.1", NOW - timedelta(minutes=50))
    assert worker1.rollback_argv == ()
    assert "kubectl get rs -l app=api -o json -n payments" in snap.commands
    assert "kubectl get rs -l component=worker,tier=jobs -o json -n payments" in snap.commands


async def test_no_namespace_and_a_context(kube):
    snap = await source(("web",), namespace=None, context="prod").collect(NOW)
    assert snap.error is None
    [web2, _web1] = snap.deploys
    assert web2.rollback_command == "kubectl rollout undo deploy/web --to-revision=1 --context prod"
    assert "-n" not in web2.rollback_argv


async def test_a_new_revision_is_recorded_once(kube):
    src, tracker = source(), DeployTracker()
    first = tracker.observe((await src.collect(NOW)).deploys, NOW)
    assert [e.dedupe_key for e in first] == ["deploy:prod:api:6"]  # the only one in the last 30 min
    doc = json.loads(kube.read_text())
    doc["namespaces"]["payments"]["deployments"]["api"]["revisions"].append(
        {"revision": 7, "created": ts(-1), "image": "registry/api:1.44.0", "change_cause": "bump to 1.44.0"}
    )
    kube.write_text(json.dumps(doc))
    later = NOW + timedelta(minutes=1)
    events = tracker.observe((await src.collect(later)).deploys, later)
    assert [e.text for e in events] == [
        "deploy prod deploy/api rev 7: bump to 1.44.0 "
        "(rollback: kubectl rollout undo deploy/api --to-revision=6 -n payments)"
    ]
    assert tracker.observe((await src.collect(later)).deploys, later) == []


async def test_after_a_real_rollback_the_new_revision_is_dated_by_the_rollout(kube):
    src = source(("api",))
    snap = await src.collect(NOW)
    api6 = snap.deploys[0]
    result = await run_argv(api6.rollback_argv, timeout=10)  # the command we offer, run for real
    assert result.ok and result.stdout.strip() == b"deployment.apps/api rolled back"
    snap = await src.collect(NOW)
    # revision 5's ReplicaSet comes back as revision 7: its image, dated when it rolled out
    assert [d.ident for d in snap.deploys] == ["api:7", "api:6", "api:4"]
    api7 = snap.deploys[0]
    assert api7.image == "registry/api:1.42.0"
    assert api7.at == NOW
    assert api7.rollback_command == "kubectl rollout undo deploy/api --to-revision=6 -n payments"


async def test_not_found_names_the_command_and_keeps_the_rest(kube):
    snap = await source(("api", "ghost")).collect(NOW)
    assert [d.ref for d in snap.deploys] == ["api", "api", "api"]
    assert snap.error == (
        "kubectl get deploy ghost -o json -n payments: exit 1: "
        'Error from server (NotFound): deployments.apps "ghost" not found'
    )


async def test_kubectl_missing_names_the_command(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    snap = await source(("api",)).collect(NOW)
    assert snap.deploys == ()
    assert snap.error == "kubectl get deploy api -o json -n payments: command not found: kubectl"


async def test_unreachable_cluster_and_unknown_context(kube):
    doc = json.loads(kube.read_text())
    snap = await source(("api",), context="staging").collect(NOW)
    assert snap.error.endswith('exit 1: error: context "staging" does not exist')
    doc["error"] = "The connection to the server 10.0.0.1:6443 was refused - did you specify the right host or port?"
    kube.write_text(json.dumps(doc))
    snap = await source(("api",)).collect(NOW)
    assert snap.error.startswith("kubectl get deploy api -o json -n payments: exit 1: The connection")
    assert "deploys prod (kubectl)" in snap.as_text() and snap.error in snap.as_text()


async def test_no_deployments_configured_is_explained():
    snap = await source(()).collect(NOW)
    assert "no deployments configured" in snap.error


async def test_as_text_shows_images_and_rollbacks(kube):
    text = (await source(("api",)).collect(NOW)).as_text()
    assert "rev 6  2026-11-26 11:45:00 UTC  deploy/api  image registry/api:1.43.0" in text
    assert "    rollback: kubectl rollout undo deploy/api --to-revision=5 -n payments" in text
    assert "    image: registry/api:1.42.0" in text  # rev 5 has a change-cause, image below it
