// Every action of the page: asked for with a confirmation, sent to the API, and followed as a task.
import { h, showError, confirmDialog, banner } from './ui.js';

const vmPath = (vm, rest) => `/api/v1/vms/${encodeURIComponent(vm)}${rest || ''}`;

export class Actions {
  constructor(api, tasks) {
    this.api = api;
    this.tasks = tasks;
  }

  /** Sends a request; a task it starts is followed to its end. Resolves to the task (or the answer), null when refused. */
  async run(description, method, path, body) {
    try {
      const answer = await this.api.request(method, path, body);
      if (answer && answer.id && answer.state) {
        const task = await this.tasks.follow(answer);
        if (task.state === 'failed') showError(description, { message: task.reason });
        return task;
      }
      if (method !== 'GET') this.tasks.done(description, answer && answer.detail ? answer.detail : 'done');
      return answer;
    } catch (e) {
      this.tasks.refused(description, e);
      showError(description, e);
      return null;
    }
  }

  /** The operations of POST /api/v1/vms/NAME/OPERATION, each with its confirmation. */
  static OPERATIONS = {
    'power-on': { label: 'Power on', ask: vm => `Power on ${vm}?` },
    'power-off': { label: 'Power off', ask: vm => `Power off ${vm}? Its guest stops at once, as when the power is cut.`, danger: true },
    'shutdown': { label: 'Shut down guest', ask: vm => `Shut down ${vm}'s guest? It gets time to exit, then is powered off.` },
    'reset': { label: 'Reset', ask: vm => `Reset ${vm}? Its guest restarts at once.`, danger: true },
    'pause': { label: 'Pause', ask: vm => `Pause ${vm}? Its guest stops running but keeps its memory.` },
    'unpause': { label: 'Unpause', ask: vm => `Unpause ${vm}?` },
    'suspend': { label: 'Suspend', ask: vm => `Suspend ${vm} to the datastore? It then runs nowhere until resumed.` },
    'resume': { label: 'Resume', ask: vm => `Resume ${vm}?` },
  };

  async vmOperation(vm, operation) {
    const op = Actions.OPERATIONS[operation];
    if (!await confirmDialog(`${op.label}: ${vm}`, op.ask(vm), op.label, op.danger)) return null;
    return this.run(`${operation} ${vm}`, 'POST', vmPath(vm, `/${operation}`), {});
  }

  async migrate(vm, from, hosts, to) {
    const choices = hosts.filter(host => host !== from);
    if (!choices.length) {
      banner(`${vm} has no other host to move to`, 'notice');
      return null;
    }
    const select = h('select', { id: 'migrate-target', name: 'to' },
      choices.map(host => h('option', { value: host, selected: host === to }, host)));
    const form = await confirmDialog(`Migrate ${vm}`,
      [`Move ${vm} from ${from || 'where it is'} to another host while it runs.`, h('label', { for: 'migrate-target' }, 'Target host'), select],
      'Migrate');
    if (!form) return null;
    return this.run(`migrate ${vm} to ${form.get('to')}`, 'POST', vmPath(vm, '/migrate'), { argument: form.get('to') });
  }

  async takeSnapshot(vm) {
    const form = await confirmDialog(`Take a snapshot of ${vm}`, [
      h('label', { for: 'snapshot-name' }, 'Name'),
      h('input', { id: 'snapshot-name', name: 'name', required: true, value: `snap-${Date.now() % 100000}` }),
      h('label', { for: 'snapshot-description' }, 'Description'),
      h('input', { id: 'snapshot-description', name: 'description' })], 'Take snapshot');
    if (!form) return null;
    return this.run(`snapshot ${vm} ${form.get('name')}`, 'POST', vmPath(vm, '/snapshots'),
      { name: form.get('name'), description: form.get('description') || null });
  }

  async revertSnapshot(vm, snapshot) {
    if (!await confirmDialog(`Revert ${vm}`, `Revert ${vm} to snapshot ${snapshot}? What it did since is lost.`, 'Revert', true)) return null;
    return this.run(`revert ${vm} to ${snapshot}`, 'POST', vmPath(vm, `/snapshots/${encodeURIComponent(snapshot)}/revert`), {});
  }

  async deleteSnapshot(vm, snapshot) {
    if (!await confirmDialog(`Delete snapshot`, `Delete snapshot ${snapshot} of ${vm}?`, 'Delete', true)) return null;
    return this.run(`delete snapshot ${snapshot} of ${vm}`, 'DELETE', vmPath(vm, `/snapshots/${encodeURIComponent(snapshot)}`));
  }

