// Recent tasks: what the page started, followed to completion on the node that accepted them.
import { h, $, time } from './ui.js';

export class Tasks {
  constructor(api) {
    this.api = api;
    this.items = new Map();
  }

  /** Follows a task the API accepted (202); resolves with it when it ends. */
  follow(task) {
    $('tasks-panel').hidden = false;
    const item = h('li', { class: 'task running', dataset: { task: task.id } });
    $('tasks').prepend(item);
    this.items.set(task.id, item);
    this.render(item, task);
    return new Promise(resolve => {
      const poll = async () => {
        let current = task;
        try {
          current = await this.api.get(`/api/v1/tasks/${encodeURIComponent(task.id)}`);
        } catch (e) {
          if (e.status === 0 || e.status === 404) {
            // Tasks live on the node that accepted them; a page that moved to another node loses them.
            current = { ...task, state: 'unknown', reason: `no longer visible from here: ${e.message}` };
          } else {
            current = { ...task, state: 'unknown', reason: e.message };
          }
        }
        this.render(item, current);
        if (current.state === 'running') setTimeout(poll, 500);
        else resolve(current);
      };
      setTimeout(poll, 300);
    });
  }

  /** Shows a change the API made at once (no task: creating a VM, say). */
  done(description, result) {
    $('tasks-panel').hidden = false;
    const item = h('li', { class: 'task succeeded' });
    $('tasks').prepend(item);
    this.render(item, { description, state: 'succeeded', result, started: new Date().toISOString() });
  }

  /** Shows a request the API refused at once (no task was started). */
  refused(description, error) {
    $('tasks-panel').hidden = false;
    const item = h('li', { class: 'task failed' });
    $('tasks').prepend(item);
    this.render(item, { description, state: 'failed', reason: `${error.status ? error.status + ': ' : ''}${error.message}`,
      started: new Date().toISOString() });
  }

  render(item, task) {
    item.className = `task ${task.state}`;
    const outcome = task.state === 'succeeded' ? task.result : task.reason;
    item.replaceChildren(
      h('div', {}, h('span', { class: 'state' }, task.state), ' ', task.description),
      h('div', { class: 'detail' }, time(task.started), task.id ? ` · ${task.id}` : '', outcome ? ` · ${outcome}` : ''));
    while ($('tasks').children.length > 30) $('tasks').lastElementChild.remove();
  }
}
