// The webhook-tool inspector page: plain JavaScript, no build step, no
// network but its own server. Every value from a delivery is put on the page
// as text (textContent), never as HTML: bodies come from whoever posted them.
'use strict';

const PAGE = 100;      // rows per request
const MAX_ROWS = 2000; // rows kept on the page; older ones are paged in again

const state = {
  info: null,
  rows: new Map(),   // seq -> summary
  order: [],         // seqs on the page, newest first
  next: null,        // seq to page on from, null at the start of the record
  selected: null,    // seq shown in the detail pane
  ticked: new Set(), // seqs ticked for Diff
  detail: null,      // the record shown
  stream: null,
  query: '',
};

const $ = (id) => document.getElementById(id);

// el builds an element: el('td', {class: 'x'}, 'text', child...).
function el(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(e.dataset, v);
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const kid of kids.flat()) {
    if (kid === undefined || kid === null || kid === false) continue;
    e.append(kid instanceof Node ? kid : document.createTextNode(String(kid)));
  }
  return e;
}

async function api(path, opts) {
  const resp = await fetch(path, opts);
  let data = null;
  try { data = await resp.json(); } catch (_) { /* not JSON */ }
  if (!resp.ok) throw new Error((data && data.error) || (resp.status + ' ' + resp.statusText));
  return data;
}

function currentQuery() {
  return [$('q').value.trim(), $('fschema').value, $('fsig').value].filter(Boolean).join(' ');
}

// ---- the list ----

function fmtTime(iso) {
  const d = new Date(iso);
  if (isNaN(d)) return iso;
  const p = (n, w) => String(n).padStart(w || 2, '0');
  return p(d.getHours()) + ':' + p(d.getMinutes()) + ':' + p(d.getSeconds()) + '.' + p(d.getMilliseconds(), 3);
}

function verdict(v, yes, no, none) {
  if (v === true) return el('span', {class: 'ok'}, yes);
  if (v === false) return el('span', {class: 'bad'}, no);
  return el('span', {class: 'muted'}, none);
}

function statusClass(s) {
  if (s >= 200 && s < 300) return 'ok';
  if (s >= 400) return 'bad';
  return '';
}

function badges(s) {
  const b = [];
  if (s.kind === 'callback') b.push(el('span', {class: 'badge cb', title: 'a callback to the stand-in for ' + s.callback_for}, 'callback'));
  if (s.duplicate) b.push(el('span', {class: 'badge dup', title: 'this delivery id was seen before'}, 'duplicate'));
  if (s.callbacks > 0) b.push(el('span', {class: 'badge cb', title: s.callbacks + ' callback(s) for this delivery'}, 'callback' + (s.callbacks > 1 ? ' ×' + s.callbacks : '')));
  if (s.forward_status !== undefined) b.push(el('span', {class: 'badge fwd ' + (s.forward_status >= 200 && s.forward_status < 300 ? '' : 'badfwd'), title: 'forwarded; the app answered ' + (s.forward_status || 'nothing')}, 'forwarded ' + (s.forward_status || '✗')));
  if (s.rule !== undefined) b.push(el('span', {class: 'badge rule', title: 'answered by response rule ' + s.rule + ' (--respond)'}, 'rule ' + s.rule));
  if (s.exec_runs > 0) b.push(el('span', {class: 'badge exec', title: 'listen --exec ran for it'}, 'exec'));
  return b;
}

