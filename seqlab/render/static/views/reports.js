// seqlab views: what the lab and the trained models report: the gradient-flow chart, a prediction (with its
// trace), and the plain tables and pictures of other reports.
// A part of SeqlabViews (core.js first; the order is seqlab.render.fragments.VIEW_PARTS): it takes the shared
// helpers from SeqlabViews.lib and adds its views to SeqlabViews.views.
(function (root) {
  "use strict";
  const V = root.SeqlabViews;
  const { count, el, fixed, fontPx, note, onResize, sci, signed, sub, t, unbroken, visible } = V.lib;

  // a plain table of numbers, formatted here like every other view: columns [{title, format}], format
  // text | int | id | fixed:d | signed:d | sci:d | percent:d (id: a token id, written as input_ids writes it, without
  // separators); a cell may be {v, muted} (padding, …)
  function cellText(v, format) {
    if (v === null || v === undefined) return "–";
    const [kind, d] = String(format || "text").split(":");
    if (typeof v !== "number") return visible(v);
    if (kind === "int") return count(v);
    if (kind === "id") return String(v);
    if (kind === "fixed") return fixed(v, +d);
    if (kind === "signed") return signed(v, +d);
    if (kind === "sci") return sci(v, +d);
    if (kind === "percent") return fixed(v * 100, +d) + "%";
    return String(v);
  }
  function table(container, rec) {
    container.replaceChildren();
    if (rec.title) container.append(el(sub(container), {}, rec.title));
    if (rec.pairs) {
      container.append(el("dl", { class: "sv-pairs" }, rec.pairs.flatMap(([k, v, format]) =>
        [el("dt", {}, k), el("dd", { class: "sv-num" }, cellText(v, format))])));
    }
    if (rec.rows) {
      container.append(el("table", { class: "sv-table" }, rec.caption ? el("caption", {}, rec.caption) : null,
        el("tr", {}, rec.columns.map((c) => el("th", {}, c.title))),
        rec.rows.map((row) => el("tr", {}, row.map((cell, j) => {
          const v = cell !== null && typeof cell === "object" ? cell.v : cell, fmt = rec.columns[j].format;
          const cls = [fmt && fmt !== "text" ? "sv-num" : "", cell && cell.muted ? "sv-muted" : ""].filter(Boolean).join(" ");
          return el(j === 0 && rec.row_headers ? "th" : "td", { class: cls || null }, cellText(v, fmt));
        })))));
    }
    (rec.notes || []).forEach((s) => container.append(note(s)));
    return { destroy() { container.replaceChildren(); } };
  }

  // a picture made by the library (a matplotlib plot), carried inline: only data: URLs are drawn
  function image(container, rec) {
    container.replaceChildren();
    if (typeof rec.src === "string" && rec.src.startsWith("data:image/")) {
      container.append(el("img", { src: rec.src, alt: rec.alt || "", class: "sv-image" }));
    }
    return { destroy() { container.replaceChildren(); } };
  }

  // ---------- gradient flow: log-scale chart, gridlines at exact powers of ten, numbers on both axes ----------
  const CELL_COLOURS = { rnn: "#1f5fa8", lstm: "#b3261e", gru: "#2e7d32" };
  function niceStep(span, target) {
    const raw = span / Math.max(1, target), p = Math.pow(10, Math.floor(Math.log10(raw)));
    return [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw) || raw;
  }
  function gradflow(container, rec) {
    container.replaceChildren();
    const NS = "http://www.w3.org/2000/svg";
    const svgEl = (tag, attrs, text) => {
      const n = document.createElementNS(NS, tag);
      for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, v);
      if (text !== undefined) n.textContent = text;
      return n;
    };
    const legend = el("p", { class: "sv-legend" }, Object.keys(rec.cells).map((name) =>
      el("span", { class: "sv-swatch" }, el("i", { style: `background:${CELL_COLOURS[name]}` }), name.toUpperCase())));
    // which curve is which, and that the numbers are in the list under it (the label named only the chart)
    const svg = svgEl("svg", { role: "img", class: "sv-chart", "aria-label": t("gradient norms per step, log scale") + " · "
      + t("one curve for each of {cells}; the list below the chart gives their numbers", { cells: Object.keys(rec.cells).map((c) => c.toUpperCase()).join(", ") }) });
    const wrap = el("div", { class: "sv-chartwrap" }, svg);
    container.append(legend, wrap);
    const floor = 1e-300;
    const logs = Object.values(rec.cells).flatMap((c) => c.grad_norms.filter((v) => v > 0).map((v) => Math.log10(Math.max(v, floor))));
    const lo = Math.floor(Math.min(...logs)), hi = Math.max(Math.ceil(Math.max(...logs)), lo + 1);
    function draw() {
      const fs = fontPx(container, 0.8), W = Math.max(260, wrap.clientWidth), H = Math.round(Math.max(240, Math.min(420, W * 0.5)));
      const L = fs * 4 + 8, R = 14, T = 10, B = fs * 3 + 14, n = rec.steps;
      svg.setAttribute("width", W); svg.setAttribute("height", H); svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
      svg.replaceChildren();
      svg.style.fontSize = fs + "px";
      const X = (k) => L + (k / Math.max(1, n - 1)) * (W - L - R);
      const Y = (lg) => T + (1 - (lg - lo) / (hi - lo)) * (H - T - B);
      // labelled decades are every `every`-th power, counted from 10^0 when it is on the chart (else from the
      // top), so every labelled gap is the same; the ends of the axis are gridlines, labelled when they fall on one
      const decades = hi - lo, fit = Math.max(2, Math.floor((H - T - B) / (fs * 1.8)));
      const every = Math.ceil(decades / fit);
      const anchor = lo <= 0 && hi >= 0 ? 0 : hi;
      const marked = new Set();
      for (let k = lo; k <= hi; k++) if (((k - anchor) % every + every) % every === 0) marked.add(k);
      const yticks = svgEl("g", { class: "sv-yticks" });
      for (let k = lo; k <= hi; k++) {
        const labelled = marked.has(k);
        if (!labelled && decades > 60) continue;
        const y = Y(k);
        yticks.append(svgEl("line", { x1: L, x2: W - R, y1: y, y2: y, stroke: labelled ? "#c4c4c4" : "#e6e6e6", "data-power": k }));
        if (labelled) {
          const text = svgEl("text", { x: L - 6, y: y + fs * 0.35, "text-anchor": "end", fill: "#111", class: "sv-ytick", "data-value": `1e${k}` });
          text.append("10");
          text.append(svgEl("tspan", { dy: -fs * 0.4, "font-size": Math.max(12, Math.round(fs * 0.85)) }, String(k).replace("-", "−")));
          yticks.append(text);
        }
      }
      svg.append(yticks);
      const step = Math.max(1, niceStep(n - 1, Math.max(2, Math.floor((W - L - R) / (fs * 4)))));  // whole steps
      const xticks = svgEl("g", { class: "sv-xticks" });
      for (let k = 0; k <= n - 1 + 1e-9; k += step) {
        xticks.append(svgEl("line", { x1: X(k), x2: X(k), y1: H - B, y2: H - B + 5, stroke: "#555" }));
        xticks.append(svgEl("text", { x: X(k), y: H - B + fs + 6, "text-anchor": "middle", fill: "#111", class: "sv-xtick" }, String(k)));
      }
      svg.append(xticks);
      svg.append(svgEl("line", { x1: L, x2: W - R, y1: H - B, y2: H - B, stroke: "#555" }));
      svg.append(svgEl("line", { x1: L, x2: L, y1: T, y2: H - B, stroke: "#555" }));
      Object.entries(rec.cells).forEach(([name, c]) => {
        // a norm that underflowed to 0 is drawn on the bottom of the axis, not far below it (said in the verdicts)
        const pts = c.grad_norms.map((v, k) => `${X(k).toFixed(1)},${Y(v > 0 ? Math.log10(Math.max(v, floor)) : lo).toFixed(1)}`).join(" ");
        svg.append(svgEl("polyline", { fill: "none", stroke: CELL_COLOURS[name], "stroke-width": 2.5, points: pts, "data-cell": name }));
      });
      const title = svgEl("text", { x: (L + W - R) / 2, y: H - 6, "text-anchor": "middle", fill: "#111" },
        t("step k (the loss is at the last step)"));
      svg.append(title);
      const wide = title.getComputedTextLength(), room = W - 8;  // large type on a phone: centred, shrunk to fit
      if (wide > W - L - R) title.setAttribute("x", W / 2);
      if (wide > room) title.setAttribute("font-size", (fs * room / wide).toFixed(1));
    }
    draw();
    container.append(note(t("y: ‖∂L/∂h_k‖ on a log scale; gridlines at exact powers of ten.")));
    // the chart sits under the reader's own trace: say that it is not that sentence's (a student read it so)
    container.append(note(t("Not your text: {T} random input vectors x_t (width {I}, seed {seed}) through newly initialised cells with hidden size {H}; the loss is at the last step.",
      { T: count(rec.steps), I: count(rec.input_size), seed: rec.seed, H: count(rec.hidden) }), "sv-source"));
    // the command's own verdicts, worded by the server (a notebook shows them as its notes instead)
    if ((rec.verdicts || []).length) container.append(el("ul", { class: "sv-list" }, rec.verdicts.map((s) => el("li", {}, unbroken(s)))));
    const stop = onResize(wrap, draw);
    return { svg, redraw: draw, destroy() { stop(); container.replaceChildren(); } };
  }

  function prediction(container, rec) {
    container.replaceChildren();
    container.append(el("p", { class: "sv-big" }, t("label {label} ({p}%)", { label: rec.shown_label || rec.label, p: fixed(rec.probability * 100, 1) })));
    container.append(note(Object.entries(rec.probabilities).map(([k, v]) => `${k}: ${fixed(v * 100, 1)}%`).join(" · ")));
    // what the model did not read (past its window, or no n-gram it knows), as the command says it
    for (const s of rec.notes || []) container.append(note(s));
    if (rec.trace) {
      const box = el("div");
      container.append(box);
      V.views.trace(box, rec.trace, {});  // trace.js's view, looked up when drawn
    }
    return { destroy() { container.replaceChildren(); } };
  }

  Object.assign(V.views, { table, image, gradflow, prediction });
})(typeof window !== "undefined" ? window : globalThis);
