// Lab faults (#/faults): what GET /api/v1/faults lists, the lasting ones still active with the
// button that ends them, and a form for any fault. The hosts' and VMs' views offer the faults that
// hit them. Only a lab has fault injection: elsewhere the API answers 403, and then this view shows
// that answer and no view offers a fault. The list is read again at once when this node's event log
// reports a fault (FaultInjected, FaultHealed), and every few seconds for the faults injected
// through other nodes (a fault's event is logged only by the node that took the request).
import { h, $, dash, time, morphChildren, Refresher } from './ui.js';
import { Actions } from './actions.js';

/** The fault that ends a lasting one, as the list's button offers it. */
const ENDS = { freeze: 'thaw', partition: 'heal', 'datastore-off': 'datastore-on' };
const SHOWN_PERIOD_MS = 5000;
const HIDDEN_PERIOD_MS = 15000;

export class FaultsView {
  constructor(api, actions, hosts) {
    this.api = api;
    this.actions = actions;
    this.hosts = hosts;
    this.faults = [];
    /** null until the API said; true in a lab; false when it refused (403). */
    this.lab = null;
    this.changed = () => {};
    // Not a lab stays not a lab: no need to ask again.
    this.refresher = new Refresher(() => this.read(),
      visible => this.lab === false ? null : visible ? SHOWN_PERIOD_MS : HIDDEN_PERIOD_MS);
    $('faults').addEventListener('click', async e => {
      const button = e.target.closest('button[data-end]');
      const fault = button && this.faults.find(f => f.id === button.dataset.id);
      if (fault) this.after(this.actions.fault(ENDS[fault.kind], { hosts: fault.hosts }));
    });
    $('fault-inject').addEventListener('click', () => this.after(this.actions.anyFault(this.hosts())));
    $('fault-heal').addEventListener('click', () => this.after(this.actions.fault('heal', {})));
  }

  /** Calls {@code listener} when the API has said whether this is a lab, or the active faults changed. */
  onChange(listener) {
    this.changed = listener;
  }

  start() {
    this.refresher.start();
  }

  stop() {
    this.refresher.stop();
  }

  show(visible) {
    this.refresher.show(visible);
  }

  event(e) {
    if (/^Fault/.test(e.type)) this.refresher.changed();
  }

  async after(done) {
    await done;
    this.refresher.now();
  }

  /** The active lasting fault of {@code kind} on {@code host}, if any. */
  active(kind, host) {
    return this.faults.find(f => f.active && f.kind === kind && f.hosts.includes(host));
  }

  async read() {
    let answered = true;
    try {
      this.faults = await this.api.get('/api/v1/faults');
      this.lab = true;
      $('faults-problem').hidden = true;
    } catch (e) {
      answered = false;
      $('faults-problem').hidden = false;
      $('faults-problem').textContent = `${e.status ? e.status + ': ' : ''}${e.message}`;
      if (e.status === 403) {
        this.lab = false;
        this.faults = [];
      }
    }
    this.render();
    this.changed();
    return answered;
  }

  render() {
    // Not a lab: the API's answer says so, and an empty list would only add noise.
    $('faults').hidden = this.lab === false;
    $('fault-inject').hidden = !this.lab;
    $('fault-heal').hidden = !this.lab;
    $('no-faults').hidden = !this.lab || this.faults.length > 0;
    const active = this.faults.filter(f => f.active).length;
    $('faults-summary').textContent = this.lab ? `${active} active of ${this.faults.length} injected` : '';
    const count = $('fault-count');
    count.hidden = !active;
    count.textContent = active;
    count.setAttribute('aria-label', `${active} active faults`);
    morphChildren($('faults').tBodies[0], [...this.faults].reverse().map(f => h('tr', {
      dataset: { key: f.id, id: f.id, kind: f.kind }, class: f.active ? 'active' : null,
    },
      h('td', { title: f.at }, time(f.at)), h('td', {}, f.id), h('th', { scope: 'row' }, f.kind),
      h('td', {}, f.vm || f.hosts.join(', ') || '–'), h('td', {}, f.from.join(', ') || '–'),
      h('td', { dataset: { field: 'state' } }, f.active ? h('span', { class: 'badge notResponding' }, 'active')
        : f.endedAt ? `ended ${time(f.endedAt)}` : '–'),
      h('td', {}, dash(f.by)), h('td', { class: 'message' }, f.detail),
      h('td', {}, f.active ? h('button', { type: 'button', dataset: { end: ENDS[f.kind], id: f.id } },
        `${Actions.FAULTS[ENDS[f.kind]].label}…`) : null))));
  }
}