function rowFor(s) {
  const tick = el('input', {type: 'checkbox', title: 'tick two to diff', checked: state.ticked.has(s.seq),
    onclick: (ev) => { ev.stopPropagation(); toggleTick(s.seq, ev.target.checked); }});
  const what = s.kind === 'callback' ? ['callback for ', el('span', {class: 'muted'}, s.callback_for)] :
    [s.event || '', ' ', el('span', {class: 'muted'}, s.schema || '(no schema)')];
  const sig = s.kind === 'callback' ? el('span', {class: 'muted'}, '—') : verdict(s.signature_valid, 'ok', 'bad', 'unchecked');
  const pay = s.kind === 'callback' ? el('span', {class: 'muted'}, 'text') :
    verdict(s.schema_valid, 'valid', s.schema_errors ? 'invalid (' + s.schema_errors + ')' : 'invalid', 'not checked');
  const tr = el('tr', {dataset: {seq: s.seq}, class: s.seq === state.selected ? 'sel' : '', onclick: () => select(s.seq)},
    el('td', {}, tick),
    el('td', {class: 'num'}, s.seq),
    el('td', {title: s.received_at}, fmtTime(s.received_at)),
    el('td', {class: 'path', title: s.method + ' ' + s.path}, el('span', {class: 'method'}, s.method), ' ', s.path),
    el('td', {class: 'what', title: (s.event ? s.event + ' · ' : '') + (s.schema || s.callback_for || '')}, what),
    el('td', {class: 'id', title: s.delivery_id || ''}, s.delivery_id || ''),
    el('td', {}, sig),
    el('td', {}, pay),
    el('td', {class: statusClass(s.status)}, s.status),
    el('td', {}, badges(s)));
  return tr;
}

// emptyText is what an empty list says: nothing matches the filter, the
// file holds nothing, or (a listener's page) how to send the first one.
function emptyText() {
  const i = state.info || {};
  if (state.query) return ['No deliveries match the filter.'];
  if (i.listener) return ['No deliveries yet. Send one: ', el('code', {}, 'webhook-tool send permission_assist.access_request_created --to ' + i.listener)];
  if (i.source === 'file') return [el('span', {class: 'mono'}, i.file), ' holds no deliveries' + (i.indexing ? ' in its newest lines.' : '.')];
  return ['No deliveries yet.'];
}

// render shows the rows; until it first runs, the list says it is loading.
function render() {
  const body = $('rows');
  body.replaceChildren(...state.order.map((seq) => rowFor(state.rows.get(seq))));
  $('loading').hidden = true;
  $('empty').replaceChildren(...emptyText());
  $('empty').hidden = state.order.length > 0;
  $('older').hidden = state.next === null;
  $('count').textContent = state.order.length + (state.next === null ? '' : '+') + ' shown';
}

async function loadFirst() {
  state.query = currentQuery();
  const page = await api('/api/deliveries?limit=' + PAGE + '&q=' + encodeURIComponent(state.query));
  state.rows.clear();
  state.order = [];
  for (const s of page.deliveries) { state.rows.set(s.seq, s); state.order.push(s.seq); }
  state.next = page.next;
  render();
}

async function loadOlder() {
  if (state.next === null) return;
  const page = await api('/api/deliveries?limit=' + PAGE + '&before=' + state.next + '&q=' + encodeURIComponent(state.query));
  for (const s of page.deliveries) {
    if (!state.rows.has(s.seq)) { state.rows.set(s.seq, s); state.order.push(s.seq); }
  }
  state.next = page.next;
  render();
}

// upsert puts a streamed row on the page: a new one at the top, a known one
// (its callbacks or exec runs changed) in place.
function upsert(s) {
  const known = state.rows.has(s.seq);
  state.rows.set(s.seq, s);
  if (known) {
    const old = document.querySelector('#rows tr[data-seq="' + s.seq + '"]');
    if (old) old.replaceWith(rowFor(s));
    if (s.seq === state.selected) showDetail(s.seq, true);
    return;
  }
  state.order.unshift(s.seq);
  state.order.sort((a, b) => b - a);
  $('rows').prepend(rowFor(s));
  if (state.order.length > MAX_ROWS) {
    const gone = state.order.splice(MAX_ROWS);
    for (const seq of gone) state.rows.delete(seq);
    state.next = state.order[state.order.length - 1];
    render();
    return;
  }
  if (state.order[0] !== s.seq) render(); // arrived out of order
  $('empty').hidden = true;
  $('count').textContent = state.order.length + (state.next === null ? '' : '+') + ' shown';
}

function connect() {
  if (state.stream) state.stream.close();
  const es = new EventSource('/api/stream?q=' + encodeURIComponent(state.query));
  state.stream = es;
  let dropped = false;
  es.onopen = () => {
    $('live').textContent = 'live';
    $('live').className = 'live on';
    if (dropped) loadFirst().catch(showError); // catch up on what was missed
  };
  es.onmessage = (ev) => { try { upsert(JSON.parse(ev.data)); } catch (e) { showError(e); } };
  es.onerror = () => {
    dropped = true;
    $('live').textContent = 'reconnecting';
    $('live').className = 'live off';
  };
}

