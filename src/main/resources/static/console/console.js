// The operator console. Every text that comes from the API is set with textContent, never parsed
// as HTML; the page needs no inline script or style, no eval, so a strict Content-Security-Policy
// holds. The token lives in sessionStorage only and travels in the Authorization header only.
'use strict';

(() => {
  const TOKEN_KEY = 'cakeday.console.token';
  const STATUS_EVERY_MS = 15000;
  const FOLLOW_EVERY_MS = 1000;
  const FOLLOW_FOR_MS = 90000;
  const PAGE = 100;
  const PROBLEM_STATUSES = ['FAILED', 'EXPIRED'];
  const FINAL = new Set(['SENT', 'FAILED', 'EXPIRED', 'SKIPPED']);
  const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
  const OCCASION_COLOURS = ['#d9480f', '#5f3dc4', '#0b7285', '#5c940d', '#a61e4d'];

  const state = {
    role: null,
    problems: [],
    cursors: {},
    chart: null,
    statusTimer: null,
    session: 0,
    user: null,
  };

  const $ = (id) => document.getElementById(id);

  /** The API said no, with a problem+json body (or none). */
  class ApiError extends Error {
    constructor(status, problem) {
      super((problem && (problem.detail || problem.title)) || 'HTTP ' + status);
      this.status = status;
      this.problem = problem || {};
    }
  }

  /** Thrown after a 401 has sent the operator back to sign-in: callers just stop. */
  class SignedOut extends Error {}

  // ---- DOM helpers: text only ----

  /** An element with text content (never HTML) and optional class names. */
  function el(tag, text, ...classes) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) {
      node.textContent = String(text);
    }
    for (const name of classes) {
      if (name) {
        node.classList.add(name);
      }
    }
    return node;
  }

  function cell(text, ...classes) {
    return el('td', text === null || text === undefined || text === '' ? '–' : text, ...classes);
  }

  function clear(node) {
    node.replaceChildren();
  }

  function show(node, visible) {
    node.hidden = !visible;
  }

  function message(node, text, isError) {
    node.textContent = text || '';
    node.classList.toggle('error', Boolean(isError));
    show(node, Boolean(text));
  }

  // ---- Formatting ----

  function utc(iso, withSeconds) {
    if (!iso) {
      return null;
    }
    const date = new Date(iso);
    if (Number.isNaN(date.getTime())) {
      return String(iso);
    }
    return date.toISOString().replace('T', ' ').slice(0, withSeconds ? 19 : 16) + ' UTC';
  }

  function duration(ms) {
    if (ms === null || ms === undefined) {
      return '–';
    }
    if (ms < 1000) {
      return Math.round(ms) + ' ms';
    }
    const one = (value) => value.toFixed(1).replace(/\.0$/, '');
    if (ms < 60000) {
      return one(ms / 1000) + ' s';
    }
    if (ms < 3600000) {
      return one(ms / 60000) + ' min';
    }
    if (ms < 172800000) {
      return one(ms / 3600000) + ' h';
    }
    return one(ms / 86400000) + ' d';
  }

  function occasionName(occasion) {
    const text = String(occasion || '').toLowerCase();
    return text.charAt(0).toUpperCase() + text.slice(1);
  }

  function plural(count, one, many) {
    return count + ' ' + (count === 1 ? one : many);
  }

  // ---- The API ----

  function token() {
    return sessionStorage.getItem(TOKEN_KEY);
  }

  async function api(method, path) {
    const session = state.session;
    const bearer = token();
    if (!bearer) {
      signOut('Sign in to continue.');
      throw new SignedOut();
    }
    const response = await fetch(path, {
      method,
      headers: { Authorization: 'Bearer ' + bearer, Accept: 'application/json' },
      cache: 'no-store',
      credentials: 'omit',
      referrerPolicy: 'no-referrer',
    });
    if (session !== state.session) {
      throw new SignedOut(); // signed out (or in again) meanwhile: drop the answer
    }
    if (response.status === 401) {
      signOut('The token was refused (401). Sign in again.');
      throw new SignedOut();
    }
    const type = response.headers.get('Content-Type') || '';
    const body = type.includes('json') ? await response.json() : null;
    if (!response.ok) {
      throw new ApiError(response.status, body);
    }
    return body;
  }

  function query(params) {
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(params)) {
      if (value !== null && value !== undefined) {
        search.set(key, value);
      }
    }
    return search.toString();
  }

  /** Shows an error of a load, unless it was a sign-out. */
  function failed(error, where) {
    if (error instanceof SignedOut) {
      return;
    }
    message($('app-error'), where + ': ' + error.message, true);
  }

  // ---- Signing in and out ----

  async function signIn(event) {
    event.preventDefault();
    const input = $('token');
    const value = input.value.trim();
    input.value = '';
    if (!value) {
      message($('signin-error'), 'Paste a token first.', true);
      return;
    }
    sessionStorage.setItem(TOKEN_KEY, value);
    await start();
  }

  function signOut(why) {
    state.session += 1;
    sessionStorage.removeItem(TOKEN_KEY);
    window.clearInterval(state.statusTimer);
    state.statusTimer = null;
    state.role = null;
    state.problems = [];
    state.user = null;
    if (state.chart) {
      state.chart.destroy();
      state.chart = null;
    }
    document.body.classList.remove('admin');
    for (const id of ['upcoming-table', 'summary-table', 'problems-table']) {
      clear($(id).tBodies[0]);
    }
    clear($('timeline'));
    $('search-input').value = '';
    show($('user-card'), false);
    message($('search-message'), '');
    message($('app-error'), '');
    show($('app'), false);
    show($('health'), false);
    show($('who'), false);
    show($('signin'), true);
    message($('signin-error'), why, Boolean(why));
    $('token').focus();
  }

  async function start() {
    state.session += 1;
    message($('signin-error'), '');
    try {
      await loadStatus(); // also checks the token: a 401 returns to sign-in
      state.role = await probeRole();
    } catch (error) {
      if (!(error instanceof SignedOut)) {
        // Only a 401 or Sign out forgets the token: an instance restarting or a database away
        // is waited out, and the page tries again.
        const session = state.session;
        show($('signin'), true);
        message($('signin-error'), 'Cannot reach the API (' + error.message + '); trying again in 15 s.', true);
        window.setTimeout(() => {
          if (session === state.session && token()) {
            start();
          }
        }, STATUS_EVERY_MS);
      }
      return;
    }
    document.body.classList.toggle('admin', state.role === 'admin');
    $('role').textContent = state.role === 'admin' ? 'Signed in: admin' : 'Signed in: reader (read only)';
    show($('signin'), false);
    show($('app'), true);
    show($('health'), true);
    show($('who'), true);
    state.statusTimer = window.setInterval(() => loadStatus().catch((e) => failed(e, 'Status')), STATUS_EVERY_MS);
    selectView('overview');
    await refresh();
  }

  /** Whether the token may act, as the API says (GET /access); only an admin's gets Retry. */
  async function probeRole() {
    const access = await api('GET', '/access');
    return access && access.role === 'ADMIN' ? 'admin' : 'reader';
  }

  // ---- Views ----

  function selectView(name) {
    for (const tab of document.querySelectorAll('.view-tab')) {
      if (tab.dataset.view === name) {
        tab.setAttribute('aria-current', 'page');
      } else {
        tab.removeAttribute('aria-current');
      }
    }
    for (const view of document.querySelectorAll('.view')) {
      show(view, view.id === 'view-' + name);
    }
    if (name === 'overview' && state.chart) {
      sizeChart();
    }
    if (name === 'user') {
      $('search-input').focus();
    }
  }

  async function refresh() {
    message($('app-error'), '');
    await Promise.all([
      loadStatus().catch((e) => failed(e, 'Status')),
      loadUpcoming().catch((e) => failed(e, 'Next 24 hours')),
      loadSummary().catch((e) => failed(e, 'Last 7 days')),
      loadProblems().catch((e) => failed(e, 'Failed and expired')),
    ]);
    if (state.user) {
      await showUser(state.user.id).catch((e) => failed(e, 'User'));
    }
  }

  // ---- Health: breaker and queue lag ----

  async function loadStatus() {
    const status = await api('GET', '/greetings/status');
    const breaker = $('breaker');
    const name = String(status.circuitBreaker || 'UNKNOWN');
    breaker.textContent = name;
    breaker.className = 'chip';
    if (/^[A-Z_]+$/.test(name)) {
      breaker.classList.add('chip-' + name.toLowerCase());
    }
    $('lag').textContent = status.oldestDueAgeSeconds ? duration(status.oldestDueAgeSeconds * 1000) : '0 s';
    $('due').textContent = String(status.due ?? 0);
  }

  // ---- Next 24 hours ----

  async function loadUpcoming() {
    const upcoming = await api('GET', '/greetings/upcoming?hours=24');
    const hours = upcoming.hours || [];
    const occasions = [...new Set(hours.flatMap((h) => Object.keys(h.byOccasion || {})))].sort();
    const total = hours.reduce((sum, h) => sum + (h.total || 0), 0);
    $('upcoming-total').textContent =
      plural(total, 'greeting', 'greetings') + ' planned from ' + utc(upcoming.from) + ', hour by hour (UTC).';

    const head = $('upcoming-head');
    head.replaceChildren(el('th', 'Hour (UTC)'));
    for (const occasion of occasions) {
      head.append(el('th', occasionName(occasion), 'num'));
    }
    head.append(el('th', 'Total', 'num'));
    for (const th of head.children) {
      th.scope = 'col';
    }
    const body = $('upcoming-table').tBodies[0];
    clear(body);
    for (const hour of hours) {
      const row = el('tr', null, hour.total ? null : 'zero');
      row.dataset.start = hour.start;
      row.append(el('td', utc(hour.start)));
      for (const occasion of occasions) {
        row.append(el('td', (hour.byOccasion || {})[occasion] || 0, 'num'));
      }
      row.append(el('td', hour.total || 0, 'num'));
      body.append(row);
    }
    drawChart(hours, occasions);
  }

  function drawChart(hours, occasions) {
    const box = $('chart');
    if (state.chart) {
      state.chart.destroy();
      state.chart = null;
    }
    clear(box);
    if (typeof uPlot === 'undefined') {
      box.append(el('p', 'The chart library did not load; the table below has the numbers.', 'empty'));
      return;
    }
    const xs = hours.map((h) => Date.parse(h.start) / 1000);
    const raw = occasions.map((o) => hours.map((h) => (h.byOccasion || {})[o] || 0));
    // Stacked bars: each series is drawn at the height of itself plus those below it, the
    // tallest first, so that the later (lower) ones paint over it. The legend shows raw counts.
    const stacked = raw.map((_, i) => hours.map((_, j) => raw.slice(0, i + 1).reduce((s, r) => s + r[j], 0)));
    const order = occasions.map((_, i) => i).reverse();
    const bars = uPlot.paths.bars({ size: [0.7, 48] });
    const max = Math.max(0, ...hours.map((h) => h.total || 0));
    const series = [
      { label: 'Hour (UTC)', value: (u, v) => (v === null ? '–' : new Date(v * 1000).toISOString().slice(11, 16)) },
    ];
    for (const i of order) {
      series.push({
        label: occasionName(occasions[i]),
        stroke: OCCASION_COLOURS[i % OCCASION_COLOURS.length],
        fill: OCCASION_COLOURS[i % OCCASION_COLOURS.length],
        width: 0,
        paths: bars,
        points: { show: false },
        value: (u, v, s, idx) => (idx === null || idx === undefined ? '–' : String(raw[i][idx])),
      });
    }
    const options = {
      width: chartWidth(),
      height: chartHeight(),
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
      cursor: { drag: { x: false, y: false } },
      scales: {
        x: { time: true, range: (u, min, maxX) => [min - 1800, maxX + 1800] },
        y: { range: () => [0, max < 4 ? 4 : Math.ceil(max * 1.1)] },
      },
      axes: [
        { values: (u, ticks) => ticks.map((t) => new Date(t * 1000).toISOString().slice(11, 16)) },
        { incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 50000, 100000], values: (u, ticks) => ticks.map((t) => String(t)) },
      ],
      series,
    };
    const data = [xs, ...order.map((i) => stacked[i])];
    if (occasions.length === 0) {
      options.series.push({ label: 'Greetings', stroke: OCCASION_COLOURS[0], fill: OCCASION_COLOURS[0], width: 0, paths: bars, points: { show: false } });
      data.push(hours.map(() => 0));
    }
    state.chart = new uPlot(options, data, box);
  }

  function chartWidth() {
    return Math.max(260, $('chart').clientWidth || $('view-overview').clientWidth - 40);
  }

  function chartHeight() {
    return window.matchMedia('(max-width: 600px)').matches ? 220 : 280;
  }

  function sizeChart() {
    if (state.chart && $('chart').clientWidth > 0) {
      state.chart.setSize({ width: chartWidth(), height: chartHeight() });
    }
  }

  // ---- Today and the last 7 days ----

  async function loadSummary() {
    const summary = await api('GET', '/greetings/summary?days=7');
    const days = summary.days || [];
    const body = $('summary-table').tBodies[0];
    clear(body);
    for (const day of [...days].reverse()) {
      const row = el('tr');
      row.dataset.date = day.date;
      row.append(
        el('td', day.date),
        el('td', day.sent ?? 0, 'num'),
        el('td', day.failed ?? 0, 'num'),
        el('td', day.expired ?? 0, 'num'),
        el('td', day.skipped ?? 0, 'num'),
        el('td', day.sending ?? 0, 'num'),
        el('td', duration(day.latenessP50Ms), 'num'),
        el('td', duration(day.latenessP99Ms), 'num'),
      );
      body.append(row);
    }
    const today = days[days.length - 1];
    $('today-date').textContent = today ? today.date + ' (UTC)' : '';
    for (const dd of $('today').querySelectorAll('dd[data-field]')) {
      const field = dd.dataset.field;
      const value = today ? today[field] : null;
      dd.textContent = field.startsWith('lateness') ? duration(value) : String(value ?? 0);
    }
  }

  // ---- Failed and expired ----

  async function loadProblems() {
    const pages = await Promise.all(
      PROBLEM_STATUSES.map((status) => api('GET', '/greetings?' + query({ status, limit: PAGE }))),
    );
    state.problems = [];
    state.cursors = {};
    PROBLEM_STATUSES.forEach((status, i) => {
      state.problems.push(...(pages[i].greetings || []));
      state.cursors[status] = pages[i].next || null;
    });
    renderProblems();
  }

  async function moreProblems() {
    const button = $('problems-more');
    button.disabled = true;
    try {
      for (const status of PROBLEM_STATUSES) {
        const after = state.cursors[status];
        if (after) {
          const page = await api('GET', '/greetings?' + query({ status, limit: PAGE, after }));
          state.problems.push(...(page.greetings || []));
          state.cursors[status] = page.next || null;
        }
      }
      renderProblems();
    } catch (error) {
      failed(error, 'Failed and expired');
    } finally {
      button.disabled = false;
    }
  }

  function newestFirst(a, b) {
    if (a.date !== b.date) {
      return a.date < b.date ? 1 : -1;
    }
    return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
  }

  function renderProblems() {
    state.problems.sort(newestFirst);
    const body = $('problems-table').tBodies[0];
    clear(body);
    for (const entry of state.problems) {
      body.append(problemRow(entry));
    }
    const failedCount = state.problems.filter((e) => e.status === 'FAILED').length;
    const expiredCount = state.problems.filter((e) => e.status === 'EXPIRED').length;
    const more = PROBLEM_STATUSES.some((s) => state.cursors[s]);
    $('problems-summary').textContent =
      plural(failedCount, 'failed', 'failed') + ', ' + plural(expiredCount, 'expired', 'expired') + (more ? ' shown; there are more.' : '.');
    $('problems-count').textContent = state.problems.length ? String(failedCount + expiredCount) + (more ? '+' : '') : '';
    show($('problems-empty'), state.problems.length === 0);
    show($('problems-more'), more);
  }

  function badge(status) {
    const name = String(status || '');
    const node = el('span', name, 'badge');
    if (/^[A-Z_]+$/.test(name)) {
      node.classList.add('badge-' + name.toLowerCase());
    }
    return node;
  }

  function retriedNote(entry) {
    if (!entry.retriedAt && !entry.retriedBy) {
      return null;
    }
    return 'Retried by ' + (entry.retriedBy || 'someone') + ' at ' + utc(entry.retriedAt, true);
  }

  function problemRow(entry) {
    const row = el('tr');
    row.dataset.greetingId = entry.id;
    row.dataset.status = entry.status;
    const status = el('td', null, 'status');
    status.append(badge(entry.status));
    const user = el('td', null, 'user');
    if (entry.maskedEmail) {
      const open = el('button', entry.maskedEmail, 'link');
      open.type = 'button';
      open.title = 'Show this user\'s timeline';
      open.addEventListener('click', () => openUser(entry.userId));
      user.append(open);
    } else {
      user.textContent = 'deleted user';
      user.classList.add('muted');
    }
    const action = el('td', null, 'admin-only', 'action');
    const outcome = el('span', null, 'retry-note');
    if (state.role === 'admin' && (entry.status === 'FAILED' || entry.status === 'EXPIRED')) {
      let current = row;
      const replace = (updated) => {
        const index = state.problems.findIndex((e) => e.id === updated.id);
        const merged = { ...(index >= 0 ? state.problems[index] : entry), ...updated };
        if (index >= 0) {
          state.problems[index] = merged;
        }
        const fresh = problemRow(merged);
        current.replaceWith(fresh);
        current = fresh;
        return fresh;
      };
      action.append(retryButton(entry, outcome, replace));
    }
    action.append(outcome);
    const greeting = el('td', null, 'greeting');
    greeting.append(el('span', entry.date, 'date'), el('span', occasionName(entry.occasion), 'occasion', 'sub'));
    const updated = el('td', null, 'updated');
    updated.append(el('span', utc(entry.updatedAt) || '–'));
    const retried = retriedNote(entry);
    if (retried) {
      updated.append(el('span', retried, 'retried', 'sub'));
    }
    row.append(
      status,
      greeting,
      user,
      cell(entry.attempts ?? 0, 'num', 'attempts'),
      cell(entry.lastError, 'reason'),
      updated,
      action,
    );
    return row;
  }

  /**
   * A Retry button for a FAILED or EXPIRED greeting. {@code replace} puts an updated entry in the
   * page and returns the element that shows it now. After the retry the greeting is followed
   * until its new attempt has an outcome.
   */
  function retryButton(entry, outcome, replace, force) {
    const button = el('button', force ? 'Retry anyway' : 'Retry', 'button', 'button-small', 'retry');
    button.type = 'button';
    button.addEventListener('click', async () => {
      button.disabled = true;
      button.textContent = 'Retrying…';
      try {
        const path = '/greetings/' + encodeURIComponent(entry.id) + '/retry' + (force ? '?force=true' : '');
        const updated = await api('POST', path);
        const shown = replace({ ...updated, userId: updated.userId || entry.userId });
        follow({ ...entry, ...updated }, replace, shown);
      } catch (error) {
        if (error instanceof SignedOut) {
          return;
        }
        button.disabled = false;
        button.textContent = force ? 'Retry anyway' : 'Retry';
        const refusal = error.problem && error.problem.refusal;
        outcome.textContent = refusal ? 'Refused: ' + refusal + (error.message ? ' (' + error.message + ')' : '') : 'Retry failed: ' + error.message;
        if (refusal === 'PAST_MAX_LATENESS' && !force) {
          button.replaceWith(retryButton(entry, outcome, replace, true));
        }
      }
    });
    return button;
  }

  /** Reads the greeting again every second until its new attempt is SENT, FAILED, ... */
  function follow(entry, replace, shown) {
    const session = state.session;
    const until = Date.now() + FOLLOW_FOR_MS;
    const tick = async () => {
      if (session !== state.session || !shown.isConnected) {
        return;
      }
      try {
        const greetings = await api('GET', '/user/' + encodeURIComponent(entry.userId) + '/greetings');
        const now = (greetings.history || []).find((g) => g.id === entry.id);
        if (now) {
          shown = replace({ ...entry, ...now });
          entry = { ...entry, ...now };
          if (FINAL.has(now.status)) {
            loadSummary().catch((e) => failed(e, 'Last 7 days'));
            return;
          }
        }
      } catch (error) {
        if (error instanceof SignedOut) {
          return;
        }
      }
      if (Date.now() < until) {
        window.setTimeout(tick, FOLLOW_EVERY_MS);
      }
    };
    window.setTimeout(tick, FOLLOW_EVERY_MS);
  }

  // ---- A user and their timeline ----

  async function search(event) {
    event.preventDefault();
    const q = $('search-input').value.trim();
    if (!q) {
      return;
    }
    const submit = $('search-submit');
    submit.disabled = true;
    message($('search-message'), 'Looking…');
    try {
      let id = null;
      if (UUID.test(q)) {
        id = q;
      } else {
        const page = await api('GET', '/user?' + query({ email: q }));
        const found = (page.users || [])[0];
        if (!found) {
          state.user = null;
          show($('user-card'), false);
          message($('search-message'), 'No user has the email ' + q + '.', true);
          return;
        }
        id = found.id;
      }
      await showUser(id);
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) {
        state.user = null;
        show($('user-card'), false);
        message($('search-message'), 'No user has the id ' + q + '.', true);
      } else if (error instanceof ApiError && error.status === 400) {
        message($('search-message'), 'Not an email or a user id: ' + error.message, true);
      } else {
        failed(error, 'User');
        message($('search-message'), '');
      }
    } finally {
      submit.disabled = false;
    }
  }

  function openUser(id) {
    selectView('user');
    $('search-input').value = id;
    message($('search-message'), 'Looking…');
    showUser(id).catch((error) => {
      if (error instanceof ApiError && error.status === 404) {
        message($('search-message'), 'This user no longer exists.', true);
      } else {
        failed(error, 'User');
      }
    });
  }

  async function showUser(id) {
    const path = '/user/' + encodeURIComponent(id);
    const [user, greetings] = await Promise.all([api('GET', path), api('GET', path + '/greetings')]);
    state.user = user;
    message($('search-message'), '');
    $('user-name').textContent = [user.firstName, user.lastName].filter(Boolean).join(' ');
    for (const dd of $('user-facts').querySelectorAll('dd[data-field]')) {
      const value = user[dd.dataset.field];
      if (Array.isArray(value)) {
        dd.textContent = value.length ? value.join(', ') : 'nothing';
      } else if (dd.dataset.field === 'createdAt') {
        dd.textContent = utc(value) || '–';
      } else {
        dd.textContent = value === null || value === undefined || value === '' ? '–' : String(value);
      }
    }
    renderTimeline(user, greetings);
    show($('user-card'), true);
  }

  /** Planned (upcoming and pending rows) and the log, one entry per greeting id. */
  function timelineEntries(user, greetings) {
    const entries = new Map();
    for (const logged of greetings.history || []) {
      entries.set(logged.id, { kind: 'log', at: logged.dueAt, ...logged });
    }
    for (const row of greetings.pending || []) {
      const known = entries.get(row.id);
      if (known) {
        known.pending = row;
      } else {
        const [, occasion, date] = String(row.id).split(':');
        entries.set(row.id, { kind: 'pending', id: row.id, occasion, date, at: row.executionTime, status: row.picked ? 'SENDING' : 'PLANNED', pending: row });
      }
    }
    for (const upcoming of user.upcomingGreetings || []) {
      const id = user.id + ':' + upcoming.occasion + ':' + upcoming.date;
      const known = entries.get(id);
      if (known) {
        known.sendAt = upcoming.sendAt;
      } else {
        entries.set(id, { kind: 'upcoming', id, occasion: upcoming.occasion, date: upcoming.date, at: upcoming.sendAt, sendAt: upcoming.sendAt, status: 'PLANNED' });
      }
    }
    const planned = (e) => e.kind !== 'log' || e.status === 'SENDING';
    return [...entries.values()].sort((a, b) => {
      if (planned(a) !== planned(b)) {
        return planned(a) ? -1 : 1;
      }
      const at = (e) => Date.parse(e.at) || 0;
      return at(a) === at(b) ? (a.id < b.id ? 1 : -1) : at(b) - at(a);
    });
  }

  function renderTimeline(user, greetings) {
    const list = $('timeline');
    clear(list);
    const entries = timelineEntries(user, greetings);
    for (const entry of entries) {
      list.append(timelineItem({ ...entry, userId: user.id }));
    }
    show($('timeline-empty'), entries.length === 0);
  }

  function timelineItem(entry) {
    const status = String(entry.status || '');
    const item = el('li', null, /^[A-Z_]+$/.test(status) ? 't-' + status.toLowerCase() : null);
    item.dataset.greetingId = entry.id;
    item.dataset.status = status;
    const head = el('div', null, 't-head');
    head.append(badge(status), el('span', occasionName(entry.occasion) + ' ' + entry.date, 't-what'));
    item.append(head);

    const details = [];
    if (entry.kind === 'upcoming') {
      details.push('Due ' + utc(entry.sendAt) + ' (not queued yet)');
    } else if (entry.kind === 'pending') {
      details.push((entry.pending.picked ? 'Being sent; picked ' : 'Queued; due ') + utc(entry.pending.executionTime));
    } else {
      details.push('Due ' + utc(entry.dueAt) + ' · ' + plural(entry.attempts ?? 0, 'attempt', 'attempts'));
      if (entry.sentAt) {
        details.push('Sent ' + utc(entry.sentAt, true) + (entry.providerMessageId ? ' · provider id ' + entry.providerMessageId : ''));
      }
      if (entry.nextAttemptAt && !FINAL.has(status)) {
        details.push('Next attempt ' + utc(entry.nextAttemptAt, true));
      }
    }
    for (const text of details) {
      item.append(el('div', text, 't-detail'));
    }
    if (entry.lastError) {
      item.append(el('div', 'Reason: ' + entry.lastError, 't-detail', 'reason'));
    }
    const retried = retriedNote(entry);
    if (retried) {
      item.append(el('div', retried, 't-detail', 'retried'));
    }
    if (state.role === 'admin' && entry.kind === 'log' && (status === 'FAILED' || status === 'EXPIRED')) {
      const outcome = el('span', null, 'retry-note');
      let current = item;
      const replace = (updated) => {
        const fresh = timelineItem({ ...entry, ...updated, kind: 'log' });
        current.replaceWith(fresh);
        current = fresh;
        return fresh;
      };
      const actions = el('div', null, 't-actions');
      actions.append(retryButton(entry, outcome, replace), outcome);
      item.append(actions);
    }
    return item;
  }

  // ---- Wiring ----

  function init() {
    $('signin-form').addEventListener('submit', signIn);
    $('sign-out').addEventListener('click', () => signOut('Signed out.'));
    $('refresh').addEventListener('click', () => refresh());
    $('search-form').addEventListener('submit', search);
    $('problems-more').addEventListener('click', moreProblems);
    for (const tab of document.querySelectorAll('.view-tab')) {
      tab.addEventListener('click', () => selectView(tab.dataset.view));
    }
    if (typeof ResizeObserver !== 'undefined') {
      new ResizeObserver(() => sizeChart()).observe($('view-overview'));
    } else {
      window.addEventListener('resize', sizeChart);
    }
    if (token()) {
      start();
    } else {
      signOut('');
    }
  }

  init();
})();
