// seqlab page: one function per panel that asks the server and draws the answer, Run for them all, and the word vectors' build.
// A part of app.js (the files of this folder joined in order, one script: seqlab.web.messages.APP_PARTS).

// ---------- stages ----------
async function runNormalize() {
  const inputs = currentInputs("form");
  await task(["v-normalize"], inputs, (wanted) => api("/api/normalize", { text: $("text").value, form: $("form").value }, wanted),
    (r) => show("v-normalize", "normalization", r, inputs));
}
async function runTokens() {
  const inputs = currentInputs("text"), compared = currentInputs("compare");
  await Promise.all([
    task(["v-tokens", "v-ids"], inputs, (wanted) => api("/api/tokenize", { text: $("text").value, model: $("model").value }, wanted), (r) => {
      show("v-tokens", "tokens", r, inputs);
      show("v-ids", "ids", r, inputs);
    }),
    task(["v-compare"], compared, (wanted) => api("/api/compare", { text: $("text").value }, wanted), (r) => show("v-compare", "comparison", r, compared)),
  ]);
}
async function runEmbed() {
  const inputs = currentInputs("text");
  await task(["v-vectors"], inputs, (wanted) => api("/api/embed", { text: $("text").value, model: $("model").value }, wanted),
    (r) => show("v-vectors", "embedding", r, inputs));
}
function traceBody() {
  // the trained model brings its own model, sizes and weights: the page's settings for them are not sent
  if ($("useckpt").checked) return { text: $("text").value, cell: $("cell").value, backward: true, checkpoint: true };
  const byHand = $("byhand").checked;
  const body = { text: $("text").value, model: $("model").value, cell: $("cell").value, backward: true,
    hidden: byHand ? 2 : intIn("hidden", t("hidden size")), seed: intIn("seed", t("seed")) };
  if (byHand) body.input_dim = 2;
  return body;
}
const BAD_TRACE_SETTING = () => t("Not computed: a setting of the trace above is not valid (see its message).");
async function runTrace() {
  const inputs = currentInputs("trace");
  let body;
  try { body = traceBody(); } catch (e) {  // said once, where the setting is; the dW part says why it is empty
    refuse("v-trace", e);
    clear("v-backward", BAD_TRACE_SETTING());
    return;
  }
  const done = S.running ? null : busyLine(t("trace"));
  const release = hold("trace");
  await task(["v-trace", "v-backward"], inputs, (wanted) => api("/api/trace", body, wanted), (r) => {
    show("v-trace", "trace", r, inputs);
    show("v-backward", "backward", r, inputs);
  });
  release(canTrace());
  if (done) done();
}
async function runGradflow() {
  const inputs = currentInputs("gradflow");
  let body;
  try {
    body = { steps: intIn("gsteps", t("steps")) };  // the hidden size: the server's default (lab/limits.py)
  } catch (e) { refuse("v-gradflow", e); return; }
  if ($("fbias").value !== "") body.forget_bias = +$("fbias").value;  // "": torch's default init
  const done = S.running ? null : busyLine(t("gradient chart"));
  const release = hold("gradflow");  // independent of the text: only its own settings must still hold
  await task(["v-gradflow"], inputs, (wanted) => api("/api/gradflow", body, wanted), (r) => show("v-gradflow", "gradflow", r, inputs));
  release(true);
  if (done) done();
}
function layersOf(model) {  // [layers, heads]: from the last attention answer, else the registry, else unknown yet
  const m = S.models[model] || {};
  return S.layersOf[model] || (m.layers ? [m.layers, m.heads] : [1, 0]);
}
function fillLayers(L, H, model) {
  // model: given when the choice follows a model change, so that a layer or head the new model lacks is said to move
  const layer = $("layer"), head = $("head");
  const keepL = layer.value, keepH = head.value;
  if (layer.options.length !== L) layer.replaceChildren(...[...Array(L).keys()].map((i) => V.el("option", { value: i }, String(i))));
  if (head.options.length !== H + 1) {
    head.replaceChildren(V.el("option", { value: "mean" }, t("mean over heads")),
      ...[...Array(H).keys()].map((i) => V.el("option", { value: i }, String(i))));
  }
  const moved = [];
  if (keepL !== "") {  // the nearest layer there is (the last, for a shallower model), never silently the first
    layer.value = String(Math.min(+keepL, L - 1));
    if (+keepL > L - 1 && L > 0) moved.push(t("{model} has {n} layers (0 to {last}): layer {asked} is not there, so layer {last} is chosen.", { model, n: L, last: L - 1, asked: keepL }));
  }
  if (keepH !== "" && H > 0) {
    head.value = keepH === "mean" ? "mean" : String(Math.min(+keepH, H - 1));
    if (keepH !== "mean" && +keepH > H - 1) moved.push(t("{model} has {n} heads (0 to {last}): head {asked} is not there, so head {last} is chosen.", { model, n: H, last: H - 1, asked: keepH }));
  }
  $("layer-note").textContent = model !== undefined ? moved.join(" ") : "";  // a model whose layers are unknown: no claim
}
async function runAttention() {
  if (!validText()) return;
  if (!S.models[$("model").value].vectors) { clear("v-attention", noVectorsReason($("model").value)); return; }
  const inputs = currentInputs("attention");
  const head = $("head").value;
  const release = hold("attn");
  const done = S.running ? null : busyLine(t("attention"));
  await task(["v-attention"], inputs, (wanted) => api("/api/attention", { text: $("text").value, model: $("model").value,
    layer: +($("layer").value || 0), head: head === "mean" || head === "" ? null : +head }, wanted), (r) => {
    S.layersOf[r.model] = [r.layers, r.heads];
    fillLayers(r.layers, r.heads);
    keepInputs();
    show("v-attention", "attention", r, inputs, { row: S.attentionRow, onRow: (i) => { S.attentionRow = i; } });
  });
  release(hasVectors());
  if (done) done();
}
async function runSimilarity() {
  if (!validText()) return;
  if (!visibleIn($("second").value)) {
    refuse("v-sim", new ApiError($("second").value === "" ? t("The second sentence is empty: type one to compare with.")
      : t("The second sentence has no character that shows (only spaces or invisible characters): type one to compare with.")));
    $("second").focus();
    return;
  }
  const most = S.max, n = codepoints($("second").value);
  if (n > most) {  // checked here as the text is: the server's answer names its field "b"
    refuse("v-sim", new ApiError(t("{what}: at most {max} characters, got {n}. Shorten it.",
      { what: labels()["second-label"], max: count(most), n: count(n) })));
    return;
  }
  if (!S.models[$("model").value].vectors) { clear("v-sim", noVectorsReason($("model").value)); return; }
  const inputs = currentInputs("sim");
  const done = S.running ? null : busyLine(t("cosine similarity"));
  const release = hold("sim");
  await task(["v-sim"], inputs, (wanted) => api("/api/similarity", { a: $("text").value, b: $("second").value, model: $("model").value }, wanted),
    (r) => show("v-sim", "similarity", r, inputs));
  release(hasVectors());
  if (done) done();
}
async function runWords(kind) {
  const value = (kind === "analogy" ? $("expr").value : $("nword").value).trim();  // "영화 " is 영화
  if (!value.trim()) { refuse("v-words", new ApiError(t("Type a word first."))); return; }
  const most = S.maxWords[kind], n = codepoints(value);
  if (n > most) {
    const what = kind === "analogy" ? labels()["expr-label"] : labels()["nword-label"];
    refuse("v-words", new ApiError(t("{what}: at most {max} characters, got {n}. Shorten it.", { what, max: count(most), n: count(n) })));
    return;
  }
  if (S.wordsBusy) return;  // one request at a time: the buttons are disabled meanwhile
  S.wordsBusy = true;
  const release = hold("analogy", "neighbors");
  const done = S.running ? null : busyLine(kind === "analogy" ? t("analogy") : t("nearest words"));
  // the panel is about this box's words from now on: an edit while the answer is on its way says so, and the
  // answer for the old words is dropped (it was drawn under the new ones)
  S.wordsShown = kind;
  const inputs = currentInputs(kind);
  try {
    await task(["v-words"], inputs, (wanted) => api(kind === "analogy" ? "/api/analogy" : "/api/neighbors",
      kind === "analogy" ? { expression: value, k: 10 } : { word: value, k: 10 }, wanted),
      // what was asked, for the exports (the panel keeps no other inputs: its words are its own)
      (r) => show("v-words", "words", r, inputs));
  } finally {
    S.wordsBusy = false;
    release(S.wordsReady);
    if (done) done();
  }
}
async function runPredict() {
  const inputs = currentInputs("text");
  await task(["v-predict"], inputs, (wanted) => api("/api/predict", { text: $("text").value }, wanted), (r) => show("v-predict", "prediction", r, inputs));
}
async function runAll() {
  // a double click sends one pipeline; once the inputs have changed, Run sends the new ones at once (the old
  // answers are dropped as they come)
  if (S.running && S.running.edits === (S.edits || 0)) return;
  if (!validText()) {  // Run on an empty text (also at page load): each text panel says why; stage 6's chart (no text) is drawn
    const why = emptySaid($("text").value), failures = S.failures || 0;
    for (const v of TEXT_VIEWS) if (!S.busy[v]) clear(v, why);
    if (!S.records["v-gradflow"] && !S.busy["v-gradflow"]) await runGradflow();
    // the busy line said "Done in 0.2 s." for stage 6's chart alone; the reason itself is the text box's alert
    if ((S.failures || 0) === failures && !ACTIVE.length) sayBusy(t("Not run: see the note under the text box."));
    return;
  }
  const me = { edits: S.edits || 0 };
  S.running = me;
  const release = hold("run");
  const done = busyLine(t("the pipeline"));
  const model = $("model").value, vectors = S.models[model].vectors;
  // a view whose result is for the current inputs keeps it (and what the reader chose in it: a step, a row)
  const stale = (v, kind) => !S.records[v] || S.records[v].inputs !== currentInputs(kind);
  try {
    const jobs = [runNormalize(), runTokens()];
    if ($("useckpt").checked && stale("v-trace", "trace")) jobs.push(runTrace());  // the trained model's, any model
    if (vectors) {
      if (stale("v-vectors", "text")) jobs.push(runEmbed());
      if (!$("useckpt").checked && stale("v-trace", "trace")) jobs.push(runTrace());
      if (stale("v-attention", "attention")) {
        clear("v-attention", t("Press Show to compute the attention of this text (it is not sent with every run)."));
      }
      if (stale("v-sim", "sim")) clear("v-sim", t("Press the button to compare the two sentences."));
    } else {
      for (const v of ["v-vectors", "v-attention", ...($("useckpt").checked ? [] : ["v-trace", "v-backward"])]) clear(v, noVectorsReason(model));
      clear("v-sim", "");  // the panel says it once, above
    }
    if (!S.records["v-gradflow"]) jobs.push(runGradflow());
    if (S.checkpoint) jobs.push(runPredict());
    await Promise.all(jobs);
  } finally {
    if (S.running === me) {
      S.running = null;
      release(true);
    }
    done();
  }
}

