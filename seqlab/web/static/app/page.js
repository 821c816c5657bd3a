// seqlab page: presentation mode, the inputs kept across reloads and links, and the wiring of every control (init).
// A part of app.js (the files of this folder joined in order, one script: seqlab.web.messages.APP_PARTS).

// ---------- presentation mode: large type, high contrast, one stage at a time ----------
function panels() { return Array.from(document.querySelectorAll("main > .panel")).filter((p) => !p.hidden); }
function showStage(k) {
  const list = panels();
  S.stage = Math.max(0, Math.min(list.length - 1, k));
  list.forEach((p, i) => p.classList.toggle("current", i === S.stage));
  $("stage-where").textContent = t("stage {k} of {n}", { k: S.stage + 1, n: list.length });
  keepInputs();
  V.keepFocus($("stage-prev"), S.stage === 0, $("stage-next"));
  V.keepFocus($("stage-next"), S.stage === list.length - 1, $("stage-prev"));
  // the first stage keeps the page's header and text box in view; later ones start at their own heading (each
  // panel is at least a screen tall in this mode, so a short stage too can scroll to its heading: see style.css)
  if (S.stage === 0) window.scrollTo({ top: 0 });
  else if (list[S.stage]) {  // to the whole pixel at or above its top: its border never a fraction above the screen
    window.scrollTo({ top: Math.floor(list[S.stage].getBoundingClientRect().top + window.scrollY) });
  }
  window.dispatchEvent(new Event("resize"));
}
function present(on) {
  document.body.classList.toggle("present", on);
  $("present").setAttribute("aria-pressed", on ? "true" : "false");
  $("present").textContent = on ? t("Leave presentation mode") : t("Presentation mode");
  if (on) showStage(S.stage);
  const url = new URL(location.href);
  if (on) url.searchParams.set("present", "1"); else url.searchParams.delete("present");
  history.replaceState(null, "", url);
  languageLinks();
  Object.values(S.handles).forEach((h) => h.heatmap ? h.heatmap.redraw() : h.redraw ? h.redraw() : null);
}

// ---------- the reader's inputs survive a reload and a change of language, and travel in the address ----------
// The address's #fragment holds every input that differs from the page's own (the fragment never reaches a server):
// a teacher's link opens the same sentence, cell and analogy in the projector's tab or on a student's phone.
const KEPT = ["text", "second", "model", "form", "cell", "hidden", "seed", "byhand", "useckpt", "gsteps", "fbias", "expr", "nword"];
const STORE = "seqlab-inputs";
let DEFAULTS = null;  // the inputs as the page starts: a link carries only what differs from them
function inputValues() {
  return Object.fromEntries(KEPT.map((id) => [id, $(id).type === "checkbox" ? $(id).checked : $(id).value]));
}
function keepInputs() {
  const values = inputValues();
  const given = new URLSearchParams();
  for (const id of KEPT) if (DEFAULTS && String(values[id]) !== String(DEFAULTS[id])) given.set(id, String(values[id]));
  Object.assign(values, { layer: $("layer").value, head: $("head").value, layersOf: S.layersOf, stage: S.stage });
  try { sessionStorage.setItem(STORE, JSON.stringify(values)); } catch (e) { /* storage off: nothing is kept */ }
  // the address once typing pauses: browsers limit how often a page may rewrite it (Safari: 100 times in 30 s),
  // and Korean input sends an event per jamo
  clearTimeout(S.addressTimer);
  S.address = given.toString();
  S.addressTimer = setTimeout(writeAddress, 250);
}
function writeAddress() {
  clearTimeout(S.addressTimer);
  S.addressTimer = null;
  const url = new URL(location.href);
  url.hash = S.address;
  try { history.replaceState(history.state, "", url.hash ? url : url.pathname + url.search); } catch (e) { /* over the limit: the next pause writes it */ }
  languageLinks();
}
function linkedInputs() {  // the inputs a link gave (#text=…&cell=gru), over the page's own; null without any
  const given = new URLSearchParams(location.hash.slice(1));
  const values = {};
  for (const id of KEPT) {
    if (given.has(id)) values[id] = $(id).type === "checkbox" ? given.get(id) === "true" : given.get(id);
  }
  return Object.keys(values).length ? { ...DEFAULTS, ...values } : null;
}
function restoreInputs() {
  DEFAULTS = inputValues();
  let values = null;
  try { values = JSON.parse(sessionStorage.getItem(STORE) || "null"); } catch (e) { values = null; }
  // this tab's own inputs first (a reload, the language switch: the address may lag the last keystrokes by a pause);
  // a link's inputs in a tab that has none yet (a new tab, a student's phone; a link pasted here clears them)
  const fromLink = !values;
  if (!values) values = linkedInputs();
  if (!values) return false;
  S.layersOf = values.layersOf || {};
  S.stage = values.stage || 0;
  const refused = [];  // a link's value a box cannot hold (#gsteps=abc: a number box drops it and read as "empty")
  for (const id of KEPT) {
    if (values[id] === undefined) continue;
    const node = $(id);
    if (node.type === "checkbox") node.checked = !!values[id];
    else if (node.tagName === "SELECT") {
      if ([...node.options].some((o) => o.value === values[id])) node.value = values[id];
      else refused.push(`${id}=${values[id]}`);
    } else {
      node.value = values[id];
      if (String(values[id]) !== "" && node.value === "") { refused.push(`${id}=${values[id]}`); node.value = DEFAULTS[id]; }
    }
  }
  if (refused.length) {  // a link's values, or this tab's own from before (a model the restarted server lacks)
    const said = fromLink ? t("The link's {values} could not be used here: those boxes keep their defaults.", { values: refused.join(", ") })
      : t("This tab's earlier {values} could not be used here: those boxes keep their defaults.", { values: refused.join(", ") });
    $("page-notice").textContent = [$("page-notice").textContent.trim(), said].filter(Boolean).join(" ");
  }
  fillLayers(...layersOf($("model").value));  // the attention choice, once its model's layers are known
  for (const id of ["layer", "head"]) {
    if (values[id] !== undefined && [...$(id).options].some((o) => o.value === values[id])) $(id).value = values[id];
  }
  return true;
}
function languageLinks() {  // the other language keeps the page as it is: presentation mode included
  for (const code of ["ko", "en"]) {
    const url = new URL(location.href);
    url.searchParams.set("lang", code);
    $(`lang-${code}`).href = url.pathname + url.search + url.hash;
  }
}

