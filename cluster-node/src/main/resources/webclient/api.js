// The page's side of the API: the session (a cookie the page never sees, and the CSRF token it
// sends with every change), requests with the API's error messages, and server-sent event
// streams that notice when the node serving the page is gone and carry on through another.

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/** The API's {"error": ...} of a failed response, or what the response says. */
async function failure(response) {
  let message = `HTTP ${response.status}`;
  try {
    const body = await response.json();
    if (body && body.error) message = body.error;
  } catch (e) { /* not JSON: keep the status */ }
  return new ApiError(response.status, message);
}

export class Api {
  constructor() {
    this.session = null;
    this.streams = new Set();
    this.onSignedOut = () => {};
    this.onNodeLost = () => {};
    this.checking = null;
  }

  /** The session this page holds (its cookie), or an ApiError 401 saying why there is none. */
  async loadSession() {
    const response = await fetch('/api/v1/session', { credentials: 'same-origin', cache: 'no-store' });
    if (!response.ok) throw await failure(response);
    this.session = await response.json();
    return this.session;
  }

  /** Exchanges the API token or a login link's ticket for a session cookie. */
  async signIn(credentials) {
    const response = await fetch('/api/v1/session', {
      method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(credentials),
    });
    if (!response.ok) throw await failure(response);
    this.session = await response.json();
    return this.session;
  }

  async signOut() {
    await this.request('DELETE', '/api/v1/session');
    this.session = null;
  }

  /** A request to the API; resolves to its JSON, or rejects with the API's status and message. */
  async request(method, path, body) {
    const headers = { 'Accept': 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (method !== 'GET' && this.session) headers[this.session.csrfHeader] = this.session.csrf;
    let response;
    try {
      response = await fetch(path, {
        method, headers, credentials: 'same-origin', cache: 'no-store',
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (e) {
      this.check();
      throw new ApiError(0, `the node serving this page does not answer (${e.message})`);
    }
    if (!response.ok) {
      const error = await failure(response);
      if (error.status === 401) this.check();
      throw error;
    }
    return response.status === 204 ? null : response.json();
  }

  get(path) { return this.request('GET', path); }
  post(path, body) { return this.request('POST', path, body === undefined ? {} : body); }

  /**
   * Follows a server-sent event stream: {@code handlers} maps event names to functions of the
   * parsed data. When the stream breaks, the page checks why: a session that ended shows the
   * sign-in, a node that is gone moves the page to another; otherwise the stream opens again,
   * from {@code url()} (a function, so it can resume after the last event it saw).
   */
  stream(url, handlers, onOpen) {
    const s = { source: null, closed: false, retry: 500 };
    const open = () => {
      if (s.closed) return;
      s.source = new EventSource(url(), { withCredentials: true });
      s.source.onopen = () => { s.retry = 500; if (onOpen) onOpen(); };
      for (const [name, handle] of Object.entries(handlers)) {
        s.source.addEventListener(name, e => handle(JSON.parse(e.data), e));
      }
      s.source.onerror = () => {
        s.source.close();
        if (s.closed) return;
        this.check().then(alive => {
          if (alive && !s.closed) {
            setTimeout(open, s.retry);
            s.retry = Math.min(s.retry * 2, 2000);
          }
        });
      };
    };
    open();
    s.close = () => { s.closed = true; if (s.source) s.source.close(); this.streams.delete(s); };
    this.streams.add(s);
    return s;
  }

  closeStreams() {
    for (const s of [...this.streams]) s.close();
  }

  /**
   * Why did a request or stream fail? Resolves true when the session and the node are fine (a
   * passing hiccup); otherwise hands over to the sign-in or to another node, and resolves false.
   */
  check() {
    if (this.checking) return this.checking;
    this.checking = (async () => {
      try {
        const response = await fetch('/api/v1/session', { credentials: 'same-origin', cache: 'no-store' });
        if (response.ok) {
          this.session = await response.json();
          return true;
        }
        const error = await failure(response);
        if (error.status === 401) {
          this.closeStreams();
          this.onSignedOut(error.message);
          return false;
        }
        return true;
      } catch (e) {
        // No answer at all: this node is gone. Carry on through another, with the same cookie.
        return this.failOver();
      } finally {
        setTimeout(() => { this.checking = null; }, 0);
      }
    })();
    return this.checking;
  }

  /** Moves the page to the first other node that answers; false when none does (yet). */
  async failOver() {
    const nodes = (this.session && this.session.nodes || []).filter(n => !n.self);
    this.onNodeLost(nodes.length ? `${this.session.node} does not answer; looking for another node…`
      : `${this.session ? this.session.node : 'the node'} does not answer, and no other node is known`);
    for (let attempt = 0; attempt < 60; attempt++) {
      for (const node of nodes) {
        try {
          // An answer of any kind (opaque, across origins) says the node is up.
          await fetch(node.url + '/api/v1/session', { mode: 'no-cors', credentials: 'omit', cache: 'no-store' });
          window.location.replace(node.url + '/' + window.location.hash);
          return false;
        } catch (e) { /* down too: try the next */ }
      }
      try {
        // The node itself may be back (a restart).
        const response = await fetch('/api/v1/session', { credentials: 'same-origin', cache: 'no-store' });
        if (response.ok) { this.session = await response.json(); return true; }
      } catch (e) { /* still gone */ }
      await new Promise(resolve => setTimeout(resolve, 1000));
    }
    return false;
  }
}
