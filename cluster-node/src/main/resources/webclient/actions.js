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
      if (method !== 'GET') this.tasks.done(description, 'done');
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