let filterTimer = null;
function filterChanged() {
  clearTimeout(filterTimer);
  filterTimer = setTimeout(() => {
    loadFirst().then(connect).catch(showError);
  }, 150);
}

function toggleTick(seq, on) {
  if (on) state.ticked.add(seq); else state.ticked.delete(seq);
  $('diff').disabled = state.ticked.size !== 2;
}

function showError(e) {
  const p = el('p', {class: 'error'}, String(e && e.message || e));
  $('detail').prepend(p);
  setTimeout(() => p.remove(), 8000);
}

// ---- the detail ----

function select(seq) {
  state.selected = seq;
  for (const tr of document.querySelectorAll('#rows tr')) tr.classList.toggle('sel', Number(tr.dataset.seq) === seq);
  showDetail(seq, false).catch(showError);
}

function bodyText(rec) {
  if (rec.body_encoding === 'base64') {
    try { return atob(rec.body); } catch (_) { return rec.body; }
  }
  return rec.body || '';
}

function section(title, ...kids) {
  return el('div', {class: 'sect'}, el('h3', {}, title), ...kids);
}

function kv(rows) {
  return el('table', {class: 'kv'}, rows.filter(Boolean).map(([k, v]) => el('tr', {}, el('th', {}, k), el('td', {}, v))));
}

async function showDetail(seq, keepTab) {
  const rec = await api('/api/deliveries/' + seq);
  if (state.selected !== seq) return;
  state.detail = rec;
  const prevTab = keepTab && document.querySelector('#detail .tabs .on');
  const sum = state.rows.get(seq) || {};
  const pane = $('detail');
  const body = bodyText(rec);
  const parts = [];
  parts.push(el('h2', {}, '#' + rec.seq + ' ', el('span', {class: 'mono'}, rec.method + ' ' + rec.path + (rec.query ? '?' + rec.query : '')),
    ' ', el('span', {class: statusClass(rec.status)}, rec.status)));
  parts.push(kv([
    ['received', rec.received_at],
    rec.delivery_id && ['delivery id', rec.delivery_id],
    rec.duplicate && ['duplicate', 'yes: this delivery id was seen before'],
    rec.user_invite_id && ['invite to approve', rec.user_invite_id],
    sum.event && ['event', sum.event],
    rec.kind === 'callback' && ['callback for', rec.callback_for],
    rec.rule !== undefined && ['response rule', String(rec.rule) + (rec.status === 0 ? ' (no answer: the connection was dropped)' : '')],
    rec.error && ['error', rec.error],
  ]));
  if (rec.kind !== 'callback') parts.push(actions(rec));
  parts.push(el('div', {id: 'outcome'}));
  if (rec.signature) {
    const s = rec.signature;
    const v = s.kind === 'unchecked' ? el('span', {class: 'muted'}, 'not checked') : verdict(s.valid, 'valid', 'invalid');
    const diag = s.diagnosis ? [['diagnosis', (s.diagnosis.cause || '') + (s.diagnosis.detail ? ': ' + s.diagnosis.detail : '')]] : [];
    parts.push(section('Signature', kv([['verdict', v], ['scheme', s.scheme], s.reason && ['reason', s.reason], s.kind && s.kind !== 'unchecked' && ['failure', s.kind], ...diag])));
  }
  if (rec.schema) parts.push(schemaSection(rec.schema));
  parts.push(section('Headers', kv(Object.keys(rec.headers || {}).sort().map((k) => [k, el('span', {class: 'mono'}, rec.headers[k])]))));
  parts.push(bodySection(body, rec.body_pretty, rec.schema ? rec.schema.errors || [] : [], rec.body_pretty_note));
  for (const f of [rec.forward, ...(rec.forwards || [])].filter(Boolean)) {
    parts.push(section('Forwarded', kv([['to', f.url], ['answer', f.status ? el('span', {class: statusClass(f.status)}, f.status) : el('span', {class: 'bad'}, 'none')],
      ['time', f.duration_ms + ' ms'], f.error && ['error', f.error], f.body && ['body', el('pre', {}, f.body)]])));
  }
  for (const run of rec.exec_runs || []) {
    parts.push(section('Exec run #' + run.seq, kv([run.not_run ? ['not run', 'still queued at shutdown'] : ['exit code', run.exit_code],
      run.timed_out && ['timed out', 'yes'], run.killed && ['killed', 'at shutdown'], run.error && ['error', run.error],
      ['time', run.duration_ms + ' ms'], run.stdout_excerpt && ['stdout', el('pre', {}, run.stdout_excerpt)],
      run.stderr_excerpt && ['stderr', el('pre', {}, run.stderr_excerpt)],
      run.callback && ['callback', (run.callback.url || '') + ' → ' + (run.callback.status || run.callback.error || run.callback.skipped || '')]])));
  }
  if (rec.kind !== 'callback') {
    const cbs = rec.callbacks || [];
    parts.push(section('Callback transcript', cbs.length === 0 ? el('p', {class: 'muted'}, 'No callback has reached the stand-in for this delivery.') :
      el('ol', {class: 'transcript'}, cbs.map((c) => el('li', {},
        el('div', {}, el('span', {class: 'muted'}, fmtTime(c.received_at) + ' #' + c.seq + ' '), el('span', {class: statusClass(c.status)}, c.status),
          c.error ? el('span', {class: 'bad'}, ' ' + c.error) : ''),
        el('pre', {}, bodyText(c)))))));
  }
  pane.replaceChildren(...parts);
  if (prevTab) {
    const same = [...pane.querySelectorAll('.tabs button')].find((b) => b.textContent === prevTab.textContent);
    if (same) same.click();
  }
}

