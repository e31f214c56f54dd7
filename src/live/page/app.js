// orgsim live: draws the stream of frames the server sends, and turns buttons and keys into
// requests. Everything the page knows is in `live` (window.orgsimLive), so it can be read.
"use strict";

const live = {
  init: null,        // the `init` event
  status: null,
  totals: [],
  bins: [],          // per org: { width, cols: {ticks, executed, ...} as arrays }
  nodes: [],         // per org: { queued: Uint32Array, away: Uint32Array }
  timeline: [],
  frames: 0,         // frames received since the last init
  drawn: { charts: {}, pictures: [], points: {} },
  fps: 0,
  centres: [],       // per org: node centres in canvas pixels, as last drawn
  colours: [],       // per org: node fill colours, as last drawn
};
window.orgsimLive = live;

const $ = (id) => document.getElementById(id);
const fmt = (x, digits = 0) =>
  x == null || !isFinite(x) ? "–" : Number(x).toLocaleString("en", { maximumFractionDigits: digits, minimumFractionDigits: 0 });
const cap = (s) => s.charAt(0).toUpperCase() + s.slice(1);
const unit = () => (live.init ? live.init.scenario.tick_unit : "tick");
const units = () => (live.init ? live.init.scenario.tick_units : "ticks");
// What the scenario calls decisions ("claims"), escaped for the captions' HTML.
const nouns = () => esc(live.init ? live.init.scenario.nouns : "decisions");

// ----- the stream ----------------------------------------------------------------------------

let dirty = true;
const source = new EventSource("/events");
source.addEventListener("init", (e) => { onInit(JSON.parse(e.data)); });
source.addEventListener("frame", (e) => { onFrame(JSON.parse(e.data)); });
source.onerror = () => { say("Connection lost: reconnecting…", true); };

function onInit(init) {
  live.init = init;
  live.frames = 0;
  live.bins = init.orgs.map(() => ({ width: 1, cols: null }));
  live.nodes = init.orgs.map((o) => ({
    queued: new Uint32Array(o.picture.nodes.length),
    away: new Uint32Array(o.picture.nodes.length),
  }));
  live.drawn = { charts: {}, pictures: init.orgs.map(() => 0), points: {} };
  const p = init.palette;
  const root = document.documentElement.style;
  root.setProperty("--ink", p.ink);
  root.setProperty("--muted", p.muted);
  root.setProperty("--grid", p.grid);
  root.setProperty("--shock", p.shock);
  buildOrgs();
  buildLegend();
  buildSliders();
  document.querySelectorAll(".unit-plural").forEach((el) => { el.textContent = units(); });
  const s = init.scenario;
  $("name").textContent = s.name;
  $("subtitle").textContent = `${s.file} · ${init.orgs.length} designs, the same work and the same shocks · orgsim ${init.version}`;
  document.title = `orgsim live · ${s.name}`;
  const w = s.window;
  $("cap-latency").innerHTML = `Latency <span>(${units()} from arrival to execution, mean over ${w} ${units()})</span>`;
  $("cap-throughput").innerHTML = `Throughput <span>(${nouns()} executed per ${unit()}, mean over ${w})</span>`;
  $("cap-backlog").innerHTML = `Backlog <span>(${nouns()} waiting)</span>`;
  $("cap-age").innerHTML = `Age of waiting work <span>(mean ${units()} waited so far)</span>`;
  say("");
  onFrame(init.state);
}

function onFrame(f) {
  if (!live.init) return;
  live.frames += 1;
  live.status = f.status;
  live.totals = f.totals;
  f.series.forEach((c, o) => { if (c) mergeBins(o, c); });
  f.nodes.forEach((flat, o) => {
    const n = live.nodes[o];
    for (let i = 0; i + 2 < flat.length; i += 3) {
      n.queued[flat[i]] = flat[i + 1];
      n.away[flat[i]] = flat[i + 2];
    }
  });
  if (f.timeline) live.timeline = f.timeline;
  updateText();
  dirty = true;
}

const COLS = ["ticks", "arrived", "executed", "latency", "backlog", "frozen", "age", "aged", "value"];

