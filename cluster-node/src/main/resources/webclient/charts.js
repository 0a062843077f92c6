// Charts of the last minutes (uPlot): each host's CPU load and the cluster's imbalance, from the
// node's history (GET /api/v1/history) and then each live inventory event, with failures,
// restarts, migrations and maintenance from the event log marked as vertical lines.
import { h, $, time } from './ui.js';

/** Event types marked on the charts, and their colour. */
const MARKS = {
  HostUnreachable: '#b42318', HostDowned: '#b42318', HostLost: '#b42318', HostRemoved: '#9a6700',
  VmRestartedByHa: '#0b5cad', VmMigrated: '#2f6f4f', MaintenanceEntered: '#9a6700', MaintenanceExited: '#9a6700',
};
const COLOURS = ['#2f6f4f', '#0b5cad', '#b42318', '#9a6700', '#6f42c1', '#087f8c', '#c2410c', '#4d7c0f'];
const WINDOW_SECONDS = 600;

export class ChartsView {
  constructor(api) {
    this.api = api;
    this.points = [];       // {t (s), loads: {host: percent}, imbalance}
    this.marks = [];        // {t (s), type, subject, message}
    this.hosts = [];
    this.charts = null;
    this.visible = false;
    window.addEventListener('resize', () => this.resize());
  }

  async start() {
    try {
      const history = await this.api.get('/api/v1/history');
      for (const s of history.samples) this.add(s.time / 1000, s.hosts, s.imbalance);
    } catch (e) { /* the live points still come */ }
  }

  /** A live point from an inventory event. */
  inventory(snapshot) {
    const hosts = {};
    for (const host of snapshot.hosts) {
      if (host.capacityMips) hosts[host.name] = { usedMips: host.usedMips, capacityMips: host.capacityMips };
    }
    this.add(Date.parse(snapshot.time) / 1000, hosts, snapshot.imbalance);
  }

  add(t, hosts, imbalance) {
    const loads = {};
    for (const [name, load] of Object.entries(hosts)) loads[name] = 100 * load.usedMips / load.capacityMips;
    if (this.points.length && t <= this.points[this.points.length - 1].t) return;
    this.points.push({ t, loads, imbalance });
    while (this.points.length && this.points[0].t < t - WINDOW_SECONDS) this.points.shift();
    const names = [...new Set([...this.hosts, ...Object.keys(loads)])].sort();
    if (names.join() !== this.hosts.join()) {
      this.hosts = names;
      this.destroy();
    }
    this.draw();
  }

  event(e) {
    if (!MARKS[e.type]) return;
    this.marks.push({ t: Date.parse(e.time) / 1000, type: e.type, subject: e.subject, message: e.message });
    const cutoff = Date.now() / 1000 - WINDOW_SECONDS;
    this.marks = this.marks.filter(m => m.t >= cutoff);
    $('marks').replaceChildren(...this.marks.slice(-40).reverse().map(m =>
      h('li', { dataset: { type: m.type } }, h('span', { style: `color:${MARKS[m.type]}` }, '▍'), ` ${time(new Date(m.t * 1000).toISOString())} ${m.type} ${m.subject}`)));
    if (!this.marks.length) $('marks').append(h('li', {}, 'nothing yet (failures, HA restarts, migrations, maintenance)'));
    this.draw();
  }

  show(visible) {
    this.visible = visible;
    if (visible) this.draw();
  }

  data() {
    const xs = this.points.map(p => p.t);
    return {
      load: [xs, ...this.hosts.map(name => this.points.map(p => p.loads[name] ?? null))],
      imbalance: [xs, this.points.map(p => p.imbalance ?? null)],
    };
  }

  draw() {
    if (!this.visible || !window.uPlot) return;
    const data = this.data();
    if (!this.charts) {
      const width = Math.max(320, $('load-chart').clientWidth - 10);
      const marker = {
        hooks: { draw: [u => this.drawMarks(u)] },
      };
      this.charts = {
        load: new window.uPlot({
          width, height: 220, plugins: [marker],
          scales: { y: { range: [0, 100] } },
          axes: [{}, { label: '%', values: (u, ticks) => ticks.map(v => v + '%') }],
          series: [{}, ...this.hosts.map((name, i) => ({ label: name, stroke: COLOURS[i % COLOURS.length], width: 2, spanGaps: false }))],
        }, data.load, $('load-chart')),
        imbalance: new window.uPlot({
          width, height: 160, plugins: [marker],
          scales: { y: { range: (u, min, max) => [0, Math.max(0.1, max || 0)] } },
          series: [{}, { label: 'imbalance', stroke: '#6f42c1', width: 2 }],
        }, data.imbalance, $('imbalance-chart')),
      };
    } else {
      this.charts.load.setData(data.load);
      this.charts.imbalance.setData(data.imbalance);
    }
  }

  drawMarks(u) {
    const { ctx } = u;
    const { top, height } = u.bbox;
    ctx.save();
    this.marks.forEach((m, i) => {
      const x = Math.round(u.valToPos(m.t, 'x', true));
      if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) return;
      ctx.strokeStyle = MARKS[m.type];
      ctx.lineWidth = 2;
      ctx.setLineDash([4, 3]);
      ctx.beginPath();
      ctx.moveTo(x, top);
      ctx.lineTo(x, top + height);
      ctx.stroke();
      ctx.fillStyle = MARKS[m.type];
      ctx.font = `${Math.round(11 * devicePixelRatio)}px sans-serif`;
      // Labels of marks close together go on three rows, so they do not write over each other.
      ctx.fillText(`${m.type} ${m.subject}`, x + 4, top + (12 + 13 * (i % 3)) * devicePixelRatio);
    });
    ctx.restore();
  }

  resize() {
    if (!this.charts) return;
    const width = Math.max(320, $('load-chart').clientWidth - 10);
    this.charts.load.setSize({ width, height: 220 });
    this.charts.imbalance.setSize({ width, height: 160 });
  }

  destroy() {
    if (!this.charts) return;
    this.charts.load.destroy();
    this.charts.imbalance.destroy();
    this.charts = null;
  }
}
