// seqlab's anywidget front-end (pip install seqlab[notebook]). Python sends views.js followed by this file as the
// widget's module, so the widget draws with the very functions of the page and of the static notebook HTML.
// The trace's step and the attention's layer and head are synced with Python (widget.step, .layer, .head).
function render({ model, el }) {
  const V = globalThis.SeqlabViews;
  V.setMessages(model.get("messages"));
  const root = document.createElement("div");
  root.className = "seqlab-fragment";
  el.append(root);
  const handles = [];
  for (const [view, record, options] of model.get("parts")) {
    const box = document.createElement("div");
    root.append(box);
    const opts = Object.assign({}, options || {});
    if (view === "trace") {
      opts.step = model.get("step");
      opts.onStep = (t) => { if (model.get("step") !== t) { model.set("step", t); model.save_changes(); } };
    }
    if (view === "attention_layers") {
      opts.layer = model.get("layer");
      opts.head = model.get("head") < 0 ? null : model.get("head");
      opts.onSelect = (l, h) => {
        const head = h === null ? -1 : h;
        if (model.get("layer") !== l || model.get("head") !== head) {
          model.set("layer", l); model.set("head", head); model.save_changes();
        }
      };
    }
    handles.push([view, V.render(box, view, record, opts)]);
  }
  for (const text of model.get("notes")) {
    const p = document.createElement("p");
    p.className = "sv-note";
    p.textContent = text;
    root.append(p);
  }
  const onStep = () => handles.forEach(([v, h]) => { if (v === "trace") h.go(model.get("step")); });
  const onHead = () => handles.forEach(([v, h]) => {
    if (v === "attention_layers") h.select(model.get("layer"), model.get("head") < 0 ? null : model.get("head"));
  });
  model.on("change:step", onStep);
  model.on("change:layer", onHead);
  model.on("change:head", onHead);
  return () => {
    model.off("change:step", onStep); model.off("change:layer", onHead); model.off("change:head", onHead);
    handles.forEach(([, h]) => h.destroy());
  };
}
export default { render };