function mergeBins(o, c) {
  const b = live.bins[o];
  if (!b.cols || c.from === 0) b.cols = Object.fromEntries(COLS.map((k) => [k, []]));
  b.width = c.width;
  for (const k of COLS) {
    const col = b.cols[k];
    col.length = Math.min(col.length, c.from);
    for (const v of c[k]) col.push(v);
  }
}

// ----- text: clock, tallies, timeline, controls --------------------------------------------

function updateText() {
  const s = live.status;
  const sc = live.init.scenario;
  $("tick").textContent = `${cap(unit())} ${fmt(s.tick)}`;
  $("horizon").textContent = s.tick <= sc.horizon ? `of ${fmt(sc.horizon)}` : `· past the scenario's ${fmt(sc.horizon)}`;
  const start = $("start");
  start.innerHTML = (s.running ? "Pause" : "Start") + " <kbd>Space</kbd>";
  start.classList.toggle("on", s.running);
  $("speed").textContent = s.speed == null ? "max" : `${fmt(s.speed)}/s`;
  $("meter").textContent = `${fmt(s.measured, 1)} ${units()}/s · ${fmt(live.fps)} fps · ${s.clients} ${s.clients === 1 ? "page" : "pages"}`;
  live.init.orgs.forEach((org, o) => {
    const t = live.totals[o];
    const el = $(`tally-${o}`);
    if (!t || !el) return;
    el.innerHTML = `Value <b>${fmt(t.value)}</b> · Waiting <b>${fmt(t.backlog)}</b>` +
      (t.frozen > 0 ? ` (${fmt(t.frozen)} frozen)` : "");
    el.title = `${fmt(t.executed)} ${live.init.scenario.nouns} executed, ${fmt(t.arrived)} arrived since ${unit()} 0`;
  });
  if (!dragging.rate) {
    $("rate").value = s.rate;
    $("rate-value").textContent = `${fmt(s.rate, 2)} per ${unit()}`;
  }
  if (!dragging.authority) {
    const design = live.init.orgs.map((o) => fmt(o.frontline_authority, 2)).join(" · ");
    if (s.authority == null) {
      $("authority").value = live.init.orgs[0].frontline_authority;
      $("authority-value").textContent = `each own: ${design}`;
    } else {
      $("authority").value = s.authority;
      $("authority-value").textContent = `${fmt(s.authority, 2)} for all`;
    }
  }
  const items = live.timeline.map((e) => {
    const when = e.end == null ? `${fmt(e.at)}–` : `${fmt(e.at)}–${fmt(e.end)}`;
    return `<li><span class="when">${cap(unit())} ${when}</span> ${esc(e.label)}</li>`;
  });
  for (const p of s.pending) items.push(`<li class="pending">next ${unit()}: ${esc(p)}</li>`);
  const html = items.length ? items.join("") : `<li class="pending">none yet</li>`;
  if ($("timeline").innerHTML !== html) $("timeline").innerHTML = html;
  if (s.note) say(s.note, true);
}

function esc(s) {
  return String(s).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c]));
}

function say(text, bad = false) {
  const n = $("note");
  n.textContent = text;
  n.classList.toggle("bad", bad);
}

function buildOrgs() {
  const box = $("orgs");
  box.innerHTML = "";
  live.init.orgs.forEach((org, o) => {
    const d = document.createElement("div");
    d.className = "org";
    d.style.setProperty("--org", org.colour);
    const kind = org.structure === "tree"
      ? `a tree of ${org.picture.levels} levels`
      : `${fmt(org.units)} teams of ${fmt(org.unit_size)}`;
    d.innerHTML = `<h2 style="color:${org.colour}">${esc(org.name)} <span class="kind" style="color:var(--muted);font-weight:normal;font-size:14px">${fmt(org.headcount)} people, ${kind}</span></h2>` +
      `<div class="tally" id="tally-${o}"></div><canvas id="picture-${o}"></canvas>`;
    box.appendChild(d);
  });
}

