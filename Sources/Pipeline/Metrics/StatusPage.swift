/// The live status page served at `/`: one self-contained HTML document (no external assets, so
/// it works offline) whose script polls `/metrics` every 2 s and draws per-layer exits, mean
/// exit depth, throughput, latency, lag per partition, speed and model id. Rates use the
/// server's clock (the `x-fastbert-uptime` header of /metrics), so they stay right in a browser
/// whose timers run on virtual time (headless tests).
/// Element ids (`model`, `speed`, `mean-depth`, `exits-<layer>`, `lag-<topic>-<partition>`, ...)
/// are what `StatusPageTests` reads.
enum StatusPage {
    static let html = #"""
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>fastbert serve</title>
<style>
body{font:14px system-ui,sans-serif;margin:0;background:#f6f7f9;color:#1d2430}
header{background:#1d2430;color:#fff;padding:10px 20px;display:flex;gap:24px;align-items:baseline}
header h1{font-size:18px;margin:0}
#state.ok{color:#6fdc8c}#state.bad{color:#ff8389}
main{display:grid;grid-template-columns:repeat(auto-fill,minmax(170px,1fr));gap:12px;padding:16px 20px}
.card{background:#fff;border-radius:6px;padding:10px 14px;box-shadow:0 1px 2px #0002}
.card h2{font-size:12px;font-weight:600;color:#5a6472;margin:0 0 4px;text-transform:uppercase}
.card .v{font-size:24px;font-variant-numeric:tabular-nums}
.wide{grid-column:1/-1}
table{border-collapse:collapse}td,th{padding:2px 12px 2px 0;text-align:right;font-variant-numeric:tabular-nums}
th{color:#5a6472;font-weight:600}
svg text{font-size:11px;fill:#1d2430}
small{color:#5a6472}
</style>
</head>
<body>
<header><h1>fastbert serve</h1><span>model <b id="model">-</b></span><span id="state">-</span>
<small>updated <span id="updated">never</span> (<span id="polls">0</span> polls)</small></header>
<main>
<div class="card"><h2>Throughput</h2><div class="v"><span id="throughput">-</span></div><small>msg/s out</small></div>
<div class="card"><h2>Messages out</h2><div class="v" id="messages-out">-</div><small>in <span id="messages-in">-</span>, dead letters <span id="dead-letters">-</span></small></div>
<div class="card"><h2>Mean exit layer</h2><div class="v" id="mean-depth">-</div><small>now <span id="mean-depth-now">-</span></small></div>
<div class="card"><h2>Speed</h2><div class="v" id="speed">-</div><small>exit threshold</small></div>
<div class="card"><h2>End to end</h2><div class="v"><span id="latency-e2e">-</span></div><small>mean ms; p95 now <span id="latency-e2e-p95">-</span></small></div>
<div class="card"><h2>Inference</h2><div class="v"><span id="latency-inference">-</span></div><small>mean ms per batch</small></div>
<div class="card"><h2>Queue wait</h2><div class="v"><span id="latency-queue">-</span></div><small>mean ms</small></div>
<div class="card"><h2>Total lag</h2><div class="v" id="lag-total">-</div><small>records</small></div>
<div class="card wide"><h2>Exits per layer</h2><svg id="exit-chart" width="100%" height="190" role="img" aria-label="exits per layer"></svg>
<small>bar height: share of exits since the previous poll (all since start while idle); label: total exits</small></div>
<div class="card wide"><h2>Time per layer</h2><svg id="time-chart" width="100%" height="150" role="img" aria-label="seconds per layer"></svg>
<small>share of engine time per layer since start: encoder (dark) and classifier (light)</small></div>
<div class="card wide"><h2>Lag per partition</h2><table><thead><tr><th>topic</th><th>partition</th><th>lag</th><th>committed</th></tr></thead><tbody id="lag"></tbody></table></div>
</main>
<script>
"use strict";
const POLL_MS = 2000;
let previous = null, polls = 0;

// Prometheus text format -> [{name, labels, value}].
function parse(text) {
  const out = [];
  for (const line of text.split("\n")) {
    if (!line || line[0] === "#") continue;
    const m = line.match(/^([a-zA-Z_:][\w:]*)(\{(.*)\})?\s+(\S+)/);
    if (!m) continue;
    const labels = {};
    for (const l of (m[3] || "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]] = l[2];
    out.push({name: m[1], labels, value: parseFloat(m[4])});
  }
  return out;
}
const pick = (s, name) => s.filter(x => x.name === name);
const one = (s, name) => { const x = pick(s, name); return x.length ? x[0].value : NaN; };
const byLabel = (s, name, label) => {
  const o = {}; for (const x of pick(s, name)) o[x.labels[label]] = x.value; return o;
};
const fmt = (v, d) => Number.isFinite(v) ? v.toFixed(d) : "-";
const set = (id, text) => { document.getElementById(id).textContent = text; };
const mean = (s, base) => one(s, base + "_sum") / one(s, base + "_count");

// Quantile from the increase of histogram buckets (linear within a bucket, as PromQL does).
function quantile(q, now, before, base) {
  const buckets = pick(now, base + "_bucket").map(b => {
    const old = before ? pick(before, base + "_bucket").find(x => x.labels.le === b.labels.le) : null;
    return {le: b.labels.le === "+Inf" ? Infinity : parseFloat(b.labels.le), n: b.value - (old ? old.value : 0)};
  }).sort((a, b) => a.le - b.le);
  const total = buckets.length ? buckets[buckets.length - 1].n : 0;
  if (!(total > 0)) return NaN;
  let lower = 0, below = 0;
  for (const b of buckets) {
    if (b.n >= q * total) {
      if (b.le === Infinity) return lower;
      return lower + (b.le - lower) * (q * total - below) / Math.max(b.n - below, 1e-9);
    }
    lower = b.le; below = b.n;
  }
  return NaN;
}

function svg(tag, attrs, text) {
  const e = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const k in attrs) e.setAttribute(k, attrs[k]);
  if (text !== undefined) e.textContent = text;
  return e;
}

function drawExits(totals, recent) {
  const chart = document.getElementById("exit-chart");
  chart.replaceChildren();
  const layers = Object.keys(totals).map(Number).sort((a, b) => a - b);
  const recentSum = layers.reduce((a, l) => a + (recent[l] || 0), 0);
  const shares = recentSum > 0 ? recent : totals;
  const sum = layers.reduce((a, l) => a + (shares[l] || 0), 0);
  const w = Math.max(chart.clientWidth || 600, 200), h = 190, top = 20, bottom = 36;
  const slot = (w - 20) / Math.max(layers.length, 1);
  layers.forEach((l, i) => {
    const share = sum > 0 ? (shares[l] || 0) / sum : 0;
    const bh = share * (h - top - bottom), x = 10 + i * slot;
    chart.append(svg("rect", {x: x + slot * 0.15, y: h - bottom - bh, width: slot * 0.7, height: bh, fill: "#3d7edb"}));
    chart.append(svg("text", {x: x + slot / 2, y: h - bottom - bh - 4, "text-anchor": "middle", id: "exit-share-" + l}, fmt(100 * share, 1) + "%"));
    chart.append(svg("text", {x: x + slot / 2, y: h - bottom + 14, "text-anchor": "middle"}, "layer " + l));
    chart.append(svg("text", {x: x + slot / 2, y: h - bottom + 28, "text-anchor": "middle", id: "exits-" + l}, String(totals[l])));
  });
}

function drawTimes(encoder, classifier) {
  const chart = document.getElementById("time-chart");
  chart.replaceChildren();
  const layers = Object.keys(encoder).map(Number).sort((a, b) => a - b);
  const total = layers.reduce((a, l) => a + encoder[l] + (classifier[l] || 0), 0);
  const w = Math.max(chart.clientWidth || 600, 200), h = 150, top = 16, bottom = 22;
  const slot = (w - 20) / Math.max(layers.length, 1), scale = total > 0 ? (h - top - bottom) / total : 0;
  layers.forEach((l, i) => {
    const x = 10 + i * slot, e = encoder[l] * scale, c = (classifier[l] || 0) * scale;
    chart.append(svg("rect", {x: x + slot * 0.15, y: h - bottom - e, width: slot * 0.7, height: e, fill: "#1d4f91"}));
    chart.append(svg("rect", {x: x + slot * 0.15, y: h - bottom - e - c, width: slot * 0.7, height: c, fill: "#8db6ee"}));
    chart.append(svg("text", {x: x + slot / 2, y: h - bottom - e - c - 3, "text-anchor": "middle", id: "layer-seconds-" + l},
      fmt(encoder[l] + (classifier[l] || 0), 3) + " s"));
    chart.append(svg("text", {x: x + slot / 2, y: h - 6, "text-anchor": "middle"}, "layer " + l));
  });
}

function render(s, at) {
  const model = pick(s, "fastbert_model_info")[0];
  set("model", model ? model.labels.model : "-");
  const ready = one(s, "fastbert_ready") === 1;
  const state = document.getElementById("state");
  state.textContent = ready ? "ready" : "not ready"; state.className = ready ? "ok" : "bad";
  const out = one(s, "fastbert_messages_out_total");
  set("messages-out", fmt(out, 0));
  set("messages-in", fmt(one(s, "fastbert_messages_in_total"), 0));
  set("dead-letters", fmt(pick(s, "fastbert_dead_letters_total").reduce((a, x) => a + x.value, 0), 0));
  const speed = one(s, "fastbert_speed");
  set("speed", speed !== undefined && speed < 0 ? "calibrated" : fmt(speed, 2));  // -1: a per-layer policy

  const exits = byLabel(s, "fastbert_exits_total", "layer");
  const exitSum = Object.values(exits).reduce((a, b) => a + b, 0);
  set("mean-depth", exitSum > 0 ? fmt(one(s, "fastbert_exit_layers_total") / exitSum, 2) : "-");
  const recent = {};
  if (previous) {
    const before = byLabel(previous.samples, "fastbert_exits_total", "layer");
    for (const l in exits) recent[l] = exits[l] - (before[l] || 0);
    const n = Object.values(recent).reduce((a, b) => a + b, 0);
    const depth = one(s, "fastbert_exit_layers_total") - one(previous.samples, "fastbert_exit_layers_total");
    set("mean-depth-now", n > 0 ? fmt(depth / n, 2) : "-");
    const dt = at - previous.at;
    if (dt > 0) set("throughput", fmt((out - one(previous.samples, "fastbert_messages_out_total")) / dt, 1));
  }
  drawExits(exits, recent);
  drawTimes(byLabel(s, "fastbert_layer_seconds_total", "layer"), byLabel(s, "fastbert_classifier_seconds_total", "layer"));

  set("latency-e2e", fmt(1000 * mean(s, "fastbert_end_to_end_seconds"), 1));
  set("latency-inference", fmt(1000 * mean(s, "fastbert_inference_seconds"), 1));
  set("latency-queue", fmt(1000 * mean(s, "fastbert_queue_wait_seconds"), 1));
  const p95 = 1000 * quantile(0.95, s, previous && previous.samples, "fastbert_end_to_end_seconds");
  set("latency-e2e-p95", Number.isFinite(p95) ? fmt(p95, 1) + " ms" : "-");

  const committed = {};
  for (const x of pick(s, "fastbert_committed_offset")) committed[x.labels.topic + "/" + x.labels.partition] = x.value;
  const lags = pick(s, "fastbert_consumer_lag").sort((a, b) =>
    a.labels.topic.localeCompare(b.labels.topic) || a.labels.partition - b.labels.partition);
  const body = document.getElementById("lag");
  body.replaceChildren();
  for (const x of lags) {
    const row = document.createElement("tr");
    const key = x.labels.topic + "/" + x.labels.partition;
    for (const [text, id] of [[x.labels.topic], [x.labels.partition], [fmt(x.value, 0), "lag-" + x.labels.topic + "-" + x.labels.partition],
                              [key in committed ? fmt(committed[key], 0) : "-"]]) {
      const td = document.createElement("td"); td.textContent = text; if (id) td.id = id; row.append(td);
    }
    body.append(row);
  }
  set("lag-total", fmt(lags.reduce((a, x) => a + x.value, 0), 0));
}

async function poll() {
  try {
    const response = await fetch("/metrics", {cache: "no-store"});
    if (!response.ok) throw new Error("/metrics answered " + response.status);
    const uptime = parseFloat(response.headers.get("x-fastbert-uptime"));
    const at = Number.isFinite(uptime) ? uptime : performance.now() / 1000;
    const samples = parse(await response.text());
    render(samples, at);
    previous = {samples, at};
    set("polls", String(++polls));
    set("updated", new Date().toLocaleTimeString());
  } catch (e) {
    // Keep the last numbers, but say they are stale.
    const state = document.getElementById("state");
    state.textContent = "unreachable"; state.className = "bad";
  }
}
poll();
setInterval(poll, POLL_MS);
</script>
</body>
</html>
"""#
}
