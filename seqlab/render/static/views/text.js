// seqlab views: stages 1 to 3: Unicode normalization, token chips, input_ids, and the tokenizers side by side.
// A part of SeqlabViews (core.js first; the order is seqlab.render.fragments.VIEW_PARTS): it takes the shared
// helpers from SeqlabViews.lib and adds its views to SeqlabViews.views.
(function (root) {
  "use strict";
  const V = root.SeqlabViews;
  const { count, el, escapeChar, fixed, INVISIBLE, markLanguage, note, roving, standalone, sub, t, visible, visibleNode } = V.lib;

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
  // a token longer than LONG_TOKEN characters is drawn by its first TOKEN_HEAD in its chip, and said by its first
  // LONG_SAID and its length (2,000 syllables without a space are one whitespace token: a chip 1,900 px tall on a phone)
  // Lengths are of the token as drawn: one per character as a reader sees it (a grapheme: 👨‍👩‍👧, 🇰🇷 or e + ◌́ is one,
  // and a cut never splits one), and an invisible character counts the letters of its escape (\u200b is 6).
  const LONG_TOKEN = 40, TOKEN_HEAD = 20, LONG_SAID = 200;
  const SEGMENTER = typeof Intl !== "undefined" && Intl.Segmenter ? new Intl.Segmenter(undefined, { granularity: "grapheme" }) : null;
  function graphemes(s) { return SEGMENTER ? Array.from(SEGMENTER.segment(s), (g) => g.segment) : Array.from(s); }
  function drawnWidth(g) {
    return Array.from(g).reduce((w, c) => w + (INVISIBLE.test(c) ? escapeChar(c).length : 0), 0) || 1;
  }
  function drawnLength(s) { return graphemes(String(s)).reduce((w, g) => w + drawnWidth(g), 0); }
  function head(s, n) {  // s up to n drawn (its first grapheme at least), and "…" if it has more
    let w = 0, out = "";
    for (const g of graphemes(String(s))) {
      w += drawnWidth(g);
      if (w > n && out) return out + "…";
      out += g;
    }
    return out;
  }
  function tokenSaid(tok) {  // a token as the readout and a screen reader say it
    const n = Array.from(tok).length;
    return drawnLength(tok) > LONG_SAID ? visible(head(tok, LONG_SAID)) + " " + t("({n} characters in all)", { n: count(n) }) : visible(tok);
  }
  // A chip of a long row is laid out only when in view (content-visibility: auto, views.css); until then it holds this
  // estimate of its content's size in em (inside its padding and border, which the browser adds), so that the row's
  // scroll height is about right before the chips are seen: a wide character (Hangul, CJK, emoji) is 1em, another
  // 0.6em, a digit of the id under it 0.46em (fitted to 21,700 chips drawn in Chromium: 0.12em off on average). Its
  // content is 2.57em tall with an id, 1.78em without.
  const WIDE = /[\u1100-\u115F\u2E80-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6]/u;
  function chipSize(text, id) {
    let w = 0;
    for (const c of Array.from(text)) w += WIDE.test(c) || c.codePointAt(0) >= 0x1F000 ? 1 : 0.6;
    const idW = id === null ? 0 : String(id).length * 0.46;
    return `auto ${Math.max(0.7, w, idW).toFixed(2)}em auto ${id === null ? 1.78 : 2.57}em`;
  }
  function longNote(row) {  // said under a row that drew a token cut
    return row.long ? note(t("A token longer than {k} characters is drawn by its first {m} in its chip: point at it, tap it or focus it to read more (the JSON export has it whole).",
      { k: LONG_TOKEN, m: TOKEN_HEAD })) : null;
  }
  function chipRow(rec, opts) {
    // rec: tokens, input_ids?, special_tokens_mask, continuation, offsets, unk (records or indices)
    const unk = new Set((rec.unk || []).map((u) => (typeof u === "number" ? u : u.index)));
    const n = rec.tokens.length, total = opts.total || n;  // total: the whole record's tokens, when cut for drawing
    const cutFrom = opts.cut ? total - opts.cutTrail - opts.cut : n;  // the last `cut` content tokens before trailing specials
    const list = el("div", { class: "sv-chips" + (n > LONG_ROW ? " sv-scroll" : ""), role: "group", "aria-label": opts.label });
    const kinds = KIND_TEXT(rec.unit);
    let longCount = 0;
    const chips = rec.tokens.map((tok, i) => {
      let kind = tokenKind(rec, i, unk);
      const cut = i >= cutFrom && i < total - opts.cutTrail;
      const id = rec.input_ids ? rec.input_ids[i] : null;
      const long = drawnLength(tok) > LONG_TOKEN;
      if (long) longCount += 1;
      const drawn = long ? head(tok, TOKEN_HEAD) : tok;
      const text = visibleNode(drawn, "bdi");
      text.dir = "ltr";  // ▁, ## and /TAG stay where the token puts them, also around a Hebrew or Arabic word
      const chip = el("button", { type: "button", class: `sv-chip sv-${kind}${cut ? " sv-cut" : ""}`,
        "data-i": i }, text, id !== null ? el("small", {}, String(id)) : null);
      if (n > LONG_ROW) chip.style.containIntrinsicSize = chipSize(visible(drawn), id);
      chip.dataset.describe = [t("token {i}", { i }), tokenSaid(tok), id !== null ? `id ${id}` : null,
        rec.offsets && !rec.special_tokens_mask[i] ? `text[${rec.offsets[i][0]}:${rec.offsets[i][1]}]` : null,
        // the word it belongs to (word_ids, as the terminal's and Markdown's "word #" column)
        rec.word_ids && rec.word_ids[i] !== null && rec.word_ids[i] !== undefined ? t("word #{w}", { w: rec.word_ids[i] }) : null,
        kinds[kind], cut ? kinds.cut : null].filter(Boolean).join(" · ");
      // what a screen reader says of the chip, the token first: its kind and span too (a lone ▁ chip was read as
      // its id alone)
      chip.setAttribute("aria-label", [tokenSaid(tok), id !== null ? `id ${id}` : null, kinds[kind], cut ? kinds.cut : null,
        rec.offsets && !rec.special_tokens_mask[i] ? `text[${rec.offsets[i][0]}:${rec.offsets[i][1]}]` : null,
        t("token {i}", { i })].filter(Boolean).join(" · "));
      return chip;
    });
    list.append(...chips);
    return { list, chips, long: longCount };
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
    const cutLong = longNote(main);
    if (cutLong) container.append(cutLong);
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
        t("token {i}", { i: u.index }), " ", visibleNode(head(rec.tokens[u.index], LONG_SAID), "code"), ": ",
        unit === "piece" && Array.from(u.chars).length > 1 ? whole : why, " ",
        visibleNode(head(u.chars, LONG_SAID)), " ", el("span", { class: "sv-nb" }, `(text[${u.start}:${u.end}])`))));
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
      container.append(el(sub(container), {}, t("Kiwi morphemes")), row.list, ...[longNote(row)].filter(Boolean), said);
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
        // both counts leave the special tokens out, as the line above does (2,002 of e5's tokens are 2,000 and <s> </s>)
        chips.list, row.shown_of ? note(t("Drawn: the first {k} of the {n} tokens counted above.",
          { k: count(row.tokens.length - (row.special_tokens_mask || []).reduce((a, b) => a + b, 0)),
            n: count(row.summary.tokens) })) : null, longNote(chips), uncoveredNote(row),
        row.summary.unk_from_word_list ? note(t("{model}: its [UNK] rate is that of the default word vocabulary, wordfreq's Korean list, which is split into morphemes (좋다 is not in it).", { model: row.model })) : null));
    });
    const readout = el("p", { class: "sv-readout", "aria-live": "polite" });
    container.append(table, readout);
    container.append(note(t("The same sentence, cut by five tokenizers: a subword vocabulary splits a rare word into pieces it knows, so [UNK] is left only for characters it lacks (minilm, an English model, splits Hangul into jamo and lacks some of them: WordPiece then marks the whole word as one [UNK]); a vocabulary of whole words marks every word it lacks as unknown (OOV).")));
    return { destroy() { container.replaceChildren(); } };
  }

  Object.assign(V.views, { normalization, tokens, ids, comparison });
})(typeof window !== "undefined" ? window : globalThis);