function buildLegend() {
  const lines = live.init.orgs.map((o) => {
    const dash = o.dash.length ? "dashed" : "solid";
    return `<span><span class="swatch" style="border-top-color:${o.colour};border-top-style:${dash}"></span>${esc(o.name)}</span>`;
  }).join("");
  const ramp = [0, 1, 3, 10, 30].map((q) => `<span class="ramp" style="background:${queueColour(q)}"></span>`).join("");
  $("legend").innerHTML = lines +
    `<span>Waiting per person ${ramp} 0 → 30+</span>` +
    `<span><span class="ramp" style="background:${AWAY}"></span> away</span>` +
    `<span><span class="ramp" style="background:${live.init.palette.shock};border-radius:0"></span> shock</span>`;
}

// ----- controls ------------------------------------------------------------------------------

async function post(path, body = {}) {
  try {
    const r = await fetch(`/api/${path}`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    if (!r.ok) {
      let msg = `${r.status}`;
      try { msg = (await r.json()).error || msg; } catch (_) { msg = await r.text().catch(() => msg); }
      say(msg, true);
      return null;
    }
    say("");
    return await r.json();
  } catch (err) {
    say(`The server does not answer (${err.message}). Is orgsim live still running?`, true);
    return null;
  }
}

const num = (id) => { const v = $(id).value.trim(); return v === "" ? null : Number(v); };
const whole = (id) => { const v = num(id); return v == null ? null : Math.max(0, Math.round(v)); };

const shocks = {
  surge: () => ({ kind: "surge", factor: num("surge-factor"), duration: whole("surge-duration") }),
  loss: () => ({ kind: "loss", duration: whole("loss-duration"), reroute_after: whole("reroute") }),
  outage: () => ({ kind: "outage", delay_factor: num("outage-factor"), duration: whole("outage-duration") }),
  shift: () => ({ kind: "shift", complexity_shift: num("shift-size"), competence_drop: num("shift-size"), duration: whole("shift-duration") }),
  absence: () => ({ kind: "absence", fraction: (num("absence-percent") || 0) / 100, duration: whole("absence-duration"), reroute_after: whole("reroute") }),
};

async function inject(kind) {
  const r = await post("shock", shocks[kind]());
  if (r) say(`${cap(kind)} goes into every org at ${unit()} ${fmt(Math.max(r.tick, 1))}.`);
}

function speedIndex() {
  const list = live.init.scenario.speeds;
  const s = live.status.speed;
  const i = list.findIndex((x) => x === s);
  if (i >= 0) return i;
  return list.findIndex((x) => x != null && x >= s);
}

function changeSpeed(step) {
  if (!live.init) return;
  const list = live.init.scenario.speeds;
  const i = Math.min(list.length - 1, Math.max(0, speedIndex() + step));
  post("speed", { ticks_per_second: list[i] });
}

const dragging = { rate: false, authority: false };

function buildSliders() {
  const base = live.init.scenario.base_rate;
  const rate = $("rate");
  rate.min = 0;
  rate.max = Math.max(1, base * 3);
  rate.step = base > 0 ? niceStep(base / 20) : 1;
  rate.disabled = !(base > 0);
}

function niceStep(x) {
  const p = Math.pow(10, Math.floor(Math.log10(x)));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= x) return m * p;
  return x;
}

function nudge(id, dir) {
  const el = $(id);
  const step = Number(el.step) || 1;
  const v = Math.min(Number(el.max), Math.max(Number(el.min), Number(el.value) + dir * step));
  el.value = String(Math.round(v / step) * step);
  sendSlider(id);
}

function sendSlider(id) {
  const v = Number($(id).value);
  if (id === "rate") post("rate", { rate: v });
  else post("authority", { authority: v });
}

function saveScenario() {
  fetch("/api/scenario.toml").then(async (r) => {
    const text = await r.text();
    if (!r.ok) { say(text.trim(), true); return; }
    const cd = r.headers.get("Content-Disposition") || "";
    const m = /filename="([^"]+)"/.exec(cd);
    const name = m ? m[1] : "orgsim-live.toml";
    const a = document.createElement("a");
    a.href = URL.createObjectURL(new Blob([text], { type: "application/toml" }));
    a.download = name;
    document.body.appendChild(a);
    a.click();
    setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
    live.saved = { name, text };
    say(`Saved ${name}: \`orgsim run ${name}\` replays this session.`);
  }).catch((err) => say(`Could not save: ${err.message}`, true));
}

