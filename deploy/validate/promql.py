"""Checks every PromQL expression of the Grafana dashboard with promtool, and every metric name
the dashboard and the alert rules use against the metrics the code registers.

1. Extracts the dashboard's expressions (panel targets and the label_values() selectors of the
   template variables), substitutes Grafana's variables, and writes them as recording rules:
   `promtool check rules` parses each one.
2. Runs them with `promtool test rules` on synthetic series of every metric the code registers
   (names, types and label names read from Sources/Pipeline), each watched by an absent() alert
   that must stay silent: an expression that selects nothing (a wrong name or label) fails.
3. Every fastbert_* name in the dashboard and in deploy/prometheus/alerts.yaml must be one the
   code registers, or one listed in PENDING (needed, not exported yet: printed as a note).

Usage: python promql.py PROMTOOL
"""
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
DASHBOARD = ROOT / "deploy" / "grafana" / "fastbert.json"
ALERTS = ROOT / "deploy" / "prometheus" / "alerts.yaml"

# Metrics the dashboard and alerts need that Sources/Pipeline does not register yet:
# name -> (type, label names).
PENDING = {}
# Grafana variables -> a value that keeps the expression valid PromQL (the rate interval spans
# several of the synthetic series' 5-minute samples).
VARIABLES = {"__rate_interval": "20m", "__interval": "1m", "__range": "1h", "job": ".+", "instance": ".+"}
HISTOGRAM_SUFFIXES = ("_bucket", "_sum", "_count")


def registered_metrics():
    """name -> (type, label names) for every metric created with a literal label in Sources/Pipeline."""
    kinds = {"FloatingPointCounter": "counter", "Counter": "counter", "Gauge": "gauge", "Meter": "gauge", "Timer": "histogram", "Recorder": "histogram"}
    found = {}
    for path in (ROOT / "Sources" / "Pipeline").rglob("*.swift"):
        text = path.read_text()
        for m in re.finditer(r'\b(FloatingPointCounter|Counter|Gauge|Meter|Timer|Recorder)\(\s*label:\s*"(fastbert_\w+)"(.*?)factory:', text, re.S):
            labels = re.findall(r'\(\s*"(\w+)"\s*,', m.group(3)) if "dimensions:" in m.group(3) else []
            found[m.group(2)] = (kinds[m.group(1)], labels)
    return found


def substitute(expr):
    def value(m):
        name = m.group(1) or m.group(2)
        if name not in VARIABLES:
            raise SystemExit(f"dashboard uses ${name}: add it to VARIABLES in {__file__}")
        return VARIABLES[name]
    return re.sub(r"\$\{(\w+)\}|\$(\w+)", value, expr)


def dashboard_expressions():
    dash = json.loads(DASHBOARD.read_text())
    exprs = []
    def walk(panels):
        for panel in panels:
            for target in panel.get("targets", []):
                if target.get("expr"):
                    exprs.append((f"panel {panel['id']} ({panel['title']}) {target['refId']}", target["expr"]))
            walk(panel.get("panels", []))
    walk(dash["panels"])
    for var in dash.get("templating", {}).get("list", []):
        query = var.get("query")
        query = query.get("query") if isinstance(query, dict) else query
        m = re.fullmatch(r"label_values\((.+),\s*\w+\)", query or "")
        if var.get("type") == "query":
            if not m:
                raise SystemExit(f"variable {var['name']}: only label_values(SELECTOR, label) is checked, got {query!r}")
            exprs.append((f"variable {var['name']}", m.group(1)))
    return exprs


def synthetic_series(metrics):
    """Input series for promtool: two members, two values per label, 26 hours at 5-minute steps."""
    series = []
    members = [("fastbert", "a:9464"), ("fastbert", "b:9464")]
    for name, (kind, labels) in sorted(metrics.items()):
        combos = [{}]
        for label in labels:
            combos = [dict(c, **{label: v}) for c in combos for v in ("1", "2")]
        for job, instance in members:
            for combo in combos:
                base = dict(combo, job=job, instance=instance)
                def add(metric, values, extra=None):
                    labels_text = ",".join(f'{k}="{v}"' for k, v in {**base, **(extra or {})}.items())
                    series.append({"series": f"{metric}{{{labels_text}}}", "values": values})
                if kind == "counter":
                    add(name, "0+60x320")
                elif kind == "gauge":
                    add(name, "1x320")
                else:
                    for i, le in enumerate(["0.01", "0.1", "1", "+Inf"]):
                        add(name + "_bucket", f"0+{15 * (i + 1)}x320", {"le": le})
                    add(name + "_sum", "0+6x320")
                    add(name + "_count", "0+60x320")
        if name == "fastbert_messages_in_total":
            for job, instance in members:
                series.append({"series": f'up{{job="{job}",instance="{instance}"}}', "values": "1x320"})
    return series


