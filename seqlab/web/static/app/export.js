// seqlab page: each panel's JSON and an HTML snapshot drawn by the same views.
// A part of app.js (the files of this folder joined in order, one script: seqlab.web.messages.APP_PARTS).

// ---------- export: the JSON behind a panel, and an HTML snapshot drawn by the same views ----------
function panelRecords(panelId) {
  return Object.entries(VIEWS).filter(([v, p]) => p === panelId && S.records[v]).map(([v]) => ({ ...S.records[v], id: v }));
}
// the sub-heading a view sits under inside its panel (the tokenizer comparison, the cosine, the dW table), or null
// for the panel's own views (under its h2)
function subheadingOf(viewId) {
  for (let node = $(viewId).previousElementSibling; node; node = node.previousElementSibling) {
    if (node.tagName === "H3") return node.textContent;
    if (node.tagName === "H2") return null;
  }
  return null;
}
function refreshExport(panelId) {
  const h2 = $(panelId).querySelector("h2");
  let span = $(panelId).querySelector(":scope > .export");
  const parts = panelRecords(panelId);
  if (!parts.length) { if (span) span.remove(); return; }
  if (!span) {  // beside the heading, not in it: a screen reader reads the heading alone
    const what = h2.textContent;  // eight panels have these two links: a screen reader's list of links tells them apart
    span = V.el("div", { class: "export" },
      V.el("a", { href: "#", "aria-label": t("{panel}: JSON", { panel: what }),
        onclick: (e) => { e.preventDefault(); exportJson(panelId); } }, "JSON"),
      V.el("a", { href: "#", "aria-label": t("{panel}: HTML snapshot", { panel: what }),
        onclick: (e) => { e.preventDefault(); exportHtml(panelId); } }, t("HTML snapshot")));
    h2.after(span);
  }
}
const INPUT_NAMES = () => ({ text: t("text"), model: t("model"), form: t("form"), second: t("second sentence"), cell: t("cell"),
  hidden: t("hidden size"), seed: t("seed"), byhand: t("by hand"),
  ckpt: t("trained weights"), layer: t("layer"), head: t("head"), steps: t("steps"), fbias: t("LSTM forget-gate bias"),
  expr: t("analogy"), nword: t("word") });
// what the panel's results were computed from, as data (the JSON export): numbers as numbers, yes/no as true/false,
// the values sent (lstm), the same in every interface language
function panelData(panelId, parts) {
  const out = {};
  for (const p of parts || panelRecords(panelId)) if (p.inputs) Object.assign(out, JSON.parse(p.inputs.key));
  for (const k of ["hidden", "seed", "layer", "head", "steps", "fbias"]) {
    if (k in out && String(out[k]).trim() !== "" && Number.isFinite(+out[k])) out[k] = +out[k];
  }
  if (out.byhand) out.hidden = 2;
  if (out.fbias === "") out.fbias = null;  // torch's default initialization: no number was sent
  if ($("ckpt-row").hidden) delete out.ckpt;  // no trained weights were offered: the choice was never there
  for (const k of ["byhand", "ckpt"]) if (k in out) out[k] = !!out[k];
  return out;
}
function panelInputs(panelId, parts) {  // the same, as the reader set it (the HTML snapshot's list)
  const out = panelData(panelId, parts);
  for (const k of ["cell", "form"]) {  // as the reader saw it in the list (LSTM), not the value sent (lstm)
    const option = k in out && [...$(k).options].find((o) => o.value === out[k]);
    if (option) out[k] = option.textContent;
  }
  if (out.head === "mean") out.head = t("mean over heads");
  if ("fbias" in out && out.fbias === null) out.fbias = t("torch's default (random, near 0)");  // a chosen 0 stays 0
  for (const k of ["byhand", "ckpt"]) if (k in out) out[k] = out[k] ? t("yes") : t("no");
  return out;
}
function download(name, text, type) {
  const a = document.createElement("a");
  a.href = URL.createObjectURL(new Blob([text], { type }));
  a.download = name;
  document.body.append(a); a.click(); a.remove();
}
function exportJson(panelId) {
  // as the snapshot splits them: the panel's own inputs, then each sub-part's under "<view>_inputs" (stage 6's chart
  // takes no text, its dW table the trace's)
  const parts = panelRecords(panelId);
  const own = parts.filter((p) => subheadingOf(p.id) === null);
  const out = { inputs: panelData(panelId, own) };
  for (const p of parts) {
    out[p.view] = p.record;
    if (subheadingOf(p.id) !== null) out[`${p.view}_inputs`] = panelData(panelId, [p]);
  }
  download(`seqlab-${panelId.slice(2)}.json`, JSON.stringify(out, null, 2), "application/json");
}
async function snapshotHtml(panelId) {
  const records = panelRecords(panelId);
  const parts = records.map((p) => ({ view: p.view, record: p.record, options: { ...p.chosen } }));
  const [css, js] = await Promise.all(["/static/views.css", "/static/views.js"].map((u) => fetch(u).then((r) => r.text())));
  const json = (v) => JSON.stringify(v).replace(/</g, "\\u003c");
  const title = $(panelId).querySelector("h2").textContent;
  const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c]));
  const names = INPUT_NAMES();
  const list = (given) => Object.keys(given).length ? `<dl class="sv-pairs">` + Object.entries(given).map(([k, v]) =>
    `<dt>${esc(names[k] || k)}</dt><dd>${esc(V.visible(v))}</dd>`).join("") + "</dl>" : "";
  // the panel's own views first, under its inputs; then each sub-part under its own heading, with its own inputs
  // (stage 6's chart takes no text, the dW table the trace's): one list for both would mix two sets
  const under = records.map((p) => subheadingOf(p.id));
  const own = records.filter((_p, i) => under[i] === null);
  // what the panel says of where its results come from (stage 7: whose word vectors), kept with them; in the words
  // of data-snapshot where it has some (the page's line points at the model chosen above, which a snapshot lacks)
  const said = [...$(panelId).querySelectorAll("[data-snapshot]")].filter((n) => !n.hidden && n.textContent.trim())
    .map((n) => n.dataset.snapshot || n.textContent.trim());
  let body = said.map((s) => `<p class="sv-note">${esc(s)}</p>`).join("") + list(panelInputs(panelId, own));
  records.forEach((p, i) => {
    if (under[i] !== null) body += `<h2>${esc(under[i])}</h2>` + list(panelInputs(panelId, [p]));
    body += `<div id="seqlab-part-${i}"></div>`;
  });
  return `<!doctype html><html lang="${LANG}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<title>seqlab · ${esc(title)}</title><style>${css}</style></head><body class="seqlab-export"><h1>${esc(title)}</h1>${body}` +
    `<script>${js.replace(/<\/script/gi, "<\\/script")}</script><script>SeqlabViews.setMessages(${json(INFO)});` +
    `${json(parts)}.forEach(function (p, i) { SeqlabViews.render(document.getElementById("seqlab-part-" + i), p.view, p.record, p.options); });</script></body></html>`;
}
async function exportHtml(panelId) { download(`seqlab-${panelId.slice(2)}.html`, await snapshotHtml(panelId), "text/html"); }
