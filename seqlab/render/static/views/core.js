// seqlab views: draw the records the library returns (token chips, heatmaps, attention, trace stepper, gradient
// chart, ...). Self-contained: no dependency on a page's element ids, no network, no libraries. The page, its HTML
// export and notebook output all call the same functions:
//
//   SeqlabViews.setMessages({messages: {...}, glossary: {...}})   // the catalog's words (GET /api/messages)
//   SeqlabViews.render(container, "tokens", record, options)       // -> a handle {update?, destroy}
//
// Each view takes (container element, record JSON as the API returns it, options) and owns only `container`.
// Human text goes through the function t, called with a string literal, so that Babel extracts it into the gettext catalog (babel.cfg, keyword t).
//
// This file is the core: the catalog's words, Korean particles, visible text, numbers, the glossary's terms and the
// small DOM helpers, shared with the views through SeqlabViews.lib. The views are in the other files of this folder,
// one per concern (text, heatmap, vectors, trace, reports), loaded after this one as one script: "views.js" is their
// concatenation in the order of seqlab.render.fragments.VIEW_PARTS (served at /static/views.js, inlined in exports).
// A part may take from SeqlabViews.lib only what this file or an earlier part put there (tested).
(function (root) {
  "use strict";
  const V = {};
  let MESSAGES = {}, GLOSSARY = {}, LANG = "en";

  function t(msg, params) {
    let s = Object.prototype.hasOwnProperty.call(MESSAGES, msg) ? MESSAGES[msg] : msg;
    if (params) s = s.replace(/\{(\w+)\}/g, (m, k) => (k in params ? String(params[k]) : m));
    if (params && LANG === "ko") s = withParticles(s);  // only Korean messages carry two-form particles
    return s;
  }

  // Korean particles after a value: "{model}은(는)" becomes 은 or 는 where the value's last sound is known (a Hangul
  // syllable, a number read aloud, an acronym, a name seqlab shows); after other Latin words both forms stay. The
  // same rule as seqlab.i18n.with_particles.
  const PARTICLES = { "은(는)": ["은", "는"], "이(가)": ["이", "가"], "을(를)": ["을", "를"], "과(와)": ["과", "와"],
                      "와(과)": ["과", "와"], "(으)로": ["으로", "로"], "(이)라는": ["이라는", "라는"] };
  // ": " inside quotes (e5's "query: "), or a full stop or other closing punctuation, is not read aloud
  const PARTICLE_RE = new RegExp("([^\\s.,!?…])((?::\\s*)?[.,!?…'\"’”)\\]»]*)(" +
    Object.keys(PARTICLES).map(p => p.replace(/[()]/g, "\\$&")).join("|") + ")", "g");
  const DIGIT_CODA = ["ㅇ", "ㄹ", "", "ㅁ", "", "", "ㄱ", "ㄹ", "ㄹ", ""];  // 영 일 이 삼 사 오 육 칠 팔 구
  // the names and acronyms seqlab shows, as they are said: seqlab.i18n._NAME_CODA's twin (a test keeps them equal)
  const NAME_CODA = { "e5-small": "ㄹ", minilm: "ㅂ", kiwi: "", char: "", whitespace: "", rnn: "ㅂ", lstm: "ㅂ",
    gru: "", tfidf: "", nbsvm: "ㅂ", wordpiece: "", bpe: "", unigram: "ㅂ", seq2seq: "", "e5-tune": "ㅂ",
    "e5-head": "", word2vec: "ㅂ", fasttext: "", mean: "ㅂ", max: "", cls: "",
    nfc: "", nfd: "", nfkc: "", nfkd: "", url: "ㄹ", unk: "", json: "ㅂ", html: "ㄹ",
    csv: "", tsv: "", gpu: "", cpu: "", api: "", pca: "", umap: "ㅂ", mlp: "", mse: "",
    bptt: "", "utf-8": "", id: "", ids: "", ko: "", en: "", query: "", passage: "", torch: "" };
  V.NAME_CODA = NAME_CODA;
  function coda(before, last) {
    const code = last.charCodeAt(0);
    if (code >= 0x3131 && code <= 0x314e) return last === "ㄹ" ? "ㄹ" : "ㅂ";  // a lone consonant, read by its name
    if (code >= 0x314f && code <= 0x3163) return "";  // a lone vowel letter: no 받침
    if (code >= 0xac00 && code <= 0xd7a3) {
      const i = (code - 0xac00) % 28;
      return i === 0 ? "" : (i === 8 ? "ㄹ" : "ㅂ");
    }
    if (/[0-9]/.test(last)) {
      const digits = ((before + last).match(/[0-9,]*$/)[0]).replace(/,/g, "");
      const zeros = digits.length - digits.replace(/0+$/, "").length;
      if (zeros === 0 || zeros === digits.length) return DIGIT_CODA[Number(last)];
      return zeros < 12 ? "ㅂ" : (zeros < 16 ? "" : null);  // 십 백 천 만 억 end in a consonant, 조 in none
    }
    const word = (before + last).match(/[A-Za-z0-9][A-Za-z0-9_.-]*$/);
    if (word && Object.prototype.hasOwnProperty.call(NAME_CODA, word[0].toLowerCase())) return NAME_CODA[word[0].toLowerCase()];
    return null;
  }
  function withParticles(s) {
    return s.replace(PARTICLE_RE, (m, last, closers, particle, offset, whole) => {
      const c = coda(whole.slice(0, offset), last);
      if (c === null) return m;
      const [withCoda, without] = PARTICLES[particle];
      return last + closers + (c === "" || (c === "ㄹ" && withCoda === "으로") ? without : withCoda);
    });
  }
  V.withParticles = withParticles;
  V.t = t;
  V.setMessages = function (info) {
    MESSAGES = (info && info.messages) || {};
    GLOSSARY = (info && info.glossary) || {};
    LANG = (info && info.lang) || "en";
  };

  // ---------- small helpers ----------
  // The heading tag for a view's own sub-headings: one level below the heading the view sits under (the page's h2
  // or h3), so that a screen reader's outline has no jump (h2 -> h4); h4 where none is found (a notebook cell).
  function sub(container) {
    for (let node = container; node && node.tagName !== "BODY"; node = node.parentElement) {
      for (let s = node.previousElementSibling; s; s = s.previousElementSibling) {
        const m = /^H([1-6])$/.exec(s.tagName);
        if (m) return "h" + Math.min(6, Number(m[1]) + 1);
      }
    }
    return "h4";
  }
  V.subheading = sub;
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "class") node.className = v;
      else if (k === "text") node.textContent = v;
      else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v === true ? "" : v);
    }
    for (const c of children.flat()) if (c !== null && c !== undefined) node.append(c instanceof Node ? c : String(c));
    return node;
  }
  V.el = el;
  const INVISIBLE = /[\p{C}\p{Zl}\p{Zp}\u115F\u1160\u3164\uFFA0\u2800]|(?! )\p{Zs}/u;  // Hangul fillers draw nothing
  // control, invisible and direction-changing characters as escapes (\u202e), like the CLI's visible()
  function escapeChar(c) {
    const cp = c.codePointAt(0);
    if (c === "\n") return "\\n";
    if (c === "\t") return "\\t";
    if (c === "\r") return "\\r";
    if (cp < 0x100) return "\\x" + cp.toString(16).padStart(2, "0");
    if (cp < 0x10000) return "\\u" + cp.toString(16).padStart(4, "0");
    return "\\U" + cp.toString(16).padStart(8, "0");
  }
  // like the CLI's visible(): a lone conjoining jamo (Kiwi's ending ᆫ of 예쁘/VA + ᆫ/ETM) as its compatibility
  // letter ㄴ (jamo that compose a syllable stay as they are) ...
  function jamoKind(c) {
    const o = c ? c.codePointAt(0) : 0;
    if ((o >= 0x1100 && o <= 0x115f) || (o >= 0xa960 && o <= 0xa97f)) return "L";
    if ((o >= 0x1160 && o <= 0x11a7) || (o >= 0xd7b0 && o <= 0xd7c6)) return "V";
    if ((o >= 0x11a8 && o <= 0x11ff) || (o >= 0xd7cb && o <= 0xd7fb)) return "T";
    return "";
  }
  const LETTERS = {  // the conjoining jamo of modern Korean -> compatibility letters (U+3131..U+3163)
    L: "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ", V: "ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ",
    T: "ㄱㄲㄳㄴㄵㄶㄷㄹㄺㄻㄼㄽㄾㄿㅀㅁㅂㅄㅅㅆㅇㅈㅊㅋㅌㅍㅎ",
  };
  const FIRST = { L: 0x1100, V: 0x1161, T: 0x11a8 };
  // Old Hangul's common jamo that have a compatibility letter (ᆞ -> ㆍ, ᅀ -> ㅿ, ᅌ -> ㆁ, ᅙ -> ㆆ), as the CLI maps them
  const OLD_LETTERS = { "\u119e": "\u318d", "\u1140": "\u317f", "\u114c": "\u3181",
    "\u1159": "\u3186", "\u11eb": "\u317f", "\u11f0": "\u3181", "\u11f9": "\u3186" };
  // ... and a combining mark with no letter to sit on (first, or after a space) on a dotted circle (◌́), as is one
  // after a Hangul, Han or kana letter: no Korean font draws 가 + U+0301 as one glyph, and browsers drew a box
  // for the pair, so the syllable itself was lost; 가◌́ shows both
  const CJK = /[\p{Script=Hangul}\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;
  // the combining blocks made for Latin, Greek and Cyrillic: not a variation selector (豈 + U+FE00), a kana voicing
  // mark (か + U+3099) or a Middle Korean tone mark (U+302E), which belong on the letter before them
  const LATIN_ACCENT = /[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]/u;
  function standalone(chars) {
    return chars.map((c, i) => {
      const kind = jamoKind(c);
      const before = chars[i - 1] || "", after = chars[i + 1] || "";
      if (!kind && /\p{M}/u.test(c)) return !before || /\s/u.test(before) || (CJK.test(before) && LATIN_ACCENT.test(c)) ? "\u25cc" + c : c;
      if (!kind || INVISIBLE.test(c)) return c;
      const b = before ? before.codePointAt(0) : 0;
      const noFinal = b >= 0xac00 && b <= 0xd7a3 && (b - 0xac00) % 28 === 0;  // 가, not 각
      const composes = (kind === "L" && jamoKind(after) === "V") || (kind === "V" && jamoKind(before) === "L")
        || (kind === "T" && (jamoKind(before) === "V" || noFinal));
      return composes ? c : LETTERS[kind][c.codePointAt(0) - FIRST[kind]] || OLD_LETTERS[c] || c;
    });
  }
  function visible(s) {
    return standalone(Array.from(String(s))).map((c) => (INVISIBLE.test(c) ? escapeChar(c) : c)).join("");
  }
  V.visible = visible;
  // text with every invisible character as a <code class="sv-esc"> escape, isolated from bidi reordering
  function visibleNode(s, tag) {
    const node = el(tag || "bdi", { class: "sv-text" });
    let plain = "";
    for (const c of standalone(Array.from(String(s)))) {
      if (INVISIBLE.test(c)) {
        if (plain) { node.append(plain); plain = ""; }
        node.append(el("code", { class: "sv-esc" }, escapeChar(c)));
      } else plain += c;
    }
    if (plain) node.append(plain);
    if (!node.childNodes.length) node.append("\u00a0");
    markLanguage(node, String(s));
    return node;
  }
  V.visibleNode = visibleNode;
  // the reader's Korean is marked as Korean, so that a screen reader in the English interface reads it with a Korean
  // voice instead of spelling it out or skipping it
  const HANGUL = /\p{Script=Hangul}/u;
  function markLanguage(node, s) {
    if (HANGUL.test(s)) node.lang = "ko";
    else node.removeAttribute("lang");
    return node;
  }
  V.markLanguage = markLanguage;
  const nf = (d) => new Intl.NumberFormat("en-US", { minimumFractionDigits: d, maximumFractionDigits: d });
  function fixed(v, d) { return v === null || v === undefined ? "–" : nf(d).format(v); }
  function signed(v, d = 4) { return v === null || v === undefined ? "–" : (v >= 0 ? "+" : "") + Number(v).toFixed(d); }
  function sci(v, digits = 3) { return v === 0 ? "0" : Number(v).toExponential(digits - 1); }
  // a sentence whose numbers never break inside ("2.66e-" | "23"): each number in a span that does not wrap
  function unbroken(sentence) {
    const parts = String(sentence).split(/(-?\d[\d.,]*(?:e[+-]?\d+)?)/);
    return parts.map((p, k) => (k % 2 ? el("span", { class: "sv-nb" }, p) : p)).filter((p) => p !== "");
  }
  function count(n) { return new Intl.NumberFormat("en-US").format(n); }
  V.format = { fixed, signed, sci, count };
  function term(english, shown) {
    const g = GLOSSARY[english];
    return g ? el("abbr", { title: g.definition, tabindex: "0", class: "sv-term" }, shown || g.term) : (shown || english);
  }
  V.term = term;
  // The glossary's terms in a sentence: the first time a view says one (input_ids, last_hidden_state, OOV, 임베딩 …)
  // it is an <abbr> with its definition on hover, focus and tap; later times stay plain text. TERMS_SEEN is reset for
  // each view drawn (V.render).
  let TERMS_SEEN = new Set(), TERMS_RE = null, TERMS_FOR = null;
  function termPattern() {
    if (TERMS_FOR === GLOSSARY) return TERMS_RE;
    const names = new Map();  // the words a sentence may use -> the glossary's English key
    for (const [english, g] of Object.entries(GLOSSARY)) for (const w of [english, g.term]) if (w && w.length > 2) names.set(w, english);
    const escaped = [...names.keys()].sort((a, b) => b.length - a.length).map((w) => {
      const body = w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      // a Latin term is a whole word (not "label" inside "labels"); a Korean one takes its particle (임베딩은)
      return /^[\p{Script=Latin}\d_\[]/u.test(w) ? `(?<![\\p{L}\\p{N}_])${body}(?![\\p{L}\\p{N}_])` : body;
    });
    TERMS_RE = escaped.length ? { re: new RegExp(escaped.join("|"), "gu"), names } : null;
    TERMS_FOR = GLOSSARY;
    return TERMS_RE;
  }
  function withTerms(text) {
    const found = termPattern();
    if (!found || typeof text !== "string") return [text];
    const out = [];
    let last = 0;
    for (const m of text.matchAll(found.re)) {
      const english = found.names.get(m[0]);
      if (!english || TERMS_SEEN.has(english)) continue;
      TERMS_SEEN.add(english);
      if (m.index > last) out.push(text.slice(last, m.index));
      out.push(term(english, m[0]));
      last = m.index + m[0].length;
    }
    if (last < text.length) out.push(text.slice(last));
    return out;
  }
  V.withTerms = withTerms;
  // Disable a button without losing the keyboard user's place: focus moves to `fallback` (a disabled
  // button drops focus to <body>, and the next Tab starts from the top of the page).
  function keepFocus(button, disabled, fallback) {
    const had = document.activeElement === button;
    button.disabled = disabled;
    if (disabled && had && fallback) fallback.focus();
  }

  function note(text, cls) { return el("p", { class: "sv-note" + (cls ? " " + cls : "") }, ...withTerms(text)); }
  function fontPx(container, scale) {
    const base = parseFloat(getComputedStyle(container).fontSize) || 16;
    return Math.max(12, Math.round(base * (scale || 0.8)));
  }
  function fontFamily(container) { return getComputedStyle(container).fontFamily || "sans-serif"; }
  // a canvas keeps what it drew in the fallback font (Hangul as boxes, if there is none): draw again when a font loads
  function onFonts(redraw) {
    const fonts = root.document && root.document.fonts;
    if (!fonts || !fonts.addEventListener) return () => {};
    fonts.addEventListener("loadingdone", redraw);
    return () => fonts.removeEventListener("loadingdone", redraw);
  }
  function short(label, n) { const a = Array.from(visible(label)); return a.length > n ? a.slice(0, n - 1).join("") + "…" : a.join(""); }
  function onResize(node, redraw) {
    let width = node.clientWidth;
    if (typeof ResizeObserver === "undefined") return () => {};
    const ro = new ResizeObserver(() => { if (node.clientWidth !== width) { width = node.clientWidth; redraw(); } });
    ro.observe(node);
    return () => ro.disconnect();
  }

  // ---------- roving focus for a row of chips (one tab stop, arrows move) ----------
  // where the pointer last moved: a chip that scrolls under a still pointer is entered with the same coordinates
  const pointer = { x: NaN, y: NaN };
  if (root.document) root.document.addEventListener("mousemove", (ev) => { pointer.x = ev.clientX; pointer.y = ev.clientY; }, { passive: true });
  function roving(list, items, onFocus) {
    let keyed = false;  // the keyboard moved the focus last: the focused item is the one said, until the mouse moves
    items.forEach((item, i) => {
      item.tabIndex = i === 0 ? 0 : -1;
      item.addEventListener("focus", () => { items.forEach((o) => (o.tabIndex = -1)); item.tabIndex = 0; onFocus(i, item); });
      item.addEventListener("mouseenter", (ev) => {
        // End scrolls a long row: the chips passing under a still pointer (or one never moved since the page opened)
        // would take the readout from the focused one
        const still = Number.isNaN(pointer.x) || (ev.clientX === pointer.x && ev.clientY === pointer.y);
        if (keyed && still) return;
        // the mouse takes over from the keyboard: the focused chip lets go, or two chips would wear the outline
        if (keyed && items.includes(document.activeElement) && document.activeElement !== item) document.activeElement.blur();
        keyed = false;
        onFocus(i, item);
      });
    });
    list.addEventListener("keydown", (ev) => {
      const i = items.indexOf(document.activeElement);
      if (i < 0) return;
      const step = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1, Home: -items.length, End: items.length }[ev.key];
      if (step === undefined) return;
      ev.preventDefault();
      keyed = true;
      const next = items[Math.max(0, Math.min(items.length - 1, i + step))];
      next.focus();
      // a long row lays out only the chips in view (content-visibility): those the jump brought into view take their
      // own size at the next frame, which can push the focused one out of its box; scroll to it again then
      requestAnimationFrame(() => requestAnimationFrame(() => {
        if (document.activeElement === next) next.scrollIntoView({ block: "nearest", inline: "nearest" });
      }));
    });
  }

  V.views = {};  // filled by the other parts: view name -> function (container, record, options)
  V.lib = { count, el, escapeChar, fixed, fontFamily, fontPx, HANGUL, INVISIBLE, keepFocus, markLanguage, note, onFonts,
    onResize, roving, sci, short, signed, standalone, sub, t, term, unbroken, visible, visibleNode };
  V.render = function (container, view, record, options) {
    const fn = V.views[view];
    if (!fn) throw new Error("unknown view " + view);
    container.classList.add("seqlab-view");
    TERMS_SEEN = new Set();  // each view links a glossary term the first time it says it
    return fn(container, record, options || {});
  };
  V.keepFocus = keepFocus;
  root.SeqlabViews = V;
})(typeof window !== "undefined" ? window : globalThis);
