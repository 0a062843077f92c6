// Small helpers every view uses: building elements, numbers, the banner, the confirmation dialog.

/** An element: h('td', {class: 'num'}, 'text', child, ...); attributes starting with "on" are listeners. */
export function h(tag, attributes, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith('on')) element.addEventListener(key.slice(2), value);
    else if (key === 'dataset') Object.assign(element.dataset, value);
    else element.setAttribute(key, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : String(child));
  }
  return element;
}

export const $ = id => document.getElementById(id);

/** Instructions per second as MIPS with one decimal; a dash when unknown. */
export const mips = ips => (ips === null || ips === undefined) ? '–' : (ips / 1e6).toFixed(1);
export const fixed = (value, digits) => (value === null || value === undefined) ? '–' : Number(value).toFixed(digits);
export const dash = value => (value === null || value === undefined || value === '') ? '–' : value;
export const time = iso => iso ? new Date(iso).toLocaleTimeString([], { hour12: false }) : '–';

/** A message across the top: an error (the API's message) or a notice. */
export function banner(message, kind) {
  $('banner-text').textContent = message;
  $('banner').className = 'banner' + (kind === 'notice' ? ' notice' : '');
  $('banner').hidden = false;
}

export function clearBanner() {
  $('banner').hidden = true;
}

/** Shows an API error: its status and its message, as the API wrote it. */
export function showError(what, error) {
  const status = error && error.status ? `${error.status}: ` : '';
  banner(`${what} failed: ${status}${error && error.message ? error.message : error}`);
}

/**
 * Asks before an action: resolves to the dialog's form data when confirmed, or null. {@code body}
 * may hold inputs; the first input (or the OK button) gets the focus, Escape cancels.
 */
export function confirmDialog(title, body, okLabel, danger) {
  const dialog = $('confirm');
  $('confirm-title').textContent = title;
  $('confirm-body').replaceChildren(...[body].flat().map(b => typeof b === 'string' ? h('p', {}, b) : b));
  const ok = $('confirm-ok');
  ok.textContent = okLabel || 'OK';
  ok.className = danger ? 'danger' : 'primary';
  return new Promise(resolve => {
    dialog.addEventListener('close', () => {
      resolve(dialog.returnValue === 'ok' ? new FormData(dialog.querySelector('form')) : null);
    }, { once: true });
    dialog.returnValue = '';
    dialog.showModal();
    const first = $('confirm-body').querySelector('input, select');
    (first || ok).focus();
  });
}

/**
 * Makes {@code from} (in the page) look like {@code to} (just built), keeping the elements that
 * stay, so a live view updated every second keeps its focus, its selection and the element a
 * test or a pointer is about to click. Children with a data-key are matched by it. Views use
 * delegated listeners on their container, so nothing is bound to the elements themselves.
 */
export function morph(from, to) {
  if (from.nodeType !== to.nodeType || from.nodeName !== to.nodeName || key(from) !== key(to)) {
    from.replaceWith(to);
    return;
  }
  if (from.nodeType !== Node.ELEMENT_NODE) {
    if (from.nodeValue !== to.nodeValue) from.nodeValue = to.nodeValue;
    return;
  }
  for (const a of [...from.attributes]) if (!to.hasAttribute(a.name)) from.removeAttribute(a.name);
  for (const a of [...to.attributes]) if (from.getAttribute(a.name) !== a.value) from.setAttribute(a.name, a.value);
  morphChildren(from, [...to.childNodes]);
}

/** Makes {@code parent}'s children those of {@code children}, morphing the ones that stay. */
export function morphChildren(parent, children) {
  const old = [...parent.childNodes];
  children.forEach((child, i) => {
    if (i < old.length) morph(old[i], child);
    else parent.append(child);
  });
  for (let i = children.length; i < old.length; i++) old[i].remove();
}

const key = node => node.nodeType === Node.ELEMENT_NODE ? node.dataset.key : undefined;

/**
 * Keeps a view that has no stream of its own up to date: {@code read(visible)} reads it (and says
 * whether the API answered); it runs at once when started, when the view is shown and shortly after
 * {@link Refresher#changed} (an event said something changed, once for a burst), and otherwise
 * after the period {@code next(visible, answered)} gives (null: not again until told).
 */
export class Refresher {
  constructor(read, next) {
    this.read = read;
    this.next = next;
    this.running = false;
    this.visible = false;
    this.timer = null;
    this.soon = null;
  }

  start() {
    this.stop();
    this.running = true;
    this.now();
  }

  stop() {
    this.running = false;
    clearTimeout(this.timer);
    clearTimeout(this.soon);
  }

  show(visible) {
    this.visible = visible;
    if (visible && this.running) this.now();
  }

  changed() {
    if (!this.running) return;
    clearTimeout(this.soon);
    this.soon = setTimeout(() => this.now(), 200);
  }

  async now() {
    clearTimeout(this.timer);
    const answered = await this.read(this.visible);
    const period = this.next(this.visible, answered);
    // Cleared again: another reading may have ended meanwhile and set its own.
    clearTimeout(this.timer);
    if (this.running && period !== null) this.timer = setTimeout(() => this.now(), period);
  }
}
