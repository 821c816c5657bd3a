// seqlab page: the controls, the requests and the state of each panel. Drawing is views.js's job (SeqlabViews),
// the same code the HTML export and notebooks use. Every panel shows the result of the current inputs, or
// nothing with the reason; a request in flight marks its panel busy; errors replace each other and are announced.
"use strict";
const V = window.SeqlabViews;
const t = V.t;
const $ = (id) => document.getElementById(id);
const INFO = JSON.parse($("seqlab-messages").textContent);
V.setMessages(INFO);
const LANG = INFO.lang;
const S = { models: {}, max: 2000, running: false, handles: {}, records: {}, busy: {}, stage: 0, attention: null, layersOf: {}, busyWaits: 0,
  busyPatience: 60 };  // seconds a request waits for turns the server asks for (503 + Retry-After) before it gives up

// ---------- words on the page ----------
function labels() {
  return {
    skip: t("Skip to the stages"), lead: t("text → tokens → ids → vectors → RNN/LSTM/GRU, with every number the computation used."),
    "lang-label": t("Language:"), present: t("Presentation mode"), "text-label": t("Text (Korean or English)"),
    "model-label": t("model"), run: t("Run"),
    "h-normalize": t("1. Unicode normalization"), "form-label": t("form"),
    "h-tokens": t("2. Tokenization"), "h-compare": t("Tokenizers side by side"),
    "h-ids": t("3. Integer encoding"),
    "h-vectors": t("4. Embedding: ids → vectors (last_hidden_state)"), "h-sim": t("Cosine similarity of two sentences"),
    "second-label": t("second sentence"), sim: t("Compute the cosine"),
    "h-trace": t("5. RNN / LSTM / GRU step by step"), "cell-label": t("cell"), "hidden-label": t("hidden size"),
    "seed-label": t("seed"), "byhand-label": t("by hand (hidden size 2, inputs reduced to 2 numbers)"),
    "ckpt-label": t("trained weights"), trace: t("Trace"),
    "h-backward": t("6. Backward: gradients through time (BPTT)"), "gsteps-label": t("steps"),
    "fbias-label": t("LSTM forget-gate bias"), "fbias-default": t("torch's default (random, near 0)"), gradflow: t("Compute"),
    "h-dw": t("Per-step shares of dW_hh in stage 5's trace (they sum to dW_hh)"),  // "above" is not so in a snapshot
    "h-words": t("7. Word vectors: analogies and neighbours"), "expr-label": t("analogy"), analogy: t("Solve"),
    "nword-label": t("word"), neighbors: t("Nearest words"),
    "h-attention": t("8. Inside the encoder: attention"), "layer-label": t("layer"), "head-label": t("head"), attn: t("Show"),
    "h-predict": t("9. Prediction of the trained classifier"),
    "stage-prev": t("◀ previous stage"), "stage-next": t("next stage ▶"),
    footer: t("seqlab · served by this computer alone: scripts, styles and the font come from this server. API:"),
  };
}
function applyLabels() {
  for (const [key, text] of Object.entries(labels())) {
    const node = $(key) || document.querySelector(`[data-t="${key}"]`);
    if (node) node.textContent = text;
  }
  document.querySelector(".modes").setAttribute("aria-label", t("Language and presentation"));
  $("stage-nav").setAttribute("aria-label", t("Stages"));
  $("text").placeholder = t("Type or paste a sentence, e.g. 안녕하세요");
  $(`lang-${LANG}`).setAttribute("aria-current", "true");
  document.title = INFO.title;
}

