// One VM: its actions, details and snapshots, and its serial console (xterm.js) with input.
import { h, $, mips, fixed, dash, time, morphChildren, showError } from './ui.js';
import { Actions } from './actions.js';

/** Which operations a VM in a power state offers (the API refuses the others with 409 anyway). */
function operationsFor(vm) {
  switch (vm.desiredPowerState) {
    case 'poweredOff': return ['power-on'];
    case 'suspended': return ['resume', 'power-off'];
    case 'paused': return ['unpause', 'power-off', 'reset', 'suspend'];
    default: return ['power-off', 'shutdown', 'reset', 'pause', 'suspend'];
  }
}

export class VmView {
  constructor(api, actions, inventory) {
    this.api = api;
    this.actions = actions;
    this.inventory = inventory;
    this.name = null;
    this.console = null;
    this.terminal = null;
    /** The lab's faults (set by the page): guest faults show only in a lab. */
    this.faults = null;
    $('vm-actions').addEventListener('click', e => this.act(e.target.closest('button[data-action]')));
    $('snapshots').addEventListener('click', e => this.act(e.target.closest('button[data-action]')));
    $('take-snapshot').addEventListener('click', () => this.after(this.actions.takeSnapshot(this.name)));
    $('console-form').addEventListener('submit', e => {
      e.preventDefault();
      const input = $('console-input');
      this.type(input.value + '\n');
      input.value = '';
    });
  }

  async act(button) {
    if (!button) return;
    const vm = this.inventory.vm(this.name);
    const action = button.dataset.action;
    if (action === 'migrate') return this.actions.migrate(this.name, vm && vm.host, this.inventory.connectedHosts());
    if (action === 'delete') {
      const done = await this.actions.deleteVm(this.name);
      if (done) window.location.hash = '#/inventory';
      return done;
    }
    if (Actions.FAULTS[action]) return this.actions.fault(action, { vm: this.name });
    if (action === 'revert') return this.after(this.actions.revertSnapshot(this.name, button.dataset.snapshot));
    if (action === 'delete-snapshot') return this.after(this.actions.deleteSnapshot(this.name, button.dataset.snapshot));
    return this.actions.vmOperation(this.name, action);
  }

  /** Refreshes the snapshots once an action on them ended. */
  async after(done) {
    await done;
    this.loadSnapshots();
  }

  show(name) {
    if (this.name !== name) {
      this.close();
      this.name = name;
      $('vm-title').textContent = name;
      this.openConsole();
      this.loadSnapshots();
    }
    this.update();
  }

  close() {
    if (this.console) this.console.close();
    this.console = null;
    this.name = null;
  }

  /** Redraws from the latest inventory (called on every inventory event while shown). */
  update() {
    if (!this.name) return;
    const vm = this.inventory.vm(this.name);
    if (!vm) {
      $('vm-state').textContent = 'not in the inventory';
      morphChildren($('vm-actions'), []);
      return;
    }
    $('vm-state').replaceChildren(h('span', { class: `badge ${vm.powerState}`, dataset: { field: 'powerState' } }, vm.powerState),
      vm.host ? ` on ${vm.host}` : ' (runs nowhere)');
    const running = vm.powerState === 'poweredOn' || vm.powerState === 'paused';
    const buttons = operationsFor(vm).map(op => h('button', {
      type: 'button', dataset: { key: op, action: op }, class: Actions.OPERATIONS[op].danger ? 'danger' : null,
    }, Actions.OPERATIONS[op].label));
    if (running) buttons.push(h('button', { type: 'button', dataset: { key: 'migrate', action: 'migrate' } }, 'Migrate…'));
    if (this.faults && this.faults.lab && vm.powerState === 'poweredOn') {
      // In a lab: faults inside the guest.
      for (const kind of ['guest-crash', 'guest-hang']) {
        buttons.push(h('button', { type: 'button', class: 'danger', dataset: { key: kind, action: kind } }, `${Actions.FAULTS[kind].label}…`));
      }
    }
    if (vm.desiredPowerState === 'poweredOff') {
      buttons.push(h('button', { type: 'button', class: 'danger', dataset: { key: 'delete', action: 'delete' } }, 'Delete…'));
    }
    morphChildren($('vm-actions'), buttons);
    $('take-snapshot').disabled = !running;
    const m = vm.metrics || {};
    const row = (label, value) => [h('dt', {}, label), h('dd', {}, value)];
    morphChildren($('vm-details'), [
      ...row('Power state', `${vm.powerState} (wanted: ${vm.desiredPowerState})`),
      ...row('Host', dash(vm.host)),
      ...row('Lease epoch', vm.epoch),
      ...row('Workload', vm.workload),
      ...row('Memory', `${vm.memoryMiB} MiB`),
      ...row('Demand', `${mips(m.demandIps)} MIPS`),
      ...row('Delivered', `${mips(m.deliveredIps)} MIPS`),
      ...row('Ready time', `${fixed(m.readyPct, 1)} %`),
      ...row('Dirty rate', `${fixed(m.dirtyPagesPerSec, 0)} pages/s`),
    ]);
  }

  async loadSnapshots() {
    const name = this.name;
    let snapshots = [];
    try {
      snapshots = await this.api.get(`/api/v1/vms/${encodeURIComponent(name)}/snapshots`);
    } catch (e) {
      if (e.status !== 404) showError(`listing the snapshots of ${name}`, e);
    }
    if (name !== this.name) return;
    morphChildren($('snapshots').tBodies[0], snapshots.map(s => h('tr', { dataset: { key: s.name, snapshot: s.name } },
      h('th', { scope: 'row' }, s.name), h('td', {}, time(s.created)), h('td', { class: 'message' }, dash(s.description)),
      h('td', {}, h('button', { type: 'button', dataset: { action: 'revert', snapshot: s.name } }, 'Revert…'), ' ',
        h('button', { type: 'button', class: 'danger', dataset: { action: 'delete-snapshot', snapshot: s.name } }, 'Delete…')))));
  }

  /** The console: its recent output, then live output, following the VM from host to host. */
  openConsole() {
    if (!this.terminal) {
      // The DOM renderer: text a screen reader (and a test) can read, and no GPU needed.
      this.terminal = new window.Terminal({ cols: 80, rows: 24, rendererType: 'dom', convertEol: true, scrollback: 2000,
        fontFamily: 'ui-monospace, monospace', fontSize: 13 });
      this.terminal.open($('terminal'));
      this.terminal.onData(data => this.type(data));
    }
    this.terminal.reset();
    const name = this.name;
    const status = $('console-status');
    status.textContent = 'connecting…';
    this.console = this.api.stream(() => `/api/v1/vms/${encodeURIComponent(name)}/console`, {
      // Each attach starts with the VM's recent output: start the screen afresh so nothing shows twice.
      attached: e => { this.terminal.reset(); status.textContent = `attached on ${e.host}`; },
      output: e => this.terminal.write(e.text),
      detached: e => { status.textContent = `detached from ${e.host}: ${e.reason}; waiting for it to run again`; },
      end: e => { status.textContent = `ended: ${e.reason}`; if (this.console) this.console.close(); },
    });
  }

  async type(text) {
    if (!this.name || !text) return;
    try {
      await this.api.post(`/api/v1/vms/${encodeURIComponent(this.name)}/console`, { text });
    } catch (e) {
      showError(`typing on ${this.name}'s console`, e);
    }
  }
}
