// seqlab views: draw the records the library returns (token chips, heatmaps, attention, trace stepper, gradient
// chart, ...). Self-contained: no dependency on a page's element ids, no network, no libraries. The page, its HTML
// export and notebook output all call the same functions:
//
//   SeqlabViews.setMessages({messages: {...}, glossary: {...}})   // the catalog's words (GET /api/messages)
//   SeqlabViews.render(container, "tokens", record, options)       // -> a handle {update?, destroy}
//
// Each view takes (container element, record JSON as the API returns it, options) and owns only `container`.
// Human text goes through the function t, called with a string literal, so that Babel extracts it into the gettext catalog (babel.cfg, keyword t).
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
  function roving(list, items, onFocus) {
    items.forEach((item, i) => {
      item.tabIndex = i === 0 ? 0 : -1;
      item.addEventListener("focus", () => { items.forEach((o) => (o.tabIndex = -1)); item.tabIndex = 0; onFocus(i, item); });
      item.addEventListener("mouseenter", () => onFocus(i, item));
    });
    list.addEventListener("keydown", (ev) => {
      const i = items.indexOf(document.activeElement);
      if (i < 0) return;
      const step = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1, Home: -items.length, End: items.length }[ev.key];
      if (step === undefined) return;
      ev.preventDefault();
      items[Math.max(0, Math.min(items.length - 1, i + step))].focus();
    });
  }

  // ---------- stage 1: Unicode normalization ----------
  // conjoining jamo of Old Hangul (modern ones, U+1100-1112, U+1161-1175, U+11A8-11C2, join in any Korean font)
  const OLD_JAMO = /[\u1113-\u115E\u1176-\u11A7\u11C3-\u11FF\uA960-\uA97C\uD7B0-\uD7C6\uD7CB-\uD7FB]/;
  function normalization(container, rec) {
    container.replaceChildren();
    const same = !rec.changes.length;
    const size = rec.original_codepoints > 200 ? "sv-long" : "sv-big";  // a pasted review reads better in body type
    if (same) {  // one text: printing it twice says nothing
      container.append(el(sub(container), {}, t("Original = after {form} ({n} code points)", { form: rec.form, n: count(rec.original_codepoints) })),
        el("p", { class: size }, visibleNode(rec.original)));
    } else {
      container.append(el("div", { class: "sv-pair" },
        el("div", {}, el(sub(container), {}, t("Original ({n} code points)", { n: count(rec.original_codepoints) })), el("p", { class: size }, visibleNode(rec.original))),
        el("div", {}, el(sub(container), {}, t("After {form} ({n} code points)", { form: rec.form, n: count(rec.normalized_codepoints) })),
          el("p", { class: size }, visibleNode(rec.normalized)))));
    }
    container.append(note(same ? t("Already {form}: nothing changed.", { form: rec.form })
      : rec.changes.length === 1 ? t("1 stretch of the text was rewritten to {form}.", { form: rec.form })
        : t("{k} stretches of the text were rewritten to {form}.", { k: count(rec.changes.length), form: rec.form })));
    if (!same) {
      container.append(el("table", { class: "sv-table" },
        el("tr", {}, el("th", {}, t("where")), el("th", {}, t("original")), el("th", {}, t("after {form}", { form: rec.form }))),
        rec.changes.slice(0, 50).map((c) => el("tr", {}, el("td", { class: "sv-nb" }, `text[${c.start}:${c.end}]`),
          el("td", {}, visibleNode(c.original), " ", el("code", { class: "sv-esc" }, c.original_codepoints.join(" "))),
          el("td", {}, visibleNode(c.normalized), " ", el("code", { class: "sv-esc" }, c.normalized_codepoints.join(" ")))))));
    }
    if (rec.later_stages && rec.later_stages !== rec.form) {  // the page: the form chosen here shows, it does not feed
      container.append(note(t("The later stages read the text in {used}, seqlab's default: the form chosen here changes this stage only (on the command line, --normalization changes every stage).", { used: rec.later_stages }), "sv-warn"));
    }
    const inv = rec.invisible || [];
    container.append(note(inv.length === 1 ? t("1 invisible or direction-changing character, shown as an escape:")
      : inv.length ? t("{k} invisible or direction-changing characters, shown as escapes:", { k: count(inv.length) })
      : t("No invisible or direction-changing characters.")));
    if (inv.length) {
      container.append(el("ul", { class: "sv-list" }, inv.slice(0, 50).map((c) => el("li", {},
        el("code", { class: "sv-esc" }, c.escaped), " ", c.codepoint, " ", c.name, " · ", t("character {i}", { i: c.index })))));
    }
    if (OLD_JAMO.test(rec.original)) {  // ᄒᆞᆫ: NanumGothic has no ᆞ, and a syllable drawn from two fonts never joins
      container.append(note(t("The text holds Old Hangul letters (옛한글). The page's font has no glyphs that join them into syllables, so they may show apart or as boxes; the tokens and numbers are computed on the real characters."), "sv-warn"));
    }
    return { destroy() { container.replaceChildren(); } };
  }

  // ---------- stage 2: tokens ----------
  function tokenKind(rec, i, unk) {
    if (rec.special_tokens_mask && rec.special_tokens_mask[i]) return "special";
    if (unk.has(i)) return "unk";
    if (rec.unit === "character" && rec.tokens[i] === "▁") return "space";  // the whitespace itself, no word's start
    return rec.continuation && rec.continuation[i] ? "subword" : "word";
  }
  // a continuation is named by what one token is (rec.unit): Kiwi's 하/XSA is the word's next morpheme, not a subword
  const KIND_TEXT = (unit) => ({ special: t("special token"), word: t("word start"),
    subword: unit === "morpheme" ? t("next morpheme of the word") : unit === "character" ? t("next character of the word")
      : t("subword continuation"),
    unk: t("unknown (OOV)"), space: t("whitespace between words"), cut: t("beyond the model's window") });
  const LONG_ROW = 150;  // more chips than this scroll inside their own box: the page stays a page
  function chipRow(rec, opts) {
    // rec: tokens, input_ids?, special_tokens_mask, continuation, offsets, unk (records or indices)
    const unk = new Set((rec.unk || []).map((u) => (typeof u === "number" ? u : u.index)));
    const n = rec.tokens.length, total = opts.total || n;  // total: the whole record's tokens, when cut for drawing
    const cutFrom = opts.cut ? total - opts.cutTrail - opts.cut : n;  // the last `cut` content tokens before trailing specials
    const list = el("div", { class: "sv-chips" + (n > LONG_ROW ? " sv-scroll" : ""), role: "group", "aria-label": opts.label });
    const kinds = KIND_TEXT(rec.unit);
    const chips = rec.tokens.map((tok, i) => {
      let kind = tokenKind(rec, i, unk);
      const cut = i >= cutFrom && i < total - opts.cutTrail;
      const id = rec.input_ids ? rec.input_ids[i] : null;
      const text = visibleNode(tok, "bdi");
      text.dir = "ltr";  // ▁, ## and /TAG stay where the token puts them, also around a Hebrew or Arabic word
      const chip = el("button", { type: "button", class: `sv-chip sv-${kind}${cut ? " sv-cut" : ""}`,
        "data-i": i }, text, id !== null ? el("small", {}, String(id)) : null);
      chip.dataset.describe = [t("token {i}", { i }), visible(tok), id !== null ? `id ${id}` : null,
        rec.offsets && !rec.special_tokens_mask[i] ? `text[${rec.offsets[i][0]}:${rec.offsets[i][1]}]` : null,
        // the word it belongs to (word_ids, as the terminal's and Markdown's "word #" column)
        rec.word_ids && rec.word_ids[i] !== null && rec.word_ids[i] !== undefined ? t("word #{w}", { w: rec.word_ids[i] }) : null,
        kinds[kind], cut ? kinds.cut : null].filter(Boolean).join(" · ");
      // what a screen reader says of the chip, the token first: its kind and span too (a lone ▁ chip was read as
      // its id alone)
      chip.setAttribute("aria-label", [visible(tok), id !== null ? `id ${id}` : null, kinds[kind], cut ? kinds.cut : null,
        rec.offsets && !rec.special_tokens_mask[i] ? `text[${rec.offsets[i][0]}:${rec.offsets[i][1]}]` : null,
        t("token {i}", { i })].filter(Boolean).join(" · "));
      return chip;
    });
    list.append(...chips);
    return { list, chips };
  }
  // characters no token holds: the model's normalizer removed them (minilm drops U+202E); said, not silent
  function spacedNotes(rec) {  // characters the normalizer turned into the space a ▁ stands for
    const spaced = rec.spaced || [];
    const notes = spaced.slice(0, 10).map((sp) => el("p", { class: "sv-note" },
      t("{model} read {char} (character {i}) as a space: the ▁ of token {k} ({token}) stands for it, so that token's span starts there",
        { model: rec.model, char: visible(sp.char), i: sp.index, k: sp.token, token: visible(rec.tokens[sp.token]) })));
    if (spaced.length > 10) notes.push(note(t("… and {k} more read as a space (the JSON export lists them all)", { k: count(spaced.length - 10) })));
    return notes;
  }
  function uncoveredNote(rec) {
    const gone = rec.uncovered || [];
    if (!gone.length) return null;
    return el("p", { class: "sv-note sv-warn" }, gone.length === 1
      ? t("{model} removed 1 character before tokenizing, so no token holds it:", { model: rec.model })
      : t("{model} removed {k} characters before tokenizing, so no token holds them:", { model: rec.model, k: count(gone.length) }), " ", ...gone.slice(0, 10).flatMap((g) => [visibleNode(g.char, "code"), " "]),
      gone.length > 10 ? "…" : "");
  }
  // one line for each drawing that stands for different tokens (minilm's ##ᄀ and ##ᆨ both drawn ##ㄱ), as the CLI's
  // lookalike_lines says it: each one's code points, id and first tokens
  function lookalikes(rec) {
    const drawn = new Map();
    rec.tokens.forEach((tok, i) => {
      const shown = visible(tok);
      if (!drawn.has(shown)) drawn.set(shown, new Map());
      const same = drawn.get(shown);
      if (!same.has(tok)) same.set(tok, []);
      same.get(tok).push(i);
    });
    const lines = [];
    drawn.forEach((same, shown) => {
      if (same.size < 2) return;
      const parts = Array.from(same, ([tok, where]) => {
        const chars = Array.from(tok), changed = chars.filter((c) => !shown.includes(c));
        const points = [...new Set(changed.length ? changed : chars)].map((c) => "U+" + c.codePointAt(0).toString(16).toUpperCase().padStart(4, "0")).join(" ");
        const v = { codepoints: points, id: rec.input_ids ? rec.input_ids[where[0]] : "?", positions: where.slice(0, 3).join(", ") + (where.length > 3 ? ", …" : "") };
        return where.length === 1 ? t("{codepoints} (id {id}; token {positions})", v) : t("{codepoints} (id {id}; tokens {positions})", v);
      });
      lines.push(t("{shown} is drawn for {k} different tokens: {tokens}. A lone jamo is drawn as its keyboard letter: an initial (U+1100…) or final (U+11A8…) consonant alone has no agreed width.",
        { shown, k: same.size, tokens: parts.join("; ") }));
    });
    return lines;
  }
  function tokens(container, rec, opts) {
    opts = opts || {};
    container.replaceChildren();
    const chars = Array.from(rec.text), shown = standalone(chars);  // a lone mark or jamo as the other views show it
    // offsets count UTF-16-free code points in Python; Array.from splits by code point too
    const original = el("p", { class: "sv-original", "aria-label": t("original text") },
      chars.map((c, i) => el("span", { "data-i": i }, INVISIBLE.test(c) ? el("code", { class: "sv-esc" }, escapeChar(c)) : shown[i])));
    markLanguage(original, rec.text);  // Korean read with a Korean voice in the English page too, as the chips are
    const spans = Array.from(original.children);
    const readout = el("p", { class: "sv-readout", "aria-live": "polite" }, t("Point at or tap a token, or focus one and use the arrow keys, to see its span."));
    // a record cut for drawing (shown_of) says how many tokens it has in all and how many specials close it
    const trail = rec.shown_of ? rec.shown_of.trailing_special
      : rec.special_tokens_mask ? [...rec.special_tokens_mask].reverse().findIndex((s) => !s) : 0;
    const cut = rec.window ? rec.window.dropped : 0;
    const main = chipRow(rec, { label: t("tokens"), cut, cutTrail: Math.max(0, trail),
      total: rec.shown_of ? rec.shown_of.tokens : rec.tokens.length });
    function light(i, chip, offsets, said = readout) {  // said: the readout under the chip's own row
      const [s, e] = offsets[i] || [0, 0];
      spans.forEach((sp, k) => sp.classList.toggle("sv-hl", k >= s && k < e));
      if (spans[s] && e > s && original.scrollHeight > original.clientHeight) {  // a long text scrolls in its box
        original.scrollTop = spans[s].offsetTop - original.clientHeight / 3;
      }
      container.querySelectorAll(".sv-chip.sv-on").forEach((c) => c.classList.remove("sv-on"));
      chip.classList.add("sv-on");
      said.textContent = chip.dataset.describe;
    }
    roving(main.list, main.chips, (i, chip) => light(i, chip, rec.offsets));
    container.append(original, main.list, readout);
    const kinds = KIND_TEXT(rec.unit);
    // a word tokenizer (whitespace) has no continuation: no key for one
    const keyed = rec.unit === "word" ? ["special", "word", "unk"]
      : ["special", "word", "subword", "unk", ...(rec.unit === "character" ? ["space"] : [])];
    container.append(el("p", { class: "sv-legend" }, ...keyed.map((k) =>
      el("span", { class: `sv-chip sv-${k} sv-key` }, kinds[k])), cut ? el("span", { class: "sv-chip sv-cut sv-key" }, kinds.cut) : null));
    // a record cut for drawing carries its whole counts (shown_of): the note tells the record, not the drawing
    const all = rec.shown_of ? rec.shown_of.tokens : rec.tokens.length;
    const specials = rec.shown_of ? rec.shown_of.special : (rec.special_tokens_mask || []).reduce((a, b) => a + b, 0);
    container.append(note(t("Tokens: {n} in all, {content} from the text and {specials} special.",
      { n: count(all), content: count(all - specials), specials: count(specials) })));
    if (cut) {
      const v = { total: count(all), model: rec.model, limit: count(rec.window.max_length), dropped: count(cut) };
      container.append(note(cut === 1 ? t("The text has {total} tokens, but {model} reads at most {limit}: the last one is dropped before the vectors (marked above).", v)
        : t("The text has {total} tokens, but {model} reads at most {limit}: the last {dropped} are dropped before the vectors (marked above).", v), "sv-warn"));
    }
    if (rec.model_normalized !== null && rec.model_normalized !== undefined && rec.model_normalized !== rec.normalized) {
      // e5-small maps ① to 1 and ｈ to h (NFKC), minilm lowercases and drops accents: the pieces are of that text
      const said = Array.from(rec.model_normalized), shownText = said.length > 300 ? said.slice(0, 300).join("") + "…" : rec.model_normalized;
      container.append(el("p", { class: "sv-note sv-warn" }, t("{model}'s own normalizer rewrites the text before it splits it; its pieces are of this text (their spans still point into the text above):", { model: rec.model }),
        " ", visibleNode(shownText, "code")));
    }
    const gone = uncoveredNote(rec);
    if (gone) container.append(gone);
    container.append(...spacedNotes(rec));
    const markers = [];
    if (rec.tokens.some((tok) => tok.startsWith("▁"))) {  // the char tokenizer's ▁ is the whitespace itself, a token of its own
      markers.push(rec.unit === "character" ? t("▁ is a run of whitespace (spaces, tabs, line breaks), read as one token of its own.")
        : t("▁ marks a token that starts a word (SentencePiece); a lone ▁ is the space before a piece that has no word-start form."));
      // 좋네요 is ▁ 좋 네요: that ▁ stands for no space of the text, and its span is empty
      if (rec.unit !== "character" && rec.offsets && rec.tokens.some((tok, i) => tok === "▁" && rec.offsets[i][0] === rec.offsets[i][1]
        && !(rec.special_tokens_mask && rec.special_tokens_mask[i]))) {
        markers.push(t("A lone ▁ with an empty span is the space SentencePiece puts before a word the text gives none (its first word): it covers no character of the text."));
      }
    }
    if (rec.tokens.some((tok) => tok.startsWith("##"))) markers.push(t("## marks a piece that continues the word before it (WordPiece)."));
    if (rec.offsets) markers.push(t("text[s:e] is where a token comes from in the original text, as a Python slice: from character s up to, not including, e."));
    markers.forEach((m) => container.append(note(m)));
    const unit = rec.unit || "piece";
    if (rec.unk && rec.unk.length) {
      const why = { piece: t("the model has no piece for"), character: t("this character is not in the vocabulary:"),
        word: t("this word is not in the vocabulary (OOV):"), morpheme: t("this morpheme is not in the vocabulary (OOV):") }[unit] || t("the model has no piece for");
      // a subword model's [UNK] over several characters: WordPiece gives up on the whole word when no pieces spell it
      const whole = t("no sequence of the model's pieces spells this word, so the whole word is one unknown token:");
      const list = el("ul", { class: "sv-list" + (rec.unk.length > 20 ? " sv-scroll" : "") }, rec.unk.map((u) => el("li", {},
        t("token {i}", { i: u.index }), " ", visibleNode(rec.tokens[u.index], "code"), ": ",
        unit === "piece" && Array.from(u.chars).length > 1 ? whole : why, " ",
        visibleNode(u.chars), " ", el("span", { class: "sv-nb" }, `(text[${u.start}:${u.end}])`))));
      container.append(note(t("{k} unknown tokens ([UNK]):", { k: count(rec.unk.length) })), list);
    } else {
      container.append(note({ piece: t("No unknown tokens: the model has a piece for every character."),
        character: t("No unknown tokens: every character is in the vocabulary."),
        word: t("No unknown tokens: every word is in the vocabulary."),
        morpheme: t("No unknown tokens: every morpheme is in the vocabulary.") }[unit] || t("No unknown tokens: the model has a piece for every character.")));
    }
    container.append(...lookalikes(rec).map((line) => note(line, "sv-warn")));
    if (rec.morphemes && opts.morphemes !== false && rec.model !== "kiwi") {  // kiwi's own tokens are the morphemes
      const morph = { tokens: rec.morphemes.map((m) => m.token), offsets: rec.morphemes.map((m) => [m.start, m.end]),
        special_tokens_mask: rec.morphemes.map(() => 0), continuation: rec.morphemes.map((m) => !!m.continuation),
        unk: rec.morphemes.flatMap((m, i) => (m.unknown ? [i] : [])), unit: "morpheme" };  // the same [UNK] marks as the kiwi row below
      const row = chipRow(morph, { label: t("Kiwi morphemes"), cut: 0, cutTrail: 0 });
      // its own readout, under its row, naming it: "token 2" there was read as the model's token 2 in the row above
      const said = el("p", { class: "sv-readout", "aria-live": "polite" });
      roving(row.list, row.chips, (i, chip) => light(i, chip, morph.offsets, said));
      row.chips.forEach((chip) => {
        chip.dataset.describe = t("Kiwi morphemes") + " · " + chip.dataset.describe;
        chip.setAttribute("aria-label", chip.getAttribute("aria-label") + " · " + t("Kiwi morphemes"));
      });
      container.append(el(sub(container), {}, t("Kiwi morphemes")), row.list, said);
    }
    return { destroy() { container.replaceChildren(); } };
  }

  // ---------- stage 3: integer encoding ----------
  function ids(container, rec) {
    container.replaceChildren();
    // the example: the first token that is neither special nor unknown ([UNK] would teach the wrong id)
    const unknown = new Set((rec.unk || []).map((u) => (typeof u === "number" ? u : u.index)));
    const content = rec.tokens.map((_tok, i) => i).filter((i) => !(rec.special_tokens_mask || [])[i]);
    // and one that shows some of the text: the bare "▁" piece of a space teaches nothing
    const shows = (i) => rec.tokens[i].replace(/▁/g, "").replace(/^##/, "").trim() !== "";
    const known = content.find((i) => !unknown.has(i) && shows(i)) ?? content.find((i) => !unknown.has(i));
    const first = known !== undefined ? known : content.length ? content[0] : -1;
    if (first >= 0 && rec.vocab_size) {
      container.append(note(t("Each token becomes its number in a vocabulary of {size} tokens: {token} → {id}.",
        { size: count(rec.vocab_size), token: visible(rec.tokens[first]), id: rec.input_ids[first] })));
    }
    if (unknown.size && rec.vocab_size) {  // not only when the example is one: [1, 375, 1, 415, 1] needs it as much
      const unkAt = [...unknown][0];
      container.append(note(t("{id} is the id of the unknown token ([UNK]): it stands for anything not in the vocabulary.", { id: rec.input_ids[unkAt] }) + " "
        + (unknown.size === 1 ? t("1 token of this text is unknown (stage 2 says which).") : t("{k} tokens of this text are unknown (stage 2 says which).", { k: count(unknown.size) }))));
    }
    const shown = rec.input_ids.slice(0, 600);
    container.append(el("p", { class: "sv-code" }, el("code", {}, "input_ids = [" + shown.join(", ") + (rec.input_ids.length > shown.length ? ", …" : "") + "]")));
    container.append(el("p", { class: "sv-code" }, el("code", {}, "attention_mask = [" + rec.attention_mask.slice(0, 600).join(", ") + (rec.attention_mask.length > 600 ? ", …" : "") + "]")));
    const ids = rec.shown_of ? rec.shown_of.tokens : rec.input_ids.length;
    container.append(note(ids === 1 ? t("1 id; the same text gives the same id every time.")
      : t("{n} ids; the same text gives the same ids every time.", { n: count(ids) })));
    return { destroy() { container.replaceChildren(); } };
  }

  // ---------- tokenizers side by side ----------
  function comparison(container, rec) {
    container.replaceChildren();
    const table = el("div", { class: "sv-compare" });
    rec.tokenizers.forEach((row) => {
      const chips = chipRow(row, { label: row.model, cut: 0, cutTrail: 0 });
      roving(chips.list, chips.chips, (i, chip) => { readout.textContent = row.model + " · " + chip.dataset.describe; });
      table.append(el("div", { class: "sv-compare-row" },
        el(sub(container), {}, row.model, " ", el("span", { class: "sv-muted" },
          t("tokens without special tokens: {n} · [UNK]: {k} · tokens per word: {f}", { n: count(row.summary.tokens),
            k: count(row.summary.unk), f: fixed(row.summary.fertility, 2) }),
          row.summary.space_tokens ? " · " + t("tokens that are a space alone (▁): {s}", { s: count(row.summary.space_tokens) }) : "")),
        chips.list, uncoveredNote(row),
        row.summary.unk_from_word_list ? note(t("{model}: its [UNK] rate is that of the default word vocabulary, wordfreq's Korean list, which is split into morphemes (좋다 is not in it).", { model: row.model })) : null));
    });
    const readout = el("p", { class: "sv-readout", "aria-live": "polite" });
    container.append(table, readout);
    container.append(note(t("The same sentence, cut by five tokenizers: a subword vocabulary splits a rare word into pieces it knows, so [UNK] is left only for characters it lacks (minilm, an English model, splits Hangul into jamo and lacks some of them: WordPiece then marks the whole word as one [UNK]); a vocabulary of whole words marks every word it lacks as unknown (OOV).")));
    return { destroy() { container.replaceChildren(); } };
  }

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
  V.heatmap = heatmap;

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
      trace(box, rec.trace, {});
    }
    return { destroy() { container.replaceChildren(); } };
  }

  V.views = { normalization, tokens, ids, comparison, embedding, similarity, words, attention, attention_layers: attentionLayers,
    trace, backward, gradflow, prediction, table, alignment, image };
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