// ---------- requests ----------
class ApiError extends Error {}
function serverDown(down) {  // one page-level message while the server does not answer, not one per panel
  $("page-error").textContent = down ? "⚠ " + t("The server did not answer. Is seqlab serve still running?") : "";
}
// 503 with Retry-After: the server's heavy work is full (seqlab.web.gates). The page waits the turns it is asked to
// wait, up to S.busyPatience seconds in all, while the answer is still wanted (wanted(): the inputs it was asked for
// are still the page's); the word-vector routes are not retried here, their panel polls the build's progress instead.
const NOT_RETRIED = ["/api/analogy", "/api/neighbors"];
async function api(path, body, wanted = () => true) {
  const started = performance.now();
  for (let tries = 1; ; tries++) {
    const res = await send(path, body);
    const data = await res.json().catch(() => null);
    if (res.ok) return data;
    // the body's retry_after_s is the server's estimate (a busy gate frees a slot in tenths of a second); the
    // header's whole seconds, where the body has none
    const asked = Math.max(0, (data && +data.retry_after_s) || +res.headers.get("Retry-After") || 0);
    const retryable = res.status === 503 && asked > 0 && !NOT_RETRIED.includes(path);
    if (!retryable) throw answerError(res, data);
    const waited = (performance.now() - started) / 1000, left = S.busyPatience - waited;
    if (left < asked) {  // the server's own words say "try again in 1 s": after the page's patience, it says what it did
      const err = new ApiError(t("The server stayed busy with other requests for {s} s ({n} tries): press the button again in a moment.",
        { s: count(Math.round(waited)), n: count(tries) }));
      err.status = res.status;
      throw err;
    }
    S.busyWaits += 1;  // the busy line says that the server asked us to wait
    showWorking();
    try {  // a little jitter, so that a class's pages turned away together do not all come back together
      await new Promise((r) => setTimeout(r, Math.min(left, asked * (1 + Math.random() * 0.25)) * 1000));
    } finally {
      S.busyWaits -= 1;
      showWorking();
    }
    if (!wanted()) throw new ApiError(t("The inputs changed: this answer is no longer wanted."));  // runTask drops it
  }
}
async function send(path, body) {
  try {
    const res = await fetch(`${path}?lang=${LANG}`, body === undefined ? {} : {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
    serverDown(false);
    return res;
  } catch (e) {
    serverDown(true);
    const err = new ApiError(t("The server did not answer. Is seqlab serve still running?"));
    err.network = true;
    throw err;
  }
}
function answerError(res, data) {
  const err = new ApiError(data && data.error ? data.error + (data.hint ? " — " + data.hint : "")
    : res.status >= 500 ? t("The server failed (status {status}). Try again; if it fails again, the terminal running seqlab serve says why.", { status: res.status })
      : t("The server answered with status {status}.", { status: res.status }));
  err.status = res.status;
  return err;
}

// ---------- panel state: a view with its record, or nothing with a reason ----------
const VIEWS = {  // view container -> [panel, state element, error element]
  "v-normalize": "p-normalize", "v-tokens": "p-tokens", "v-compare": "p-tokens", "v-ids": "p-ids",
  "v-vectors": "p-vectors", "v-sim": "p-vectors", "v-trace": "p-trace", "v-gradflow": "p-backward",
  "v-backward": "p-backward", "v-words": "p-words", "v-attention": "p-attention", "v-predict": "p-predict",
};
// the panel's first .state/.error belong to its first view; a second view in a panel has its own
const STATE_OF = { "v-sim": "sim-state", "v-backward": "dw-state", "v-compare": "compare-state" };
const ERROR_OF = { "v-sim": "sim-error", "v-backward": "dw-error", "v-compare": "compare-error" };
function stateEl(viewId) { return STATE_OF[viewId] ? $(STATE_OF[viewId]) : $(VIEWS[viewId]).querySelector(".state"); }
function errorEl(viewId) { return ERROR_OF[viewId] ? $(ERROR_OF[viewId]) : $(VIEWS[viewId]).querySelector(".error"); }
function show(viewId, view, record, inputs, options) {
  if (S.handles[viewId]) S.handles[viewId].destroy();
  const box = $(viewId);
  box.replaceChildren();
  const chosen = {};  // what the reader picked inside the view: the HTML snapshot shows the same
  options = options || {};
  S.records[viewId] = { view, record, inputs, chosen };
  S.handles[viewId] = V.render(box, view, record, { ...options,
    onStep: (k) => { chosen.step = k; },
    onRow: (i) => { chosen.row = i; if (options.onRow) options.onRow(i); } });
  stateEl(viewId).textContent = "";
  errorEl(viewId).textContent = "";
  box.hidden = false;
  refreshExport(VIEWS[viewId]);
}
function clear(viewId, reason) {
  if (S.handles[viewId]) S.handles[viewId].destroy();
  delete S.handles[viewId];
  delete S.records[viewId];
  $(viewId).replaceChildren();
  $(viewId).hidden = true;
  stateEl(viewId).textContent = reason || "";
  errorEl(viewId).textContent = "";  // an error was about the inputs as they were
  refreshExport(VIEWS[viewId]);
}
function shown(viewId) { return S.records[viewId] || S.busy[viewId] || errorEl(viewId).textContent; }
function fail(viewId, err) {
  clear(viewId, "");
  // an ApiError is written for the reader (the server's or the page's own words); anything else is the page failing
  // to draw an answer (a bug, or a page older than its server): said as such, the detail kept for the console
  if (!(err instanceof ApiError)) console.error(err);
  errorEl(viewId).textContent = "⚠ " + (err instanceof ApiError ? err.message  // replaces the previous error; role=alert announces it
    : t("This panel could not be drawn ({error}). Reload the page; if it happens again, restart seqlab serve.", { error: err.message }));
}
// a request the page itself refused (a setting out of range): counted as a failure, so that a Run running says it
// finished with errors; without a Run, the busy line's last "Done in …" was about an earlier request and goes
function refuse(viewId, err) {
  fail(viewId, err);
  S.failures = (S.failures || 0) + 1;
  if (!S.running && !ACTIVE.length) sayBusy("");
}
function setBusy(viewIds, on) {
  for (const v of viewIds) {
    const panel = $(VIEWS[v]);
    S.busy[v] = Math.max(0, (S.busy[v] || 0) + (on ? 1 : -1));  // requests in flight: an old answer ends only its own
    panel.setAttribute("aria-busy", Object.keys(S.busy).some((k) => S.busy[k] && VIEWS[k] === VIEWS[v]) ? "true" : "false");
  }
}
// the busy line: the latest request still running says "Working"; when one ends and others still run, the line
// goes back to them; the last to end says "Done" (or what failed). Changed inputs end every line (busyEpoch).
const ACTIVE = [];
let busyEpoch = 0, ticker = null;
const secsOf = (job) => {  // an answer under 50 ms is "<0.1 s", not "0.0 s"
  const s = (performance.now() - job.started) / 1000;
  return s < 0.05 ? "<0.1" : s.toFixed(1);
};
// what the busy line says is announced (a live region) only when it changes; its ticking seconds are shown
// beside it, hidden from screen readers, which otherwise heard the line again every quarter second
function sayBusy(text, clock = "") {
  if ($("busy-say").textContent !== text) $("busy-say").textContent = text;
  $("busy-clock").textContent = clock;
}
function showWorking() {
  const top = ACTIVE[ACTIVE.length - 1];
  if (!top) return;
  sayBusy(t("Working: {what}", { what: top.what })
    + (S.busyWaits ? " · " + t("the server is busy with other requests: waiting for a free turn") : ""),
    " " + t("({s} s)", { s: secsOf(top) }));
}
function busyLine(what) {
  const me = { what, started: performance.now(), epoch: busyEpoch }, failures = S.failures || 0;
  ACTIVE.push(me);
  showWorking();
  if (!ticker) ticker = setInterval(showWorking, 250);
  const secs = () => secsOf(me);
  return () => {  // "done" only when nothing failed: a failure is said here too, not only in its panel
    const i = ACTIVE.indexOf(me);
    if (i >= 0) ACTIVE.splice(i, 1);
    if (!ACTIVE.length) { clearInterval(ticker); ticker = null; }
    if (me.epoch !== busyEpoch) return;  // the panels say the inputs changed
    if (ACTIVE.length) { showWorking(); return; }  // others still run: the line is theirs
    sayBusy((S.failures || 0) === failures ? t("Done in {s} s.", { s: secs() })
      : $("page-error").textContent ? t("Failed after {s} s: the server did not answer.", { s: secs() })
        : t("Finished in {s} s with errors: see the panels marked ⚠.", { s: secs() }));
  };
}
// a button held while its request runs: disabled, it loses the keyboard focus, which comes back when it is released
function hold(...ids) {
  const focused = ids.find((id) => document.activeElement === $(id));
  for (const id of ids) $(id).disabled = true;
  return (enabled) => {
    for (const id of ids) $(id).disabled = !enabled;
    const lost = !document.activeElement || document.activeElement === document.body;
    if (focused && enabled && lost) $(focused).focus();
  };
}
// one request for one view: busy while it runs, its result only if the inputs are still those it was asked for
const PENDING = {};  // first view -> { inputs, promise } of the request in flight
function task(viewIds, inputs, request, render) {
  const key = viewIds[0], pending = PENDING[key];
  if (pending && inputs && pending.inputs === inputs) return pending.promise;  // the same request is running
  const promise = runTask(viewIds, inputs, request, render).finally(() => { if (PENDING[key] && PENDING[key].promise === promise) delete PENDING[key]; });
  PENDING[key] = { inputs, promise };
  return promise;
}
async function runTask(viewIds, inputs, request, render) {
  setBusy(viewIds, true);
  for (const v of viewIds) errorEl(v).textContent = "";
  // whether the answer is still wanted: a request for inputs that changed stops waiting for a busy server
  const wanted = () => !inputs || inputs === currentInputs(inputs.kind);
  try {
    const record = await request(wanted);
    if (inputs && inputs !== currentInputs(inputs.kind)) return;  // the inputs changed meanwhile: the panel says so
    render(record);
  } catch (e) {
    if (inputs && inputs !== currentInputs(inputs.kind)) return;
    S.failures = (S.failures || 0) + 1;
    // the server down: one alert at the top, and each panel says it in its own words (not announced seven times),
    // so that it still reads right when a later request succeeds and clears the top line
    if (e.network) viewIds.forEach((v) => clear(v, "⚠ " + t("Not computed: the server did not answer. Press {button} to try again.", { button: fillButton(v) })));
    else viewIds.forEach((v) => fail(v, e));
  } finally {
    setBusy(viewIds, false);
  }
}

// ---------- inputs ----------
const IN = {};  // kind -> the frozen inputs last described; identity says "still current"
function describe(kind) {
  const base = { text: $("text").value, model: $("model").value };
  const extra = {
    text: {},
    sim: { second: $("second").value },
    trace: { cell: $("cell").value, hidden: $("hidden").value, seed: $("seed").value, byhand: $("byhand").checked, ckpt: $("useckpt").checked },
    attention: { layer: $("layer").value, head: $("head").value },
  }[kind];
  if (kind === "gradflow") return JSON.stringify({ steps: $("gsteps").value, fbias: $("fbias").value });  // no text
  if (kind === "analogy") return JSON.stringify({ expr: $("expr").value.trim() });  // the words panel: its own box only
  if (kind === "neighbors") return JSON.stringify({ nword: $("nword").value.trim() });
  if (kind === "compare") return JSON.stringify({ text: $("text").value });  // every tokenizer, whatever the model
  if (kind === "form") return JSON.stringify({ text: $("text").value, form: $("form").value });  // no model in it
  // the trained model's trace: its own model and sizes, whatever the page's boxes say
  if (kind === "trace" && $("useckpt").checked) return JSON.stringify({ text: $("text").value, cell: $("cell").value, ckpt: true });
  return JSON.stringify({ ...base, ...extra });
}
function currentInputs(kind) {
  const key = describe(kind);
  if (!IN[kind] || IN[kind].key !== key) IN[kind] = { kind, key };
  return IN[kind];
}
function codepoints(s) { return Array.from(s).length; }
const count = V.format.count;
// at least one character that shows: not only spaces, zero-width or other invisible characters (as the API checks)
const SHOWS = /[^\s\p{C}\p{Z}\u115F\u1160\u3164\uFFA0\u2800]/u;  // Hangul fillers are letters that draw nothing
function visibleIn(text) { return SHOWS.test(text); }
const EMPTY = () => t("The text is empty: type a sentence first.");
const INVISIBLE = () => t("The text has no character that shows (only spaces or invisible characters): type a sentence first.");
function emptySaid(text) { return text === "" ? EMPTY() : INVISIBLE(); }  // why a text without a visible letter cannot run
function validText() {
  const text = $("text").value;
  if (!SHOWS.test(text)) {
    $("text-error").textContent = "⚠ " + emptySaid(text);
    if (!S.running && !ACTIVE.length) sayBusy("");  // a "Done in …" there was about an earlier run
    $("text").focus();
    return null;
  }
  $("text-error").textContent = "";
  return text;
}
function intIn(id, lo, hi, what) {
  const raw = $(id).value.trim(), v = /^[+-]?[0-9]+$/.test(raw) ? Number(raw) : NaN;  // 1e1, 0x10, 4.0: not as typed
  if (raw === "" && $(id).validity && $(id).validity.badInput) {  // "e", "1e" or "-": the browser reports ""
    throw new ApiError(t("{what} is not a number: type a whole number from {lo} to {hi}.", { what, lo, hi: count(hi) }));
  }
  if (raw === "") throw new ApiError(t("{what} is empty: type a whole number from {lo} to {hi}.", { what, lo, hi: count(hi) }));
  if (!Number.isInteger(v) || v < lo || v > hi) {
    throw new ApiError(t("{what}: expected a whole number from {lo} to {hi}, got {got}", { what, lo, hi: count(hi), got: raw }));
  }
  return v;
}
// the limit counts code points (as the server does); where the letters a reader sees are fewer (NFD Hangul: one
// code point per jamo; emoji with modifiers), the counter says so rather than seeming to miscount
const GRAPHEMES = typeof Intl !== "undefined" && Intl.Segmenter ? new Intl.Segmenter(undefined, { granularity: "grapheme" }) : null;
// a character that draws nothing: zero-width and direction-changing ones, a BOM, a control other than a line break or
// tab, a Hangul filler (stage 1 escapes these and more: private-use and unassigned code points, odd spaces)
const HIDDEN = /[\p{Cf}\u115F\u1160\u3164\uFFA0\u2800]|(?![\t\n\r\f\v])\p{Cc}/u;
function updateCounter() {
  const text = $("text").value, chars = Array.from(text), n = chars.length;
  const pieces = GRAPHEMES ? Array.from(GRAPHEMES.segment(text), (g) => g.segment) : chars;
  const hidden = chars.filter((c) => HIDDEN.test(c)).length;  // each one, also a joiner inside an emoji
  // letters a reader sees, spaces aside: "only a space and two zero-width spaces" has none, as the error then says
  const letters = pieces.filter((g) => !/^\s+$/u.test(g) && !Array.from(g).every((c) => HIDDEN.test(c))).length;
  const v = { n: n.toLocaleString("en-US"), max: S.max.toLocaleString("en-US"), g: letters.toLocaleString("en-US"),
    h: hidden.toLocaleString("en-US") };
  const invisible = hidden === 1 ? t("1 invisible character") : t("{h} invisible characters", v);
  $("counter").textContent = pieces.length === n && !hidden ? t("{n} / {max} characters", v)
    : hidden ? t("{n} / {max} code points ({g} letters as shown, not counting spaces, and {invisible}: the limit counts code points)", { ...v, invisible })
      : t("{n} / {max} code points ({g} letters as shown, not counting spaces: the limit counts code points)", v);
}
function capText() {
  // past the limit, what was just typed or pasted is cut (as a maxlength field does), never the text after the
  // cursor: typing in the middle of a full box dropped the box's last letter and sent the cursor to the end
  const box = $("text"), chars = Array.from(box.value);
  if (chars.length > S.max) {
    const caret = box.selectionEnd ?? box.value.length;
    const tail = Array.from(box.value.slice(caret)), head = Array.from(box.value.slice(0, caret));
    const keep = Math.max(0, S.max - tail.length), kept = head.slice(0, keep).join("");
    box.value = kept + tail.slice(0, S.max - Math.min(keep, head.length)).join("");
    box.setSelectionRange(kept.length, kept.length);
    const k = chars.length - S.max, v = { max: count(S.max), k: count(k) };
    $("cut").textContent = tail.length && tail.length <= S.max ? (k === 1 ? t("At most {max} characters: the last character typed or pasted was left out; the text after the cursor is kept.", v)
      : t("At most {max} characters: the last {k} characters typed or pasted were left out; the text after the cursor is kept.", v))
      : k === 1 ? t("Cut to {max} characters: 1 character at the end was left out.", v)
      : t("Cut to {max} characters: {k} characters at the end were left out.", v);
  } else $("cut").textContent = "";  // the message is about the last edit only
  updateCounter();
}
const TEXT_VIEWS = ["v-normalize", "v-tokens", "v-compare", "v-ids", "v-vectors", "v-sim", "v-trace", "v-backward", "v-attention", "v-predict"];
const VECTOR_VIEWS = ["v-vectors", "v-sim", "v-trace", "v-backward", "v-attention"];  // they need a transformer
const MODEL_VIEWS = ["v-tokens", "v-ids", ...VECTOR_VIEWS];  // normalization, the comparison and the prediction do not use it
// the button that fills a view: attention and the cosine are computed on demand, not by Run
function fillButton(v) {
  const l = labels();
  return { "v-attention": l.attn, "v-sim": l.sim, "v-gradflow": l.gradflow,
    "v-words": t("{a} or {b}", { a: l.analogy, b: l.neighbors }) }[v] || l.run;  // ko: ‘a’ 또는 ‘b’ inside ‘…’
}
function stopBusyLines() {  // "Done in …" or "Working" was about inputs that changed
  busyEpoch += 1;
  ACTIVE.length = 0;
  clearInterval(ticker);
  ticker = null;
  sayBusy("");
}
function discarded() {  // the text or the model changed: every answer still coming is about the old ones
  S.edits = (S.edits || 0) + 1;
  stopBusyLines();
  if (S.running) $("run").disabled = false;  // the panels say "press Run": Run runs the new inputs at once
}
function settingsChanged(v, reason) {  // one panel's own inputs changed: its result (or the work for it) is dropped
  if (S.busy[v]) stopBusyLines();  // not Run, not the other panels: the pipeline's answers still hold
  clear(v, reason);
}
function staleAll() {
  const text = $("text").value, empty = !visibleIn(text), why = emptySaid(text);
  for (const v of TEXT_VIEWS) {  // an empty text: Run would refuse it, so the panels say that, not "press Run"
    const said = stateEl(v).textContent;
    if (!shown(v) && !(said && (empty || said === EMPTY() || said === INVISIBLE()))) continue;
    clear(v, empty ? why : t("The text changed: press {button} to see the result for the new text.", { button: fillButton(v) }));
  }
  S.attentionRow = null;  // a row of the old text means nothing in the new one
  discarded();
}
function hasVectors() { return !!(S.models[$("model").value] || {}).vectors; }
function vectorControls() {  // a model without vectors has no trace, attention or cosine: their controls rest
  for (const id of ["layer", "head", "attn", "sim"]) $(id).disabled = !hasVectors();
  $("trace").disabled = !canTrace();
}
// the trained model (--checkpoint) has an embedding of its own: it traces whatever the model box says
function canTrace() { return hasVectors() || $("useckpt").checked; }
function modelChanged() {
  const model = $("model").value, vectors = S.models[model].vectors;
  for (const v of MODEL_VIEWS) {
    // the cosine sits in stage 4's panel, which says it already; stage 6's dW part says it as Run would
    if ($("useckpt").checked && ["v-trace", "v-backward"].includes(v)) continue;  // the trained model's trace
    if (!vectors && VECTOR_VIEWS.includes(v)) clear(v, v === "v-sim" ? "" : noVectorsReason(model));
    else clear(v, t("The model changed to {model}: press {button}.", { model, button: fillButton(v) }));
  }
  vectorControls();
  S.attentionRow = null;
  discarded();
}
function noVectorsReason(model) {
  const names = Object.keys(S.models).filter((name) => S.models[name].vectors).join(", ");  // the server's list
  return t("{model} has no vectors: choose a transformer model ({names}) to see this stage.", { model, names });
}

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
    hidden: byHand ? 2 : intIn("hidden", 1, 64, t("hidden size")), seed: intIn("seed", 0, 4294967295, t("seed")) };
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
    body = { steps: intIn("gsteps", 2, 300, t("steps")) };  // the hidden size: the server's default (lab/limits.py)
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
  if (!validText()) return;
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
    const source = t("{name} word vectors", { name: status.source || "" });
    $("words-source").textContent = t("Vectors: {source}, {n} words (the model chosen above does not apply here).",
      { source, n: count(status.words || status.total || 0) });
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
  let body = list(panelInputs(panelId, own));
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
