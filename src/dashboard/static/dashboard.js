// The dashboard page's script: reads the API every few seconds and redraws the panels in place.
// Plain browser JavaScript, served as is (no build step); Chart.js is the global `Chart`.
(function () {
  'use strict';

  const MINUTE = 60000;
  const DAY = 86400000;
  const PALETTE = ['#2563eb', '#dc2626', '#16a34a', '#d97706', '#7c3aed', '#0891b2', '#db2777', '#65a30d', '#475569'];
  const DAY_NAMES = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
  const TOP_OFFERS = 8;

  const body = document.body;
  const query = new URLSearchParams(location.search);
  const windows = (body.dataset.windows || '60').split(',').map(Number).filter((n) => n > 0).sort((a, b) => a - b);
  const config = {
    apiBase: body.dataset.apiBase || '/api/',
    // ?refresh=<seconds> (2-300) overrides the server's default interval.
    refreshMs: Math.min(300, Math.max(2, Number(query.get('refresh')) || Number(body.dataset.refreshSeconds) || 10)) * 1000,
    // The finest aggregates there are, for the live panels; daily ones (or the longest) for ranges of days.
    fine: windows[0] || 60,
    hourly: windows.includes(60) ? 60 : windows.filter((w) => w <= 60).pop() || windows[0] || 60,
    daily: windows.includes(1440) ? 1440 : windows.filter((w) => w <= 1440).pop() || 60,
  };
  // The page is opened with its function key in the fragment (#code=…), which the browser never
  // sends to a server, so the key stays out of request logs. It is kept for this tab in
  // sessionStorage and taken out of the address bar (history, screenshots); the API calls carry
  // it in a header.
  const KEY_STORE = 'dashboard.functionKey';
  function takeFunctionKey() {
    const fragment = new URLSearchParams(location.hash.slice(1));
    const given = fragment.get('code');
    if (given) {
      try {
        sessionStorage.setItem(KEY_STORE, given);
      } catch (error) {
        // Storage refused (private mode settings): the key still serves this page view.
      }
      fragment.delete('code');
      const rest = fragment.toString();
      history.replaceState(null, '', location.pathname + location.search + (rest ? '#' + rest : ''));
      return given;
    }
    try {
      return sessionStorage.getItem(KEY_STORE);
    } catch (error) {
      return null;
    }
  }
  const functionKey = takeFunctionKey();
  const charts = {};

  // ---- helpers ---------------------------------------------------------------------------

  function el(tag, text, attrs) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    return node;
  }

  const numberFormat = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });
  const smallFormat = new Intl.NumberFormat(undefined, { maximumSignificantDigits: 4 });
  const moneyFormat = new Intl.NumberFormat(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  // Small values (rates, estimates) keep four significant digits; counts and money two decimals.
  const fmt = (v) => (typeof v !== 'number' ? String(v) : Math.abs(v) < 10 ? smallFormat.format(v) : numberFormat.format(v));
  const pct = (v) => (typeof v === 'number' ? (v * 100).toFixed(1) + ' %' : '');
  const iso = (ms) => new Date(ms).toISOString();
  /** An ISO timestamp as "2025-03-05 09:00 UTC"; anything else as given. */
  const when = (text) => (Number.isFinite(Date.parse(text)) ? iso(Date.parse(text)).slice(0, 16).replace('T', ' ') + ' UTC' : String(text));

  function label(ms, windowMinutes) {
    const s = iso(ms);
    return windowMinutes >= 1440 ? s.slice(5, 10) : s.slice(11, 16);
  }

  /** Window starts (epoch ms) of the `count` windows up to and including the current one. */
  function windowStarts(windowMinutes, count, now) {
    const size = windowMinutes * MINUTE;
    const current = Math.floor(now / size) * size;
    const starts = [];
    for (let i = count - 1; i >= 0; i--) starts.push(current - i * size);
    return starts;
  }

  async function api(path, params) {
    const url = new URL(config.apiBase + path, location.origin);
    for (const [k, v] of Object.entries(params || {})) if (v !== undefined && v !== null) url.searchParams.set(k, String(v));
    const response = await fetch(url, { headers: functionKey ? { 'x-functions-key': functionKey } : {}, cache: 'no-store' });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(data.error || 'HTTP ' + response.status);
    return data;
  }

  /** Every item of a paged aggregates query, following continuation tokens. */
  async function allItems(params) {
    const items = [];
    let token;
    for (let page = 0; page < 40; page++) {
      const data = await api('aggregates', Object.assign({}, params, { pageSize: 500, continuationToken: token }));
      items.push(...data.items);
      token = data.continuationToken || undefined;
      if (!token) break;
    }
    return items;
  }

  function setState(id, state, message) {
    const section = document.getElementById(id);
    section.dataset.state = state;
    section.querySelector('.content').hidden = state === 'empty' || state === 'error';
    section.querySelector('.empty').hidden = state !== 'empty';
    const error = section.querySelector('.error');
    error.hidden = state !== 'error';
    error.textContent = state === 'error' ? 'Could not load: ' + message : '';
  }

  /** Runs a panel's update; it returns 'ready' or 'empty'. */
  async function panel(id, update) {
    try {
      setState(id, await update());
      return true;
    } catch (error) {
      setState(id, 'error', error.message);
      console.warn('dashboard panel ' + id + ': ' + error.message);
      return false;
    }
  }

  function drawChart(key, canvasId, type, labels, datasets, options) {
    const canvas = document.getElementById(canvasId);
    const styled = datasets.map((d, i) => Object.assign({
      borderColor: PALETTE[i % PALETTE.length],
      backgroundColor: PALETTE[i % PALETTE.length],
      borderWidth: 2,
      pointRadius: 2,
      cubicInterpolationMode: 'monotone',
      spanGaps: true,
    }, d));
    if (!charts[key]) {
      charts[key] = new Chart(canvas, {
        type,
        data: { labels, datasets: styled },
        options: Object.assign({
          animation: false,
          responsive: true,
          maintainAspectRatio: false,
          interaction: { mode: 'index', intersect: false },
          plugins: { legend: { position: 'bottom', labels: { boxWidth: 12 } } },
        }, options),
      });
    } else {
      charts[key].data.labels = labels;
      charts[key].data.datasets = styled;
      charts[key].update('none');
    }
    canvas.dataset.series = String(datasets.length);
    canvas.dataset.points = String(datasets.reduce((n, d) => n + d.data.filter((v) => v !== null && v !== undefined).length, 0));
  }

  /** Replaces a table's rows; cells of the columns in `numeric` are right-aligned. */
  function fillRows(tableId, rows, numeric) {
    const tbody = document.querySelector('#' + tableId + ' tbody');
    tbody.replaceChildren(...rows.map((cells) => {
      const tr = el('tr');
      cells.forEach((cell, i) => tr.append(el('td', cell, (numeric || []).includes(i) ? { class: 'num' } : {})));
      return tr;
    }));
  }

  // ---- panels ----------------------------------------------------------------------------

  // Events per minute: each window's event count divided by its minutes, the current window by
  // the minutes elapsed so far. The finest configured aggregates are used (hourly by default).
  async function eventsPanel(now) {
    const w = config.fine;
    const count = w >= 1440 ? 30 : w >= 60 ? 24 : Math.min(120, Math.floor(1440 / w));
    const starts = windowStarts(w, count, now);
    const to = starts[starts.length - 1] + w * MINUTE;
    const items = await allItems({ kind: 'type', window: w, from: iso(starts[0]), to: iso(to) });
    document.getElementById('events-note').textContent =
      'Average per minute in each ' + (w === 60 ? 'hour' : w + '-minute window') + ' (UTC), from the ' + w +
      '-minute event-type aggregates; the current window is averaged over the minutes elapsed so far (shown after five).';
    if (items.length === 0) return 'empty';
    const byType = new Map();
    for (const item of items) {
      if (!byType.has(item.eventType)) byType.set(item.eventType, new Map());
      byType.get(item.eventType).set(Date.parse(item.windowStart), item.count);
    }
    const current = starts[starts.length - 1];
    const elapsed = (now - current) / MINUTE;
    // A window only minutes old would make a few events look like a burst: it is left out until
    // it has run for five minutes (or all of a shorter window).
    const rate = (type, s) => {
      if (s !== current) return Math.round(((byType.get(type).get(s) || 0) / w) * 100) / 100;
      return elapsed < Math.min(5, w) ? null : Math.round(((byType.get(type).get(s) || 0) / elapsed) * 100) / 100;
    };
    const datasets = [...byType.keys()].sort().map((type) => ({ label: type, data: starts.map((s) => rate(type, s)) }));
    drawChart('events', 'events-chart', 'line', starts.map((s) => label(s, w)), datasets, {
      scales: { y: { beginAtZero: true, title: { display: true, text: 'events / minute' } } },
    });
    return 'ready';
  }

  async function ctrPanel(now) {
    const w = config.hourly;
    const starts = windowStarts(w, Math.min(200, Math.ceil(1440 / w)), now);
    const to = starts[starts.length - 1] + w * MINUTE;
    const items = await allItems({ kind: 'offer', window: w, from: iso(starts[0]), to: iso(to) });
    const offers = new Map();
    for (const item of items) {
      if (!offers.has(item.offerId)) offers.set(item.offerId, { views: 0, windows: new Map() });
      const offer = offers.get(item.offerId);
      offer.views += item.views || 0;
      offer.windows.set(Date.parse(item.windowStart), item);
    }
    const shown = [...offers.entries()].filter(([, o]) => o.views > 0).sort((a, b) => b[1].views - a[1].views).slice(0, TOP_OFFERS);
    if (shown.length === 0) return 'empty';
    const datasets = shown.map(([offerId, offer]) => ({
      label: offerId,
      data: starts.map((s) => {
        const doc = offer.windows.get(s);
        return doc && doc.views > 0 ? Math.round((doc.clicks / doc.views) * 1000) / 10 : null;
      }),
    }));
    drawChart('ctr', 'ctr-chart', 'line', starts.map((s) => label(s, w)), datasets, {
      scales: { y: { beginAtZero: true, title: { display: true, text: 'click-through rate (%)' } } },
    });
    return 'ready';
  }

  async function productsPanel(now) {
    const data = await api('aggregates', {
      kind: 'product', window: config.daily, from: iso(now - 7 * DAY), to: iso(now), top: 10, sort: 'revenue',
    });
    if (data.items.length === 0) return 'empty';
    drawChart('products', 'products-chart', 'bar', data.items.map((p) => p.productId), [
      { label: 'revenue', data: data.items.map((p) => p.revenue) },
    ], { plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true } } });
    fillRows('products-table', data.items.map((p) => [
      p.productId, fmt(p.views), fmt(p.addToCarts), fmt(p.purchases), moneyFormat.format(p.revenue), pct(p.conversionRate),
    ]), [1, 2, 3, 4, 5]);
    return 'ready';
  }

  function heatTable() {
    const table = document.getElementById('heatmap-table');
    if (table.rows.length === 0) {
      const head = el('tr');
      head.append(el('th', ''));
      for (let h = 0; h < 24; h++) head.append(el('th', String(h), { scope: 'col' }));
      table.append(el('thead'), el('tbody'));
      table.tHead.append(head);
      DAY_NAMES.forEach((name, d) => {
        const row = el('tr');
        row.append(el('th', name, { scope: 'row' }));
        for (let h = 0; h < 24; h++) row.append(el('td', null, { 'data-day': String(d + 1), 'data-hour': String(h) }));
        table.tBodies[0].append(row);
      });
    }
    return table;
  }

  let heatItems = [];

  function drawHeatmap() {
    const channel = document.getElementById('heatmap-channel').value;
    const grid = new Map();
    for (const item of heatItems) {
      if (channel && item.webChannel !== channel) continue;
      const slot = item.dayOfWeek + ':' + item.hourOfDay;
      grid.set(slot, (grid.get(slot) || 0) + item.events);
    }
    const max = Math.max(0, ...grid.values());
    const table = heatTable();
    let filled = 0;
    for (const cell of table.querySelectorAll('td')) {
      const value = grid.get(cell.dataset.day + ':' + cell.dataset.hour) || 0;
      if (value > 0) filled++;
      cell.dataset.value = String(value);
      cell.title = DAY_NAMES[cell.dataset.day - 1] + ' ' + cell.dataset.hour + ':00 UTC: ' + fmt(value) + ' events';
      cell.style.backgroundColor = value > 0 ? 'rgba(37, 99, 235, ' + (0.12 + 0.88 * (value / max)).toFixed(3) + ')' : '';
    }
    table.dataset.cells = String(filled);
    table.dataset.max = String(max);
  }

  async function heatmapPanel(now) {
    const data = await api('aggregates', {
      kind: 'channel', window: config.daily, from: iso(now - 28 * DAY), to: iso(now), top: 2000, sort: 'events',
    });
    heatItems = data.items;
    const select = document.getElementById('heatmap-channel');
    const channels = [...new Set(heatItems.map((i) => i.webChannel))].sort();
    // Rebuilt only when the channels change, so an open picker is not closed by a refresh.
    if (select.dataset.channels !== channels.join('\n')) {
      const chosen = select.value;
      select.replaceChildren(el('option', 'All channels', { value: '' }), ...channels.map((c) => el('option', c, { value: c })));
      select.value = channels.includes(chosen) ? chosen : '';
      select.dataset.channels = channels.join('\n');
    }
    if (heatItems.length === 0) return 'empty';
    drawHeatmap();
    return 'ready';
  }

  let status = { models: { items: [] }, campaignPlans: { items: [] } };

  function statePart(part) {
    if (part.error) throw new Error(part.error);
    return part.items.length > 0 ? 'ready' : 'empty';
  }

  function modelPanel() {
    const list = document.getElementById('model-list');
    list.replaceChildren(...status.models.items.map((m) => {
      const block = el('div', null, { class: 'model', 'data-model': m.name });
      block.append(el('h3', m.name + (m.version ? ' · ' + m.version : '')));
      if (m.publishedAt) block.append(el('p', 'Published ' + when(m.publishedAt), { class: 'note' }));
      if (m.problem) block.append(el('p', m.problem, { class: 'note' }));
      const metrics = Object.entries(m.metrics || {});
      if (metrics.length > 0) {
        const table = el('table', null, { class: 'data metrics' });
        const tbody = el('tbody');
        for (const [k, v] of metrics) {
          const tr = el('tr');
          tr.append(el('th', k, { scope: 'row' }), el('td', fmt(v)));
          tbody.append(tr);
        }
        table.append(tbody);
        block.append(table);
      }
      return block;
    }));
    return statePart(status.models);
  }

  function offPolicyPanel() {
    if (status.models.error) throw new Error(status.models.error);
    const rows = [];
    for (const m of status.models.items) {
      for (const e of m.offPolicy || []) {
        const interval = typeof e.lower === 'number' && typeof e.upper === 'number' ? fmt(e.lower) + ' – ' + fmt(e.upper) : '';
        rows.push([m.name + (m.version ? ' ' + m.version : ''), e.estimator, e.policy || '', fmt(e.value), interval]);
      }
    }
    fillRows('offpolicy-table', rows, [3, 4]);
    return rows.length > 0 ? 'ready' : 'empty';
  }

  function campaignsPanel() {
    fillRows('campaigns-table', status.campaignPlans.items.map((p) => [
      p.name ? p.name + ' (' + p.campaignId + ')' : p.campaignId,
      p.status || '',
      p.updatedAt ? when(p.updatedAt) : '',
      Object.entries(p.highlights || {}).map(([k, v]) => k + ': ' + fmt(v)).join(' · '),
    ]));
    return statePart(status.campaignPlans);
  }

  async function statusPanels() {
    try {
      status = await api('dashboard/status');
    } catch (error) {
      for (const id of ['model', 'offpolicy', 'campaigns']) setState(id, 'error', error.message);
      return [false];
    }
    return Promise.all([panel('model', modelPanel), panel('offpolicy', offPolicyPanel), panel('campaigns', campaignsPanel)]);
  }

  // ---- refresh loop ----------------------------------------------------------------------

  let refreshes = 0;

  async function refresh() {
    const now = Date.now();
    const results = await Promise.all([
      panel('events', () => eventsPanel(now)),
      panel('ctr', () => ctrPanel(now)),
      panel('products', () => productsPanel(now)),
      panel('heatmap', () => heatmapPanel(now)),
      statusPanels(),
    ]);
    const ok = results.flat().every(Boolean);
    refreshes++;
    body.dataset.refreshes = String(refreshes);
    document.getElementById('status').textContent =
      (ok ? 'Updated ' : 'Partly updated ') + new Date(now).toLocaleTimeString() + ' · refreshes every ' + config.refreshMs / 1000 + ' s';
  }

  async function loop() {
    if (!document.hidden) await refresh();
    setTimeout(loop, config.refreshMs);
  }

  document.getElementById('heatmap-channel').addEventListener('change', drawHeatmap);
  if (!functionKey) {
    document.getElementById('status').textContent =
      'This page needs a function key: open it as ' + location.origin + location.pathname + '#code=<function key>';
    return;
  }
  if (typeof Chart === 'undefined') {
    document.getElementById('status').textContent = 'The chart library did not load.';
    return;
  }
  loop();
})();
