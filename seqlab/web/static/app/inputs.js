// seqlab page: the reader's inputs: what each panel's answer was computed from, their checks, the character counter, stale results.
// A part of app.js (the files of this folder joined in order, one script: seqlab.web.messages.APP_PARTS).

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
// a whole number from the box `id`, within the box's own min and max (index.html's, tested against the API's bounds)
function intIn(id, what) {
  const lo = Number($(id).min), hi = Number($(id).max);
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
