"""Cross-file checks of deploy/ that no schema can make (run by scripts/validate-deploy).

- The flags the deploy files pass exist in the CLI (Sources/fastbert), and compose's serve command
  passes the systemd unit's flags.
- The KEDA ScaledObject scales the Deployment on the ConfigMap's brokers, group and topic, and
  its maxReplicaCount is the input partition count the replay Job is written for.
- The replay Job's shell script, run for every completion index with a stand-in `fastbert`,
  gives each partition to exactly one pod and passes only flags replay has.
- The Grafana provisioning files parse and point at the dashboard.

Prints one line per check; exits 1 if any failed.
"""
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
failures = []


def check(name, ok, detail=""):
    print(f"  {'ok  ' if ok else 'FAIL'} {name}" + (f": {detail}" if detail and not ok else ""))
    if not ok:
        failures.append(name)


def cli_flags():
    """Long option names declared with @Option/@Flag in Sources/fastbert, e.g. {"--input-topic"}."""
    flags = set()
    for path in (ROOT / "Sources" / "fastbert").rglob("*.swift"):
        text = path.read_text()
        for m in re.finditer(r"@(?:Option|Flag)\((?P<args>[^)]*(?:\([^)]*\)[^)]*)*)\)\s*(?:public\s+)?var\s+(?P<var>\w+)", text):
            custom = re.findall(r'\.customLong\("([\w-]+)"\)', m.group("args"))
            names = custom or [re.sub(r"(?<!^)([A-Z])", r"-\1", m.group("var")).lower()]
            flags.update("--" + name for name in names)
    return flags


def flag_names(args):
    return {a.split("=", 1)[0] for a in args if a.startswith("--")}


def systemd_serve_flags():
    unit = (DEPLOY / "systemd" / "fastbert-serve.service").read_text()
    line = next(l for l in unit.splitlines() if l.startswith("ExecStart="))
    return flag_names(line.split()[1:])


def load_all(path):
    return [d for d in yaml.safe_load_all(path.read_text()) if d]


def kind(docs, k):
    return next(d for d in docs if d["kind"] == k)


known = cli_flags()
check("flags declared in Sources/fastbert found", len(known) > 20, f"only {sorted(known)}: update deploy/validate/consistency.py")

# compose: the systemd unit's serve flags, all known to the CLI.
compose = yaml.safe_load((DEPLOY / "compose" / "compose.yaml").read_text())
serve_cmd = compose["services"]["fastbert"]["command"]
check("compose runs serve", serve_cmd[0] == "serve", str(serve_cmd[:1]))
check("compose serve passes the systemd unit's flags", flag_names(serve_cmd) == systemd_serve_flags(),
      f"compose {sorted(flag_names(serve_cmd))} vs unit {sorted(systemd_serve_flags())}")
check("compose serve flags exist in the CLI", flag_names(serve_cmd) <= known, str(sorted(flag_names(serve_cmd) - known)))

# The metrics port: loopback (or a chosen address) under systemd, the pod IP in Kubernetes.
unit_env = dict(l.split("=", 1) for l in (DEPLOY / "systemd" / "fastbert-serve.env").read_text().splitlines()
                if "=" in l and not l.startswith("#"))
unit_host = next(a.split("=", 1)[1] for a in next(l for l in (DEPLOY / "systemd" / "fastbert-serve.service").read_text()
                 .splitlines() if l.startswith("ExecStart=")).split() if a.startswith("--metrics-host="))
check("systemd unit binds metrics to 127.0.0.1", unit_host.replace("${FASTBERT_METRICS_HOST}", unit_env.get("FASTBERT_METRICS_HOST", "")) == "127.0.0.1", unit_host)

# Kubernetes: ScaledObject <-> Deployment/ConfigMap <-> replay Job.
k8s = DEPLOY / "kubernetes"
serve_docs = load_all(k8s / "fastbert-serve.yaml")
config = kind(serve_docs, "ConfigMap")["data"]
deployment = kind(serve_docs, "Deployment")
scaled = kind(load_all(k8s / "fastbert-serve-scaledobject.yaml"), "ScaledObject")
trigger = next(t for t in scaled["spec"]["triggers"] if t["type"] == "kafka")["metadata"]
check("ScaledObject targets the Deployment", scaled["spec"]["scaleTargetRef"]["name"] == deployment["metadata"]["name"])
check("ScaledObject reads the ConfigMap's brokers, group and topic",
      (trigger["bootstrapServers"], trigger["consumerGroup"], trigger["topic"])
      == (config["FASTBERT_BROKERS"], config["FASTBERT_GROUP"], config["FASTBERT_INPUT_TOPIC"]),
      f"{trigger} vs {config}")
