// DRS (#/drs): the cluster's DRS status and settings (GET/PATCH /api/v1/drs), its recommendations
// (GET /api/v1/drs/recommendations), each with an Apply button, and a round on demand. What DRS
// does between its rounds (new settings, recommendations made and applied, moves started, done
// or failed) comes in the event log (DrsConfigured, VmDrs*), and each such event brings the view
// up to date at once; the figures of a round (imbalance, loads, the rounds' count) have no event,
// so the shown view asks again once a DRS period, and the hidden one (for the count in the
// navigation) seldom, in case a recommendation lapsed without one.
import { h, $, fixed, dash, time, morphChildren, Refresher } from './ui.js';

const MIN_SHOWN_PERIOD_MS = 2000;
const MAX_SHOWN_PERIOD_MS = 30000;
const HIDDEN_PERIOD_MS = 30000;

export class DrsView {
  constructor(api, actions) {
    this.api = api;
    this.actions = actions;
    this.status = null;
    this.recommendations = [];
    this.visible = false;
    this.edited = false;
    // Shown and not answered (the singleton moving): ask again soon rather than a round later.
    this.refresher = new Refresher(visible => this.read(visible),
      (visible, answered) => !visible ? HIDDEN_PERIOD_MS : answered ? this.roundPeriod() : MIN_SHOWN_PERIOD_MS);
    $('drs-run').addEventListener('click', async () => { await this.actions.runDrs(); this.refresh(); });
    $('drs-recommendations').addEventListener('click', async e => {
      const button = e.target.closest('button[data-action="apply"]');
      const r = button && this.recommendations.find(x => x.id === button.dataset.id);
      if (!r) return;
      await this.actions.applyDrs(r);
      this.refresh();
    });
    const form = $('drs-settings');
    // The fields follow the cluster's settings until the user changes one; then they are the user's until saved or reset.
    form.addEventListener('input', () => { this.edited = true; });
    form.addEventListener('reset', e => { e.preventDefault(); this.edited = false; this.fillSettings(); });
    form.addEventListener('submit', async e => {
      e.preventDefault();
      const settings = {
        automation: $('drs-automation').value,
        threshold: Number($('drs-threshold').value),
        maxMoves: Number($('drs-max-moves').value),
      };
      const answer = await this.actions.configureDrs(settings, this.status);
      if (answer && answer.automation) {
        this.edited = false;
        this.refresh();
      }
    });
  }

  /** Starts following DRS (after sign-in). */
  start() {
    this.refresher.start();
  }

  stop() {
    this.refresher.stop();
  }

  /** The view is shown or hidden; shown, it is brought up to date at once. */
  show(visible) {
    this.visible = visible;
    this.refresher.show(visible);
  }

  /** An event from the log: one DRS logged (a recommendation, a move, new settings) brings the view up to date. */
  event(e) {
    if (/Drs/.test(e.type)) this.refresher.changed();
  }

  refresh() {
    return this.refresher.now();
  }

  /** Reads DRS's status (and, shown, its recommendations); false when it did not answer. */
  async read(visible) {
    try {
      if (visible) {
        const [status, recommendations] = await Promise.all([this.api.get('/api/v1/drs'), this.api.get('/api/v1/drs/recommendations')]);
        this.render(status, recommendations);
      } else {
        this.render(await this.api.get('/api/v1/drs'), this.recommendations);
      }
      $('drs-problem').hidden = true;
      return true;
    } catch (e) {
      // The DRS singleton moves with the cluster's oldest node; until it answers again, say so and keep what was shown.
      $('drs-problem').hidden = false;
      $('drs-problem').textContent = `DRS does not answer now (${e.status ? e.status + ': ' : ''}${e.message}); showing what it said last.`;
      return false;
    }
  }

  /** How often a round's figures change: DRS's period (10 s in the lab), within bounds; 10 s until DRS has said. */
  roundPeriod() {
    const period = this.status && this.status.periodSeconds ? 1000 * this.status.periodSeconds : 10000;
    return Math.min(MAX_SHOWN_PERIOD_MS, Math.max(MIN_SHOWN_PERIOD_MS, period));
  }

  render(status, recommendations) {
    this.status = status;
    this.recommendations = recommendations;
    const count = $('drs-count');
    count.hidden = !status.recommendations;
    count.textContent = status.recommendations;
    count.setAttribute('aria-label', `${status.recommendations} DRS recommendations`);
    if (!this.visible) return;
    // No target at threshold 1 (null): DRS then moves VMs only for rules and maintenance.
    const within = status.target == null || status.imbalance <= status.target;
    $('drs-summary').textContent = `${status.automation}, migration threshold ${status.threshold}`
      + ` · imbalance ${fixed(status.imbalance, 3)}`
      + (status.target == null ? '' : ` (target ≤ ${fixed(status.target, 3)}, ${within ? 'within' : 'above'})`);
    this.renderStatus(status, within);
    this.renderLoads(status);
    this.fillSettings();
    this.renderRecommendations(recommendations);
    this.renderMoves(status.recentMoves);
  }