const actions = {
  start: () => post(live.status && live.status.running ? "pause" : "start"),
  step: () => post("step", { ticks: 1 }),
  reset: () => post("reset"),
  slower: () => changeSpeed(-1),
  faster: () => changeSpeed(1),
  "shock-surge": () => inject("surge"),
  "shock-loss": () => inject("loss"),
  "shock-outage": () => inject("outage"),
  "shock-shift": () => inject("shift"),
  "shock-absence": () => inject("absence"),
  "rate-base": () => post("rate", { rate: null }),
  "authority-design": () => post("authority", { authority: null }),
  save: saveScenario,
};

for (const [id, act] of Object.entries(actions)) {
  $(id).addEventListener("click", (e) => { e.currentTarget.blur(); act(); });
}
for (const id of ["rate", "authority"]) {
  const el = $(id);
  el.addEventListener("input", () => {
    dragging[id] = true;
    const v = Number(el.value);
    $(`${id}-value`).textContent = id === "rate" ? `${fmt(v, 2)} per ${unit()}` : `${fmt(v, 2)} for all`;
  });
  el.addEventListener("change", () => { dragging[id] = false; sendSlider(id); el.blur(); });
}

const keys = {
  " ": "start", ArrowRight: "step", r: "reset", ArrowDown: "slower", ArrowUp: "faster",
  1: "shock-surge", 2: "shock-loss", 3: "shock-outage", 4: "shock-shift", 5: "shock-absence",
  b: "rate-base", d: "authority-design", s: "save",
};
document.addEventListener("keydown", (e) => {
  if (e.ctrlKey || e.metaKey || e.altKey) return;
  const t = e.target;
  if (t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT")) {
    if (e.key === "Escape") t.blur();
    return;
  }
  const k = e.key.length === 1 ? e.key.toLowerCase() : e.key;
  let done = true;
  if (keys[k]) actions[keys[k]]();
  else if (k === "-" || k === "_") nudge("rate", -1);
  else if (k === "=" || k === "+") nudge("rate", 1);
  else if (k === "[") nudge("authority", -1);
  else if (k === "]") nudge("authority", 1);
  else done = false;
  if (done) e.preventDefault();
});

// ----- drawing -------------------------------------------------------------------------------

const AWAY = "#8c8c8c";
// Decisions waiting per person, light to dark: a lightness ramp (readable in greyscale and by
// every colour-vision type) through the charts' orange and vermillion.
const RAMP = [[0, [242, 242, 242]], [1, [254, 224, 182]], [3, [230, 159, 0]], [10, [213, 94, 0]], [30, [140, 45, 4]], [100, [60, 20, 0]]];

function queueColour(q) {
  if (q <= 0) return rgb(RAMP[0][1]);
  for (let i = 1; i < RAMP.length; i++) {
    const [q1, c1] = RAMP[i];
    const [q0, c0] = RAMP[i - 1];
    if (q <= q1) {
      const f = (Math.log1p(q) - Math.log1p(q0)) / (Math.log1p(q1) - Math.log1p(q0));
      return rgb(c0.map((c, j) => c + f * (c1[j] - c)));
    }
  }
  return rgb(RAMP[RAMP.length - 1][1]);
}

function rgb(c) {
  return `rgb(${c.map((x) => Math.round(x)).join(",")})`;
}

function fit(canvas) {
  const dpr = window.devicePixelRatio || 1;
  const w = canvas.clientWidth, h = canvas.clientHeight;
  if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
    canvas.width = Math.round(w * dpr);
    canvas.height = Math.round(h * dpr);
  }
  const ctx = canvas.getContext("2d");
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  return { ctx, w, h };
}

