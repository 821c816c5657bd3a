// seqlab views: the heatmap on a canvas that the embedding, attention and alignment views draw with.
// A part of SeqlabViews (core.js first; the order is seqlab.render.fragments.VIEW_PARTS): it takes the shared
// helpers from SeqlabViews.lib and adds its views to SeqlabViews.views.
(function (root) {
  "use strict";
  const V = root.SeqlabViews;
  const { count, el, fixed, fontFamily, fontPx, HANGUL, onFonts, onResize, short, signed, t } = V.lib;

  // ---------- heatmap on a canvas: axis labels, colour scale with values, mouse and keyboard ----------
  function colour(scale, x) {
    // x in [-1, 1] (diverging: blue-white-red) or [0, 1] (sequential: white to dark blue)
    if (scale === "sequential") {
      const a = Math.max(0, Math.min(1, x));
      return `rgb(${Math.round(255 - 247 * a)},${Math.round(255 - 207 * a)},${Math.round(255 - 148 * a)})`;
    }
    const v = Math.max(-1, Math.min(1, x));
    if (v >= 0) return `rgb(255,${Math.round(255 - 205 * v)},${Math.round(255 - 215 * v)})`;
    return `rgb(${Math.round(255 + 225 * v)},${Math.round(255 + 135 * v)},255)`;
  }
  function heatmap(container, spec, opts) {
    opts = opts || {};
    container.replaceChildren();
    const R = spec.rows.length, C = R ? spec.rows[0].length : 0;
    let max = 0;
    for (const row of spec.rows) for (const v of row) max = Math.max(max, Math.abs(v));
    max = max || 1;
    const lo = spec.scale === "sequential" ? 0 : -max, hi = max;
    const d = spec.decimals === undefined ? 2 : spec.decimals;
    const scaleText = t("colour scale from {lo} to {hi}", { lo: fixed(lo, d), hi: fixed(hi, d) });
    const canvas = el("canvas", { tabindex: "0", role: "application", "aria-roledescription": t("heatmap"),
      // its size too: an arrow-key reader otherwise does not know where the grid ends
      "aria-label": [spec.label, t("{rows} rows × {cols} columns", { rows: count(R), cols: count(C) }), scaleText,
        spec.onSelect ? t("arrow keys move between cells, Enter selects a row")
        : t("arrow keys move between cells")].join(" · "),
      "data-scale": `${lo} ${hi}` });
    const readout = el("p", { class: "sv-readout", "aria-live": "polite" }, t("Point at or tap a cell, or focus the map and use the arrow keys."));
    const wrap = el("div", { class: "sv-heat" }, canvas);
    const thinned = el("p", { class: "sv-note" });  // said when only some rows carry a label (draw)
    container.append(wrap, thinned, readout);
    const cur = { i: spec.selected !== undefined && spec.selected !== null ? spec.selected : 0, j: 0, shown: false };
    let geo = null;
    function layout() {
      const fs = fontPx(container, 0.8), W = Math.max(240, wrap.clientWidth);
      const ctx = canvas.getContext("2d");
      ctx.font = `${fs}px ${fontFamily(container)}`;
      // a long text (hundreds of tokens) draws its rows thinner, so the map stays about a screen tall; labels
      // then name every few rows, and the arrow keys and the pointer still read every cell
      const tallest = Math.max(600, 40 * fs);
      const sized = (labels) => {
        const rl = Math.min(W * 0.3, Math.max(...labels.map((s) => ctx.measureText(s).width), 20) + 8);
        const cw = Math.min((W - rl - 10) / Math.max(1, C), spec.square ? 3 * fs : Infinity);
        const ch = spec.square ? Math.max(cw, 3) : Math.max(1, Math.min(Math.max(fs + 4, Math.min(24, cw)), tallest / Math.max(1, R)));
        return { rl, cw, ch };
      };
      // a map that labels only every few rows (a long one, or a phone's square map) numbers each label, so that
      // it says which row it is (38 rows on a phone left every other row unnamed)
      let rowLabels = spec.rowLabels.map((s, i) => (R > 40 ? `${i} ` : "") + short(s, 12));
      let { rl, cw, ch } = sized(rowLabels);
      if (R <= 40 && Math.ceil((fs + 4) / ch) > 1) {
        rowLabels = spec.rowLabels.map((s, i) => `${i} ${short(s, 12)}`);
        ({ rl, cw, ch } = sized(rowLabels));
      }
      const plotW = cw * C;
      // and so does a long map's columns: only every few are written, so each says which column it is
      const colLabels = spec.colLabels ? spec.colLabels.map((s, j) => (C > 40 ? `${j} ` : "") + short(s, 10)) : null;
      const widest = colLabels ? Math.max(...colLabels.map((s) => ctx.measureText(s).width), 10) : 0;
      // column names that fit their column are written level (a Seq2Seq's source characters); longer ones turned
      const level = colLabels !== null && widest + 6 <= cw && cw >= fs + 4;
      // Hangul turned on its side is hard to read (a student could not tell ▁학교 from ▁먹): where a column is a
      // character wide, such names are written upright, one character under another, as vertical Korean is
      const upright = colLabels !== null && !level && cw >= fs + 2 && colLabels.some((s) => HANGUL.test(s));
      const stacked = upright ? Math.min(12, Math.max(...colLabels.map((s) => Array.from(s).length))) * fs * 1.1 : 0;
      const colH = colLabels && !level ? (upright ? stacked : Math.min(90, widest)) + 8 : fs + 8;
      const top = 4, plotH = ch * R, legend = fs * 3 + 34;
      return { fs, W, rl, plotW, cw, ch, top, plotH, colH, legend, H: top + plotH + colH + fs + 10 + legend, rowLabels,
        colLabels, level, upright };
    }
    function draw() {
      geo = layout();
      const g = geo, dpr = root.devicePixelRatio || 1;
      canvas.width = Math.round(g.W * dpr); canvas.height = Math.round(g.H * dpr);
      canvas.style.width = g.W + "px"; canvas.style.height = g.H + "px";
      const ctx = canvas.getContext("2d");
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      ctx.fillStyle = "#fff"; ctx.fillRect(0, 0, g.W, g.H);
      const x0 = g.rl, y0 = g.top;
      for (let i = 0; i < R; i++) for (let j = 0; j < C; j++) {
        const v = spec.rows[i][j];
        ctx.fillStyle = colour(spec.scale, spec.scale === "sequential" ? v / max : v / max);
        ctx.fillRect(x0 + j * g.cw, y0 + i * g.ch, Math.ceil(g.cw), Math.ceil(g.ch));
      }
      ctx.font = `${g.fs}px ${fontFamily(container)}`;
      ctx.fillStyle = "#111"; ctx.textBaseline = "middle"; ctx.textAlign = "right";
      const gap = g.fs + 4;  // label to label, centre to centre: a line of text and some air, across and down
      const rstep = Math.ceil(gap / g.ch);
      for (let i = 0; i < R; i += rstep) ctx.fillText(g.rowLabels[i], x0 - 4, y0 + (i + 0.5) * g.ch);
      thinned.textContent = rstep > 1 ? t("Every {k} rows one is labelled, by its number: point at, tap or use the arrow keys to read the others.", { k: rstep }) : "";
      const cstep = g.level ? 1 : Math.ceil(gap / g.cw);  // level names fit their column: every one is written
      // what was drawn, for tests and tools: label size in CSS px, how many row and column labels
      canvas.dataset.labelPx = g.fs;
      canvas.dataset.rowLabels = Math.ceil(R / rstep);
      canvas.dataset.rowNumbers = g.rowLabels.length && g.rowLabels[0].startsWith("0 ") ? "1" : "0";
      canvas.dataset.colLabels = g.colLabels ? Math.ceil(C / cstep) : 0;
      canvas.dataset.labelGap = Math.min(rstep * g.ch, g.colLabels ? cstep * g.cw : Infinity).toFixed(1);
      canvas.dataset.colLabelsLevel = g.level ? "1" : "0";
      canvas.dataset.colLabelsUpright = g.upright ? "1" : "0";
      if (g.level) {
        ctx.textAlign = "center"; ctx.textBaseline = "top";
        for (let j = 0; j < C; j++) ctx.fillText(g.colLabels[j], x0 + (j + 0.5) * g.cw, y0 + g.plotH + 4);
      } else if (g.upright) {
        ctx.textAlign = "center"; ctx.textBaseline = "top";
        for (let j = 0; j < C; j += cstep) {
          Array.from(g.colLabels[j]).slice(0, 12).forEach((c, k) =>
            ctx.fillText(c, x0 + (j + 0.5) * g.cw, y0 + g.plotH + 4 + k * g.fs * 1.1));
        }
      } else if (g.colLabels) {
        ctx.save(); ctx.textAlign = "right";
        for (let j = 0; j < C; j += cstep) {
          ctx.save(); ctx.translate(x0 + (j + 0.5) * g.cw, y0 + g.plotH + 4); ctx.rotate(-Math.PI / 2);
          ctx.fillText(g.colLabels[j], 0, 0); ctx.restore();
        }
        ctx.restore();
      } else {
        ctx.textAlign = "center"; ctx.textBaseline = "top";
        const every = Math.max(cstep, Math.ceil(30 / g.cw));
        const nice = [1, 2, 4, 8, 16, 32, 64].find((s) => s >= every) || every;
        for (let j = 0; j < C; j += nice) ctx.fillText(String(j), x0 + (j + 0.5) * g.cw, y0 + g.plotH + 4);
      }
      ctx.textAlign = "left"; ctx.textBaseline = "top";
      const ty = y0 + g.plotH + g.colH;
      // under the columns, moved left when it would run past the edge (a phone's narrow map), then shrunk
      const title = spec.colTitle || "", tw = ctx.measureText(title).width;
      if (tw > g.W - 4) ctx.font = `${g.fs * (g.W - 4) / tw}px ${fontFamily(container)}`;
      const tx = Math.max(2, Math.min(x0, g.W - 2 - Math.min(tw, g.W - 4)));
      ctx.fillText(title, tx, ty);
      canvas.dataset.titleRight = (tx + Math.min(tw, g.W - 4)).toFixed(1);  // for tests: inside the canvas
      ctx.font = `${g.fs}px ${fontFamily(container)}`;
      // the colour scale, with values: a title, the gradient bar, and its lowest, middle and highest value
      const ly = ty + g.fs + 8, lw = Math.min(g.plotW, 320), lh = 12, by = ly + g.fs + 4;
      ctx.textAlign = "left"; ctx.fillText(spec.legend || t("colour scale"), x0, ly);
      for (let k = 0; k < lw; k++) {
        const v = lo + (hi - lo) * k / (lw - 1);
        ctx.fillStyle = colour(spec.scale, v / max); ctx.fillRect(x0 + k, by, 1.5, lh);
      }
      ctx.strokeStyle = "#555"; ctx.lineWidth = 1; ctx.strokeRect(x0 + 0.5, by + 0.5, lw - 1, lh - 1);
      ctx.fillStyle = "#111"; ctx.textBaseline = "top";
      [[0, "left", lo], [0.5, "center", (lo + hi) / 2], [1, "right", hi]].forEach(([f, align, v]) => {
        ctx.textAlign = align; ctx.fillText(spec.scale === "sequential" ? fixed(v, d) : signed(v, d), x0 + f * lw, by + lh + 3);
      });
      ctx.textAlign = "left";
      if (spec.selected !== undefined && spec.selected !== null) {
        ctx.strokeStyle = "#000"; ctx.lineWidth = 2;
        ctx.strokeRect(x0, y0 + spec.selected * g.ch, g.plotW, g.ch);
      }
      if (cur.shown) {
        ctx.strokeStyle = "#000"; ctx.lineWidth = 2;
        ctx.strokeRect(x0 + cur.j * g.cw, y0 + cur.i * g.ch, Math.max(2, g.cw), Math.max(2, g.ch));
        ctx.strokeStyle = "#fff"; ctx.lineWidth = 1;
        ctx.strokeRect(x0 + cur.j * g.cw + 1.5, y0 + cur.i * g.ch + 1.5, Math.max(1, g.cw - 3), Math.max(1, g.ch - 3));
      }
    }
    function show(i, j) {
      cur.i = Math.max(0, Math.min(R - 1, i)); cur.j = Math.max(0, Math.min(C - 1, j)); cur.shown = true;
      readout.textContent = spec.describe(cur.i, cur.j, spec.rows[cur.i][cur.j]);
      draw();
    }
    function cellAt(ev) {  // [row, column] under the pointer, or null on labels, the legend or the margin
      const b = canvas.getBoundingClientRect(), x = ev.clientX - b.left - geo.rl, y = ev.clientY - b.top - geo.top;
      const i = Math.floor(y / geo.ch), j = Math.floor(x / geo.cw);
      return x >= 0 && y >= 0 && i < R && j < C ? [i, j] : null;
    }
    // the mouse reads the cell under it; a click or a tap reads the cell it hit (a tap beside the cells, on a label or
    // the legend, reads none: a swipe that scrolls the page over the map reads nothing at all)
    canvas.addEventListener("mousemove", (ev) => {
      const cell = cellAt(ev);
      if (cell && (cell[0] !== cur.i || cell[1] !== cur.j || !cur.shown)) show(...cell);
    });
    canvas.addEventListener("click", (ev) => {
      const cell = cellAt(ev);
      if (!cell) return;
      show(...cell);
      if (spec.onSelect) spec.onSelect(cell[0]);
    });
    canvas.addEventListener("focus", () => {  // from the keyboard only: show where the arrow keys start
      if (!cur.shown && canvas.matches(":focus-visible")) show(cur.i, cur.j);
    });
    canvas.addEventListener("keydown", (ev) => {
      const moves = { ArrowRight: [0, 1], ArrowLeft: [0, -1], ArrowDown: [1, 0], ArrowUp: [-1, 0], PageDown: [10, 0],
        PageUp: [-10, 0], Home: [0, -C], End: [0, C] };
      if (moves[ev.key]) { ev.preventDefault(); show(cur.i + moves[ev.key][0], cur.j + moves[ev.key][1]); }
      else if ((ev.key === "Enter" || ev.key === " ") && spec.onSelect) { ev.preventDefault(); spec.onSelect(cur.i); }
    });
    if (R && C) draw();
    const stop = onResize(wrap, () => R && C && draw());
    const unfont = onFonts(() => R && C && draw());
    return { canvas, readout, redraw: draw, destroy() { stop(); unfont(); container.replaceChildren(); } };
  }

  V.lib.heatmap = heatmap;  // for the views of vectors.js, which comes after this file
})(typeof window !== "undefined" ? window : globalThis);
