// seqlab views: stage 5: the trace of a recurrent cell (◀ ▶, play, a slider, each row with its formula) and its backward pass.
// A part of SeqlabViews (core.js first; the order is seqlab.render.fragments.VIEW_PARTS): it takes the shared
// helpers from SeqlabViews.lib and adds its views to SeqlabViews.views.
(function (root) {
  "use strict";
  const V = root.SeqlabViews;
  const { count, el, fixed, keepFocus, note, sci, signed, t, visible, visibleNode } = V.lib;

  // ---------- the trace: ◀ ▶, play, a slider; every row with its formula ----------
  // each row's field, symbol and equation come with the record ("equations": the library's one table of them);
  // the stacked rows of a gated cell name their gate blocks, in torch's order
  function rowFormula(rec, key, symbol, rhs) {
    const blocks = rec.cell !== "rnn" && ["x_proj", "h_proj", "bias"].includes(key) ? ` (${rec.gate_order.join("|")})` : "";
    return (rhs ? `${symbol} = ${rhs}` : symbol) + blocks;
  }
  const ROW_NAMES = () => ({ x: t("input vector"), h_prev: t("previous hidden state"), c_prev: t("previous cell state"),
    x_proj: t("input part"), h_proj: t("recurrent part"), bias: t("bias"), pre: t("before tanh"),
    pre_f: t("forget gate, before σ"), pre_i: t("input gate, before σ"), pre_o: t("output gate, before σ"), pre_g: t("candidate, before tanh"),
    f: t("forget gate"), i: t("input gate"), o: t("output gate"), g: t("candidate"), c: t("cell state"), h: t("hidden state"),
    r: t("reset gate"), z: t("update gate"), hn: t("what the reset gate scales"), n: t("candidate") });
  const GATE_NOTE = {  // what the rows of the weight matrices are, per cell
    lstm: () => t("Rows are grouped by gate in torch's order (i, f, g, o): input gate, forget gate, candidate g (the lecture's c̃), output gate."),
    gru: () => t("Rows are grouped by gate in torch's order (r, z, n): reset gate, update gate, candidate n."),
    rnn: () => t("One block of rows: h_t = tanh(W_xh x_t + W_hh h_{t-1} + b); a plain RNN has no gates."),
  };
  function bars(values) {
    const m = Math.max(1, ...values.map(Math.abs));
    return el("span", { class: "sv-minibars", "aria-hidden": "true" }, values.slice(0, 16).map((v) =>
      el("span", { class: "sv-minibar" }, el("i", { class: v >= 0 ? "sv-pos" : "sv-neg", style: `height:${(Math.abs(v) / m) * 50}%` }))));
  }
  function matrix(name, m, rowNames) {
    const rows = Array.isArray(m[0]) ? m : m.map((v) => [v]);
    const dims = Array.isArray(m[0]) ? `${rows.length}×${rows[0].length}` : String(m.length);  // a vector: [16], as its shape reads
    // a line may break between the name and its shape, never inside "b = b_ih + b_hh" or "[8×2]"
    return el("table", { class: "sv-table sv-matrix" }, el("caption", {}, el("span", { class: "sv-nowrap" }, name), " ",
      el("span", { class: "sv-nowrap" }, `[${dims}]`)),
      rows.map((r, k) => el("tr", {}, el("th", {}, rowNames ? rowNames[k] : String(k)), r.map((v) => el("td", { class: "sv-num" }, signed(v, 4))))));
  }
  function inputSource(rec) {
    if (rec.input_kind === "trained_embedding") return t("x_t comes from the trained model's own embedding layer.");
    let s = rec.input_kind === "last_hidden_state" ? t("x_t is last_hidden_state of {model} (the encoder's output).", { model: rec.model })
      : t("x_t comes from the rows of {model}'s input embedding matrix (one row per token id), not from last_hidden_state.", { model: rec.model });
    if (rec.input_pca) s += " " + (rec.input_kind === "last_hidden_state"
      ? t("Reduced to {k} numbers by PCA over this text's own vectors: x = (h − mean)·V_k.", { k: rec.input_pca })
      : t("Reduced to {k} numbers by PCA over the whole input embedding matrix: x = (e − mean)·V_k.", { k: rec.input_pca }));
    if (rec.quantized === "Q4_0" && !rec.input_pca) s += " " + t("This model's weights were stored in 4 bits (blocks of 32 numbers sharing one scale), so every number of x_t is a whole multiple of its block's step, and some are exactly 0.");
    return s;
  }
  function trace(container, rec, opts) {
    opts = opts || {};
    container.replaceChildren();
    const T = rec.steps.length, H = rec.hidden, names = ROW_NAMES();
    container.append(el("p", { class: "sv-source" }, inputSource(rec)));  // its sentence starts with x_t
    if (rec.dropped) {
      const v = { limit: count(rec.max_length), dropped: count(rec.dropped) };
      container.append(note(rec.dropped === 1 ? t("A trace reads at most {limit} tokens: the last one is left out.", v)
        : t("A trace reads at most {limit} tokens: the last {dropped} are left out.", v), "sv-warn"));
    }
    const gateRows = [];
    for (const g of rec.gate_order) for (let k = 0; k < H; k++) gateRows.push(`${g}${k + 1}`);
    const label = { W_ih: "W_xh (torch: weight_ih_l0)", W_hh: "W_hh", b: "b = b_ih + b_hh", b_ih: "b_ih", b_hh: "b_hh" };
    // every matrix the record carries whole is shown (W_hh and b of a small cell beside a 384-wide W_xh); the others
    // are named with their shape
    const shown = Object.entries(rec.weights).filter(([, m]) => !m.shape);
    const omitted = Object.entries(rec.weights).filter(([, m]) => m.shape);
    if (shown.length) {
      container.append(el("div", { class: "sv-matrices" }, shown.map(([k, m]) => matrix(label[k] || k, m, gateRows))));
      container.append(note(GATE_NOTE[rec.cell]()));
    }
    if (omitted.length) {
      container.append(note(t("Weights: {list}. Small settings print every number.", {
        list: omitted.map(([k, m]) => `${label[k] || k} [${m.shape.join("×")}]`).join(", ") })));
    }
    const slider = el("input", { type: "range", min: "0", max: String(T - 1), value: "0", class: "sv-slider", "aria-label": t("time step") });
    const prev = el("button", { type: "button", class: "sv-step", "aria-label": t("previous step") }, "◀");
    const next = el("button", { type: "button", class: "sv-step", "aria-label": t("next step") }, "▶");
    const play = el("button", { type: "button", class: "sv-play" }, t("play"));
    const label2 = el("p", { class: "sv-big sv-steplabel", "aria-live": "polite" });
    const table = el("table", { class: "sv-table sv-steps" });
    const gates = el("p", { class: "sv-note" });
    container.append(el("div", { class: "sv-stepper" }, prev, play, next, slider), label2, gates, table);
    let timer = null;
    // a row's numbers: all of them up to 32 (an LSTM of hidden 8), those of the stacked gates grouped by gate
    // ("i: … | f: … | g: … | o: …", as the weights' rows are); a longer row, its first 16 and its length
    function stepValues(k, v, n) {
      const nums = (xs) => xs.map((x) => signed(x, 4)).join(" ");
      if (n > 32 || v.length < n) return nums(v.slice(0, 16)) + ` … (${n})`;
      const G = rec.gate_order || [];
      if (G.length > 1 && ["x_proj", "h_proj", "bias"].includes(k) && n === G.length * H) {
        return G.map((g, j) => `${g}: ${nums(v.slice(j * H, (j + 1) * H))}`).join(" | ");
      }
      return nums(v);
    }
    function render() {
      const tt = +slider.value, step = rec.steps[tt];
      label2.textContent = t("t = {t} (steps 0–{last}) · token {token}", { t: tt, last: T - 1, token: visible(step.token) });
      keepFocus(prev, tt === 0, slider); keepFocus(next, tt === T - 1, slider);
      table.replaceChildren(el("tr", {}, el("th", {}, t("quantity")), el("th", {}, t("formula")), el("th", {}, t("values")), el("th", {}, "")),
        ...rec.equations.filter(([k]) => step[k] !== undefined).map(([k, symbol, rhs]) => {
          const formula = rowFormula(rec, k, symbol, rhs);
          const v = step[k], n = (rec.lengths && rec.lengths[k]) || v.length;  // a notebook carries the first 16
          return el("tr", { "data-key": k }, el("th", {}, el("code", {}, k), el("small", {}, names[k] || "")),
            el("td", { class: "sv-formula" }, formula),
            el("td", { class: "sv-values" }, stepValues(k, v, n)),
            el("td", {}, bars(v)));
        }));
      gates.textContent = step.gate_means ? t("mean gates at this step: forget f̄ = {f}, input ī = {i}, output ō = {o}",
        { f: fixed(step.gate_means.f, 2), i: fixed(step.gate_means.i, 2), o: fixed(step.gate_means.o, 2) }) : "";
      if (opts.onStep) opts.onStep(tt);
    }
    function go(tt) { slider.value = String(Math.max(0, Math.min(T - 1, tt))); render(); }
    function stop() { if (timer) { clearInterval(timer); timer = null; } play.textContent = t("play"); play.setAttribute("aria-pressed", "false"); }
    prev.addEventListener("click", () => { stop(); go(+slider.value - 1); });
    next.addEventListener("click", () => { stop(); go(+slider.value + 1); });
    slider.addEventListener("input", () => { stop(); render(); });
    // arrows on ◀, play or ▶ step the trace as they do on the slider (the page's presentation mode leaves them to it)
    for (const button of [prev, play, next]) {
      button.addEventListener("keydown", (ev) => {
        const by = { ArrowRight: 1, ArrowLeft: -1 }[ev.key];
        if (!by || ev.altKey || ev.ctrlKey || ev.metaKey || ev.shiftKey) return;  // Alt+← is the browser's Back
        ev.preventDefault();
        stop();
        go(+slider.value + by);
      });
    }
    play.addEventListener("click", () => {
      if (timer) return stop();
      if (+slider.value >= T - 1) go(0);
      play.textContent = t("pause"); play.setAttribute("aria-pressed", "true");
      timer = setInterval(() => { if (+slider.value >= T - 1) stop(); else go(+slider.value + 1); }, opts.interval || 900);
    });
    go(opts.step || 0);
    return { go, stop, destroy() { stop(); container.replaceChildren(); } };
  }

  function backward(container, rec) {
    container.replaceChildren();
    if (!rec.backward) return { destroy() {} };
    const b = rec.backward;
    container.append(note(t("L = ‖h_(T-1)‖² (the squared norm of the last hidden state, t = T-1)") + ` = ${fixed(b.value, 4)}`));
    container.append(note(t("Weight sharing: every step adds its share to dW_hh; the shares sum to dW_hh (largest difference {e}).",
      { e: sci(b.dW_hh_sum_error || 0, 2) })));
    container.append(el("div", { class: b.steps.length > 40 ? "sv-scroll" : "" }, el("table", { class: "sv-table",
      "aria-label": t("gradients per step (BPTT)") },
      el("tr", {}, el("th", {}, "t"), el("th", {}, t("token")), el("th", {}, "‖∂L/∂h_t‖"), el("th", {}, "‖dW_hh(t)‖")),
      b.steps.map((s) => el("tr", {}, el("td", {}, String(s.t)), el("td", {}, visibleNode(s.token)),
        el("td", { class: "sv-num" }, sci(s.dh_norm)), el("td", { class: "sv-num" }, sci(s.dW_hh_norm)))))));
    // what the command says under its table (a share of exactly 0 at t = 0: h_(-1) is 0), worded by the library
    (b.notes || []).forEach((line) => container.append(note(line)));
    return { destroy() { container.replaceChildren(); } };
  }

  Object.assign(V.views, { trace, backward });
})(typeof window !== "undefined" ? window : globalThis);