function drawPicture(o) {
  const canvas = $(`picture-${o}`);
  if (!canvas) return;
  const { ctx, w, h } = fit(canvas);
  ctx.clearRect(0, 0, w, h);
  const pic = live.init.orgs[o].picture;
  const st = live.nodes[o];
  const pad = 6;
  let place;
  let rmax;
  if (pic.layout === "ring") {
    const R = Math.min(w, h) / 2 - pad - 4;
    const n = pic.nodes.length;
    const cap = Math.max(4, Math.min(24, n > 1 ? (Math.PI * R / n) * 0.95 : R * 0.6));
    place = (nd) => [w / 2 + (nd.x - 0.5) / 0.42 * (R - cap), h / 2 + (nd.y - 0.5) / 0.42 * (R - cap)];
    rmax = () => cap;
  } else {
    const rows = pic.levels;
    const gap = rows > 1 ? (h - 2 * pad) / (rows - 1) : h;
    const perRow = {};
    for (const nd of pic.nodes) perRow[nd.level] = (perRow[nd.level] || 0) + 1;
    const top = pad + Math.min(28, gap * 0.42);
    const bottom = h - pad - Math.min(10, gap * 0.3);
    place = (nd) => [pad + nd.x * (w - 2 * pad), rows > 1 ? top + (nd.y - 0.08) / 0.84 * (bottom - top) : h / 2];
    rmax = (nd) => Math.max(2.5, Math.min(30, ((w - 2 * pad) / perRow[nd.level]) * 0.47, gap * 0.42));
  }
  const centres = pic.nodes.map(place);
  ctx.strokeStyle = "#9a9a9a";
  ctx.lineWidth = pic.layout === "ring" ? 1.2 : 1.5;
  ctx.beginPath();
  for (const [a, b] of pic.edges) {
    ctx.moveTo(centres[a][0], centres[a][1]);
    ctx.lineTo(centres[b][0], centres[b][1]);
  }
  ctx.stroke();
  const colours = [];
  pic.nodes.forEach((nd, i) => {
    const [x, y] = centres[i];
    const per = st.queued[i] / nd.count;
    const big = rmax(nd);
    const r = Math.max(2.5, big * (0.5 + 0.5 * Math.min(1, Math.log1p(per) / Math.log1p(30))));
    const awayShare = st.away[i] / nd.count;
    const fill = awayShare >= 1 ? AWAY : queueColour(per);
    colours.push(fill);
    ctx.beginPath();
    ctx.arc(x, y, r, 0, 2 * Math.PI);
    ctx.fillStyle = fill;
    ctx.fill();
    if (awayShare > 0 && awayShare < 1) {
      ctx.beginPath();
      ctx.moveTo(x, y);
      ctx.arc(x, y, r, -Math.PI / 2, -Math.PI / 2 + 2 * Math.PI * awayShare);
      ctx.closePath();
      ctx.fillStyle = AWAY;
      ctx.fill();
    }
    ctx.lineWidth = r > 6 ? 1.8 : 1;
    ctx.strokeStyle = live.init.palette.ink;
    ctx.beginPath();
    ctx.arc(x, y, r, 0, 2 * Math.PI);
    ctx.stroke();
    if (awayShare >= 1 && r >= 4) {
      const k = r * 0.62;
      ctx.lineWidth = Math.max(1.5, r / 5);
      ctx.beginPath();
      ctx.moveTo(x - k, y - k); ctx.lineTo(x + k, y + k);
      ctx.moveTo(x + k, y - k); ctx.lineTo(x - k, y + k);
      ctx.stroke();
    }
  });
  if (pic.top != null) {
    const [x, y] = centres[pic.top];
    const per = st.queued[pic.top];
    ctx.fillStyle = live.init.palette.ink;
    ctx.font = "bold 14px 'DejaVu Sans', sans-serif";
    ctx.textBaseline = "middle";
    const r = rmax(pic.nodes[pic.top]);
    const label = st.away[pic.top] > 0 ? "top: away" : `top: ${fmt(per)} waiting`;
    ctx.fillText(label, x + r + 6, y);
  }
  live.centres[o] = centres;
  live.colours[o] = colours;
  live.drawn.pictures[o] = (live.drawn.pictures[o] || 0) + 1;
}

