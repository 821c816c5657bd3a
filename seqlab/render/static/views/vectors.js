// seqlab views: stage 4: embeddings, similarity, word vectors, attention and a Seq2Seq's alignment.
// A part of SeqlabViews (core.js first; the order is seqlab.render.fragments.VIEW_PARTS): it takes the shared
// helpers from SeqlabViews.lib and adds its views to SeqlabViews.views.
(function (root) {
  "use strict";
  const V = root.SeqlabViews;
  const { count, el, fixed, heatmap, note, short, signed, sub, t, term, visible, visibleNode } = V.lib;

  // ---------- stage 4: embedding ----------
  function embedding(container, rec, opts) {
    container.replaceChildren();
    // the API's record carries the heatmap's numbers; a bare EmbeddingRecord.to_dict(full=True) the whole matrix
    const rows = rec.heatmap || (rec.last_hidden_state || rec.preview).map((row) => row.slice(0, 64));
    const dims = rec.heatmap_dims || rows[0].length;
    container.append(el("pre", { class: "sv-shape" }, (rec.shape_explained || [`last_hidden_state.shape = [${rec.shape.join(", ")}]`]).map(visible).join("\n")));
    if (rec.dropped) {
      // a record cut for drawing carries the tokens the model read (shown_of): the note counts those, not the chips
      const read = rec.shown_of ? rec.shown_of.tokens : rec.tokens.length;
      const v = { total: count(read + rec.dropped), model: rec.model, limit: count(rec.max_length), dropped: count(rec.dropped) };
      container.append(note(rec.dropped === 1 ? t("The text has {total} tokens, but {model} reads at most {limit}: the last one was dropped, and these vectors cover the first {limit}.", v)
        : t("The text has {total} tokens, but {model} reads at most {limit}: the last {dropped} were dropped, and these vectors cover the first {limit}.", v), "sv-warn"));
    }
    container.append(note(t("Heatmap: one row per token, the first {k} of its {h} numbers (last_hidden_state[0, t, :{k}]).",
      { k: dims, h: rec.shape[2] })));
    const box = el("div");
    container.append(box);
    const hm = heatmap(box, { rows, rowLabels: rec.tokens, colTitle: t("dimension (0 = the first number of the vector)"),
      label: t("token vectors"), scale: "diverging", decimals: 2, legend: t("colour: the value of each number"),
      describe: (i, j, v) => t("token {i} {token} · dimension {j}: {v}", { i, token: visible(rec.tokens[i]), j, v: signed(v, 4) }) }, opts);
    return { heatmap: hm, destroy() { hm.destroy(); container.replaceChildren(); } };
  }

  function similarity(container, rec) {
    container.replaceChildren();
    container.append(el("dl", { class: "sv-pairs" },
      el("dt", {}, "A"), el("dd", {}, visibleNode(rec.a)), el("dt", {}, "B"), el("dd", {}, visibleNode(rec.b))));
    container.append(el("p", { class: "sv-big" }, term("cosine", "cos"), `(A, B) = ${fixed(rec.cosine, 4)}`));
    const pooling = { mean: t("mean"), max: t("max"), cls: "CLS" }[rec.pooling] || rec.pooling;
    if (rec.prefix) {  // e5 reads "query: " + sentence: these are not the vectors of the embedding stage, which has no prefix
      container.append(note(t("Sentence vectors of {model}: each sentence read with {prefix} in front (as the model was trained to compare sentences), {pooling} pooling of its last_hidden_state, then the cosine of the two. The embedding stage shows the text without the prefix, so its vectors differ a little from these.",
        { model: rec.model, prefix: JSON.stringify(rec.prefix), pooling })));
    } else {
      container.append(note(t("Sentence vectors of {model}: {pooling} pooling of last_hidden_state, then the cosine of the two.",
        { model: rec.model, pooling })));
    }
    (rec.dropped || []).forEach((dropped, i) => {  // a sentence past the model's window: the cosine covers its start
      if (!dropped) return;
      const v = { which: i ? "B" : "A", model: rec.model, limit: count(rec.max_length), dropped: count(dropped) };
      container.append(note(dropped === 1 ? t("Sentence {which} is longer than {model} reads ({limit} tokens): its last token was not read, so the cosine compares only the part that fits.", v)
        : t("Sentence {which} is longer than {model} reads ({limit} tokens): its last {dropped} tokens were not read, so the cosine compares only the part that fits.", v), "sv-warn"));
    });
    if (/(^|[-_/])e5([-_.]|$)/i.test(rec.model)) {
      container.append(note(t("e5 models give high cosines even to unrelated sentences (their model card: scores lie mostly between 0.7 and 1.0): compare cosines with each other, not with 0.")));
    }
    if (rec.same_tokens) {  // 좋다 and 나쁘다 are both [CLS] [UNK] [SEP] for minilm
      container.append(note(t("For {model} both sentences are the same tokens, so their vectors are the same: this cosine says nothing about their meaning.", { model: rec.model }), "sv-warn"));
    } else if (rec.unknown && (rec.unknown[0] || rec.unknown[1])) {
      container.append(note(t("{model} read {a} and {b} unknown tokens ([UNK]) in the two sentences: what they stand for is not in the vectors.", { model: rec.model, a: count(rec.unknown[0]), b: count(rec.unknown[1]) }), "sv-warn"));
    }
    return { destroy() { container.replaceChildren(); } };
  }

  function words(container, rec) {
    container.replaceChildren();
    const title = rec.expression !== undefined ? t("{expression} ≈ ?", { expression: rec.expression }) : t("nearest words to {word}", { word: rec.word });
    container.append(el("table", { class: "sv-table" }, el("caption", {}, title),
      el("tr", {}, el("th", {}, "#"), el("th", {}, t("word")), el("th", {}, term("cosine"))),
      rec.results.map((r, i) => el("tr", {}, el("td", {}, String(i + 1)), el("td", {}, visibleNode(r.word)), el("td", { class: "sv-num" }, fixed(r.score, 4))))));
    // what the command says beside its table (one word is no analogy, words that cancel out, …): the server's words
    (rec.notes || []).forEach((line) => container.append(note(line)));
    return { destroy() { container.replaceChildren(); } };
  }

  // ---------- attention: one layer, one head or the mean over heads; select a row to read it ----------
  function attention(container, rec, opts) {
    opts = opts || {};
    container.replaceChildren();
    const what = rec.head === null ? t("layer {l}, mean over its {h} heads", { l: rec.layer, h: rec.heads })
      : t("layer {l}, head {h}", { l: rec.layer, h: rec.head });
    container.append(el("p", { class: "sv-note" }, what, " · ", t("row: the token that looks; column: the token it looks at; each row sums to 1 before its weights are rounded to {decimals} decimals for display.", { decimals: rec.decimals ?? 3 })));
    if (rec.dropped) {
      const v = { limit: count(rec.max_length), dropped: count(rec.dropped) };
      container.append(note(rec.dropped === 1 ? t("The attention view takes at most {limit} tokens: the last one is left out.", v)
        : t("The attention view takes at most {limit} tokens: the last {dropped} are left out.", v), "sv-warn"));
    }
    const box = el("div"), detail = el("div", { class: "sv-rowdetail", "aria-live": "polite" });
    // a long text's rows are too thin to point at (on a phone, 2 px): choose the row by its token instead
    const rowSel = el("select", { class: "sv-rowselect" }, el("option", { value: "" }, t("choose a row")),
      rec.tokens.map((tok, i) => el("option", { value: String(i) }, `${i}: ${short(tok, 16)}`)));
    rowSel.addEventListener("change", () => { if (rowSel.value !== "") spec.onSelect(+rowSel.value); });
    container.append(el("div", { class: "sv-stepper" }, el("label", {}, t("row (the token that looks)"), " ", rowSel)), box, detail);
    let selected = opts.row === undefined || opts.row === null || opts.row >= rec.tokens.length ? null : opts.row;
    function showRow(i) {
      selected = i;
      rowSel.value = String(i);
      const row = rec.weights[i], ranked = row.map((v, j) => [v, j]).sort((a, b) => b[0] - a[0]);
      const order = ranked.slice(0, 3).map((p) => p[1]);
      const max = Math.max(...row) || 1;
      const bar = (v, j) => el("li", { class: order.includes(j) ? "sv-top" : "" },
        el("span", { class: "sv-bar-label" }, `${j} `, visibleNode(rec.tokens[j])),
        el("span", { class: "sv-bar" }, el("i", { style: `width:${(v / max) * 100}%` })),
        el("span", { class: "sv-num" }, fixed(v, rec.decimals)));
      const top = Math.min(10, row.length);
      detail.replaceChildren(el(sub(container), {}, t("row {i}: where {token} looks", { i, token: visible(rec.tokens[i]) })),
        note(t("The {k} largest weights first:", { k: top })),
        el("ol", { class: "sv-bars sv-ranked" }, ranked.slice(0, top).map(([v, j]) => bar(v, j))));
      if (row.length > top) {
        detail.append(el("details", {}, el("summary", {}, t("All {n} weights, in token order", { n: row.length })),
          el("ol", { class: "sv-bars sv-scroll", start: "0" }, row.map((v, j) => bar(v, j)))));
      }
      if (opts.onRow) opts.onRow(i);
      hm.redraw();
    }
    const spec = { rows: rec.weights, rowLabels: rec.tokens, colLabels: rec.tokens, square: true, scale: "sequential",
      label: t("attention weights"), decimals: 2, legend: t("colour: attention weight"), colTitle: t("column: the token looked at"),
      describe: (i, j, v) => t("{a} → {b}: {v}", { a: visible(rec.tokens[i]), b: visible(rec.tokens[j]), v: fixed(v, rec.decimals) }),
      onSelect: (i) => { spec.selected = i; showRow(i); } };
    const hm = heatmap(box, spec, opts);
    if (selected !== null) { spec.selected = selected; showRow(selected); }
    else detail.append(note(t("Click a row, or press Enter on it, to list that token's weights by name.")));
    return { heatmap: hm, destroy() { hm.destroy(); container.replaceChildren(); } };
  }

  // every layer and head of one text (a notebook holds them all): selectors redraw the attention view, no request
  function attentionLayers(container, rec, opts) {
    opts = opts || {};
    container.replaceChildren();
    const heads = rec.stack[0].length - 1;  // per layer: heads 0..H-1, then the mean over heads
    const layerSel = el("select", { "aria-label": t("layer") },
      rec.stack.map((_m, l) => el("option", { value: String(l) }, t("layer {l}", { l }))));
    const headSel = el("select", { "aria-label": t("head") }, el("option", { value: "mean" }, t("mean over heads")),
      Array.from({ length: heads }, (_v, h) => el("option", { value: String(h) }, t("head {h}", { h }))));
    layerSel.value = String(opts.layer || 0);
    headSel.value = opts.head === undefined || opts.head === null ? "mean" : String(opts.head);
    const box = el("div");
    container.append(el("div", { class: "sv-stepper" }, el("label", {}, t("layer"), " ", layerSel),
      el("label", {}, t("head"), " ", headSel)), box);
    let inner = null;
    function show() {
      const l = +layerSel.value, h = headSel.value === "mean" ? null : +headSel.value;
      if (inner) inner.destroy();
      inner = attention(box, { ...rec, layer: l, head: h, heads: rec.heads, weights: rec.stack[l][h === null ? heads : h] },
        { row: opts.row });
      if (opts.onSelect) opts.onSelect(l, h);
    }
    layerSel.addEventListener("change", show);
    headSel.addEventListener("change", show);
    show();
    function select(l, h) { layerSel.value = String(l); headSel.value = h === null ? "mean" : String(h); show(); }
    return { show, select, destroy() { if (inner) inner.destroy(); container.replaceChildren(); } };
  }

  // a rectangular weight map with its own row and column names (a Seq2Seq's attention: output step × source)
  function alignment(container, rec, opts) {
    container.replaceChildren();
    if (rec.caption) container.append(el(sub(container), {}, rec.caption));
    const box = el("div");
    container.append(box);
    const hm = heatmap(box, { rows: rec.weights, rowLabels: rec.row_labels, colLabels: rec.col_labels, scale: "sequential",
      label: rec.caption || t("attention weights"), decimals: rec.decimals === undefined ? 2 : rec.decimals,
      legend: t("colour: attention weight"), colTitle: rec.col_title || t("column: the token looked at"),
      describe: (i, j, v) => t("{a} → {b}: {v}", { a: visible(rec.row_labels[i]), b: visible(rec.col_labels[j]), v: fixed(v, 3) }) }, opts);
    return { heatmap: hm, destroy() { hm.destroy(); container.replaceChildren(); } };
  }

  Object.assign(V.views, { embedding, similarity, words, attention, attention_layers: attentionLayers, alignment });
})(typeof window !== "undefined" ? window : globalThis);
