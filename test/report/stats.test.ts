import { describe, expect, it } from 'vitest';
import { meanInterval, tQuantile975 } from '../../src/report/stats.js';
import { evalsToReach, traceAt } from '../../src/report/summary.js';
import { num, renderCsv, renderMarkdown, type Table } from '../../src/report/tables.js';

describe('report statistics', () => {
  it('uses Student-t 97.5 % quantiles', () => {
    expect(tQuantile975(1)).toBe(12.706);
    expect(tQuantile975(9)).toBe(2.262);
    expect(tQuantile975(30)).toBe(2.042);
    expect(tQuantile975(60)).toBeCloseTo(2.0003, 3);
    expect(tQuantile975(1e9)).toBeCloseTo(1.96, 3);
  });

  it('computes mean and 95 % half-width by hand', () => {
    // 1..5: mean 3, sample sd sqrt(2.5); half = 2.776 * sqrt(2.5) / sqrt(5) = 1.96292...
    const iv = meanInterval([1, 2, 3, 4, 5]);
    expect(iv.mean).toBe(3);
    expect(iv.half).toBeCloseTo((2.776 * Math.sqrt(2.5)) / Math.sqrt(5), 12);
    expect(meanInterval([7]).half).toBeNaN();
    expect(meanInterval([]).n).toBe(0);
  });

  it('reads GD and time to target from a change trace', () => {
    const trace = Float64Array.from([1, 0.9, 4, 0.5, 10, 0.2, 50, 0.25]);
    expect(traceAt(trace, 1)).toBe(0.9);
    expect(traceAt(trace, 9)).toBe(0.5);
    expect(traceAt(trace, 10)).toBe(0.2);
    expect(traceAt(trace, 3000)).toBe(0.25);
    expect(evalsToReach(trace, 0.5)).toBe(4);
    expect(evalsToReach(trace, 0.21)).toBe(10);
    expect(evalsToReach(trace, 0.1)).toBe(-1);
  });

  it('renders stable Markdown and CSV', () => {
    const t: Table = {
      id: 'x',
      title: 'GD',
      header: ['Device', 'Pruning', '10'],
      rows: [['model:a|b', '0%', '0.351 ± 0.020']],
      csvHeader: ['device', 'mean_10'],
      csvRows: [['model:a,b', num(0.35123456789)]],
      notes: ['note'],
    };
    expect(renderMarkdown(t)).toBe(
      '## GD\n\n| Device | Pruning | 10 |\n| --- | --- | ---: |\n| model:a\\|b | 0% | 0.351 ± 0.020 |\n\nnote\n',
    );
    expect(renderCsv(t)).toBe('device,mean_10\n"model:a,b",0.351235\n');
  });
});
