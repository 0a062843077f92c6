// Hosts and VMs, live: rendered from each `inventory` event of GET /api/v1/inventory. Buttons
// carry data-action and the host or VM they act on; one listener per container handles them.
import { h, $, mips, fixed, dash, morphChildren } from './ui.js';
import { Actions } from './actions.js';

const UP = new Set(['connected', 'maintenance']);
const DRAG_TYPE = 'text/x-vivarium-vm';

export class InventoryView {
  constructor(actions) {
    this.actions = actions;
    this.snapshot = { hosts: [], vms: [], alarms: [], problems: [] };
    /** The lab's faults (set by the page): their buttons show only in a lab. */
    this.faults = null;
    $('create-vm').addEventListener('click', () => this.actions.createVm());
    $('hosts').addEventListener('click', e => {
      const fault = e.target.closest('button[data-fault]');
      if (fault) {
        const host = fault.dataset.host;
        this.actions.fault(fault.dataset.fault, { hosts: [host] }, this.snapshot.hosts.map(x => x.name).filter(x => x !== host));
        return;
      }
      const button = e.target.closest('button[data-action]');
      if (button) this.actions.maintenance(button.dataset.host, button.dataset.action === 'enter-maintenance');
    });
    $('vms').addEventListener('click', e => {
      const button = e.target.closest('button[data-action]');
      if (button) this.actions.vmOperation(button.dataset.vm, button.dataset.action);
    });
    this.dragAndDrop();
  }

  vm(name) {
    return this.snapshot.vms.find(v => v.name === name);
  }

  /** Hosts that take VMs now (the targets a migration may choose). */
  connectedHosts() {
    return this.snapshot.hosts.filter(host => host.state === 'connected').map(host => host.name);
  }

  update(snapshot) {
    this.snapshot = snapshot;
    this.renderHosts(snapshot);
    this.renderVms(snapshot);
    const problems = $('inventory-problems');
    problems.hidden = !snapshot.problems.length;
    problems.textContent = snapshot.problems.length ? `Not shown: ${snapshot.problems.join('; ')}` : '';
  }

  renderHosts(snapshot) {
    const up = snapshot.hosts.filter(host => UP.has(host.state));
    const capacity = up.reduce((sum, host) => sum + (host.capacityMips || 0), 0);
    const used = up.reduce((sum, host) => sum + (host.usedMips || 0), 0);
    $('cluster-summary').textContent = `${up.length} of ${snapshot.hosts.length} hosts up · CPU ${used} of ${capacity} MIPS`
      + (snapshot.imbalance === null || snapshot.imbalance === undefined ? '' : ` · imbalance ${fixed(snapshot.imbalance, 3)}`);
    morphChildren($('hosts'), snapshot.hosts.map(host => this.hostCard(host, snapshot.vms.filter(vm => vm.host === host.name))));
  }

  hostCard(host, vms) {
    const state = host.state || 'joining';
    const pct = host.capacityMips ? Math.min(100, 100 * host.usedMips / host.capacityMips) : 0;
    const maintenance = host.state === 'maintenance';
    return h('article', { class: 'host', dataset: { key: host.name, host: host.name }, 'aria-label': `host ${host.name}` },
      h('h3', {}, host.name, h('span', { class: `badge ${state}`, dataset: { field: 'state' } }, state),
        host.memberStatus && host.memberStatus !== 'Up' ? h('span', { class: `badge ${host.memberStatus}` }, host.memberStatus) : null),
      host.capacityMips
        ? h('div', { class: 'meter', role: 'meter', 'aria-label': `CPU of ${host.name}`, 'aria-valuemin': 0,
            'aria-valuemax': host.capacityMips, 'aria-valuenow': host.usedMips }, h('span', { style: `width:${pct.toFixed(1)}%` }))
        : null,
      h('div', { class: 'figures' }, host.capacityMips
        ? `CPU ${host.usedMips} of ${host.capacityMips} MIPS (${pct.toFixed(0)}%) · memory ${host.memoryMiB} MiB · ${host.vms} VMs`
        : host.memberStatus ? `cluster member: ${host.memberStatus}` : 'not a cluster member'),
      h('div', { class: 'chips', dataset: { field: 'vms' } }, vms.map(vm => h('a', {
        class: 'chip', href: `#/vm/${encodeURIComponent(vm.name)}`, draggable: 'true', dataset: { key: vm.name, vm: vm.name },
        title: `${vm.name}: ${vm.powerState} (drag it to another host to migrate it)`,
      }, vm.name))),
      UP.has(host.state) ? h('div', { class: 'actions' }, h('button', {
        type: 'button', dataset: { action: maintenance ? 'exit-maintenance' : 'enter-maintenance', host: host.name },
      }, maintenance ? 'Exit maintenance' : 'Enter maintenance…')) : null,
      this.faultButtons(host));
  }