function schemaSection(sch) {
  if (sch.checked === false) return section('Schema', el('p', {class: 'muted'}, sch.reason || 'not validated'));
  const errs = sch.valid ? [] : (sch.errors || []);
  const more = sch.errors_omitted ? el('p', {class: 'muted'}, sch.errors_omitted + ' more errors left out (--max-errors)') : null;
  const list = errs.length === 0 ? el('p', {class: 'ok'}, sch.valid ? 'valid' : 'invalid') :
    el('table', {class: 'errors'},
      el('tr', {}, el('th', {}, 'pointer'), el('th', {}, 'line:col'), el('th', {}, 'message')),
      errs.map((e, i) => el('tr', {class: 'err', onclick: () => markError(i)},
        el('td', {class: 'mono pointer'}, e.instanceLocation || '(document)'),
        el('td', {class: 'mono'}, e.line ? e.line + ':' + e.column : ''),
        el('td', {}, e.message))));
  return section('Schema: ' + (sch.name || 'none matched'), list, more);
}

// bodySection shows the body pretty and raw; the raw view numbers the lines
// and marks each schema error at its line:col. The pretty view is the
// server's (body_pretty): the body is never parsed here, where numbers
// would round and repeated keys merge. note says why a JSON body has none.
function bodySection(body, pretty, errors, note) {
  const raw = el('div', {class: 'raw mono'});
  const byLine = new Map();
  errors.forEach((e, i) => { if (e.line) { if (!byLine.has(e.line)) byLine.set(e.line, []); byLine.get(e.line).push([e, i]); } });
  body.split('\n').forEach((text, n) => {
    const errs = byLine.get(n + 1) || [];
    const code = el('span', {class: 'code'});
    if (errs.length) {
      const col = Math.max(0, Math.min(text.length, (errs[0][0].column || 1) - 1));
      code.append(text.slice(0, col), el('span', {class: 'mark'}, text.slice(col, col + 1) || ' '), text.slice(col + 1));
    } else {
      code.append(text);
    }
    raw.append(el('div', {class: 'ln' + (errs.length ? ' errline' : ''), id: errs.length ? 'err-' + errs[0][1] : null},
      el('span', {class: 'no'}, n + 1), code,
      errs.map(([e]) => el('span', {class: 'note'}, e.instanceLocation + ': ' + e.message))));
  });
  const views = {pretty: el('div', {}, note ? el('p', {class: 'muted'}, note) : null, el('pre', {class: 'pretty mono'}, pretty === undefined ? body : pretty)), raw};
  const tabs = el('div', {class: 'tabs'});
  const holder = el('div', {});
  const show = (name) => {
    holder.replaceChildren(views[name]);
    for (const b of tabs.children) b.classList.toggle('on', b.dataset.view === name);
  };
  for (const name of ['pretty', 'raw']) tabs.append(el('button', {type: 'button', dataset: {view: name}, onclick: () => show(name)}, name));
  show(errors.some((e) => e.line) ? 'raw' : 'pretty');
  return section('Body', tabs, holder);
}