// Chart series from the bins: a trailing mean over the scenario's recovery window.
function derive(o, metric) {
  const b = live.bins[o];
  if (!b.cols) return [];
  const c = b.cols;
  const n = c.ticks.length;
  const k = Math.max(1, Math.round(live.init.scenario.window / b.width));
  const out = new Array(n);
  let start = 0;
  const sum = { ticks: 0, executed: 0, latency: 0 };
  for (let i = 0; i < n; i++) {
    sum.ticks += c.ticks[i]; sum.executed += c.executed[i]; sum.latency += c.latency[i];
    if (i - start >= k) {
      sum.ticks -= c.ticks[start]; sum.executed -= c.executed[start]; sum.latency -= c.latency[start];
      start++;
    }
    const x = i * b.width + c.ticks[i] / 2;
    let y = null;
    if (metric === "throughput") y = sum.ticks > 0 ? sum.executed / sum.ticks : null;
    else if (metric === "latency") y = sum.executed > 0 ? sum.latency / sum.executed : null;
    else if (metric === "backlog") y = c.ticks[i] > 0 ? c.backlog[i] / c.ticks[i] : null;
    else if (metric === "age") y = c.aged[i] > 0 ? c.age[i] / c.aged[i] : null;
    out[i] = [x, y];
  }
  return out;
}

// A round step that splits [0, v] into about `parts` intervals.
function niceStepFor(v, parts) {
  if (!(v > 0)) return 1;
  const raw = v / parts;
  const p = Math.pow(10, Math.floor(Math.log10(raw)));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= raw) return m * p;
  return 10 * p;
}

function drawChart(metric) {
  const canvas = $(`chart-${metric}`);
  const { ctx, w, h } = fit(canvas);
  ctx.clearRect(0, 0, w, h);
  const pal = live.init.palette;
  const sc = live.init.scenario;
  const now = live.status.tick;
  const xmax = Math.max(sc.horizon, now, 1);
  const left = 52, right = 24, top = 6, bottom = 22;
  const pw = w - left - right, ph = h - top - bottom;
  const X = (t) => left + (t / xmax) * pw;
  const series = live.init.orgs.map((_, o) => derive(o, metric));
  let ymax = 0;
  for (const s of series) for (const p of s) if (p[1] != null && p[1] > ymax) ymax = p[1];
  const ystep = niceStepFor(ymax * 1.05, 3);
  ymax = Math.max(ystep, Math.ceil((ymax * 1.05) / ystep) * ystep);
  const Y = (v) => top + ph - (v / ymax) * ph;
  // Shock windows: those that happened, then the scenario's still to come (outlined).
  ctx.font = "12px 'DejaVu Sans', sans-serif";
  ctx.textBaseline = "top";
  const seen = new Set();
  const windows = [];
  for (const e of live.timeline) {
    seen.add(e.name);
    const x0 = X(e.at), x1 = X(e.end == null ? Math.max(now, e.at + 1) : Math.min(e.end, Math.max(now, e.at + 1)));
    ctx.fillStyle = pal.shock;
    ctx.fillRect(x0, top, Math.max(2, x1 - x0), ph);
    windows.push([x0, e.name]);
  }
  for (const e of live.init.planned) {
    if (seen.has(e.name) || e.at < now) continue;
    const x0 = X(e.at), x1 = X(e.end == null ? xmax : e.end);
    ctx.strokeStyle = "#b9ad8f";
    ctx.setLineDash([4, 3]);
    ctx.lineWidth = 1.2;
    ctx.strokeRect(x0, top + 0.5, Math.max(2, x1 - x0), ph - 1);
    ctx.setLineDash([]);
  }
  // Grid and axes.
  ctx.strokeStyle = pal.grid;
  ctx.lineWidth = 1;
  ctx.fillStyle = pal.ink;
  ctx.textBaseline = "middle";
  ctx.textAlign = "right";
  ctx.font = "13px 'DejaVu Sans', sans-serif";
  for (let v = 0; v <= ymax + ystep / 2; v += ystep) {
    const y = Y(v);
    ctx.beginPath(); ctx.moveTo(left, y); ctx.lineTo(left + pw, y); ctx.stroke();
    ctx.fillText(fmt(v, ystep < 1 ? 2 : 0), left - 5, y);
  }
  ctx.textAlign = "center";
  ctx.textBaseline = "top";
  const step = niceStepFor(xmax, 4);
  for (let t = 0; t <= xmax; t += step) ctx.fillText(fmt(t), X(t), top + ph + 4);
  if (xmax > sc.horizon) {
    ctx.strokeStyle = pal.muted;
    ctx.setLineDash([2, 3]);
    ctx.beginPath(); ctx.moveTo(X(sc.horizon), top); ctx.lineTo(X(sc.horizon), top + ph); ctx.stroke();
    ctx.setLineDash([]);
  }
  // One line per org, in its chart colour and dash.
  live.drawn.points[metric] = [];
  series.forEach((s, o) => {
    const org = live.init.orgs[o];
    ctx.strokeStyle = org.colour;
    ctx.lineWidth = 2.6;
    ctx.setLineDash(org.dash.map((d) => d * 0.55));
    ctx.beginPath();
    let pen = false, points = 0;
    for (const [x, y] of s) {
      if (y == null) { pen = false; continue; }
      if (pen) ctx.lineTo(X(x), Y(y)); else ctx.moveTo(X(x), Y(y));
      pen = true;
      points++;
    }
    ctx.stroke();
    ctx.setLineDash([]);
    live.drawn.points[metric][o] = points;
  });
  // Shock names, where they fit.
  ctx.font = "12px 'DejaVu Sans', sans-serif";
  ctx.textAlign = "left";
  ctx.textBaseline = "top";
  ctx.fillStyle = pal.muted;
  let free = 0;
  for (const [x, name] of windows.sort((a, b) => a[0] - b[0])) {
    if (x + 2 < free) continue;
    ctx.fillText(name, x + 2, top + 1);
    free = x + 2 + ctx.measureText(name).width + 6;
  }
  // Now.
  ctx.strokeStyle = pal.ink;
  ctx.lineWidth = 1.5;
  ctx.beginPath(); ctx.moveTo(X(now), top); ctx.lineTo(X(now), top + ph); ctx.stroke();
  ctx.strokeStyle = pal.ink;
  ctx.beginPath(); ctx.moveTo(left, top); ctx.lineTo(left, top + ph); ctx.lineTo(left + pw, top + ph); ctx.stroke();
  live.drawn.charts[metric] = (live.drawn.charts[metric] || 0) + 1;
}

