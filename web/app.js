// The hwnas dashboard's pages, built from the server's JSON with DOM calls only (textContent, never
// innerHTML): whatever a study or search holds is shown as text. Live: each page listens to /events and
// refetches its JSON when the server says one of its folders changed.
(() => {
  const body = document.body;
  const main = document.getElementById('main');
  const crumb = document.getElementById('crumb');
  const liveDot = document.getElementById('live');

  function h(tag, props, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(props || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'text') e.textContent = String(v);
      else if (k === 'class') e.className = v;
      else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v === true ? '' : String(v));
    }
    for (const c of children.flat())
      if (c !== null && c !== undefined && c !== false) e.append(c instanceof Node ? c : String(c));
    return e;
  }
  const enc = encodeURIComponent;
  const fmt = (v, digits = 4) =>
    v === null || v === undefined || Number.isNaN(v)
      ? '-'
      : Number.isFinite(v)
        ? String(+Number(v).toPrecision(digits))
        : v > 0
          ? 'inf'
          : '-inf';
  const count = (v) => (v === null || v === undefined ? '-' : Number(v).toLocaleString('en-US'));
  const bytes = (v) =>
    v === undefined || v === null
      ? '-'
      : v >= 1048576
        ? `${fmt(v / 1048576, 3)} MiB`
        : v >= 1024
          ? `${fmt(v / 1024, 3)} KiB`
          : `${v} B`;

  async function api(path) {
    const r = await fetch(path, { credentials: 'same-origin' });
    if (!r.ok) throw new Error((await r.text()).trim() || `HTTP ${r.status}`);
    return r.json();
  }

  function statusBadge(s) {
    return h('span', { class: `status ${s}`, text: s, 'data-status': s });
  }
  function progress(done, total) {
    const share = total ? Math.min(1, done / total) : 0;
    const bar = h('span', { class: 'bar' }, h('span'));
    bar.firstChild.style.width = `${(share * 100).toFixed(1)}%`;
    return h('span', {}, total ? bar : null, total ? `${count(done)} / ${count(total)}` : `${count(done)}`);
  }
  function table(header, rows, opts = {}) {
    return h(
      'table',
      { class: opts.class },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          header.map((c) => h('th', { text: c })),
        ),
      ),
      h(
        'tbody',
        {},
        rows.map((r) =>
          h(
            'tr',
            {},
            r.map((c, i) =>
              c instanceof Node ? h('td', {}, c) : h('td', { text: c, class: i >= (opts.textCols ?? 1) ? 'n' : null }),
            ),
          ),
        ),
      ),
    );
  }
  function settings(items) {
    return h(
      'dl',
      {},
      items.flatMap(([k, v]) => [h('dt', { text: k }), h('dd', {}, v instanceof Node ? v : String(v))]),
    );
  }
  function plot(spec) {
    const holder = h('div');
    window.HwChart.draw(holder, spec);
    return holder;
  }
  function showError(e) {
    main.textContent = '';
    main.append(h('p', { class: 'error', text: String(e.message || e) }));
  }

  /** Listen for changes of `ids` (all folders when null); `onChange` is called at most once at a time. */
  function live(ids, onChange) {
    const q = ids ? ids.map((i) => `f=${enc(i)}`).join('&') : '';
    const es = new EventSource(`/events${q ? `?${q}` : ''}`);
    let busy = false;
    let again = false;
    const run = async () => {
      if (busy) {
        again = true;
        return;
      }
      busy = true;
      try {
        await onChange();
      } catch (e) {
        console.warn(e);
      }
      busy = false;
      if (again) {
        again = false;
        run();
      }
    };
    es.addEventListener('open', () => liveDot.classList.add('on'));
    es.addEventListener('error', () => liveDot.classList.remove('on'));
    es.addEventListener('change', run);
  }

  // ---- list -------------------------------------------------------------------------------------------
  async function listPage() {
    crumb.textContent = 'studies and searches';
    const picked = new Set();
    const render = async () => {
      const items = await api('/api/list');
      main.textContent = '';
      main.append(h('h1', { text: 'Studies and open searches' }));
      if (items.length === 0) {
        main.append(
          h('p', {
            class: 'note',
            text: 'No study (study.sqlite) or open search (history.jsonl) in this folder yet; it is watched.',
          }),
        );
        return;
      }
      const cmp = h('button', {
        type: 'button',
        id: 'compare',
        text: 'Compare selected',
        onclick: () => {
          if (picked.size >= 2) location.href = `/compare?${[...picked].map((i) => `f=${enc(i)}`).join('&')}`;
        },
      });
      const rows = items.map((it) => [
        h('input', {
          type: 'checkbox',
          checked: picked.has(it.id),
          onchange: (ev) => (ev.target.checked ? picked.add(it.id) : picked.delete(it.id)),
          'aria-label': `select ${it.id}`,
        }),
        h('a', { href: `/${it.kind === 'study' ? 'study' : 'open'}/${enc(it.id)}`, text: it.id, class: 'folder' }),
        it.kind === 'study' ? 'study' : 'open search',
        statusBadge(it.status),
        progress(it.done, it.total),
        count(it.evals),
        fmt(it.bestHv),
      ]);
      main.append(
        table(['', 'Folder', 'Kind', 'Status', 'Progress (runs / evaluations)', 'Evaluations', 'Best HV'], rows, {
          class: 'list',
          textCols: 5,
        }),
      );
      main.append(
        h(
          'p',
          { class: 'buttons' },
          cmp,
          h('span', { class: 'note', text: 'pick two or more to compare them side by side' }),
        ),
      );
      main.append(
        h('p', {
          class: 'note',
          text: 'Best HV: the highest final hypervolume of any run (studies: normalised per device, reference 1.1) or of the search so far.',
        }),
      );
    };
    await render();
    live(null, render);
  }

  // ---- study --------------------------------------------------------------------------------------------
  function mean(xs) {
    const v = xs.filter((x) => Number.isFinite(x));
    return v.length ? v.reduce((a, b) => a + b, 0) / v.length : NaN;
  }
  function settingOf(v, r) {
    return v.config.strategies.length > 1 ? `${r.pruningLabel} (${r.strategy})` : r.pruningLabel;
  }
  /** Mean of a checkpoint metric over the runs of each setting on one device. */
  function convergenceSeries(v, runs, device, metric) {
    const groups = new Map();
    for (const r of runs) {
      if (r.device !== device) continue;
      const k = settingOf(v, r);
      if (!groups.has(k)) groups.set(k, []);
      groups.get(k).push(r);
    }
    return [...groups.entries()].map(([name, rs]) => ({
      name,
      kind: 'line',
      points: v.config.checkpoints.map((c) => ({
        x: c,
        y: mean(rs.map((r) => r.checkpoints.find((m) => m.evals === c)?.[metric])),
        d: { evals: c, setting: name, runs: rs.length },
      })),
    }));
  }

  function filterBox(name, values, chosen, onChange) {
    return h(
      'fieldset',
      { 'data-filter': name },
      h('legend', { text: name }),
      values.map((val) =>
        h(
          'label',
          {},
          h('input', {
            type: 'checkbox',
            checked: chosen.has(String(val)),
            onchange: (ev) => {
              if (ev.target.checked) chosen.add(String(val));
              else chosen.delete(String(val));
              onChange();
            },
          }),
          ` ${val}`,
        ),
      ),
    );
  }

  function studyPage() {
    const id = body.dataset.id;
    crumb.textContent = `study ${id}`;
    let v = null;
    let filters = null;
    const render = () => {
      main.textContent = '';
      const c = v.config;
      main.append(h('h1', {}, `Study ${id} `, statusBadge(v.status)));
      main.append(
        settings([
          ['Progress', progress(v.done, v.total)],
          ['Space', v.space],
          ['Accuracy', `${v.accuracy.source} (${v.accuracy.unit})`],
          ['Devices', c.devices.join(', ')],
          ['Pruning', c.pruning.join(', ')],
          ['Strategies', c.strategies.join(', ')],
          ['Seeds', c.seeds.join(', ')],
          ['Evaluations per run', count(c.evals)],
          ['Evaluations done', count(v.evals)],
          ['Constraints', c.constraints?.length ? c.constraints.join(' ') : 'none'],
        ]),
      );
      const rerender = () => render();
      main.append(h('h2', { text: 'Filters' }));
      main.append(
        h(
          'div',
          { class: 'filters' },
          filterBox('device', c.devices, filters.device, rerender),
          filterBox('pruning', c.pruning, filters.pruning, rerender),
          filterBox('strategy', c.strategies, filters.strategy, rerender),
          filterBox('seed', c.seeds, filters.seed, rerender),
        ),
      );
      const runs = v.runs.filter(
        (r) =>
          filters.device.has(r.device) &&
          filters.pruning.has(r.pruning) &&
          filters.strategy.has(r.strategy) &&
          filters.seed.has(String(r.seed)),
      );
      const devices = c.devices.filter((d) => filters.device.has(d));
      main.append(h('h2', { text: 'Convergence per device and pruning setting' }));
      main.append(
        h('p', {
          class: 'note',
          text: `${runs.length} of ${v.runs.length} finished runs selected; mean over the selected seeds at each checkpoint.`,
        }),
      );
      for (const device of devices) {
        const plots = h('div', { class: 'plots' });
        for (const [metric, label] of [
          ['gd', 'GD'],
          ['igdPlus', 'IGD+'],
          ['hv', 'HV'],
        ]) {
          plots.append(
            plot({
              id: `${metric}-${device}`,
              title: `${label} vs evaluations — ${device}`,
              xLabel: 'Evaluations (log scale)',
              yLabel: `${label} (normalised)`,
              xLog: true,
              series: convergenceSeries(v, runs, device, metric),
              hover: (d, s) => [s.name, `${d.evals} evaluations, ${d.runs} runs`],
            }),
          );
        }
        main.append(h('h3', { text: device }), plots);
      }
      const labels = new Set(
        c.pruning
          .filter((p) => filters.pruning.has(p))
          .map((p) => v.runs.find((r) => r.pruning === p)?.pruningLabel ?? p),
      );
      main.append(h('h2', { text: 'Tables (poster layout) and pruning audit' }));
      for (const t of v.tables) {
        const rows = t.rows.filter((r) => filters.device.has(r[0]) && (labels.has(r[1]) || ![...labels].length));
        main.append(
          h(
            'section',
            { class: 'table', 'data-table': t.id },
            h('h3', { text: t.title }),
            table(t.header, rows, { textCols: 2 }),
            t.notes.map((n) => h('p', { class: 'note', text: n })),
          ),
        );
      }
      const hover = (d) =>
        [
          d.label,
          `accuracy ${fmt(d.acc)} ${v.accuracy.unit}`,
          ...v.devices.map((dev, i) => `${dev.source}: ${fmt(d.lat[i])} ${dev.unit}`),
          d.params !== undefined
            ? `params ${count(d.params)}, MACs ${count(d.macs)}, peak memory ${bytes(d.peak)}`
            : 'click for params, MACs, memory',
          d.infeasible ? 'violates a constraint of the study' : '',
        ].filter((x) => x !== '');
      const click = (d) => {
        location.href = `/arch/${enc(id)}/${d.arch}`;
      };
      main.append(h('h2', { text: 'Pareto fronts (hover for details, click for the architecture)' }));
      const fronts = h('div', { class: 'plots' });
      v.fronts.forEach((f, di) => {
        if (!filters.device.has(f.device)) return;
        const settingsShown = new Set(runs.filter((r) => r.device === f.device).map((r) => settingOf(v, r)));
        const found = f.found.filter((s) => settingsShown.has(s.series.replace(/ @ \d+$/, '')));
        fronts.append(
          plot({
            id: `front-${f.device}`,
            title: `True front and found fronts (first seed) — ${f.device}`,
            xLabel: `Latency (${f.unit})`,
            yLabel: `Accuracy (${v.accuracy.unit})`,
            series: [
              { name: 'true front', kind: 'step', points: f.truth.map((p) => ({ x: p.lat[di], y: p.acc, d: p })) },
              ...found.map((s) => ({
                name: s.series,
                kind: 'points',
                points: s.points.map((p) => ({ x: p.lat[di], y: p.acc, d: p })),
              })),
            ],
            hover,
            click,
          }),
        );
      });
      main.append(fronts);
      main.append(h('h2', { text: 'Discovered architectures' }));
      const disc = h('div', { class: 'plots' });
      v.discovered.forEach((f, di) => {
        if (!filters.device.has(f.device)) return;
        const settingsShown = new Set(runs.filter((r) => r.device === f.device).map((r) => settingOf(v, r)));
        const bySetting = new Map();
        for (const p of f.points) {
          if (!settingsShown.has(p.setting)) continue;
          if (!bySetting.has(p.setting)) bySetting.set(p.setting, []);
          bySetting.get(p.setting).push({ x: p.lat[di], y: p.acc, d: p });
        }
        disc.append(
          plot({
            id: `discovered-${f.device}`,
            title: `Discovered architectures (first seed) — ${f.device}${f.points.length < f.total ? ` (${f.points.length} of ${f.total} shown)` : ''}`,
            xLabel: `Latency (${f.unit})`,
            yLabel: `Accuracy (${v.accuracy.unit})`,
            series: [...bySetting.entries()].map(([name, points]) => ({ name, kind: 'points', faint: true, points })),
            hover,
            click,
          }),
        );
      });
      main.append(disc);
    };
    const load = async () => {
      v = await api(`/api/study/${enc(id)}`);
      if (!filters) {
        const c = v.config;
        filters = {
          device: new Set(c.devices),
          pruning: new Set(c.pruning),
          strategy: new Set(c.strategies),
          seed: new Set(c.seeds.map(String)),
        };
      }
      const y = window.scrollY;
      render();
      window.scrollTo(0, y);
    };
    load().then(() => live([id], load), showError);
  }

  // ---- open search ------------------------------------------------------------------------------------
  function openPage() {
    const id = body.dataset.id;
    crumb.textContent = `open search ${id}`;
    const load = async () => {
      const v = await api(`/api/open/${enc(id)}`);
      const y = window.scrollY;
      main.textContent = '';
      main.append(h('h1', {}, `Open search ${id} `, statusBadge(v.status)));
      main.append(
        settings([
          ['Evaluations', h('span', { id: 'told', 'data-told': v.done }, progress(v.done, v.total))],
          ['Succeeded / failed', `${count(v.ok)} / ${count(v.failed)}`],
          ['In flight', count(v.inFlight.length)],
          ['Wall time', `${fmt(v.wallSeconds, 4)} s`],
          ['Study id', v.study],
          ['Space', v.space],
          ['Strategy', v.strategy],
          ['Objectives', v.specs.map((s) => `${s.name} (${s.direction})`).join(', ')],
          ['Front size', count(v.front.length)],
          ['HV', fmt(v.bestHv)],
        ]),
      );
      if (v.badLines)
        main.append(
          h('p', { class: 'error', text: `${v.badLines} lines of history.jsonl are not JSON and were skipped` }),
        );
      main.append(h('h2', { text: 'Convergence' }));
      const curve = (x, y) => v.curve.map((c) => ({ x: c[x], y: c[y], d: c }));
      const hoverC = (d) => [
        `${count(d.evals)} evaluations (${count(d.ok)} ok) at ${fmt(d.seconds)} s`,
        `HV ${fmt(d.hv)}, front ${d.front}`,
      ];
      main.append(
        h(
          'div',
          { class: 'plots' },
          plot({
            id: 'hv-evals',
            title: 'Hypervolume vs evaluations',
            xLabel: 'Evaluations',
            yLabel: 'HV',
            series: [{ name: 'HV', kind: 'line', points: curve('evals', 'hv') }],
            hover: hoverC,
          }),
          plot({
            id: 'hv-time',
            title: 'Hypervolume vs wall-clock time',
            xLabel: 'Wall time (s)',
            yLabel: 'HV',
            series: [{ name: 'HV', kind: 'line', points: curve('seconds', 'hv') }],
            hover: hoverC,
          }),
          plot({
            id: 'front-size',
            title: 'Front size vs evaluations',
            xLabel: 'Evaluations',
            yLabel: 'Front size',
            series: [{ name: 'front size', kind: 'step', points: curve('evals', 'front') }],
            hover: hoverC,
          }),
        ),
      );
      if (v.specs.length >= 2) {
        const [ya, xa] = v.specs;
        const pt = (p) => ({ x: p.objectives[xa.name], y: p.objectives[ya.name], d: p });
        main.append(h('h2', { text: 'Pareto front (hover for details, click for the architecture)' }));
        main.append(
          plot({
            id: 'open-front',
            title: `Front: ${ya.name} (${ya.direction}) vs ${xa.name} (${xa.direction})`,
            xLabel: xa.name,
            yLabel: ya.name,
            series: [
              { name: 'other evaluations', kind: 'points', faint: true, color: '#9aa', points: v.cloud.map(pt) },
              { name: 'front', kind: 'points', points: v.front.map(pt) },
            ],
            hover: (d) =>
              [
                d.label,
                `evaluation ${d.n}${d.front ? ', on the front' : ''}`,
                ...Object.entries(d.objectives).map(([k, x]) => `${k}: ${fmt(x)}`),
                d.params !== undefined
                  ? `params ${count(d.params)}, MACs ${count(d.macs)}, peak memory ${bytes(d.peak)}`
                  : '',
              ].filter((x) => x !== ''),
            click: (d) => {
              location.href = `/arch/${enc(id)}/${d.arch}`;
            },
          }),
        );
      }
      main.append(h('h2', { text: 'Front' }));
      main.append(
        table(
          ['Architecture', 'Evaluation', ...v.specs.map((s) => s.name), 'Params', 'MACs'],
          v.front.map((p) => [
            h('a', { href: `/arch/${enc(id)}/${p.arch}`, text: p.label, class: 'arch' }),
            count(p.n),
            ...v.specs.map((s) => fmt(p.objectives[s.name])),
            count(p.params),
            count(p.macs),
          ]),
          { class: 'front' },
        ),
      );
      main.append(h('h2', { text: `In flight (${v.inFlight.length})` }));
      main.append(
        v.inFlight.length
          ? table(
              ['Evaluation', 'Architecture'],
              v.inFlight.map((f) => [count(f.n), f.label]),
              { class: 'inflight' },
            )
          : h('p', { class: 'note', text: 'none' }),
      );
      main.append(h('h2', { text: `Failures (${v.failed})` }));
      main.append(
        v.failures.length
          ? table(
              ['Reason', 'Count', 'First evaluation'],
              v.failures.map((g) => [g.reason, count(g.count), count(g.first)]),
              { class: 'failures' },
            )
          : h('p', { class: 'note', text: 'none' }),
      );
      if (v.recentFailures.length)
        main.append(
          h('h3', { text: 'Latest failures' }),
          table(
            ['Evaluation', 'Architecture', 'Worker', 'Reason'],
            v.recentFailures.map((f) => [count(f.n), String(f.arch), f.worker ?? '-', f.reason]),
            { textCols: 4 },
          ),
        );
      main.append(h('h2', { text: 'Workers' }));
      main.append(
        table(
          ['Worker', 'Evaluations', 'Failed', 'Mean duration (ms)', 'Last tell (s)'],
          v.workers.map((w) => [w.worker, count(w.evals), count(w.failed), fmt(w.meanMs), fmt(w.lastSeconds)]),
          { class: 'workers' },
        ),
      );
      main.append(h('h2', { text: 'Fidelity' }));
      main.append(
        v.fidelity
          ? table(
              [v.fidelity.key, 'Evaluations'],
              v.fidelity.counts.map((c) => [fmt(c.value), count(c.evals)]),
            )
          : h('p', {
              class: 'note',
              text: 'The evaluator reports no fidelity (no fidelity, epochs or budget value in its replies): no early stopping to show.',
            }),
      );
      window.scrollTo(0, y);
    };
    load().then(() => live([id], load), showError);
  }

  // ---- architecture -------------------------------------------------------------------------------------
  async function archPage() {
    const id = body.dataset.id;
    const arch = body.dataset.arch;
    crumb.textContent = `${id} · architecture ${arch}`;
    try {
      const a = await api(`/api/arch/${enc(id)}/${enc(arch)}`);
      main.textContent = '';
      main.append(h('h1', { text: `Architecture ${a.index} of ${a.space}` }));
      main.append(
        h('p', {}, h('a', { href: `/${a.kind === 'study' ? 'study' : 'open'}/${enc(id)}`, text: `back to ${id}` })),
      );
      main.append(
        h('h2', { text: 'Notations' }),
        settings(Object.entries(a.notations).map(([k, x]) => [k, String(x)])),
      );
      main.append(h('h2', { text: 'Objectives' }));
      main.append(
        table(
          ['Source', 'Objective', 'Unit', 'Value'],
          a.objectives.map((o) => [o.source, o.name, o.unit, fmt(o.value, 6)]),
          { class: 'objectives', textCols: 3 },
        ),
      );
      if (a.evaluation !== null && a.evaluation !== undefined)
        main.append(h('p', { class: 'note', text: `first evaluated as evaluation ${a.evaluation}` }));
      main.append(h('h2', { text: 'Network' }));
      main.append(
        settings([
          ['Input', a.input.join('×')],
          ['Classes', a.classes],
          ['Params', count(a.params)],
          ['MACs', count(a.macs)],
          ['FLOPs (ptflops)', count(a.flops)],
          ['Peak activations', `${bytes(a.peak)} fp32 / ${bytes(a.peakInt8)} int8`],
          ['Weights', `${bytes(a.weights)} fp32`],
        ]),
      );
      main.append(
        h(
          'p',
          { class: 'buttons' },
          h('a', {
            href: `/api/onnx/${enc(id)}/${a.index}`,
            download: `${a.space}-${a.index}.onnx`,
            id: 'onnx',
            text: 'Download ONNX',
          }),
          h('a', {
            href: `/api/torch/${enc(id)}/${a.index}`,
            download: `${a.space}-${a.index}.py`,
            id: 'torch',
            title: 'the PyTorch module source, as hwnas export-torch writes it (weights: hwnas export-torch --weights)',
            text: 'Download PyTorch',
          }),
        ),
      );
      main.append(h('h2', { text: `Layers (${a.layers.length})` }));
      main.append(
        table(
          ['Scope', 'Op', 'Block', 'Output (C×H×W)', 'Params', 'MACs'],
          a.layers.map((l) => [
            l.scope,
            l.op,
            l.block < 0 ? '-' : String(l.block),
            l.shape.join('×'),
            count(l.params),
            count(l.macs),
          ]),
          { class: 'layers', textCols: 4 },
        ),
      );
    } catch (e) {
      showError(e);
    }
  }

  // ---- compare ------------------------------------------------------------------------------------------
  async function comparePage() {
    const ids = new URLSearchParams(location.search).getAll('f');
    crumb.textContent = `compare ${ids.length}`;
    const load = async () => {
      const list = await api('/api/list');
      const kinds = new Map(list.map((x) => [x.id, x.kind]));
      const views = await Promise.all(
        ids.map(async (i) => ({
          id: i,
          kind: kinds.get(i),
          v: await api(`/api/${kinds.get(i) === 'study' ? 'study' : 'open'}/${enc(i)}`),
        })),
      );
      main.textContent = '';
      main.append(h('h1', { text: `Comparing ${ids.length} folders` }));
      const hv = [];
      const gd = [];
      const rows = [];
      for (const { id, kind, v } of views) {
        if (kind === 'study') {
          for (const device of v.config.devices) {
            for (const s of convergenceSeries(v, v.runs, device, 'hv'))
              hv.push({ ...s, name: `${id} · ${device} · ${s.name}` });
            for (const s of convergenceSeries(v, v.runs, device, 'gd'))
              gd.push({ ...s, name: `${id} · ${device} · ${s.name}` });
          }
          const groups = new Map();
          for (const r of v.runs) {
            const k = `${r.device} · ${settingOf(v, r)}`;
            if (!groups.has(k)) groups.set(k, []);
            groups.get(k).push(r);
          }
          for (const [k, rs] of groups) {
            const last = (r) => r.checkpoints[r.checkpoints.length - 1] || {};
            rows.push([
              id,
              'study',
              k,
              String(rs.length),
              count(rs.reduce((a, r) => a + r.evals, 0)),
              fmt(mean(rs.map((r) => last(r).hv))),
              fmt(mean(rs.map((r) => last(r).gd))),
            ]);
          }
        } else {
          hv.push({ name: `${id}`, kind: 'line', points: v.curve.map((c) => ({ x: c.evals, y: c.hv, d: c })) });
          rows.push([id, 'open search', v.specs.map((s) => s.name).join(', '), '1', count(v.done), fmt(v.bestHv), '-']);
        }
      }
      main.append(
        table(['Folder', 'Kind', 'Setting', 'Runs', 'Evaluations', 'Final HV (mean)', 'Final GD (mean)'], rows, {
          class: 'compare',
          textCols: 3,
        }),
      );
      const plots = h('div', { class: 'plots' });
      plots.append(
        plot({
          id: 'compare-hv',
          title: 'Hypervolume vs evaluations',
          xLabel: 'Evaluations (log scale)',
          yLabel: 'HV',
          xLog: true,
          width: 620,
          series: hv,
          hover: (d, s) => [s.name, `${count(d.evals)} evaluations`],
        }),
      );
      if (gd.length)
        plots.append(
          plot({
            id: 'compare-gd',
            title: 'GD vs evaluations (studies)',
            xLabel: 'Evaluations (log scale)',
            yLabel: 'GD',
            xLog: true,
            width: 620,
            series: gd,
            hover: (d, s) => [s.name, `${count(d.evals)} evaluations`],
          }),
        );
      main.append(plots);
    };
    load().then(() => live(ids, load), showError);
  }

  const pages = { list: listPage, study: studyPage, open: openPage, arch: archPage, compare: comparePage };
  (pages[body.dataset.page] || listPage)();
})();
