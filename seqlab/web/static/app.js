// seqlab page: calls the JSON API only, renders the records it returns. No dependencies.
"use strict";
const $ = (id) => document.getElementById(id);
const state = { data: {}, trace: null, attention: null };

async function api(path, body) {
  const res = await fetch(path, body === undefined ? {} : {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  const data = await res.json().catch(() => ({ error: `HTTP ${res.status}` }));
  if (!res.ok) throw new Error((data.error || `HTTP ${res.status}`) + (data.hint ? ` — ${data.hint}` : ""));
  return data;
}

function fmt(v, d = 4) { return (v >= 0 ? "+" : "") + Number(v).toFixed(d); }
function esc(s) { return String(s).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c])); }
function visible(s) { return s.replace(/[\u0000-\u001f\u200b-\u200d\ufeff]/g, (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0")); }
function fail(panel, err) {
  const box = document.querySelector(`#${panel} .note`) || document.querySelector(`#${panel}`);
  const p = document.createElement("div"); p.className = "note error"; p.textContent = "⚠ " + err.message;
  box.appendChild(p);
}

// ---------- export: the JSON behind a panel, and a self-contained HTML snapshot ----------
function setupExport(panelId, key) {
  const span = document.querySelector(`#${panelId} .export`);
  span.innerHTML = "";
  const json = document.createElement("a"); json.textContent = "JSON"; json.href = "#";
  json.onclick = (e) => { e.preventDefault(); download(`${key}.json`, JSON.stringify(state.data[key], null, 2), "application/json"); };
  const snap = document.createElement("a"); snap.textContent = "HTML snapshot"; snap.href = "#";
  snap.onclick = (e) => { e.preventDefault(); snapshot(panelId, key); };
  span.append(json, snap);
}
function download(name, text, type) {
  const a = document.createElement("a");
  a.href = URL.createObjectURL(new Blob([text], { type })); a.download = name; a.click();
}
async function snapshot(panelId, key) {
  const panel = $(panelId).cloneNode(true);
  const live = $(panelId).querySelectorAll("canvas"), copies = panel.querySelectorAll("canvas");
  copies.forEach((c, i) => { const img = document.createElement("img"); img.src = live[i].toDataURL(); c.replaceWith(img); });
  panel.querySelectorAll(".export, button, input, select").forEach((n) => n.remove());
  const css = await (await fetch("/static/style.css")).text();
  download(`${key}.html`, `<!doctype html><html lang="ko"><head><meta charset="utf-8"><title>seqlab ${key}</title>` +
    `<style>${css.replace(/@font-face[^}]*}/, "")}</style></head><body>${panel.outerHTML}</body></html>`, "text/html");
}

// ---------- 1. tokens ----------
function renderTokens(rec) {
  state.data.tokens = rec; setupExport("panel-tokens", "tokens");
  const chars = Array.from(rec.text);
  $("original").innerHTML = chars.map((c, i) => `<span data-i="${i}">${esc(visible(c))}</span>`).join("");
  const unk = new Set(rec.unk.map((u) => u.index));
  $("tokens").innerHTML = rec.tokens.map((t, i) => {
    const cls = rec.special_tokens_mask[i] ? "special" : unk.has(i) ? "unk" : rec.continuation[i] ? "subword" : "";
    const [s, e] = rec.offsets[i];
    return `<span class="chip ${cls}" data-s="${s}" data-e="${e}" title="id ${rec.input_ids[i]} · chars ${s}–${e}">` +
      `${esc(visible(t))}<small>${rec.input_ids[i]}</small></span>`;
  }).join("");
  $("morphemes").innerHTML = rec.morphemes.map((m) =>
    `<span class="chip" data-s="${m.start}" data-e="${m.end}">${esc(m.token)}</span>`).join("");
  $("unk").textContent = rec.unk.length ? rec.unk.map((u) =>
    `token ${u.index} is ${rec.tokens[u.index]}: the model has no piece for "${u.chars}" (characters ${u.start}–${u.end})`).join(" · ")
    : "no unknown tokens";
  document.querySelectorAll("#tokens .chip, #morphemes .chip").forEach((chip) => {
    chip.onmouseenter = () => highlight(+chip.dataset.s, +chip.dataset.e, chip);
    chip.onmouseleave = () => highlight(-1, -1, null);
  });
}
function highlight(s, e, chip) {
  document.querySelectorAll("#original span").forEach((sp) => sp.classList.toggle("hl", +sp.dataset.i >= s && +sp.dataset.i < e));
  document.querySelectorAll(".chip.hl").forEach((c) => c.classList.remove("hl"));
  if (chip) chip.classList.add("hl");
}

// ---------- 2. vectors ----------
function color(v, scale) {
  const x = Math.max(-1, Math.min(1, v / scale));
  const r = x > 0 ? 255 : Math.round(255 * (1 + x)), b = x < 0 ? 255 : Math.round(255 * (1 - x));
  const g = Math.round(255 * (1 - Math.abs(x)));
  return `rgb(${r},${g},${b})`;
}
function heatmap(canvas, tip, rows, rowLabels, colLabel, cell) {
  const ctx = canvas.getContext("2d"), R = rows.length, C = rows[0].length;
  const w = canvas.width / C, h = canvas.height / R;
  const scale = Math.max(...rows.flat().map(Math.abs)) || 1;
  rows.forEach((row, i) => row.forEach((v, j) => { ctx.fillStyle = color(v, scale); ctx.fillRect(j * w, i * h, Math.ceil(w), Math.ceil(h)); }));
  canvas.onmousemove = (ev) => {
    const b = canvas.getBoundingClientRect();
    const j = Math.floor((ev.clientX - b.left) / b.width * C), i = Math.floor((ev.clientY - b.top) / b.height * R);
    if (i < 0 || j < 0 || i >= R || j >= C) return;
    tip.style.display = "block"; tip.style.left = `${ev.clientX - b.left + 12}px`; tip.style.top = `${ev.clientY - b.top + 12}px`;
    tip.textContent = cell(i, j, rows[i][j]);
  };
  canvas.onmouseleave = () => { tip.style.display = "none"; };
}
function renderEmbed(rec) {
  state.data.embedding = rec; setupExport("panel-vectors", "embedding");
  $("shape").textContent = rec.shape_explained.join("\n");
  heatmap($("heatmap"), $("heat-tip"), rec.heatmap, rec.tokens, "dim",
    (i, j, v) => `${rec.tokens[i]} · dim ${j}: ${fmt(v)}`);
}

// ---------- 3. word vectors ----------
function renderWords(title, results) {
  $("wordtable").innerHTML = `<tr><th colspan="3">${esc(title)}</th></tr>` +
    results.map((r, i) => `<tr><td>${i + 1}</td><th>${esc(r.word)}</th><td>${r.score.toFixed(4)}</td></tr>`).join("");
}

// ---------- 4. step-through ----------
const SKIP = new Set(["t", "token"]);
function bars(values) {
  const m = Math.max(1, ...values.map(Math.abs));
  return `<span class="bars">` + values.slice(0, 16).map((v) =>
    `<span class="bar" title="${fmt(v)}"><i class="${v >= 0 ? "pos" : "neg"}" style="height:${Math.abs(v) / m * 12}px"></i></span>`).join("") + `</span>`;
}
function matrixTable(name, m) {
  const rows = Array.isArray(m[0]) ? m : [m];
  return `<table class="numbers"><tr><th colspan="${rows[0].length}">${name} [${rows.length}×${rows[0].length}]</th></tr>` +
    rows.map((r) => `<tr>${r.map((v) => `<td>${fmt(v)}</td>`).join("")}</tr>`).join("") + `</table>`;
}
function renderStep() {
  const tr = state.trace; if (!tr) return;
  const t = +$("slider").value, step = tr.steps[t];
  $("steplabel").textContent = `t = ${t} · token ${step.token}`;
  $("steptable").innerHTML = `<tr><th>quantity</th><th>values</th><th>bars</th></tr>` +
    Object.entries(step).filter(([k]) => !SKIP.has(k)).map(([k, v]) =>
      `<tr><th>${k}</th><td>${v.slice(0, 8).map((x) => fmt(x)).join(" ")}${v.length > 8 ? ` … (${v.length})` : ""}</td><td>${bars(v)}</td></tr>`).join("");
}
function renderTrace(tr) {
  state.trace = tr; state.data.trace = tr; setupExport("panel-steps", "trace");
  $("slider").max = tr.steps.length - 1; $("slider").value = 0;
  const shapeOf = (m) => m.shape ? m.shape : [m.length, Array.isArray(m[0]) ? m[0].length : 1];
  const small = Object.values(tr.weights).every((m) => !m.shape);
  $("matrices").innerHTML = small ? `<div class="row">${Object.entries(tr.weights).map(([k, m]) => matrixTable(k, m)).join("")}</div>`
    : `<div class="note">weights: ${Object.entries(tr.weights).map(([k, m]) => `${k} [${shapeOf(m).join("×")}]`).join(", ")} (tick "by hand" to print them)</div>`;
  renderStep();
  if (tr.backward) {
    $("dwtable").innerHTML = `<tr><th>t</th><th>token</th><th>‖dL/dh_t‖</th><th>‖dW_hh(t)‖</th></tr>` +
      tr.backward.steps.map((s) => `<tr><td>${s.t}</td><th>${esc(s.token)}</th><td>${s.dh_norm.toExponential(3)}</td>` +
        `<td>${s.dW_hh_norm.toExponential(3)}</td></tr>`).join("");
  }
}

// ---------- 5. gradient flow ----------
function renderGradflow(g) {
  state.data.gradflow = g; setupExport("panel-backward", "gradflow");
  const svg = $("gradchart"), W = 720, H = 300, L = 70, R = 90, T = 10, B = 30;
  const floor = 1e-300, all = Object.values(g.cells).flatMap((c) => c.grad_norms.map((v) => Math.log10(Math.max(v, floor))));
  const lo = Math.min(...all), hi = Math.max(...all) + 1e-9, n = g.steps;
  const X = (k) => L + k / Math.max(1, n - 1) * (W - L - R), Y = (v) => T + (1 - (Math.log10(Math.max(v, floor)) - lo) / (hi - lo)) * (H - T - B);
  const colors = { rnn: "#1f77b4", lstm: "#d62728", gru: "#2ca02c" };
  let out = "";
  for (let j = 0; j <= 4; j++) { const v = lo + (hi - lo) * j / 4, y = T + (1 - j / 4) * (H - T - B);
    out += `<line x1="${L}" x2="${W - R}" y1="${y}" y2="${y}" stroke="#eee"/><text x="${L - 6}" y="${y + 4}" text-anchor="end" font-size="11">1e${v.toFixed(0)}</text>`; }
  Object.entries(g.cells).forEach(([name, c], idx) => {
    out += `<polyline fill="none" stroke="${colors[name]}" stroke-width="2" points="${c.grad_norms.map((v, k) => `${X(k)},${Y(v)}`).join(" ")}"/>`;
    out += `<text x="${W - R + 8}" y="${T + 16 + 16 * idx}" fill="${colors[name]}" font-size="13">${name}</text>`;
  });
  out += `<text x="${(L + W - R) / 2}" y="${H - 6}" text-anchor="middle" font-size="12">step k (loss at the last step); y: ‖∂L/∂h_k‖, log scale</text>`;
  svg.innerHTML = out;
  const lstm = g.cells.lstm;
  $("gradnote").textContent = lstm ? `LSTM mean forget gate ${lstm.forget_mean_overall.toFixed(3)}` +
    ` · ‖∂L/∂h_0‖: ` + Object.entries(g.cells).map(([k, c]) => `${k} ${c.grad_norms[0].toExponential(2)}`).join(", ") : "";
}

// ---------- 6. attention ----------
function renderAttention() {
  const a = state.attention; if (!a) return;
  const l = +$("layer").value, h = +$("head").value, rows = a.attentions[l][h];
  const canvas = $("attcanvas"); canvas.getContext("2d").clearRect(0, 0, canvas.width, canvas.height);
  heatmap(canvas, $("att-tip"), rows, a.tokens, "", (i, j, v) => `${a.tokens[i]} → ${a.tokens[j]}: ${v.toFixed(4)}`);
}

// ---------- 7. prediction ----------
function renderPrediction(p) {
  state.data.prediction = p; setupExport("panel-predict", "prediction");
  const probs = Object.entries(p.probabilities).map(([k, v]) => `${k}: ${(v * 100).toFixed(1)}%`).join(" · ");
  let html = `<div class="big">label ${esc(p.label)} (${(p.probability * 100).toFixed(1)}%)</div><div>${probs}</div>`;
  if (p.trace) html += `<div class="note">trained ${p.trace.cell} over ${p.trace.tokens.length} tokens; final h_T = ` +
    `${p.trace.final.h.slice(0, 8).map((x) => fmt(x, 3)).join(" ")}…</div>`;
  $("prediction").innerHTML = html;
}

// ---------- wiring ----------
const text = () => $("text").value, model = () => $("model").value;
async function runTrace() {
  const byHand = $("byhand").checked;
  const body = { text: text(), model: model(), cell: $("cell").value, hidden: byHand ? 2 : +$("hidden").value,
    seed: +$("seed").value, backward: true, checkpoint: $("useckpt").checked };
  if (byHand) body.input_dim = 2;
  try { renderTrace(await api("/api/trace", body)); } catch (e) { fail("panel-steps", e); }
}
async function runAttention() {
  try {
    state.attention = await api("/api/attention", { text: text(), model: model() });
    state.data.attention = state.attention; setupExport("panel-attention", "attention");
    const [L, H] = state.attention.shape;
    if ($("layer").options.length !== L) $("layer").innerHTML = [...Array(L).keys()].map((i) => `<option>${i}</option>`).join("");
    if ($("head").options.length !== H) $("head").innerHTML = [...Array(H).keys()].map((i) => `<option>${i}</option>`).join("");
    renderAttention();
  } catch (e) { fail("panel-attention", e); }
}
async function runGradflow() {
  const fb = +$("fbias").value;
  const body = { steps: +$("gsteps").value, hidden: 64 };
  if (fb > 0) body.forget_bias = fb;
  try { renderGradflow(await api("/api/gradflow", body)); } catch (e) { fail("panel-backward", e); }
}
async function runAll() {
  document.querySelectorAll(".note.error").forEach((n) => n.remove());
  const vectors = state.models[model()].vectors;
  try { renderTokens(await api("/api/tokenize", { text: text(), model: model() })); } catch (e) { fail("panel-tokens", e); }
  if (vectors) {
    try { renderEmbed(await api("/api/embed", { text: text(), model: model() })); } catch (e) { fail("panel-vectors", e); }
    await runTrace(); await runAttention();
  }
  await runGradflow();
  if (state.checkpoint) { try { renderPrediction(await api("/api/predict", { text: text() })); } catch (e) { fail("panel-predict", e); } }
}

async function init() {
  const info = await api("/api/models");
  state.models = Object.fromEntries(info.models.map((m) => [m.name, m]));
  $("model").innerHTML = info.models.map((m) => `<option ${m.default ? "selected" : ""}>${esc(m.name)}</option>`).join("");
  $("text").value = info.sample;
  state.checkpoint = info.checkpoint;
  $("ckpt-label").hidden = !info.checkpoint;
  $("run").onclick = runAll;
  $("trace").onclick = runTrace;
  $("slider").oninput = renderStep;
  $("gradflow").onclick = runGradflow;
  $("fbias").oninput = () => { $("fbval").textContent = +$("fbias").value ? $("fbias").value : "default"; };
  $("attn").onclick = renderAttention; $("layer").onchange = renderAttention; $("head").onchange = renderAttention;
  $("sim").onclick = async () => {
    try { const r = await api("/api/similarity", { a: text(), b: $("second").value, model: model() });
      state.data.similarity = r; $("simout").textContent = `cos = ${r.cosine.toFixed(4)}`; } catch (e) { fail("panel-vectors", e); }
  };
  $("analogy").onclick = async () => {
    try { const r = await api("/api/analogy", { expression: $("expr").value, k: 10 }); state.data.words = r;
      setupExport("panel-words", "words"); renderWords(`${r.expression} ≈ ?`, r.results); } catch (e) { fail("panel-words", e); }
  };
  $("neighbors").onclick = async () => {
    try { const r = await api("/api/neighbors", { word: $("nword").value, k: 10 }); state.data.words = r;
      setupExport("panel-words", "words"); renderWords(`neighbours of ${r.word}`, r.results); } catch (e) { fail("panel-words", e); }
  };
  await runAll();
  document.body.dataset.ready = "1";
}
init().catch((e) => { document.body.insertAdjacentHTML("afterbegin", `<p class="note">⚠ ${esc(e.message)}</p>`); });