  /**
   * In a lab, the faults that hit a host: kill and freeze while its node runs (thaw once frozen),
   * partition, and its datastore link off (on again once off). The API refuses what cannot be done
   * (a partition where the lab has no network namespace: 501).
   */
  faultButtons(host) {
    if (!this.faults || !this.faults.lab) return null;
    const member = Boolean(host.memberStatus);
    const frozen = this.faults.active('freeze', host.name);
    const cut = this.faults.active('datastore-off', host.name);
    // A host whose node is gone (killed, or downed by the cluster) offers only the end of what lasts on it.
    const kinds = [member || frozen ? 'kill' : null, frozen ? 'thaw' : member ? 'freeze' : null, member ? 'partition' : null,
      cut ? 'datastore-on' : member ? 'datastore-off' : null].filter(Boolean);
    if (!kinds.length) return null;
    return h('div', { class: 'actions lab-faults', role: 'group', 'aria-label': `lab faults on ${host.name}` },
      kinds.map(kind => h('button', { type: 'button', class: Actions.FAULTS[kind].danger ? 'danger' : null,
        dataset: { key: kind, fault: kind, host: host.name } }, `${Actions.FAULTS[kind].label}…`)));
  }

  /** Dropping a VM's chip on another host migrates it there, after a confirmation (the VM view has a menu for keyboards). */
  dragAndDrop() {
    const hosts = $('hosts');
    const target = e => {
      const card = e.target.closest && e.target.closest('.host');
      const host = card && this.snapshot.hosts.find(h => h.name === card.dataset.host);
      return host && host.state === 'connected' ? card : null;
    };
    hosts.addEventListener('dragstart', e => {
      const chip = e.target.closest && e.target.closest('[data-vm]');
      if (!chip) return;
      e.dataTransfer.setData(DRAG_TYPE, chip.dataset.vm);
      e.dataTransfer.effectAllowed = 'move';
    });
    hosts.addEventListener('dragover', e => {
      const card = target(e);
      if (card && e.dataTransfer.types.includes(DRAG_TYPE)) {
        e.preventDefault();
        card.classList.add('drop');
      }
    });
    hosts.addEventListener('dragleave', e => { const card = target(e); if (card) card.classList.remove('drop'); });
    hosts.addEventListener('drop', e => {
      const card = target(e);
      if (!card) return;
      card.classList.remove('drop');
      const vm = this.vm(e.dataTransfer.getData(DRAG_TYPE));
      if (vm && vm.host !== card.dataset.host) {
        e.preventDefault();
        this.actions.migrate(vm.name, vm.host, this.connectedHosts(), card.dataset.host);
      }
    });
  }

  renderVms(snapshot) {
    morphChildren($('vms').tBodies[0], snapshot.vms.map(vm => {
      const m = vm.metrics || {};
      const running = vm.powerState === 'poweredOn' || vm.powerState === 'paused';
      const stopped = vm.desiredPowerState === 'poweredOff' || vm.desiredPowerState === 'suspended';
      const action = vm.desiredPowerState === 'suspended' ? 'resume' : stopped ? 'power-on' : 'power-off';
      return h('tr', { dataset: { key: vm.name, vm: vm.name } },
        h('th', { scope: 'row' }, h('a', { href: `#/vm/${encodeURIComponent(vm.name)}` }, vm.name)),
        h('td', { dataset: { field: 'powerState' } }, h('span', { class: `badge ${vm.powerState}` }, vm.powerState)),
        h('td', {}, vm.desiredPowerState),
        h('td', { dataset: { field: 'host' } }, dash(vm.host)),
        h('td', { class: 'num' }, vm.epoch),
        h('td', {}, vm.workload),
        h('td', { class: 'num' }, vm.memoryMiB),
        h('td', { class: 'num' }, running ? mips(m.demandIps) : '–'),
        h('td', { class: 'num' }, running ? mips(m.deliveredIps) : '–'),
        h('td', { class: 'num' }, running ? fixed(m.readyPct, 1) : '–'),
        h('td', { class: 'num' }, running ? fixed(m.dirtyPagesPerSec, 0) : '–'),
        h('td', {}, h('button', { type: 'button', dataset: { action, vm: vm.name } },
          action === 'resume' ? 'Resume' : action === 'power-on' ? 'Power on' : 'Power off')));
    }));
  }
}
