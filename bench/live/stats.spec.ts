import {
  cpuTicksOf,
  formatNumber,
  kneeOf,
  markdownTable,
  metricValue,
  percentile,
  ratio,
  statusKb,
  summarize,
} from './stats';

describe('live bench statistics', () => {
  it('takes nearest-rank percentiles', () => {
    const values = [5, 1, 4, 2, 3, 6, 7, 8, 9, 10];
    expect(percentile(values, 50)).toBe(5);
    expect(percentile(values, 95)).toBe(10);
    expect(percentile(values, 0)).toBe(1);
    expect(percentile([42], 95)).toBe(42);
    expect(percentile([], 50)).toBeNull();
  });

  it('summarizes finite values only', () => {
    expect(summarize([1, 2, 3, NaN, Infinity])).toEqual({ n: 3, p50: 2, p95: 3, mean: 2 });
    expect(summarize([])).toEqual({ n: 0, p50: null, p95: null, mean: null });
  });

  it('gives a ratio only against a usable baseline', () => {
    expect(ratio(10, 4)).toBe(2.5);
    expect(ratio(10, 0)).toBeNull();
    expect(ratio(null, 4)).toBeNull();
    expect(ratio(10, NaN)).toBeNull();
    expect(ratio(10, -2)).toBeNull();
    expect(ratio(-1, 2)).toBeNull();
    expect(ratio(0, 2)).toBe(0);
  });

  it('finds the knee: the last rate before the first step that failed', () => {
    const steps = [
      { rate: 10, correct: true, achieved: 10, createP50: 20 },
      { rate: 20, correct: true, achieved: 19.5, createP50: 40 },
      { rate: 40, correct: true, achieved: 30, createP50: 300 },
      { rate: 60, correct: true, achieved: 60, createP50: 30 },
    ];
    expect(kneeOf(steps)).toBe(20);
    expect(kneeOf([{ rate: 10, correct: false, achieved: 10, createP50: 5 }])).toBeNull();
    expect(kneeOf(steps.slice(0, 2).map((s) => ({ ...s, createP50: null })))).toBeNull();
  });

  it('renders the markdown table with ratios, dashes for missing figures and escaped pipes', () => {
    const table = markdownTable([
      { section: 'setup', measure: 'API → INVITE p50', unit: 'ms', platform: 19.2, raw: 3.84, note: 'a|b' },
      { section: 'rss', measure: 'RSS', unit: 'MB', platform: 123.456, raw: null },
    ]);
    expect(table.split('\n')).toEqual([
      '| section | measure | platform | raw ARI | ratio | note |',
      '|---|---|---:|---:|---:|---|',
      '| setup | API → INVITE p50 | 19.2 ms | 3.84 ms | 5.00× | a\\|b |',
      '| rss | RSS | 123 MB | – | – |  |',
      '',
    ]);
    expect(formatNumber(0.123)).toBe('0.12');
  });

  it('reads CPU ticks from /proc/<pid>/stat, even with spaces and parentheses in the name', () => {
    const stat = '4242 (node (bench) x) S 1 4242 4242 0 -1 4194304 100 0 0 0 1234 567 0 0 20 0 11 0 99 0';
    expect(cpuTicksOf(stat)).toBe(1234 + 567);
  });

  it('reads /proc status sizes and Prometheus samples', () => {
    expect(statusKb('Name:\tasterisk\nVmHWM:\t  90000 kB\nVmRSS:\t  70512 kB\n', 'VmRSS')).toBe(70512);
    expect(statusKb('Name:\tx\n', 'VmRSS')).toBeNull();
    const metrics =
      '# HELP callwright_nodejs_heap_size_used_bytes x\ncallwright_nodejs_heap_size_used_bytes 12345678\n' +
      'callwright_calls_live{direction="inbound"} 3\n';
    expect(metricValue(metrics, 'callwright_nodejs_heap_size_used_bytes')).toBe(12345678);
    expect(metricValue(metrics, 'callwright_calls_live')).toBe(3);
    expect(metricValue(metrics, 'missing')).toBeNull();
  });
});
