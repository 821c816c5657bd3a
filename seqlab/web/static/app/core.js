// seqlab page: the controls, the requests and the state of each panel. Drawing is views.js's job (SeqlabViews),
// the same code the HTML export and notebooks use. Every panel shows the result of the current inputs, or
// nothing with the reason; a request in flight marks its panel busy; errors replace each other and are announced.
//
// app.js is the files of this folder joined in the order of seqlab.web.messages.APP_PARTS (served at
// /static/app.js): one script, one scope. This one holds the page's state (S), its words and its requests.
"use strict";
const V = window.SeqlabViews;
const t = V.t;
const count = V.format.count;
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
