// seqlab page: the state of each panel (a view with its record, or nothing with the reason), busy lines and the requests in flight.
// A part of app.js (the files of this folder joined in order, one script: seqlab.web.messages.APP_PARTS).

// ---------- panel state: a view with its record, or nothing with a reason ----------
const VIEWS = {  // view container -> [panel, state element, error element]
  "v-normalize": "p-normalize", "v-tokens": "p-tokens", "v-compare": "p-tokens", "v-ids": "p-ids",
  "v-vectors": "p-vectors", "v-sim": "p-vectors", "v-trace": "p-trace", "v-gradflow": "p-backward",
  "v-backward": "p-backward", "v-words": "p-words", "v-attention": "p-attention", "v-predict": "p-predict",
};
// the panel's first .state/.error belong to its first view; a second view in a panel has its own
const STATE_OF = { "v-sim": "sim-state", "v-backward": "dw-state", "v-compare": "compare-state" };
const ERROR_OF = { "v-sim": "sim-error", "v-backward": "dw-error", "v-compare": "compare-error" };
function stateEl(viewId) { return STATE_OF[viewId] ? $(STATE_OF[viewId]) : $(VIEWS[viewId]).querySelector(".state"); }
function errorEl(viewId) { return ERROR_OF[viewId] ? $(ERROR_OF[viewId]) : $(VIEWS[viewId]).querySelector(".error"); }
function show(viewId, view, record, inputs, options) {
  if (S.handles[viewId]) S.handles[viewId].destroy();
  const box = $(viewId);
  box.replaceChildren();
  const chosen = {};  // what the reader picked inside the view: the HTML snapshot shows the same
  options = options || {};
  S.records[viewId] = { view, record, inputs, chosen };
  S.handles[viewId] = V.render(box, view, record, { ...options,
    onStep: (k) => { chosen.step = k; },
    onRow: (i) => { chosen.row = i; if (options.onRow) options.onRow(i); } });
  stateEl(viewId).textContent = "";
  errorEl(viewId).textContent = "";
  box.hidden = false;
  refreshExport(VIEWS[viewId]);
}
function clear(viewId, reason) {
  if (S.handles[viewId]) S.handles[viewId].destroy();
  delete S.handles[viewId];
  delete S.records[viewId];
  $(viewId).replaceChildren();
  $(viewId).hidden = true;
  stateEl(viewId).textContent = reason || "";
  errorEl(viewId).textContent = "";  // an error was about the inputs as they were
  refreshExport(VIEWS[viewId]);
}
function shown(viewId) { return S.records[viewId] || S.busy[viewId] || errorEl(viewId).textContent; }
function fail(viewId, err) {
  clear(viewId, "");
  // an ApiError is written for the reader (the server's or the page's own words); anything else is the page failing
  // to draw an answer (a bug, or a page older than its server): said as such, the detail kept for the console
  if (!(err instanceof ApiError)) console.error(err);
  errorEl(viewId).textContent = "⚠ " + (err instanceof ApiError ? err.message  // replaces the previous error; role=alert announces it
    : t("This panel could not be drawn ({error}). Reload the page; if it happens again, restart seqlab serve.", { error: err.message }));
}
// a request the page itself refused (a setting out of range): counted as a failure, so that a Run running says it
// finished with errors; without a Run, the busy line's last "Done in …" was about an earlier request and goes
function refuse(viewId, err) {
  fail(viewId, err);
  S.failures = (S.failures || 0) + 1;
  if (!S.running && !ACTIVE.length) sayBusy("");
}
function setBusy(viewIds, on) {
  for (const v of viewIds) {
    const panel = $(VIEWS[v]);
    S.busy[v] = Math.max(0, (S.busy[v] || 0) + (on ? 1 : -1));  // requests in flight: an old answer ends only its own
    panel.setAttribute("aria-busy", Object.keys(S.busy).some((k) => S.busy[k] && VIEWS[k] === VIEWS[v]) ? "true" : "false");
  }
}
// the busy line: the latest request still running says "Working"; when one ends and others still run, the line
// goes back to them; the last to end says "Done" (or what failed). Changed inputs end every line (busyEpoch).
const ACTIVE = [];
let busyEpoch = 0, ticker = null;
const secsOf = (job) => {  // an answer under 50 ms is "<0.1 s", not "0.0 s"
  const s = (performance.now() - job.started) / 1000;
  return s < 0.05 ? "<0.1" : s.toFixed(1);
};
// what the busy line says is announced (a live region) only when it changes; its ticking seconds are shown
// beside it, hidden from screen readers, which otherwise heard the line again every quarter second
function sayBusy(text, clock = "") {
  if ($("busy-say").textContent !== text) $("busy-say").textContent = text;
  $("busy-clock").textContent = clock;
}
function showWorking() {
  const top = ACTIVE[ACTIVE.length - 1];
  if (!top) return;
  sayBusy(t("Working: {what}", { what: top.what })
    + (S.busyWaits ? " · " + t("the server is busy with other requests: waiting for a free turn") : ""),
    " " + t("({s} s)", { s: secsOf(top) }));
}
function busyLine(what) {
  const me = { what, started: performance.now(), epoch: busyEpoch }, failures = S.failures || 0;
  ACTIVE.push(me);
  showWorking();
  if (!ticker) ticker = setInterval(showWorking, 250);
  const secs = () => secsOf(me);
  return () => {  // "done" only when nothing failed: a failure is said here too, not only in its panel
    const i = ACTIVE.indexOf(me);
    if (i >= 0) ACTIVE.splice(i, 1);
    if (!ACTIVE.length) { clearInterval(ticker); ticker = null; }
    if (me.epoch !== busyEpoch) return;  // the panels say the inputs changed
    if (ACTIVE.length) { showWorking(); return; }  // others still run: the line is theirs
    sayBusy((S.failures || 0) === failures ? t("Done in {s} s.", { s: secs() })
      : $("page-error").textContent ? t("Failed after {s} s: the server did not answer.", { s: secs() })
        : t("Finished in {s} s with errors: see the panels marked ⚠.", { s: secs() }));
  };
}
// a button held while its request runs: disabled, it loses the keyboard focus, which comes back when it is released
function hold(...ids) {
  const focused = ids.find((id) => document.activeElement === $(id));
  for (const id of ids) $(id).disabled = true;
  return (enabled) => {
    for (const id of ids) $(id).disabled = !enabled;
    const lost = !document.activeElement || document.activeElement === document.body;
    if (focused && enabled && lost) $(focused).focus();
  };
}
// one request for one view: busy while it runs, its result only if the inputs are still those it was asked for
const PENDING = {};  // first view -> { inputs, promise } of the request in flight
function task(viewIds, inputs, request, render) {
  const key = viewIds[0], pending = PENDING[key];
  if (pending && inputs && pending.inputs === inputs) return pending.promise;  // the same request is running
  const promise = runTask(viewIds, inputs, request, render).finally(() => { if (PENDING[key] && PENDING[key].promise === promise) delete PENDING[key]; });
  PENDING[key] = { inputs, promise };
  return promise;
}
async function runTask(viewIds, inputs, request, render) {
  setBusy(viewIds, true);
  for (const v of viewIds) errorEl(v).textContent = "";
  // whether the answer is still wanted: a request for inputs that changed stops waiting for a busy server
  const wanted = () => !inputs || inputs === currentInputs(inputs.kind);
  try {
    const record = await request(wanted);
    if (inputs && inputs !== currentInputs(inputs.kind)) return;  // the inputs changed meanwhile: the panel says so
    render(record);
  } catch (e) {
    if (inputs && inputs !== currentInputs(inputs.kind)) return;
    S.failures = (S.failures || 0) + 1;
    // the server down: one alert at the top, and each panel says it in its own words (not announced seven times),
    // so that it still reads right when a later request succeeds and clears the top line
    if (e.network) viewIds.forEach((v) => clear(v, "⚠ " + t("Not computed: the server did not answer. Press {button} to try again.", { button: fillButton(v) })));
    else viewIds.forEach((v) => fail(v, e));
  } finally {
    setBusy(viewIds, false);
  }
}
function stopBusyLines() {  // "Done in …" or "Working" was about inputs that changed
  busyEpoch += 1;
  ACTIVE.length = 0;
  clearInterval(ticker);
  ticker = null;
  sayBusy("");
}
