/**
 * The viewer's one page: self-contained (inline CSS and JS, statecharts inlined as SVG), so it works with no
 * network at all. It connects back to `/feed` on the same host, paints each machine's chart, highlights the active
 * states of the selected actor of that machine (the root, the lobby, one peer at a time: click a peer to follow it),
 * lists every actor with its state, and keeps a scrolling event log.
 */
import type { Chart, ChartState } from './chart.js';
import { SVG_CLUSTER_ID_PREFIX, SVG_STATE_ID_PREFIX } from './dot.js';

export interface ViewerChart {
  readonly chart: Chart;
  /** The rendered statechart, or undefined when no SVG renderer is installed (a state tree is drawn instead). */
  readonly svg: string | undefined;
}

export function viewerPage(charts: readonly ViewerChart[], options: { readonly logLimit: number }): string {
  const sections = charts
    .map(
      ({ chart, svg }) => `<section class="chart" data-machine="${attr(chart.machineId)}">
  <div class="chart-head"><h2>${text(chart.name)} <span class="following" data-following></span></h2>${svg === undefined ? '' : zoomControl(chart.name)}</div>
  <div class="drawing">${svg === undefined ? stateTree(chart.root) : inlineSvg(svg)}</div>
</section>`,
    )
    .join('\n');
  const config = JSON.stringify({
    machines: charts.map(({ chart }) => ({ name: chart.name, machineId: chart.machineId })),
    logLimit: options.logLimit,
  }).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>lobbykit inspector</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>${STYLE}</style>
</head>
<body>
<header><h1>lobbykit inspector</h1><span id="connection" class="offline">connecting…</span></header>
<main>
  <aside>
    <h2>Actors</h2>
    <ul id="actors"></ul>
  </aside>
  <div id="charts">
${sections}
  </div>
  <section id="log-panel"><h2>Events <span id="log-count"></span></h2><ol id="log"></ol></section>
</main>
<script id="config" type="application/json">${config}</script>
<script>${SCRIPT}</script>
</body>
</html>
`;
}

/**
 * A chart opens fitted to the panel's width (never enlarged past its actual size); these buttons zoom it, and the
 * level shown is the share of its actual size.
 */
function zoomControl(name: string): string {
  return `<div class="zoom" role="group" aria-label="Zoom the ${attr(name)} chart">\
<button type="button" data-zoom="out" title="Zoom out" aria-label="Zoom out">−</button>\
<output data-zoom-level aria-live="polite"></output>\
<button type="button" data-zoom="in" title="Zoom in" aria-label="Zoom in">+</button>\
<button type="button" data-zoom="fit" title="Fit to the panel's width" aria-label="Fit to width">Fit</button>\
<button type="button" data-zoom="actual" title="Actual size" aria-label="Actual size">100%</button></div>`;
}

/** SVG from Graphviz, minus the XML prolog and doctype, which are not allowed inside HTML. */
function inlineSvg(svg: string): string {
  const start = svg.indexOf('<svg');
  return start < 0 ? '' : svg.slice(start);
}

/** Fallback drawing: the state tree as nested lists, with the same element ids the SVG has. */
function stateTree(state: ChartState): string {
  const prefix = state.children.length > 0 ? SVG_CLUSTER_ID_PREFIX : SVG_STATE_ID_PREFIX;
  const kids = state.children.length > 0 ? `<ul>${state.children.map(stateTree).join('')}</ul>` : '';
  return `<ul class="tree"><li><span class="state" id="${attr(prefix + state.id)}">${text(state.key)}</span>${kids}</li></ul>`;
}

function text(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function attr(value: string): string {
  return text(value).replace(/"/g, '&quot;');
}

const STYLE = `
* { box-sizing: border-box; }
body { margin: 0; font: 13px/1.4 system-ui, sans-serif; color: #222; background: #f4f5f7; }
header { display: flex; align-items: center; gap: 12px; padding: 8px 16px; background: #1d2733; color: #fff; }
header h1 { font-size: 16px; margin: 0; font-weight: 600; }
#connection { font-size: 12px; padding: 2px 8px; border-radius: 10px; background: #3c8c4c; }
#connection.offline { background: #a33; }
main { display: grid; grid-template-columns: 330px 1fr; grid-template-rows: 1fr 220px; height: calc(100vh - 40px); }
aside { grid-row: 1 / 3; overflow: auto; padding: 8px 12px; background: #fff; border-right: 1px solid #ddd; }
h2 { font-size: 13px; margin: 4px 0 8px; text-transform: uppercase; letter-spacing: .04em; color: #555; }
#actors { list-style: none; padding: 0; margin: 0; }
#actors li { padding: 6px 8px; margin-bottom: 4px; border-radius: 6px; background: #f7f7f9; border: 1px solid #e3e3e8; cursor: pointer; }
#actors li.selected { border-color: #d48806; background: #fff8e1; }
#actors li.finished { opacity: .55; }
#actors .name { font-weight: 600; font-family: ui-monospace, monospace; font-size: 12px; word-break: break-all; }
#actors .top { display: inline-block; margin-left: 6px; padding: 0 6px; border-radius: 8px; background: #dfe7f3; font-size: 11px; }
#actors .top.good { background: #cdeccf; }
#actors .top.bad { background: #f6d0cf; }
#actors .value { color: #666; font-size: 11px; font-family: ui-monospace, monospace; }
#charts { overflow: auto; padding: 8px 12px; }
.chart { background: #fff; border: 1px solid #ddd; border-radius: 8px; padding: 8px; margin-bottom: 12px; }
.chart .following { text-transform: none; letter-spacing: 0; color: #a36b00; font-weight: 400; }
.chart-head { display: flex; align-items: center; justify-content: space-between; gap: 12px; }
.zoom { display: flex; align-items: center; gap: 4px; flex: none; }
.zoom button { font: inherit; min-width: 28px; padding: 2px 8px; border: 1px solid #c9ced6; border-radius: 4px; background: #f7f7f9; cursor: pointer; }
.zoom button:hover { background: #e9edf3; }
.zoom button[aria-pressed="true"] { border-color: #d48806; background: #fff8e1; }
.zoom output { min-width: 44px; text-align: center; font-variant-numeric: tabular-nums; color: #555; }
/* Zoomed in, a chart scrolls inside its box, which stays short enough to keep the next chart in view. */
.drawing { overflow: auto; max-height: 75vh; }
.drawing svg { display: block; max-width: 100%; height: auto; }
.drawing.zoomed svg { max-width: none; }
g.node.active > path, g.node.active > polygon, g.node.active > ellipse { fill: #ffe58a; stroke: #d48806; stroke-width: 2.5px; }
g.cluster.active > path, g.cluster.active > polygon { stroke: #d48806; stroke-width: 2px; }
.tree { list-style: none; padding-left: 16px; margin: 0; }
.tree .state { display: inline-block; padding: 1px 6px; border-radius: 4px; border: 1px solid #ccc; margin: 2px 0; }
.tree .state.active { background: #ffe58a; border-color: #d48806; }
#log-panel { overflow: auto; padding: 8px 12px; background: #11161c; color: #cfd6de; }
#log-panel h2 { color: #8fa1b3; }
#log { margin: 0; padding: 0; list-style: none; font: 11px/1.45 ui-monospace, monospace; }
#log li { white-space: nowrap; }
#log .t { color: #6d7f91; } #log .ev { color: #ffd479; } #log .route { color: #8fb8e0; } #log .internal { opacity: .6; }
`;

// Plain ES2020, no template literals, so it sits safely inside this TypeScript template string.
const SCRIPT = `
(function () {
  'use strict';
  var config = JSON.parse(document.getElementById('config').textContent);
  var actors = new Map();
  var following = new Map();
  var logEl = document.getElementById('log');
  var GOOD = { joined: 1, connected: 1, allConnected: 1, inLobby: 1 };
  var BAD = { failed: 1, closed: 1, retrying: 1 };

  function topStates(actor) {
    var seen = [];
    actor.value.forEach(function (path) {
      var top = path.split('.')[0];
      if (seen.indexOf(top) < 0) seen.push(top);
    });
    return seen.join(' ');
  }

  function isPeer(actor) { return actor.machineId === 'peerSession'; }

  function selectedFor(machineId) {
    var chosen = following.get(machineId);
    if (chosen && actors.has(chosen)) return actors.get(chosen);
    var fallback;
    actors.forEach(function (a) {
      if (a.machineId !== machineId) return;
      if (!fallback || (fallback.status !== 'active' && a.status === 'active')) fallback = a;
    });
    return fallback;
  }

  function renderActors() {
    var list = document.getElementById('actors');
    var items = [];
    actors.forEach(function (a) { if (a.machineId) items.push(a); });
    var order = function (a) { return a.machineId === 'session' ? 0 : a.machineId === 'lobby' ? 1 : a.machineId === 'lobbyList' ? 2 : isPeer(a) ? 4 : 3; };
    items.sort(function (a, b) { return order(a) - order(b) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0); });
    list.textContent = '';
    items.forEach(function (a) {
      var li = document.createElement('li');
      var top = topStates(a);
      li.dataset.actor = a.name;
      li.dataset.machine = a.machineId;
      li.dataset.state = top;
      li.dataset.status = a.status;
      if (isPeer(a)) li.dataset.peer = '1';
      if (a.status !== 'active') li.classList.add('finished');
      var sel = selectedFor(a.machineId);
      if (sel && sel.id === a.id) li.classList.add('selected');
      var name = document.createElement('span'); name.className = 'name'; name.textContent = a.name;
      var badge = document.createElement('span'); badge.className = 'top'; badge.textContent = top || a.status;
      top.split(' ').forEach(function (t) { if (GOOD[t]) badge.classList.add('good'); if (BAD[t]) badge.classList.add('bad'); });
      var value = document.createElement('div'); value.className = 'value'; value.textContent = a.value.join('  ·  ');
      li.appendChild(name); li.appendChild(badge); li.appendChild(value);
      li.addEventListener('click', function () { following.set(a.machineId, a.id); render(); });
      list.appendChild(li);
    });
  }

  function renderCharts() {
    document.querySelectorAll('section.chart').forEach(function (section) {
      var machineId = section.dataset.machine;
      section.querySelectorAll('.active').forEach(function (el) { el.classList.remove('active'); });
      var actor = selectedFor(machineId);
      section.querySelector('[data-following]').textContent = actor ? '— ' + actor.name + ' (' + actor.status + ')' : '— no actor yet';
      if (!actor) return;
      actor.stateIds.forEach(function (id) {
        ['state:', 'cluster:'].forEach(function (prefix) {
          var el = document.getElementById(prefix + id);
          if (el && section.contains(el)) el.classList.add('active');
        });
      });
    });
  }

  var pending = false;
  function render() { renderActors(); renderCharts(); }
  function schedule() {
    if (pending) return;
    pending = true;
    requestAnimationFrame(function () { pending = false; render(); });
  }

  function addLog(entries) {
    var stick = logEl.parentElement.scrollTop + logEl.parentElement.clientHeight >= logEl.parentElement.scrollHeight - 4;
    entries.forEach(function (e) {
      var li = document.createElement('li');
      if (e.event.indexOf('xstate.') === 0) li.className = 'internal';
      var t = document.createElement('span'); t.className = 't';
      t.textContent = '#' + e.seq + (e.time === undefined || e.time === null ? '' : ' ' + (e.time / 1000).toFixed(3) + 's') + ' ';
      var route = document.createElement('span'); route.className = 'route';
      route.textContent = (e.from ? e.from : '·') + ' → ' + e.to + ' ';
      var ev = document.createElement('span'); ev.className = 'ev'; ev.textContent = e.event;
      li.appendChild(t); li.appendChild(route); li.appendChild(ev);
      li.appendChild(document.createTextNode(e.detail ? '  ' + e.detail : ''));
      logEl.appendChild(li);
    });
    while (logEl.childElementCount > config.logLimit) logEl.removeChild(logEl.firstElementChild);
    document.getElementById('log-count').textContent = logEl.childElementCount ? '(last ' + logEl.childElementCount + ')' : '';
    if (stick) logEl.parentElement.scrollTop = logEl.parentElement.scrollHeight;
  }

  function apply(update) {
    update.actors.forEach(function (a) { actors.set(a.id, a); });
    if (update.log.length) addLog(update.log);
    schedule();
  }

  // Zoom: "fit" keeps a chart within the panel's width (CSS max-width); a number is a share of its actual size.
  var ZOOM_FACTOR = 1.25;
  var ZOOM_MIN = 0.1;
  var ZOOM_MAX = 4;
  var zoomables = [];
  document.querySelectorAll('section.chart').forEach(function (section) {
    var drawing = section.querySelector('.drawing');
    var svg = drawing.querySelector('svg');
    var control = section.querySelector('.zoom');
    if (!svg || !control) return;
    var natural = svg.width.baseVal.value;
    var zoom = { mode: 'fit', scale: 1 };
    function shown() { return svg.getBoundingClientRect().width / natural; }
    function paint() {
      var fit = zoom.mode === 'fit';
      drawing.classList.toggle('zoomed', !fit);
      svg.style.width = fit ? '' : Math.round(natural * zoom.scale) + 'px';
      control.querySelector('[data-zoom-level]').textContent = Math.round(shown() * 100) + '%';
      control.querySelector('[data-zoom="fit"]').setAttribute('aria-pressed', String(fit));
    }
    function step(factor) {
      zoom = { mode: 'scale', scale: Math.min(ZOOM_MAX, Math.max(ZOOM_MIN, shown() * factor)) };
    }
    control.addEventListener('click', function (e) {
      var what = e.target.closest('[data-zoom]');
      if (!what) return;
      var action = what.dataset.zoom;
      if (action === 'in') step(ZOOM_FACTOR);
      else if (action === 'out') step(1 / ZOOM_FACTOR);
      else if (action === 'actual') zoom = { mode: 'scale', scale: 1 };
      else zoom = { mode: 'fit', scale: 1 };
      paint();
    });
    zoomables.push(paint);
    paint();
  });
  window.addEventListener('resize', function () { zoomables.forEach(function (paint) { paint(); }); });

  function connect() {
    var status = document.getElementById('connection');
    var ws = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/feed');
    ws.onopen = function () { status.textContent = 'live'; status.className = ''; };
    ws.onmessage = function (m) {
      var msg = JSON.parse(m.data);
      if (msg.type === 'hello') { actors.clear(); logEl.textContent = ''; }
      apply(msg);
    };
    ws.onclose = function () {
      status.textContent = 'disconnected — retrying'; status.className = 'offline';
      setTimeout(connect, 1000);
    };
  }
  connect();
})();
`;