let fpsCount = 0, fpsSince = performance.now();
function draw(t) {
  if (live.init && dirty) {
    dirty = false;
    live.init.orgs.forEach((_, o) => drawPicture(o));
    for (const m of ["latency", "throughput", "backlog", "age"]) drawChart(m);
    fpsCount++;
  }
  if (t - fpsSince >= 1000) {
    live.fps = Math.round((fpsCount * 1000) / (t - fpsSince));
    fpsCount = 0;
    fpsSince = t;
  }
  requestAnimationFrame(draw);
}
requestAnimationFrame(draw);
window.addEventListener("resize", () => { dirty = true; });

// What a test (or a curious facilitator in the console) can read.
live.snapshot = () => ({
  tick: live.status ? live.status.tick : null,
  running: live.status ? live.status.running : null,
  frames: live.frames,
  fps: live.fps,
  orgs: live.init ? live.init.orgs.map((org, o) => {
    const c = live.bins[o].cols;
    const last = c ? c.backlog.length - 1 : -1;
    const top = org.picture.top;
    const centre = top != null && live.centres[o] ? live.centres[o][top] : null;
    return {
      name: org.name,
      totals: live.totals[o],
      // The exact value total as text (JSON readers need not round floats correctly).
      value_text: live.totals[o] ? String(live.totals[o].value) : null,
      backlog_now: last >= 0 ? c.backlog[last] / c.ticks[last] : null,
      bins: c ? c.ticks.length : 0,
      pictures_drawn: live.drawn.pictures[o] || 0,
      points: Object.fromEntries(Object.entries(live.drawn.points).map(([m, p]) => [m, p[o] || 0])),
      top_away: top != null ? live.nodes[o].away[top] : null,
      top_queued: top != null ? live.nodes[o].queued[top] : null,
      top_colour: top != null && live.colours[o] ? live.colours[o][top] : null,
      top_centre: centre,
    };
  }) : [],
});