check("ScaledObject limits to partitions with lag", trigger.get("limitToPartitionsWithLag") == "true"
      and trigger.get("allowIdleConsumers", "false") == "false")

serve_container = deployment["spec"]["template"]["spec"]["containers"][0]
pod_ip_vars = {e["name"] for e in serve_container.get("env", [])
               if e.get("valueFrom", {}).get("fieldRef", {}).get("fieldPath") == "status.podIP"}
pod_host = next((a.split("=", 1)[1] for a in serve_container["args"] if a.startswith("--metrics-host=")), "")
check("Deployment binds metrics to the pod IP (downward API)", pod_host in {f"$({v})" for v in pod_ip_vars}, pod_host)

job = kind(load_all(k8s / "fastbert-replay-job.yaml"), "Job")
spec = job["spec"]
container = spec["template"]["spec"]["containers"][0]
env = {e["name"]: e["value"] for e in container["env"]}
partitions, shards = int(env["FASTBERT_PARTITIONS"]), int(env["FASTBERT_SHARDS"])
check("replay Job is Indexed with FASTBERT_SHARDS completions and parallelism",
      spec.get("completionMode") == "Indexed" and spec["completions"] == spec["parallelism"] == shards,
      f"completionMode={spec.get('completionMode')} completions={spec['completions']} parallelism={spec['parallelism']} shards={shards}")
check("ScaledObject maxReplicaCount = the input partition count the replay Job splits",
      scaled["spec"]["maxReplicaCount"] == partitions, f"{scaled['spec']['maxReplicaCount']} vs {partitions}")
check("replay Job reads the Deployment's input topic and model",
      (env["FASTBERT_INPUT_TOPIC"], env["FASTBERT_MODEL"], env["FASTBERT_BROKERS"])
      == (config["FASTBERT_INPUT_TOPIC"], config["FASTBERT_MODEL"], config["FASTBERT_BROKERS"]))

def run_job_script(env, shards):
    """Runs the Job's script for every completion index with a stand-in fastbert that prints its
    arguments; returns ({index: [partitions]}, flags passed to replay, all exited 0)."""
    with tempfile.TemporaryDirectory() as bin_dir:
        stub = Path(bin_dir) / "fastbert"
        stub.write_text('#!/bin/sh\nfor a in "$@"; do echo "$a"; done\n')
        stub.chmod(0o755)
        shares, flags, ok = {}, set(), True
        for index in range(shards):
            run_env = dict(env, FASTBERT_SHARDS=str(shards), JOB_COMPLETION_INDEX=str(index), PATH=f"{bin_dir}:{os.environ['PATH']}")
            out = subprocess.run(container["command"] + container["args"], env=run_env, capture_output=True, text=True)
            ok &= out.returncode == 0
            args = out.stdout.splitlines()
            if "replay" in args:
                args = args[args.index("replay") + 1:]
                flags |= flag_names(args)
                shares[index] = [int(a.split("=", 1)[1]) for a in args if a.startswith("--partition=")]
        return shares, flags, ok


shares, replay_flags, ok = run_job_script(env, shards)
check("replay Job script runs for every index", ok and set(shares) == set(range(shards)), str(shares))
check("replay Job gives every partition to exactly one pod", sorted(p for s in shares.values() for p in s) == list(range(partitions)), str(shares))
check("replay Job flags exist in the CLI", replay_flags <= known, str(sorted(replay_flags - known)))
more, _, ok = run_job_script(env, partitions + 2)
check("replay Job pods beyond the partition count exit 0 without replaying",
      ok and sorted(more) == list(range(partitions)) and all(len(s) == 1 for s in more.values()), str(more))

# Grafana provisioning.
prov = DEPLOY / "grafana" / "provisioning"
ds = yaml.safe_load((prov / "datasources" / "prometheus.yaml").read_text())
dash_prov = yaml.safe_load((prov / "dashboards" / "fastbert.yaml").read_text())
mount = [v for v in compose["services"]["grafana"]["volumes"] if v.startswith("../grafana/fastbert.json:")]
check("Grafana datasource is the compose Prometheus",
      ds["datasources"][0]["type"] == "prometheus" and ds["datasources"][0]["url"] == "http://prometheus:9090")
check("Grafana dashboard provider path holds the mounted dashboard",
      len(mount) == 1 and mount[0].split(":")[1].startswith(dash_prov["providers"][0]["options"]["path"] + "/"))
json.loads((DEPLOY / "grafana" / "fastbert.json").read_text())

print(f"consistency: {'FAILED' if failures else 'OK'} ({len(failures)} failed)")
sys.exit(1 if failures else 0)