// ---------- word vectors: progress while they are built, then the panel opens ----------
async function pollWordVectors() {
  let status;
  try { status = await api("/api/wordvectors"); } catch (e) { $("warm-text").textContent = "⚠ " + e.message; setTimeout(pollWordVectors, 5000); return; }
  const ready = status.state === "ready";
  S.wordsReady = ready;
  $("analogy").disabled = $("neighbors").disabled = !ready || !!S.wordsBusy;
  $("p-words").setAttribute("aria-busy", ready ? "false" : "true");
  if (ready) {  // say whose vectors answer: the model chosen above does not apply to this panel
    $("warmup").hidden = true;
    const v = { source: t("{name} word vectors", { name: status.source || "" }), n: count(status.words || status.total || 0) };
    $("words-source").textContent = t("Vectors: {source}, {n} words (the model chosen above does not apply here).", v);
    $("words-source").dataset.snapshot = t("Vectors: {source}, {n} words.", v);  // a snapshot has no model above
    return;
  }
  if (status.state === "failed") {  // nothing is coming: the panel is no longer busy, and says why
    $("p-words").setAttribute("aria-busy", "false");
    $("warmup").hidden = false;
    $("warm-text").textContent = "⚠ " + t("The word vectors could not be built: {error}", { error: status.error });
    return;
  }
  $("warmup").hidden = false;
  const bar = $("warm-bar");
  if (status.total) { bar.max = status.total; bar.value = status.done; } else bar.removeAttribute("value");
  const counts = { done: (status.done || 0).toLocaleString("en-US"), total: (status.total || 0).toLocaleString("en-US") };
  // the build goes in steps (recovering vectors, reading the words, ...): each has its own count and time left
  const step = { step: status.step, phase: status.phase || "" };
  $("warm-text").textContent = status.phase && status.total && status.eta_s !== null && status.done < status.total
      && status.eta_s >= 1
    ? t("Building the word vectors, step {step} ({phase}): {done} of {total}, about {eta} s left in this step. This panel opens when they are ready.",
      { ...counts, ...step, eta: Math.ceil(status.eta_s) })
    : status.phase
      ? t("Building the word vectors, step {step} ({phase}). This panel opens when they are ready.", step)
      : t("Building the word vectors (the first start takes a while). This panel opens when they are ready.");
  setTimeout(pollWordVectors, 1500);
}