function markError(i) {
  const tab = document.querySelector('#detail .tabs button[data-view="raw"]');
  if (tab) tab.click();
  const line = document.getElementById('err-' + i);
  if (line) { line.scrollIntoView({block: 'center'}); line.classList.add('flash'); setTimeout(() => line.classList.remove('flash'), 1200); }
}

// ---- actions ----

function actions(rec) {
  const info = state.info || {};
  // The default target is listen's --forward-to (shown without its
  // password): an empty box sends there.
  const to = el('input', {id: 'replay-to', type: 'url', spellcheck: 'false',
    placeholder: info.replay_to ? 'default: ' + info.replay_to : info.listener ? 'URL, e.g. ' + info.listener + ' (this listener)' : 'URL to send to'});
  const replayBtn = el('button', {id: 'replay', type: 'button', disabled: !info.replay, onclick: () => replay(rec.seq, to.value, null)}, 'Replay');
  const editBtn = el('button', {id: 'edit', type: 'button', disabled: !info.replay, onclick: () => editAndSend(rec, to)}, 'Edit and send');
  const curlBtn = el('button', {id: 'curl', type: 'button', onclick: () => copyCurl(rec, to.value).catch(showError)}, 'Copy as curl');
  return el('div', {class: 'actions'}, to, replayBtn, editBtn, curlBtn, el('div', {id: 'actionout'}));
}

async function replay(seq, to, body) {
  const out = $('outcome');
  out.replaceChildren(el('p', {class: 'muted'}, 'sending…'));
  const req = {to: to.trim()};
  if (body !== null) req.body = body;
  try {
    const r = await api('/api/deliveries/' + seq + '/replay', {method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify(req)});
    out.replaceChildren(section('Replay', kv([
      ['sent to', r.url],
      ['signature', r.resigned ? 're-signed, ' + r.scheme + (r.webhook_id ? ', ' + r.webhook_id : '') : r.scheme],
      ['answer', r.status ? el('span', {class: r.ok ? 'ok' : 'bad'}, r.status) : el('span', {class: 'bad'}, 'none')],
      ['time', r.duration_ms + ' ms' + (r.attempts > 1 ? ', ' + r.attempts + ' attempts' : '')],
      r.error && ['error', el('span', {class: 'bad'}, r.error)],
      r.body && ['body', el('pre', {}, r.body)],
    ])));
    out.firstChild.id = 'replay-result';
    out.firstChild.dataset.ok = r.ok;
  } catch (e) {
    out.replaceChildren(el('p', {class: 'error', id: 'replay-result'}, 'replay failed: ' + e.message));
  }
}

// editAndSend edits the body as text (the server's indented JSON, or the
// body as it is): with nothing edited, the recorded bytes are sent.
function editAndSend(rec, to) {
  const out = $('actionout');
  const area = el('textarea', {id: 'editbody', class: 'mono', rows: 16, spellcheck: 'false'});
  area.value = rec.body_pretty === undefined ? bodyText(rec) : rec.body_pretty;
  const start = area.value;
  out.replaceChildren(area, el('button', {type: 'button', id: 'editsend', onclick: () => replay(rec.seq, to.value, area.value === start ? null : area.value)}, 'Sign and send'),
    el('button', {type: 'button', onclick: () => out.replaceChildren()}, 'Cancel'));
}

