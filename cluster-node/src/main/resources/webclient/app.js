// The Vivarium web client: sign-in, the views (#/inventory, #/vm/NAME, #/events, #/drs, #/faults, #/charts),
// and the live streams that feed them.
import { Api } from './api.js';
import { $, banner, clearBanner, showError } from './ui.js';
import { Tasks } from './tasks.js';
import { Actions } from './actions.js';
import { InventoryView } from './inventory.js';
import { VmView } from './vm.js';
import { EventsView } from './events.js';
import { ChartsView } from './charts.js';
import { DrsView } from './drs.js';
import { FaultsView } from './faults.js';

const api = new Api();
const tasks = new Tasks(api);
const actions = new Actions(api, tasks);
const inventory = new InventoryView(actions);
const vmView = new VmView(api, actions, inventory);
const events = new EventsView(api);
const charts = new ChartsView(api);
const drs = new DrsView(api, actions);
const faults = new FaultsView(api, actions, () => inventory.snapshot.hosts.map(host => host.name));
inventory.faults = faults;
vmView.faults = faults;
// Whether this is a lab, and which faults last, show in the hosts' and VMs' actions.
faults.onChange(() => { inventory.update(inventory.snapshot); vmView.update(); });
events.onEvent(e => charts.event(e));
events.onEvent(e => drs.event(e));
events.onEvent(e => faults.event(e));

let expiryTimer = null;

function signedOut(message) {
  // The browser drops the cookie when the session ends, so the node only sees no session: say what happened.
  if (api.session && Date.now() >= Date.parse(api.session.expires)) {
    message = `Your session expired at ${new Date(api.session.expires).toLocaleTimeString([], { hour12: false })}: sign in again.`;
  }
  api.session = null;
  api.closeStreams();
  vmView.close();
  drs.stop();
  faults.stop();
  clearTimeout(expiryTimer);
  document.body.classList.add('signed-out');
  for (const view of document.querySelectorAll('.view')) view.hidden = true;
  $('nav').hidden = true;
  $('sign-out').hidden = true;
  $('tasks-panel').hidden = true;
  $('connection').textContent = '';
  $('login').hidden = false;
  $('login-message').textContent = message || '';
  $('token').focus();
}

function signedIn(session) {
  document.body.classList.remove('signed-out');
  $('login').hidden = true;
  $('nav').hidden = false;
  $('sign-out').hidden = false;
  $('connection').textContent = `via ${session.node}`;
  $('connection').classList.remove('bad');
  $('connection').title = `served by ${session.node}; session until ${new Date(session.expires).toLocaleString()}`;
  // When the session ends, ask again: the answer says why (expired), and the sign-in shows it.
  clearTimeout(expiryTimer);
  const remaining = Date.parse(session.expires) - Date.now();
  expiryTimer = setTimeout(() => api.check(), Math.max(0, Math.min(remaining + 500, 2 ** 31 - 1)));
  api.stream(() => '/api/v1/inventory', {
    inventory: snapshot => {
      inventory.update(snapshot);
      vmView.update();
      events.alarms(snapshot.alarms);
      charts.inventory(snapshot);
    },
  });
  events.start();
  charts.start();
  drs.start();
  faults.start();
  route();
}

/** Shows the view the address names. */
function route() {
  if (!api.session) return;
  const hash = window.location.hash || '#/inventory';
  const [, view, arg] = hash.match(/^#\/([a-z]+)(?:\/(.*))?$/) || [null, 'inventory'];
  const name = ['inventory', 'vm', 'events', 'drs', 'faults', 'charts'].includes(view) ? view : 'inventory';
  for (const section of document.querySelectorAll('.view')) section.hidden = section.id !== `view-${name}`;
  for (const link of document.querySelectorAll('#nav a')) {
    if (link.dataset.view === (name === 'vm' ? 'inventory' : name)) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  if (name === 'vm' && arg) vmView.show(decodeURIComponent(arg));
  else vmView.close();
  charts.show(name === 'charts');
  drs.show(name === 'drs');
  faults.show(name === 'faults');
  document.title = name === 'vm' && arg ? `${decodeURIComponent(arg)} · Vivarium` : 'Vivarium';
}

window.addEventListener('hashchange', () => {
  if (window.location.hash.startsWith('#login=')) return;
  route();
  $('main').focus({ preventScroll: true });
});

api.onSignedOut = message => signedOut(message);
api.onNodeLost = message => {
  $('connection').textContent = message;
  $('connection').classList.add('bad');
};

$('login-form').addEventListener('submit', async e => {
  e.preventDefault();
  try {
    const session = await api.signIn({ token: $('token').value.trim() });
    $('token').value = '';
    signedIn(session);
  } catch (error) {
    $('login-message').textContent = error.message;
  }
});

$('sign-out').addEventListener('click', async () => {
  try {
    await api.signOut();
    signedOut('Signed out.');
  } catch (error) {
    showError('signing out', error);
  }
});

$('banner-close').addEventListener('click', clearBanner);

async function start() {
  // A login link: #login=TICKET, redeemed once, then taken out of the address (and the history).
  const link = window.location.hash.match(/^#login=(.+)$/);
  if (link) {
    window.history.replaceState(null, '', window.location.pathname + '#/inventory');
    try {
      signedIn(await api.signIn({ ticket: decodeURIComponent(link[1]) }));
      return;
    } catch (error) {
      signedOut(error.message);
      return;
    }
  }
  try {
    signedIn(await api.loadSession());
  } catch (error) {
    if (error.status === 401) signedOut(error.message);
    else banner(`The API does not answer: ${error.message}`);
  }
}

// The libraries load as classic scripts (deferred): they are there once the document is parsed.
if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