// ---------- wiring ----------
async function init() {
  applyLabels();
  const info = await api("/api/models");
  S.models = Object.fromEntries(info.models.map((m) => [m.name, m]));
  S.max = info.max_text;
  S.maxWords = { analogy: info.max_expression, neighbors: info.max_word };  // the API's limits, as it states them
  S.checkpoint = info.checkpoint;
  $("model").replaceChildren(...info.models.map((m) => V.el("option", { value: m.name, selected: m.default }, m.name)));
  $("text").value = info.sample;
  $("second").value = info.second;
  restoreInputs();
  vectorControls();
  capText();
  $("ckpt-row").hidden = !info.checkpoint;
  if (!info.checkpoint) $("useckpt").checked = false;  // kept from a server that had one: this one has none
  $("p-predict").hidden = !info.checkpoint;
  if (!$("layer").options.length) fillLayers(...layersOf($("model").value));  // restoreInputs may have filled them
  languageLinks();
  for (const id of ["text", "second", "expr", "nword"]) {  // the reader's Korean marked as Korean (lang="ko")
    const mark = () => V.markLanguage($(id), $(id).value);
    $(id).addEventListener("input", mark);
    mark();
  }
  for (const id of ["layer", "head"]) $(id).addEventListener("change", keepInputs);
  for (const id of KEPT) $(id).addEventListener(["SELECT"].includes($(id).tagName) || $(id).type === "checkbox" ? "change" : "input", keepInputs);
  // a link with other inputs pasted into this tab changes only the fragment: no new page is loaded, so load it
  window.addEventListener("hashchange", () => {
    const linked = linkedInputs();
    if (linked && KEPT.some((id) => String(linked[id]) !== String(inputValues()[id]))) {
      try { sessionStorage.removeItem(STORE); } catch (e) { /* storage off */ }
      location.reload();
    }
  });
  // a double click is one request: its second click (event.detail 2) is dropped, even when the first one's fast
  // answer (a trace: 10-30 ms) has already come and enabled the button again
  const single = (fn) => (e) => { if (!(e && e.detail > 1)) fn(); };
  $("run").addEventListener("click", single(runAll));
  S.lastText = $("text").value;
  $("text").addEventListener("compositionend", () => $("text").dispatchEvent(new Event("input")));
  $("text").addEventListener("input", (ev) => {
    if (ev.isComposing) updateCounter();  // a Hangul syllable being composed: cut (if need be) once it is done
    else capText();
    if ($("text").value === S.lastText) return;  // a key pressed at the limit and cut again: nothing changed
    S.lastText = $("text").value;
    $("text-error").textContent = "";  // an old complaint about the text no longer holds
    staleAll();
  });
  $("model").addEventListener("change", () => {
    const m = $("model").value, known = S.layersOf[m] || (S.models[m] || {}).layers;  // [1, 0] stands for unknown
    fillLayers(...layersOf(m), known ? m : undefined);  // the layers and heads of this model, once known
    modelChanged();
  });
  $("form").addEventListener("change", () => {
    if (!visibleIn($("text").value)) { if (shown("v-normalize")) clear("v-normalize", ""); validText(); return; }
    runNormalize();
  });
  for (const id of ["cell", "hidden", "seed", "byhand", "useckpt"]) {  // unticked on a model without vectors: says why
    $(id).addEventListener("input", () => { for (const v of ["v-trace", "v-backward"]) if (shown(v) || stateEl(v).textContent === BAD_TRACE_SETTING()) settingsChanged(v, canTrace() ? t("The settings changed: press Trace.") : noVectorsReason($("model").value)); });
  }
  for (const [field, kind] of [["expr", "analogy"], ["nword", "neighbors"]]) {  // the table is about its own box's words
    $(field).addEventListener("input", () => {
      if (shown("v-words") && S.wordsShown === kind) settingsChanged("v-words", t("The words changed: press {button} to see the result for them.", { button: labels()[kind] }));
    });
  }
  $("second").addEventListener("input", () => { if (shown("v-sim")) settingsChanged("v-sim", t("The sentences changed: press the button to compute the cosine again.")); });
  $("trace").addEventListener("click", single(() => {  // the trained model has vectors of its own, whatever the model box says
    if (validText()) { if (!canTrace()) clear("v-trace", noVectorsReason($("model").value)); else runTrace(); }
  }));
  const byHand = () => {  // by hand: hidden size 2, and the field shows it; unticked, the reader's own value is back
    const on = $("byhand").checked;
    if (on && !$("hidden").disabled) { S.ownHidden = $("hidden").value; $("hidden").value = "2"; }
    if (!on && $("hidden").disabled && S.ownHidden !== undefined) $("hidden").value = S.ownHidden;
    $("hidden").disabled = on;
  };
  $("byhand").addEventListener("change", byHand);
  byHand();
  const useCheckpoint = () => {  // the trained model's own sizes and weights: the settings it does not use are off
    const on = $("useckpt").checked;
    $("seed").disabled = $("byhand").disabled = on;
    $("hidden").disabled = on || $("byhand").checked;
    vectorControls();
  };
  $("useckpt").addEventListener("change", useCheckpoint);
  useCheckpoint();
  $("gradflow").addEventListener("click", single(runGradflow));
  $("gsteps").addEventListener("input", () => { if (shown("v-gradflow")) settingsChanged("v-gradflow", t("The settings changed: press Compute.")); });
  $("fbias").addEventListener("change", () => { if (shown("v-gradflow")) settingsChanged("v-gradflow", t("The settings changed: press Compute.")); });
  $("attn").addEventListener("click", single(runAttention));
  for (const id of ["layer", "head"]) {
    $(id).addEventListener("change", () => {
      $("layer-note").textContent = "";  // the student chose again: the note on a moved choice no longer holds
      if (S.records["v-attention"] || IN.attention) runAttention();
    });
  }
  $("sim").addEventListener("click", single(runSimilarity));
  $("analogy").addEventListener("click", single(() => runWords("analogy")));
  $("neighbors").addEventListener("click", single(() => runWords("neighbors")));
  $("present").addEventListener("click", () => present(!document.body.classList.contains("present")));
  $("stage-prev").addEventListener("click", () => showStage(S.stage - 1));
  $("stage-next").addEventListener("click", () => showStage(S.stage + 1));
  document.addEventListener("keydown", (ev) => {
    if (!document.body.classList.contains("present") || ev.target.closest("input, textarea, select, canvas, .sv-chips")) return;
    // the trace's ◀ play ▶ step the trace with the arrows; PageDown/PageUp (a presenter's clicker) still turn slides
    if (ev.target.closest(".sv-stepper") && (ev.key === "ArrowRight" || ev.key === "ArrowLeft")) return;
    if (ev.key === "PageDown" || ev.key === "ArrowRight") { ev.preventDefault(); showStage(S.stage + 1); }
    if (ev.key === "PageUp" || ev.key === "ArrowLeft") { ev.preventDefault(); showStage(S.stage - 1); }
  });
  for (const [field, button] of [["expr", "analogy"], ["nword", "neighbors"], ["second", "sim"], ["hidden", "trace"],
    ["seed", "trace"], ["gsteps", "gradflow"]]) {
    $(field).addEventListener("keydown", (ev) => {
      if (ev.key === "Enter" && !ev.isComposing && !$(button).disabled) { ev.preventDefault(); $(button).click(); }
    });
  }
  $("text").addEventListener("keydown", (ev) => {
    if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey) && !ev.isComposing) { ev.preventDefault(); runAll(); }
  });
  $("analogy").disabled = $("neighbors").disabled = true;
  pollWordVectors();
  if (new URLSearchParams(location.search).get("present") === "1") present(true);
  await runAll();
  document.body.dataset.ready = "1";
}
window.seqlabPage = { snapshotHtml, state: S };
// the skip link moves focus without navigating: "#stages" in the address would replace the lesson's inputs (wired
// before init waits for the server, so that it works from the first key)
document.querySelector("a.skip").addEventListener("click", (ev) => {
  ev.preventDefault();
  const main = $("stages");
  if (!main.hasAttribute("tabindex")) main.setAttribute("tabindex", "-1");
  main.focus();
  main.scrollIntoView();
});
// the address as typing left it, written at once when the page is left (the pause may not have come)
window.addEventListener("pagehide", () => { if (S.addressTimer) writeAddress(); });
init().catch((e) => {
  $("text-error").textContent = "⚠ " + e.message;
  document.body.dataset.ready = "error";
});