def used_metric_names(text):
    return set(re.findall(r"(?<![\w:])(fastbert_[a-z0-9_]+)", text))


def main(promtool):
    failures = []
    code = registered_metrics()
    if len(code) < 10:
        raise SystemExit(f"found only {sorted(code)} in Sources/Pipeline: update registered_metrics() in {__file__}")
    known = dict(PENDING, **code)
    names = {n for kind_names in known for n in [kind_names] + ([kind_names + s for s in HISTOGRAM_SUFFIXES] if known[kind_names][0] == "histogram" else [])}

    exprs = [(where, substitute(e)) for where, e in dashboard_expressions()]
    alert_exprs = [r["expr"] for g in yaml.safe_load(ALERTS.read_text())["groups"] for r in g["rules"]]
    for where, text in exprs + [("alerts.yaml", e) for e in alert_exprs]:
        for unknown in sorted(used_metric_names(text) - names):
            failures.append(f"{where}: {unknown} is not a metric the code registers (nor in PENDING)")
    used_pending = sorted(n for n in PENDING if n not in code and any(n in e for _, e in exprs) | any(n in e for e in alert_exprs))
    print(f"  dashboard: {len(exprs)} expressions; code registers {len(code)} metrics")
    if used_pending:
        print(f"  note: used but not exported by the code yet: {', '.join(used_pending)}")

    with tempfile.TemporaryDirectory() as tmp:
        rules, tests = Path(tmp) / "dashboard.rules.yaml", Path(tmp) / "dashboard.test.yaml"
        recorded = [f"dashboard:expr_{i}" for i in range(len(exprs))]
        rule_list = [{"record": r, "expr": e} for r, (_, e) in zip(recorded, exprs)]
        rule_list += [{"alert": f"Empty{i}", "expr": f"absent({r})", "annotations": {"where": w}} for i, (r, (w, _)) in enumerate(zip(recorded, exprs))]
        rules.write_text(yaml.safe_dump({"groups": [{"name": "dashboard", "rules": rule_list}]}, sort_keys=False))
        check = subprocess.run([promtool, "check", "rules", str(rules)], capture_output=True, text=True)
        print("  promtool check rules (dashboard): " + (check.stdout.strip().splitlines() or ["?"])[-1].strip())
        if check.returncode != 0:
            failures.append("promtool check rules on the dashboard's expressions:\n" + check.stdout + check.stderr)
        else:
            tests.write_text(yaml.safe_dump({
                "rule_files": [rules.name], "evaluation_interval": "5m",
                "tests": [{"interval": "5m", "input_series": synthetic_series(known),
                           "alert_rule_test": [{"eval_time": "1d2h", "alertname": f"Empty{i}", "exp_alerts": []} for i in range(len(exprs))]}],
            }, sort_keys=False))
            test = subprocess.run([promtool, "test", "rules", str(tests)], capture_output=True, text=True, cwd=tmp)
            print("  promtool test rules (dashboard on synthetic series): " + ("SUCCESS" if test.returncode == 0 else "FAILED"))
            if test.returncode != 0:
                where = {f"Empty{i}": w for i, (w, _) in enumerate(exprs)}
                empty = sorted(set(re.findall(r"alertname: (Empty\d+),", test.stdout + test.stderr)), key=lambda a: int(a[5:]))
                failures.append("expressions that select nothing: " + "; ".join(f"{where[a]}: {exprs[int(a[5:])][1]}" for a in empty)
                                if empty else test.stdout + test.stderr)
    for f in failures:
        print("  FAIL " + f)
    print(f"dashboard PromQL and metric names: {'FAILED' if failures else 'OK'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(str(Path(sys.argv[1]).resolve())))