  async deleteVm(vm) {
    if (!await confirmDialog(`Delete ${vm}`, `Delete ${vm} and its files on the datastore? This cannot be undone.`, 'Delete', true)) return null;
    return this.run(`delete ${vm}`, 'DELETE', vmPath(vm));
  }

  async maintenance(host, enter) {
    if (!enter) {
      if (!await confirmDialog(`Exit maintenance mode`, `Let ${host} take VMs again?`, 'Exit maintenance')) return null;
      return this.run(`exit maintenance ${host}`, 'POST', `/api/v1/hosts/${encodeURIComponent(host)}/maintenance`, { enabled: false });
    }
    const form = await confirmDialog(`Enter maintenance mode`, [
      `${host} will take no new VMs, and its running VMs move to the other hosts.`,
      h('label', { class: 'inline' }, h('input', { type: 'checkbox', name: 'powerOffVms', id: 'power-off-vms' }),
        'Power off the VMs no other host can take (otherwise the task fails and nothing changes)')],
      'Enter maintenance');
    if (!form) return null;
    return this.run(`enter maintenance ${host}`, 'POST', `/api/v1/hosts/${encodeURIComponent(host)}/maintenance`,
      { enabled: true, powerOffVms: form.get('powerOffVms') === 'on' });
  }

  /** Carries out a DRS recommendation: a task (a live migration, or a power-on where DRS placed the VM). */
  async applyDrs(r) {
    const what = r.kind === 'place' ? `Power on ${r.vm} on ${r.to}.` : `Move ${r.vm} from ${r.from} to ${r.to} while it runs.`;
    if (!await confirmDialog(`Apply DRS recommendation ${r.id}`, [what, `Why: ${r.why}`], 'Apply')) return null;
    return this.run(`apply DRS recommendation ${r.id}`, 'POST', `/api/v1/drs/recommendations/${encodeURIComponent(r.id)}/apply`, {});
  }

  async runDrs() {
    if (!await confirmDialog('Run DRS now', ['Run a DRS round now rather than at the end of the period?',
      'Fully automated, DRS carries its moves out at once; otherwise they are listed here.'], 'Run DRS')) return null;
    return this.run('run DRS round', 'POST', '/api/v1/drs/rounds', {});
  }

  /** PATCH /api/v1/drs with the settings given; the API checks them (a 400 says what is wrong). */
  async configureDrs(settings, now) {
    const change = now ? [
      now.automation !== settings.automation ? `automation ${now.automation} → ${settings.automation}` : null,
      now.threshold !== settings.threshold ? `migration threshold ${now.threshold} → ${settings.threshold}` : null,
      now.maxMoves !== settings.maxMoves ? `at most ${now.maxMoves} → ${settings.maxMoves} moves a round` : null,
    ].filter(Boolean) : [];
    const described = `${settings.automation}, migration threshold ${settings.threshold}, at most ${settings.maxMoves} moves a round`;
    if (!await confirmDialog('Change DRS settings', [change.length ? `Change ${change.join(', ')}?` : `Set ${described}?`,
      settings.automation === 'fullyAutomated' ? 'Fully automated, DRS moves VMs by live migration without asking.'
        : 'DRS will list its moves here for you to apply.'], 'Save')) return null;
    return this.run(`set DRS to ${described}`, 'PATCH', '/api/v1/drs', settings);
  }

  /**
   * The lab's faults (POST /api/v1/faults), each with what it does: on hosts (kill, freeze, thaw,
   * partition, datastore-off/on), on every partition (heal), inside a VM's guest (guest-crash/hang).
   */
  static FAULTS = {
    'kill': { label: 'Kill', danger: true,
      ask: s => `Kill ${s}: SIGKILL to its node process, as a power loss. HA restarts its VMs on the other hosts.` },
    'freeze': { label: 'Freeze', danger: true,
      ask: s => `Freeze ${s}: SIGSTOP to its node process, a hung host until thawed. The cluster may take it for dead and HA restart its VMs.` },
    'thaw': { label: 'Thaw', ask: s => `Thaw ${s}: SIGCONT to its node process.` },
    'partition': { label: 'Partition', danger: true,
      ask: s => `Cut ${s} off the network from the hosts chosen below, until healed (nftables in the lab's network namespace).` },
    'heal': { label: 'Heal partitions', ask: () => 'End every network partition of the lab.' },
    'datastore-off': { label: 'Datastore off', danger: true,
      ask: s => `Cut ${s} off the shared datastore: its file operations fail until datastore-on. The other hosts keep theirs.` },
    'datastore-on': { label: 'Datastore on', ask: s => `Let ${s} reach the shared datastore again.` },
    'guest-crash': { label: 'Crash guest', danger: true,
      ask: s => `Crash ${s}'s guest: its next interrupt cannot be delivered, a triple fault, and the PC resets.` },
    'guest-hang': { label: 'Hang guest', danger: true,
      ask: s => `Hang ${s}'s guest: it loops where it is, its console output and tools heartbeat stop.` },
  };

