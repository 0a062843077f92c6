// The event log (live, from GET /api/v1/events/stream) and the alarms, filterable.
import { h, $, time, morphChildren } from './ui.js';

const KEPT = 2000;

export class EventsView {
  constructor(api) {
    this.api = api;
    this.events = [];
    this.lastSeq = 0;
    this.types = new Set();
    this.listeners = [];
    $('filter-text').addEventListener('input', () => this.render());
    $('filter-type').addEventListener('change', () => this.render());
    $('event-filter').addEventListener('submit', e => e.preventDefault());
  }

  /** Calls {@code listener} with every event as it arrives (the charts mark some). */
  onEvent(listener) {
    this.listeners.push(listener);
  }

  start() {
    // named=false: every event arrives as a plain message, whatever its type (EventSource hears
    // named events only through a listener for that name, and new types come with new features).
    this.stream = this.api.stream(() => `/api/v1/events/stream?after=${this.lastSeq}&named=false`, {
      message: event => this.add(event),
    });
  }

  add(event) {
    if (event.seq <= this.lastSeq) return;
    this.lastSeq = event.seq;
    this.events.push(event);
    if (this.events.length > KEPT) this.events.splice(0, this.events.length - KEPT);
    if (!this.types.has(event.type)) {
      this.types.add(event.type);
      const select = $('filter-type');
      const chosen = select.value;
      morphChildren(select, [h('option', { value: '' }, 'all'), ...[...this.types].sort().map(t => h('option', { value: t }, t))]);
      select.value = chosen;
    }
    this.listeners.forEach(listener => listener(event));
    this.scheduleRender();
  }

  scheduleRender() {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => { this.pending = false; this.render(); });
  }

  render() {
    const text = $('filter-text').value.trim().toLowerCase();
    const type = $('filter-type').value;
    const shown = this.events.filter(e => (!type || e.type === type)
      && (!text || [e.type, e.subject, e.by, e.message].some(f => f && f.toLowerCase().includes(text))));
    $('event-count').textContent = `${shown.length} of ${this.events.length} events`;
    morphChildren($('events').tBodies[0], shown.slice(-500).reverse().map(e => h('tr', { dataset: { key: String(e.seq), type: e.type } },
      h('td', { title: e.time }, time(e.time)), h('td', {}, e.type), h('td', {}, e.subject), h('td', {}, e.by),
      h('td', { class: 'message' }, e.message))));
  }

  alarms(alarms) {
    const count = $('alarm-count');
    count.hidden = !alarms.length;
    count.textContent = alarms.length;
    count.setAttribute('aria-label', `${alarms.length} alarms`);
    $('no-alarms').hidden = alarms.length > 0;
    morphChildren($('alarms').tBodies[0], alarms.map(a => h('tr', { dataset: { key: `${a.entity}/${a.name}` } },
      h('td', { title: a.raisedAt }, time(a.raisedAt)), h('td', {}, a.entity), h('td', {}, a.name), h('td', { class: 'message' }, a.message))));
  }
}