// copyCurl shows and copies the command the server builds (one generator,
// in Go): every part quoted, the body piped as its exact bytes, sent to the
// recorded path and query below the URL typed, as Replay sends. The copy
// is asked for within the click, with the command still on its way: a
// browser may refuse the clipboard once the click's moment has passed.
async function copyCurl(rec, to) {
  const out = $('actionout');
  const cmd = api('/api/deliveries/' + rec.seq + '/curl?to=' + encodeURIComponent(to.trim()));
  let copied = null;
  if (navigator.clipboard && window.ClipboardItem) {
    copied = navigator.clipboard.write([new ClipboardItem({'text/plain': cmd.then((c) => new Blob([c.command], {type: 'text/plain'}))})]);
    copied.catch(() => {});
  }
  let c;
  try {
    c = await cmd;
  } catch (e) {
    out.replaceChildren(el('p', {class: 'error', id: 'curltext'}, 'no curl command: ' + e.message));
    return;
  }
  const note = el('p', {class: 'muted'}, 'Copied. The recorded signature headers are as they were (a timestamped one is likely stale).');
  const left = (c.left_out || []).length ? el('ul', {class: 'muted', id: 'curlleft'}, c.left_out.map((l) => el('li', {}, 'left out: ' + l))) : null;
  out.replaceChildren(el('pre', {id: 'curltext', class: 'mono'}, c.command), note, left);
  if (!copied && navigator.clipboard) copied = navigator.clipboard.writeText(c.command);
  const manual = () => { note.textContent = 'Select the command above and copy it.'; };
  if (copied) copied.catch(manual); else manual();
}

// ---- diff ----

// showDiff shows the server's Diff of two bodies (GET /api/diff), which
// reads them without loss: JavaScript would round large numbers and merge
// repeated or "__proto__" keys, and call different bodies the same.
async function showDiff() {
  const [s1, s2] = [...state.ticked].sort((a, b) => a - b);
  const d = await api('/api/diff?a=' + s1 + '&b=' + s2);
  state.selected = null;
  const side = (lines) => el('pre', {class: 'mono diffside'}, lines.map((l) => el('div', {class: l.changed ? 'chg' : ''}, l.text)));
  const show = (v) => v === undefined || v === null ? '' : v;
  const diffs = d.changes;
  $('detail').replaceChildren(
    el('h2', {}, 'Diff of #' + s1 + ' and #' + s2),
    section(diffs.length + ' changed path' + (diffs.length === 1 ? '' : 's'), diffs.length === 0 ? el('p', {class: 'ok'}, 'The bodies are the same JSON.') :
      el('table', {class: 'errors', id: 'diffpaths'}, el('tr', {}, el('th', {}, 'pointer'), el('th', {}, ''), el('th', {}, '#' + s1), el('th', {}, '#' + s2)),
        diffs.map((c) => el('tr', {}, el('td', {class: 'mono pointer'}, c.path), el('td', {}, c.kind), el('td', {class: 'mono'}, show(c.a)), el('td', {class: 'mono'}, show(c.b)))))),
    ...(d.note ? [el('p', {class: 'muted', id: 'diffnote'}, d.note)] : []),
    el('div', {class: 'diff'}, side(d.left), side(d.right)));
}

// ---- start ----

async function start() {
  $('q').addEventListener('input', filterChanged);
  $('fschema').addEventListener('change', filterChanged);
  $('fsig').addEventListener('change', filterChanged);
  $('older').addEventListener('click', () => loadOlder().catch(showError));
  $('diff').addEventListener('click', () => showDiff().catch(showError));
  try {
    state.info = await api('/api/info');
    const i = state.info;
    const tooLong = i.too_long ? ', ' + i.too_long + ' line' + (i.too_long === 1 ? '' : 's') + ' longer than ' + (i.max_line_bytes >> 20) + ' MiB skipped unread (replay refuses them too)' : '';
    $('source').textContent = i.source === 'file' ? i.file + (i.skipped ? ' (' + i.skipped + ' lines that are not records skipped)' : '') + tooLong + (i.indexing ? ' — indexing its older lines…' : '') :
      'this run, in memory: the last ' + i.capacity + ' requests (no --record)' + (i.dropped ? ', ' + i.dropped + ' older ones dropped' : '') + (i.lost ? ', ' + i.lost + ' not shown (the page fell behind a flood)' : '') + tooLong;
    await loadFirst();
  } catch (e) {
    $('loading').textContent = 'Could not load the deliveries: ' + (e && e.message || e);
    showError(e);
  }
  connect();
}

start();
