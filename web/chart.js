// Small SVG charts for the hwnas dashboard: lines, steps and points on linear or log axes, a legend that
// hides series, a hover card and a click handler per point. Hand-written instead of Vega in the browser:
// Vega compiles its expressions with `new Function`, which the dashboard's Content-Security-Policy
// (script-src 'self', no 'unsafe-eval') forbids. Everything is built with DOM calls, no markup strings.
(() => {
  const NS = 'http://www.w3.org/2000/svg';
  const PALETTE = [
    '#4c78a8',
    '#f58518',
    '#54a24b',
    '#e45756',
    '#72b7b2',
    '#b279a2',
    '#ff9da6',
    '#9d755d',
    '#bab0ac',
    '#eeca3b',
  ];
  const M = { l: 64, r: 16, t: 28, b: 44 };

  function svg(tag, attrs, parent) {
    const e = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
    if (parent) parent.appendChild(e);
    return e;
  }

  function niceStep(span, count) {
    const raw = span / Math.max(1, count);
    const p = 10 ** Math.floor(Math.log10(raw));
    const f = raw / p;
    return (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10) * p;
  }

  function linearTicks(lo, hi, count) {
    if (!(hi > lo)) return [lo];
    const step = niceStep(hi - lo, count);
    const out = [];
    for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step)
      out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
    return out;
  }

  function logTicks(lo, hi) {
    const out = [];
    for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
      for (const k of hi / lo > 1000 ? [1] : [1, 2, 5]) {
        const v = k * 10 ** e;
        if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) out.push(v);
      }
    }
    return out;
  }

  function tickText(v) {
    if (v === 0) return '0';
    const a = Math.abs(v);
    if (a >= 1e6 || a < 1e-3) return v.toExponential(0);
    if (a >= 1000) return `${+(v / 1000).toPrecision(3)}k`;
    return String(+v.toPrecision(3));
  }

  function extent(values, log) {
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of values) {
      if (!Number.isFinite(v) || (log && v <= 0)) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    if (lo === Infinity) return log ? [1, 10] : [0, 1];
    if (lo === hi) return log ? [lo / 2, hi * 2] : [lo - (Math.abs(lo) || 1) * 0.05, hi + (Math.abs(hi) || 1) * 0.05];
    if (!log) {
      const pad = (hi - lo) * 0.04;
      return [lo - pad, hi + pad];
    }
    return [lo, hi];
  }

  function scale(lo, hi, a, b, log) {
    if (log) {
      const l0 = Math.log10(lo);
      const l1 = Math.log10(hi);
      return (v) => a + ((Math.log10(v) - l0) / (l1 - l0 || 1)) * (b - a);
    }
    return (v) => a + ((v - lo) / (hi - lo || 1)) * (b - a);
  }

  /**
   * Draw into `el` (emptied first). spec: { id, title, xLabel, yLabel, xLog, yLog, width, height,
   * series: [{ name, kind: 'line'|'step'|'points', points: [{x, y, d}], faint }], hover(d, s) -> lines,
   * click(d, s) }. Returns { update(spec) } to redraw in place.
   */
  function draw(el, spec) {
    el.textContent = '';
    const fig = document.createElement('figure');
    fig.className = 'plot';
    if (spec.id) fig.dataset.plot = spec.id;
    el.appendChild(fig);
    const cap = document.createElement('figcaption');
    cap.textContent = spec.title || '';
    fig.appendChild(cap);
    const W = spec.width || 560;
    const H = spec.height || 320;
    const root = svg('svg', { width: W, height: H, viewBox: `0 0 ${W} ${H}`, role: 'img' }, fig);
    const legend = document.createElement('div');
    legend.className = 'legend';
    fig.appendChild(legend);
    const card = document.createElement('div');
    card.className = 'hovercard';
    card.hidden = true;
    fig.appendChild(card);
    const hidden = new Set();
    const series = spec.series.map((s, i) => ({ ...s, color: s.color || PALETTE[i % PALETTE.length] }));
    let drawn = [];

    function render() {
      while (root.firstChild) root.removeChild(root.firstChild);
      const shown = series.filter((s) => !hidden.has(s.name));
      const xs = [];
      const ys = [];
      for (const s of shown)
        for (const p of s.points) {
          xs.push(p.x);
          ys.push(p.y);
        }
      const [x0, x1] = extent(xs, spec.xLog);
      const [y0, y1] = extent(ys, spec.yLog);
      const sx = scale(x0, x1, M.l, W - M.r, spec.xLog);
      const sy = scale(y0, y1, H - M.b, M.t, spec.yLog);
      svg('rect', { x: M.l, y: M.t, width: W - M.l - M.r, height: H - M.t - M.b, fill: '#fff', stroke: '#ccc' }, root);
      const axis = svg('g', { 'font-size': 11, fill: '#444' }, root);
      for (const t of spec.xLog ? logTicks(x0, x1) : linearTicks(x0, x1, 6)) {
        const x = sx(t);
        svg('line', { x1: x, x2: x, y1: M.t, y2: H - M.b, stroke: '#eee' }, axis);
        svg('text', { x, y: H - M.b + 14, 'text-anchor': 'middle' }, axis).textContent = tickText(t);
      }
      for (const t of spec.yLog ? logTicks(y0, y1) : linearTicks(y0, y1, 5)) {
        const y = sy(t);
        svg('line', { x1: M.l, x2: W - M.r, y1: y, y2: y, stroke: '#eee' }, axis);
        svg('text', { x: M.l - 6, y: y + 4, 'text-anchor': 'end' }, axis).textContent = tickText(t);
      }
      svg('text', { x: (M.l + W - M.r) / 2, y: H - 8, 'text-anchor': 'middle' }, axis).textContent = spec.xLabel || '';
      const yl = svg(
        'text',
        { x: 14, y: (M.t + H - M.b) / 2, 'text-anchor': 'middle', transform: `rotate(-90 14 ${(M.t + H - M.b) / 2})` },
        axis,
      );
      yl.textContent = spec.yLabel || '';
      drawn = [];
      const marks = svg('g', {}, root);
      for (const s of shown) {
        const pts = s.points.filter(
          (p) => Number.isFinite(p.x) && Number.isFinite(p.y) && (!spec.xLog || p.x > 0) && (!spec.yLog || p.y > 0),
        );
        if (s.kind === 'line' || s.kind === 'step') {
          let dAttr = '';
          pts.forEach((p, i) => {
            const X = sx(p.x).toFixed(1);
            const Y = sy(p.y).toFixed(1);
            if (i === 0) dAttr += `M${X},${Y}`;
            else if (s.kind === 'step') dAttr += `H${X}V${Y}`;
            else dAttr += `L${X},${Y}`;
          });
          if (dAttr)
            svg(
              'path',
              { d: dAttr, fill: 'none', stroke: s.color, 'stroke-width': 2, 'stroke-opacity': s.faint ? 0.4 : 1 },
              marks,
            );
        }
        const r = s.kind === 'points' ? (s.faint ? 2.5 : 3.5) : 2.5;
        for (const p of pts) {
          const X = sx(p.x);
          const Y = sy(p.y);
          const shade = p.d?.infeasible;
          svg(
            'circle',
            {
              cx: X.toFixed(1),
              cy: Y.toFixed(1),
              r,
              fill: shade ? '#999' : s.color,
              'fill-opacity': shade ? 0.25 : s.faint ? 0.35 : 0.9,
              class: spec.click && p.d ? 'clickable' : '',
            },
            marks,
          );
          drawn.push({ X, Y, p, s });
        }
      }
    }

    function nearest(ev) {
      const box = root.getBoundingClientRect();
      const mx = ((ev.clientX - box.left) * W) / box.width;
      const my = ((ev.clientY - box.top) * H) / box.height;
      let best = null;
      let bestD = 100;
      for (const q of drawn) {
        const dd = (q.X - mx) ** 2 + (q.Y - my) ** 2;
        if (dd < bestD) {
          bestD = dd;
          best = q;
        }
      }
      return best;
    }

    root.addEventListener('mousemove', (ev) => {
      const q = nearest(ev);
      if (!q || !spec.hover) {
        card.hidden = true;
        return;
      }
      card.textContent = '';
      for (const line of spec.hover(q.p.d ?? q.p, q.s)) {
        const div = document.createElement('div');
        div.textContent = line;
        card.appendChild(div);
      }
      card.hidden = false;
      card.style.left = `${Math.min(q.X + 12, W - 40)}px`;
      card.style.top = `${q.Y + 30}px`;
    });
    root.addEventListener('mouseleave', () => {
      card.hidden = true;
    });
    root.addEventListener('click', (ev) => {
      const q = nearest(ev);
      if (q && spec.click && q.p.d) spec.click(q.p.d, q.s);
    });

    function renderLegend() {
      legend.textContent = '';
      for (const s of series) {
        const item = document.createElement('button');
        item.type = 'button';
        item.className = hidden.has(s.name) ? 'key off' : 'key';
        const sw = document.createElement('span');
        sw.className = 'swatch';
        sw.style.background = s.color;
        item.appendChild(sw);
        item.appendChild(document.createTextNode(s.name));
        item.addEventListener('click', () => {
          if (hidden.has(s.name)) hidden.delete(s.name);
          else hidden.add(s.name);
          renderLegend();
          render();
        });
        legend.appendChild(item);
      }
    }
    render();
    renderLegend();
    return fig;
  }

  window.HwChart = { draw, PALETTE };
})();