  renderStatus(s, within) {
    const row = (term, value, field) => [h('dt', {}, term), h('dd', { dataset: { field } }, value)];
    morphChildren($('drs-status'), [
      ...row('Automation level', s.automation, 'automation'),
      ...row('Migration threshold', `${s.threshold} of 5 · at most ${s.maxMoves} moves a round`, 'threshold'),
      ...row('Imbalance', h('span', { class: within ? 'good' : 'bad' }, fixed(s.imbalance, 3)), 'imbalance'),
      ...row('Target', s.target == null
        ? 'none: threshold 1 moves VMs only for rules and maintenance' : `≤ ${fixed(s.target, 3)}`, 'target'),
      ...row('Rounds', `${s.rounds}, one every ${fixed(s.periodSeconds, 0)} s · last ${time(s.lastRound)}`, 'last-round'),
      ...row('Moves', `${s.movesRunning} running · ${s.movesDone} done · ${s.movesFailed} failed`, 'moves'),
      ...row('Connected hosts', s.connectedHosts, 'hosts'),
    ]);
    const faults = $('drs-faults');
    faults.hidden = !s.faults.length;
    faults.textContent = s.faults.length ? `DRS cannot: ${s.faults.join('; ')}` : '';
  }

  /** Each host's load as DRS counts it: its VMs' entitlements over its capacity. */
  renderLoads(s) {
    morphChildren($('drs-loads'), Object.entries(s.loads).map(([host, load]) => h('div', { class: 'drs-load', dataset: { key: host, host } },
      h('span', {}, host),
      h('div', { class: 'meter', role: 'meter', 'aria-label': `DRS load of ${host}`, 'aria-valuemin': 0, 'aria-valuemax': 100,
        'aria-valuenow': Math.round(100 * load) }, h('span', { style: `width:${Math.min(100, 100 * load).toFixed(1)}%` })),
      h('span', { class: 'num' }, `${(100 * load).toFixed(0)}%`))));
  }

  fillSettings() {
    if (this.edited || !this.status) return;
    $('drs-automation').value = this.status.automation;
    $('drs-threshold').value = this.status.threshold;
    $('drs-max-moves').value = this.status.maxMoves;
  }

  renderRecommendations(list) {
    $('drs-no-recommendations').hidden = list.length > 0;
    morphChildren($('drs-recommendations').tBodies[0], list.map(r => h('tr', { dataset: { key: r.id, id: r.id, vm: r.vm } },
      h('td', {}, r.id),
      h('td', { class: 'num' }, r.priority),
      h('th', { scope: 'row' }, h('a', { href: `#/vm/${encodeURIComponent(r.vm)}` }, r.vm)),
      h('td', { dataset: { field: 'from' } }, r.kind === 'place' ? 'power on' : dash(r.from)),
      h('td', { dataset: { field: 'to' } }, r.to),
      h('td', { dataset: { field: 'reason' } }, r.reason + (r.rule ? ` (${r.rule})` : '')),
      h('td', { class: 'num' }, r.kind === 'place' ? '–' : `${fixed(r.imbalanceBefore, 3)} → ${fixed(r.imbalanceAfter, 3)}`),
      h('td', { class: 'message' }, r.why),
      h('td', { title: r.since }, time(r.since)),
      h('td', {}, r.state === 'running' ? h('span', { class: 'badge running' }, 'running')
        : h('button', { type: 'button', dataset: { action: 'apply', id: r.id }, 'aria-label': `Apply ${r.id}: ${r.vm} to ${r.to}` }, 'Apply…')))));
  }

  renderMoves(moves) {
    $('drs-no-moves').hidden = moves.length > 0;
    morphChildren($('drs-moves').tBodies[0], [...moves].reverse().map(m => h('tr', { dataset: { key: `${m.id}/${m.at}`, vm: m.vm } },
      h('td', { title: m.at }, time(m.at)), h('td', {}, m.id), h('th', { scope: 'row' }, m.vm), h('td', {}, dash(m.from)),
      h('td', {}, m.to), h('td', {}, m.reason), h('td', {}, m.moved ? dash(m.how) : 'not moved'),
      h('td', { class: 'num' }, fixed(m.downtimeMs, 1)), h('td', { class: 'message' }, m.message))));
  }
}