  /** Injects fault {@code kind} into {@code target} ({hosts: [...]} or {vm: NAME}); a partition asks which hosts it loses. */
  async fault(kind, target, otherHosts) {
    const fault = Actions.FAULTS[kind];
    const hosts = target.hosts || [];
    const subject = target.vm || hosts.join(', ') || 'the lab';
    const body = [fault.ask(subject)];
    if (kind === 'partition') {
      body.push(h('label', { for: 'partition-from' }, 'Loses'), h('select', { id: 'partition-from', name: 'from' },
        h('option', { value: '' }, 'every other host'), (otherHosts || []).map(o => h('option', { value: o }, o))));
    }
    const form = await confirmDialog(`${fault.label}: ${subject}`, body, fault.label, fault.danger);
    if (!form) return null;
    const from = form.get('from') ? [form.get('from')] : [];
    return this.run(`${kind} ${subject}`, 'POST', '/api/v1/faults', { kind, hosts, from, vm: target.vm || null });
  }

  /** Any fault, as the faults view offers it: the API says what a kind needs (400) and what it cannot do (404, 409, 501). */
  async anyFault(hosts) {
    const boxes = (name, label) => h('fieldset', { class: 'choices' }, h('legend', {}, label),
      hosts.map(host => h('label', { class: 'inline' }, h('input', { type: 'checkbox', name, value: host }), host)));
    const form = await confirmDialog('Inject a fault', [
      h('label', { for: 'fault-kind' }, 'Fault'),
      h('select', { id: 'fault-kind', name: 'kind' },
        Object.entries(Actions.FAULTS).map(([kind, f]) => h('option', { value: kind }, `${kind}: ${f.label.toLowerCase()}`))),
      boxes('hosts', 'Hosts (kill, freeze, thaw, partition, datastore-off/on)'),
      boxes('from', 'Partition from (none: every other host)'),
      h('label', { for: 'fault-vm' }, 'VM (guest-crash, guest-hang)'),
      h('input', { id: 'fault-vm', name: 'vm', autocomplete: 'off' }),
    ], 'Inject', true);
    if (!form) return null;
    const request = { kind: form.get('kind'), hosts: form.getAll('hosts'), from: form.getAll('from'), vm: form.get('vm') || null };
    return this.run(`${request.kind} ${request.vm || request.hosts.join(', ') || 'the lab'}`, 'POST', '/api/v1/faults', request);
  }

  async createVm() {
    const field = (label, id, attributes) => [h('label', { for: id }, label), h('input', { id, name: id, ...attributes })];
    const form = await confirmDialog('New virtual machine', [
      ...field('Name', 'name', { required: true, pattern: '[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?', placeholder: 'web-1' }),
      ...field('Image', 'image', { required: true, list: 'images', value: 'counter' }),
      h('datalist', { id: 'images' }, ['counter', 'cpuburn', 'memdirty', 'disklog', 'hello', 'unpack', 'compile'].map(i => h('option', { value: i }))),
      ...field('Memory (MiB)', 'memoryMiB', { type: 'number', min: 1, max: 4096, value: 16, required: true }),
      ...field('Command line', 'commandLine', { placeholder: 'e.g. count=100 period_ms=200' }),
      h('label', { for: 'restartPriority' }, 'HA restart priority'),
      h('select', { id: 'restartPriority', name: 'restartPriority' },
        ['medium', 'high', 'low', 'disabled'].map(p => h('option', { value: p }, p))),
      h('label', { class: 'inline' }, h('input', { type: 'checkbox', name: 'powerOn', id: 'power-on-new', checked: true }), 'Power on once created'),
    ], 'Create');
    if (!form) return null;
    const spec = {
      name: form.get('name'), image: form.get('image'), memoryMiB: Number(form.get('memoryMiB')),
      commandLine: form.get('commandLine') || null, restartPriority: form.get('restartPriority'),
    };
    const created = await this.run(`create ${spec.name}`, 'POST', '/api/v1/vms', spec);
    if (created && form.get('powerOn') === 'on') {
      return this.run(`power-on ${spec.name}`, 'POST', vmPath(spec.name, '/power-on'), {});
    }
    return created;
  }
}
