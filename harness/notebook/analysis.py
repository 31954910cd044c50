# %% [markdown]
# # Suite analysis
#
# Rebuilt from one ID by `npx harness notebook`: every cell reads the data again from ClickHouse (or
# from the artifact folders), so the notebook can be re-run top to bottom, or any cell on its own
# after the loading cell, and gives the same result. Edit the parameters cell to point it elsewhere.

# %% tags=["parameters"]
# Parameters (written by `harness notebook`).

# %%
import io, json, math, os, re, urllib.parse, urllib.request
import numpy as np
import pandas as pd
import matplotlib
import matplotlib.pyplot as plt
from IPython.display import display

pd.set_option('display.width', 200)
pd.set_option('display.max_columns', 30)
pd.set_option('display.max_rows', 200)
TABLES = ['runs', 'metrics', 'buckets', 'histograms', 'timeseries', 'truth_events', 'truth_summaries', 'cdf_points']


def sql_literal(value):
    return "'" + str(value).replace('\\', '\\\\').replace("'", "\\'") + "'"


def ch_query(sql):
    """Rows of a query over ClickHouse's HTTP interface, as a DataFrame (64-bit integers as numbers)."""
    params = urllib.parse.urlencode({'database': DATABASE, 'output_format_json_quote_64bit_integers': 0})
    req = urllib.request.Request(CLICKHOUSE_URL.rstrip('/') + '/?' + params, data=(sql + ' FORMAT JSONEachRow').encode())
    with urllib.request.urlopen(req, timeout=120) as res:
        text = res.read().decode()
    rows = [json.loads(line) for line in text.splitlines() if line.strip()]
    return pd.DataFrame(rows)


def selected_runs_sql(run_id):
    x = sql_literal(run_id)
    # Of a run measured again after a disturbance, its last attempt (as harness/ingest/select.ts).
    return (f"SELECT execution_id FROM runs WHERE artifact_id = {x} OR (suite_execution_id != '' AND suite_execution_id IN "
            f"(SELECT suite_execution_id FROM runs WHERE suite_execution_id = {x} OR artifact_id = {x}) "
            f"AND (suite_execution_id, run_id, attempt) IN (SELECT suite_execution_id, run_id, max(attempt) FROM runs GROUP BY suite_execution_id, run_id))")


def load_clickhouse(run_id):
    sel = f'execution_id IN ({selected_runs_sql(run_id)})'
    return {
        'runs': ch_query(f'SELECT execution_id, suite_execution_id, artifact_id, suite, workload, mode, variant, repetition, status, error, load_start, load_end, duration_ms, precision FROM runs WHERE {sel}'),
        'metrics': ch_query(f'SELECT execution_id, metric, value FROM run_metrics WHERE {sel}'),
        'buckets': ch_query(f'SELECT execution_id, client, value, count FROM latency_buckets WHERE {sel} ORDER BY execution_id, client, value'),
        'histograms': ch_query(f'SELECT execution_id, client, total_count, max_value FROM latency_histograms WHERE {sel}'),
        'timeseries': ch_query(f'SELECT execution_id, source, series, labels, ts, value FROM timeseries WHERE {sel} ORDER BY execution_id, source, series, labels, ts'),
        'truth_events': ch_query(f'SELECT execution_id, source, kind, seq, t_us, subject, outcome FROM truth_events WHERE {sel} ORDER BY execution_id, source, t_us'),
        'truth_summaries': ch_query(f'SELECT execution_id, source, name, value FROM truth_summaries WHERE {sel}'),
        'cdf_points': pd.DataFrame(),
    }


# --- artifact folders: the same tables, read from run_result.json and the files beside it ---

OM_LINE = re.compile(r'^([A-Za-z_:][A-Za-z0-9_:]*)(\{.*\})?\s+(\S+)\s+(\S+)\s*$')
LABEL = re.compile(r'([A-Za-z_][A-Za-z0-9_]*)="((?:[^"\\]|\\.)*)"')


def labels_json(labels):
    return json.dumps(dict(sorted(labels.items())), separators=(',', ':'))


def epoch(iso):
    return pd.Timestamp(iso).timestamp() if iso else float('nan')


def artifact_runs(run_id):
    found = []
    for name in sorted(os.listdir(ARTIFACTS_DIR)):
        path = os.path.join(ARTIFACTS_DIR, name, 'run_result.json')
        if os.path.isfile(path):
            with open(path) as f:
                r = json.load(f)
            found.append((name, r, r['run'].get('suite_execution_id') or r['run'].get('session_id') or ''))
    wanted = {sid for name, r, sid in found if sid and (sid == run_id or name == run_id)}
    # Of a run measured again after a disturbance, its last attempt (as ClickHouse's selection); an artifact ID named is kept.
    last = {}
    for name, r, sid in found:
        k = (sid, r['run'].get('id'))
        last[k] = max(last.get(k, 0), r['run'].get('attempt', 1))
    return [(name, r, sid) for name, r, sid in found
            if name == run_id or (sid and sid in wanted and r['run'].get('attempt', 1) == last[(sid, r['run'].get('id'))])]


def load_artifacts(run_id):
    out = {t: [] for t in TABLES}
    for name, r, sid in artifact_runs(run_id):
        run, phases, folder = r['run'], r['phases'], os.path.join(ARTIFACTS_DIR, name)
        out['runs'].append(dict(execution_id=name, suite_execution_id=sid, artifact_id=name, suite=run['suite'], workload=run['workload'], mode=run['mode'],
                                variant=run['variant'], repetition=run['repetition'], status=r['status'], error=((r.get('error') or {}).get('message') or '').split('\n')[0],
                                load_start=epoch(phases.get('load_start')), load_end=epoch(phases.get('load_end')), duration_ms=r.get('duration_ms', 0),
                                precision=json.dumps(((r.get('assessment') or {}).get('checks') or {}).get('precision')) if ((r.get('assessment') or {}).get('checks') or {}).get('precision') else ''))
        out['metrics'] += [dict(execution_id=name, metric=k, value=v) for k, v in r['key_metrics'].items()]
        ts = out['timeseries']
        for ep in (r.get('timeseries') or {}).get('endpoints', []):
            if not ep.get('file') or not os.path.isfile(os.path.join(folder, ep['file'])):
                continue
            with open(os.path.join(folder, ep['file'])) as f:
                for line in f:
                    m = OM_LINE.match(line.strip())
                    if m and not line.startswith('#'):
                        labels = {k: v for k, v in LABEL.findall(m.group(2) or '')}
                        ts.append(dict(execution_id=name, source='prometheus:' + ep['name'], series=m.group(1), labels=labels_json(labels), ts=float(m.group(4)), value=float(m.group(3))))
        for s in (r['monitors'].get('mpstat') or {}).get('samples', []):
            for k in ['busy', 'usr', 'sys', 'iowait']:
                ts.append(dict(execution_id=name, source='mpstat', series=f'cpu_{k}_pct', labels=labels_json({'cpu': s['cpu']}), ts=epoch(s['t']), value=s[k]))
        for s in (r['monitors'].get('pidstat') or {}).get('samples', []):
            for k in ['cpu_pct', 'usr_pct', 'system_pct', 'rss_kb']:
                ts.append(dict(execution_id=name, source='pidstat', series='process_' + k, labels=labels_json({'pid': str(s['pid'])}), ts=epoch(s['t']), value=s[k]))
        observer = next((c for c in r['commands'] if c['role'] == 'observer'), None)
        for v in (r['instrumentation'].get('perf_stat') or {}).get('values', []):
            if 'interval_s' in v and v.get('value') is not None and observer and observer.get('started_at'):
                ts.append(dict(execution_id=name, source='perf_stat', series=v['event'], labels='{}', ts=epoch(observer['started_at']) + v['interval_s'], value=v['value']))
        for c in r['commands']:
            m = c.get('metrics') or {}
            if c['role'] != 'client' or not isinstance(m, dict):
                continue
            for p in m.get('timeline') or []:
                for k, v in p.items():
                    if k != 't_s' and isinstance(v, (int, float)):
                        ts.append(dict(execution_id=name, source='generator:' + c['name'], series=k, labels='{}', ts=epoch(m.get('started_at')) + p['t_s'], value=v))
            # Without an HDR decoder, the CDF comes from the percentile points the generator wrote.
            for p in (m.get('histogram') or {}).get('percentiles', []):
                out['cdf_points'].append(dict(execution_id=name, client=c['name'], value=p['value_us'], fraction=p['percentile'] / 100))
        truth_dir = os.path.join(folder, 'truth')
        for tname in sorted(os.listdir(truth_dir)) if os.path.isdir(truth_dir) else []:
            source = re.sub(r'\.(jsonl|json)$', '', tname)
            with open(os.path.join(truth_dir, tname)) as f:
                text = f.read()
            docs = []
            if tname.endswith('.jsonl'):
                for line in text.splitlines():
                    try:
                        docs.append(json.loads(line))
                    except ValueError:
                        pass
            elif tname.endswith('.json'):
                try:
                    doc = json.loads(text)
                except ValueError:
                    continue
                out['truth_summaries'] += [dict(execution_id=name, source=source, name=k, value=float(v)) for k, v in doc.items() if isinstance(v, (int, float))]
                docs = [dict(d, type='decision') for d in doc.get('decisions') or []]
            for e in docs:
                if e.get('type') == 'summary':
                    out['truth_summaries'] += [dict(execution_id=name, source=source, name=k, value=float(v)) for k, v in e.items() if isinstance(v, (int, float))]
                else:
                    subject = e.get('key', e.get('flow', e.get('path', '')))
                    outcome = e.get('backend', e.get('action', e.get('delta_us', e.get('cmd', ''))))
                    out['truth_events'].append(dict(execution_id=name, source=source, kind=e.get('type', 'event'), seq=e.get('seq', e.get('n', 0)), t_us=e.get('t_us', 0), subject=str(subject), outcome=str(outcome)))
    return {t: pd.DataFrame(rows) for t, rows in out.items()}


def load(run_id):
    tables = load_clickhouse(run_id) if SOURCE == 'clickhouse' else load_artifacts(run_id)
    columns = {'runs': ['execution_id', 'suite_execution_id', 'artifact_id', 'suite', 'workload', 'mode', 'variant', 'repetition', 'status', 'error', 'load_start', 'load_end', 'duration_ms', 'precision'],
               'metrics': ['execution_id', 'metric', 'value'], 'buckets': ['execution_id', 'client', 'value', 'count'], 'histograms': ['execution_id', 'client', 'total_count', 'max_value'],
               'timeseries': ['execution_id', 'source', 'series', 'labels', 'ts', 'value'], 'truth_events': ['execution_id', 'source', 'kind', 'seq', 't_us', 'subject', 'outcome'],
               'truth_summaries': ['execution_id', 'source', 'name', 'value'], 'cdf_points': ['execution_id', 'client', 'value', 'fraction']}
    for t, cols in columns.items():
        df = tables.get(t)
        tables[t] = pd.DataFrame(columns=cols) if df is None or df.empty else df
    for t, cols in [('runs', ['repetition', 'load_start', 'load_end', 'duration_ms']), ('metrics', ['value']), ('buckets', ['value', 'count']), ('histograms', ['total_count', 'max_value']),
                    ('timeseries', ['ts', 'value']), ('truth_events', ['seq', 't_us']), ('truth_summaries', ['value']), ('cdf_points', ['value', 'fraction'])]:
        for c in cols:
            tables[t][c] = pd.to_numeric(tables[t][c])
    if tables['runs'].empty:
        raise LookupError(f'no run has suite execution ID or artifact ID {run_id!r} in {CLICKHOUSE_URL if SOURCE == "clickhouse" else ARTIFACTS_DIR}')
    return tables

# %% [markdown]
# ## The runs

# %%
T = load(ID)
runs = T['runs'].sort_values(['workload', 'variant', 'repetition', 'mode']).reset_index(drop=True)
key = T['metrics'].pivot_table(index='execution_id', columns='metric', values='value', aggfunc='first')
runs_table = runs.merge(key, left_on='execution_id', right_index=True, how='left')
print(f"ID {ID}: suite {', '.join(sorted(runs.suite.unique()))}; suite execution {', '.join(sorted(runs.suite_execution_id.unique()))}; "
      f"{len(runs)} runs ({(runs.status == 'passed').sum()} passed)")
display(runs_table.drop(columns=['execution_id', 'suite_execution_id', 'load_start', 'load_end', 'precision']))

# %% [markdown]
# ## The harness's bootstrap
#
# summary.json's intervals are percentile bootstraps drawn with xoroshiro128+ (pure-rand, seed 1 by
# default, 2000 resamples); the same generator here gives the same intervals.

# %%
M32 = 0xFFFFFFFF


class Xoroshiro128Plus:
    """pure-rand's xoroshiro128plus(seed), 32-bit halves as in its JavaScript."""

    def __init__(self, seed):
        self.s01, self.s00, self.s11, self.s10 = M32, ~seed & M32, seed & M32, 0

    def next_u32(self):
        out = (self.s00 + self.s10) & M32
        a0, a1 = self.s10 ^ self.s00, self.s11 ^ self.s01
        s00, s01 = self.s00, self.s01
        self.s00 = ((s00 << 24) & M32) ^ (s01 >> 8) ^ a0 ^ ((a0 << 16) & M32)
        self.s01 = ((s01 << 24) & M32) ^ (s00 >> 8) ^ a1 ^ (((a1 << 16) & M32) | (a0 >> 16))
        self.s10 = ((a1 << 5) & M32) ^ (a0 >> 27)
        self.s11 = ((a0 << 5) & M32) ^ (a1 >> 27)
        return out


def bootstrap_interval(xs, statistic, seed=1, resamples=2000, confidence=0.95):
    """(low, high) of a percentile bootstrap of 'mean' or 'median', as harness/stats/bootstrap.ts draws it."""
    xs = list(xs)
    n = len(xs)
    if n < 2:
        return None
    rng = Xoroshiro128Plus(seed)
    draws = np.empty(resamples)
    for b in range(resamples):
        sample = sorted(xs[(rng.next_u32() * n) >> 32] for _ in range(n))
        draws[b] = (sample[(n - 1) // 2] if n % 2 else (sample[n // 2 - 1] + sample[n // 2]) / 2) if statistic == 'median' else math.fsum(sample) / n
    tail = (1 - confidence) / 2
    return float(np.quantile(draws, tail)), float(np.quantile(draws, 1 - tail))


# %% [markdown]
# ## Statistics per workload × mode × variant (passed runs; as in summary.json)

# %%
NON_PERFORMANCE = {'saturated', 'offered_rps'}
passed = runs_table[runs_table.status == 'passed']
metric_names = sorted(m for m in T['metrics'].metric.unique() if m not in NON_PERFORMANCE)
group_rows = []
for (workload, mode, variant), g in passed.groupby(['workload', 'mode', 'variant']):
    for m in metric_names:
        xs = g[m].dropna() if m in g else pd.Series(dtype=float)
        if len(xs) == 0:
            continue
        ci = bootstrap_interval(xs.tolist(), 'median', BOOTSTRAP_SEED)
        group_rows.append(dict(workload=workload, mode=mode, variant=variant, metric=m, n=len(xs), mean=xs.mean(), median=xs.median(),
                               stdev=xs.std(ddof=1) if len(xs) > 1 else float('nan'), min=xs.min(), max=xs.max(),
                               median_ci_low=ci[0] if ci else float('nan'), median_ci_high=ci[1] if ci else float('nan')))
groups = pd.DataFrame(group_rows, columns=['workload', 'mode', 'variant', 'metric', 'n', 'mean', 'median', 'stdev', 'min', 'max', 'median_ci_low', 'median_ci_high'])
display(groups)
display({'application/json': {'groups': json.loads(groups.to_json(orient='records'))}}, raw=True)

# %% [markdown]
# ## Overhead of each mode against baseline
#
# Within each repetition block (same workload, variant, repetition) the cost ratio is baseline/mode
# for throughput and mode/baseline for latency; the overhead is the geometric mean over blocks, and
# its 95 % interval the seeded percentile bootstrap of the mean log ratio over blocks (as summary.json).

# %%
overhead_rows = []
cells = passed.set_index(['workload', 'variant', 'mode', 'repetition'])
for (workload, variant, mode), g in passed[passed['mode'] != 'baseline'].groupby(['workload', 'variant', 'mode']):
    for metric, direction in OVERHEAD_METRICS.items():
        logs = []
        for _, r in g.sort_values('repetition').iterrows():
            k = (workload, variant, 'baseline', r.repetition)
            if k not in cells.index or metric not in cells.columns:
                continue
            b, v = cells.loc[k, metric], r.get(metric)
            if pd.notna(b) and pd.notna(v) and b > 0 and v > 0:
                logs.append(math.log(b / v) if direction == 'higher-is-better' else math.log(v / b))
        if not logs:
            continue
        ci = bootstrap_interval(logs, 'mean', BOOTSTRAP_SEED)
        pct = lambda x: (math.exp(x) - 1) * 100
        overhead_rows.append(dict(workload=workload, variant=variant, mode=mode, metric=metric, direction=direction, blocks=len(logs),
                                  percent=pct(np.mean(logs)), ci_low=pct(ci[0]) if ci else float('nan'), ci_high=pct(ci[1]) if ci else float('nan')))
overhead = pd.DataFrame(overhead_rows, columns=['workload', 'variant', 'mode', 'metric', 'direction', 'blocks', 'percent', 'ci_low', 'ci_high'])
display(overhead)
display({'application/json': {'overhead': json.loads(overhead.to_json(orient='records'))}}, raw=True)
if not overhead.empty:
    fig, axes = plt.subplots(1, len(overhead.metric.unique()), figsize=(5 * len(overhead.metric.unique()), 3.5), squeeze=False)
    for ax, (metric, g) in zip(axes[0], overhead.groupby('metric')):
        labels = [f'{r.workload}/{r.variant}\n{r["mode"]}' for _, r in g.iterrows()]
        err = np.array([g.percent - g.ci_low.fillna(g.percent), g.ci_high.fillna(g.percent) - g.percent])
        ax.errorbar(range(len(g)), g.percent, yerr=err, fmt='o', capsize=4)
        ax.axhline(0, color='grey', lw=0.8)
        ax.set_xticks(range(len(g)), labels, fontsize=7)
        ax.set_title(f'overhead on {metric} (%)')
    plt.tight_layout()
    plt.show()

# %% [markdown]
# ## Precision targets
#
# For suites with `precision:` targets (docs/precision.md), the stop rule replayed over every block
# measured, as summary.json's `precision` rows: per target and arm (a mode; a mode at a level of the
# axis a block spans: a patch on a mutations axis, or a parameter value a target compares along with
# `against:`), the robust (Huberized) betting confidence sequence on per-block log ratios —
# overhead: the mode against the same block's baseline; change: the level against the reference
# level (the unpatched base, or `against:`), same mode; difference: the same in the metric's units,
# reference level × (e^change − 1), from the change and the reference level's sequences at α/2
# each — or log values, with its estimate, anytime-valid interval, achieved half-width against the
# target, blocks, margin verdict and why measuring stopped. The same arithmetic as
# harness/stats/confidence-sequence.ts, precision-series.ts and precision-controller.ts.

# %%
CS_TOLERANCE, CS_VALUE_TOLERANCE, DEFAULT_CLIP = 1e-9, 1e-7, 0.03


def target_against(t):
    """The reference level (parameter, value as text) of a change or difference target."""
    against = t.get('against') or {'mutation': 'base'}
    param, value = next(iter(against.items()))
    return param, (('true' if value else 'false') if isinstance(value, bool) else format(value, 'g') if isinstance(value, float) else str(value))


def precision_axis(spec):
    t = next((x for x in spec['targets'] if x.get('of', 'overhead') in ('change', 'difference')), None)
    return target_against(t)[0] if t else 'mutation'


def split_axis(variant, axis):
    """(the variant label without the axis, the run's level of it or None)."""
    segments = variant.split(',')
    level = next((seg.split('=', 1)[1] for seg in segments if seg.startswith(axis + '=')), None)
    if level is None:
        return variant, None
    return ','.join(seg for seg in segments if seg != f'{axis}={level}') or 'default', level


def metric_direction(metric):
    return next((d for pattern, d in DIRECTION_RULES if re.search(pattern, metric)), 'lower-is-better')


def find_zero(f, lo, hi, start):
    """Zero of a nonincreasing f on [lo, hi]: Newton steps kept inside the bracket, else bisection."""
    m = start if lo < start < hi else (lo + hi) / 2
    for _ in range(200):
        if not hi - lo > CS_TOLERANCE:
            break
        value, slope = f(m)
        if abs(value) < CS_VALUE_TOLERANCE:
            return m
        if value >= 0:
            lo = m
        else:
            hi = m
        step = m - value / slope if slope < 0 else math.nan
        m = step if lo < step < hi else (lo + hi) / 2
    return m


class RobustConfidenceSequence:
    """Huberized betting confidence sequence (Waudby-Smith & Ramdas 2024, hedged capital, predictable plug-in bets)."""

    def __init__(self, confidence, clip=DEFAULT_CLIP, max_bet=0.75):
        self.clip, self.max_bet = clip, max_bet
        self.threshold = math.log(2 / (1 - confidence))
        self.sum_squares = clip * clip
        self.values, self.bets, self.log_up, self.log_down, self.sorted = [], [], [], [], []
        self.low, self.high, self.last_estimate = -math.inf, math.inf, math.nan

    def log_capital(self, m, sign, offset, scale):
        c, value, slope = self.clip, 0.0, 0.0
        at_high, at_low = (self.log_up, self.log_down) if sign == 1 else (self.log_down, self.log_up)
        for i, v in enumerate(self.values):
            r = v - m
            if r >= c:
                value += at_high[i]
            elif r <= -c:
                value += at_low[i]
            else:
                bet = sign * self.bets[i]
                factor = 1 + bet * r
                value += math.log(factor)
                slope -= bet / factor
        return offset + scale * value, scale * slope

    def median(self):
        s, k = self.sorted, len(self.sorted) >> 1
        return s[k] if len(s) % 2 == 1 else (s[k - 1] + s[k]) / 2

    def push(self, value):
        i = len(self.values) + 1
        bet = min(math.sqrt((2 * self.threshold) / ((self.sum_squares / i) * i * math.log(1 + i))), self.max_bet / self.clip)
        self.bets.append(bet)
        self.log_up.append(math.log1p(bet * self.clip))
        self.log_down.append(math.log1p(-bet * self.clip))
        self.values.append(value)
        at = next((j for j, x in enumerate(self.sorted) if x > value), len(self.sorted))
        self.sorted.insert(at, value)
        r = value - self.median()
        clipped = max(-self.clip, min(self.clip, r))
        self.sum_squares += clipped * clipped
        lo, hi = self.sorted[0] - self.clip, self.sorted[-1] + self.clip
        plus = lambda m: self.log_capital(m, 1, -self.threshold, 1)
        minus = lambda m: self.log_capital(m, -1, self.threshold, -1)
        start = max(lo, self.low)
        if start < hi and plus(start)[0] >= 0:
            self.low = find_zero(plus, start, hi, self.low)
        end = min(hi, self.high)
        if end > lo and minus(end)[0] < 0:
            self.high = find_zero(minus, lo, end, self.high)

    def estimate(self):
        if not self.values:
            return math.nan
        c = self.clip

        def score(m):
            rs = [v - m for v in self.values]
            return sum(c if r > c else -c if r < -c else r for r in rs), -sum(1 for r in rs if -c < r < c)
        self.last_estimate = find_zero(score, self.sorted[0] - c, self.sorted[-1] + c, self.last_estimate)
        return self.last_estimate


def percent_text(x):
    if not math.isfinite(x):
        return '+inf' if x > 0 else '-inf'
    return f"{'+' if x > 0 else ''}{x:.1f} %"


def margin_verdict(low, high, margin, question):
    at = f'interval [{percent_text(low)}, {percent_text(high)}]'
    if question == 'change':
        if low >= -margin and high <= margin:
            return 'no-change', f'no change within ±{margin:g} % ({at})'
        if low > margin:
            return 'regressed', f'regressed by more than {margin:g} % ({at})'
        if high < -margin:
            return 'improved', f'improved by more than {margin:g} % ({at})'
        return 'inconclusive', f'inconclusive: {at} reaches past ±{margin:g} %'
    if high <= margin:
        return 'costs-at-most', f'costs at most {margin:g} % ({at})'
    if low > margin:
        return 'costs-more', f'costs more than {margin:g} % ({at})'
    return 'inconclusive', f'inconclusive: {at} contains {margin:g} %'


def difference_status(s):
    t, cs, ref = s['target'], s['cs'], s['ref']
    theta, x = (cs.estimate(), ref.estimate()) if cs.values and ref.values else (math.nan, math.nan)
    estimate = math.exp(x) * math.expm1(theta) if cs.values and ref.values else math.nan
    y_low, y_high = math.expm1(cs.low), math.expm1(cs.high)
    x_low, x_high = math.exp(ref.low), math.exp(ref.high)

    def times(a, b, fallback):
        v = a * b
        return fallback if math.isnan(v) else v
    low = times(x_low if y_low >= 0 else x_high, y_low, -math.inf)
    high = times(x_high if y_high >= 0 else x_low, y_high, math.inf)
    width = (high - low) / 2 / abs(estimate) * 100 if estimate == estimate and estimate != 0 else math.inf
    achieved = width if math.isfinite(width) else math.inf
    return dict(estimate=estimate, low=low, high=high, achieved_half_width=achieved, blocks=len(cs.values), margin=None, verdict=None, verdict_text=None,
                status='met' if achieved <= t['half_width'] else 'pending')


def series_status(s):
    t, cs = s['target'], s['cs']
    if t['of'] == 'difference':
        return difference_status(s)
    relative = t['of'] != 'value'
    est = cs.estimate()
    if relative:
        low, high, estimate = math.expm1(cs.low) * 100, math.expm1(cs.high) * 100, math.expm1(est) * 100
        width = (high - low) / 2
    else:
        low, high, estimate = math.exp(cs.low), math.exp(cs.high), math.exp(est)
        width = (high - low) / 2 / estimate * 100
    achieved = math.inf if math.isnan(width) else width
    margin = t.get('margin') if relative else None
    verdict = margin_verdict(low, high, margin, 'change' if t['of'] == 'change' else 'cost') if margin is not None and cs.values else (None, None)
    status = 'met' if achieved <= t['half_width'] else 'decided' if verdict[0] not in (None, 'inconclusive') else 'pending'
    return dict(estimate=estimate, low=low, high=high, achieved_half_width=achieved, blocks=len(cs.values), margin=margin, verdict=verdict[0], verdict_text=verdict[1], status=status)


def usable(x):
    return x is not None and math.isfinite(x) and x > 0


def replay_precision(spec, blocks):
    """Feed blocks in repetition order to the stop rule, deciding after each; every series' state after the last block."""
    targets, confidence = spec['targets'], spec.get('confidence', 0.95)
    min_reps, max_reps, budget = spec.get('min_repetitions', 3), spec['max_repetitions'], spec.get('time_budget_s')
    # stop_arms: each — a series met or decided after min_repetitions takes no more blocks (its arm's later runs were skipped).
    each = spec.get('stop_arms', 'together') == 'each'
    series, seen, elapsed, stopped, seen_arms, runs_total = {}, [], 0.0, None, set(), 0

    def settled_arms():
        # As PrecisionController.settledArms: every series of the arm final, none open compares against it;
        # a baseline stays while another mode of its level is measured.
        if not each or stopped is not None:
            return set()
        touches = lambda s, arm: s['arm'] == arm or s['against'] == arm
        out = {arm for arm in seen_arms
               if not any(touches(s, arm) for s in series.values() if not s.get('final'))
               and any(touches(s, arm) for s in series.values() if s.get('final'))}
        return {arm for arm in out if arm[0] != 'baseline' or all(a in out for a in seen_arms if a != arm and a[1] == arm[1])}

    def next_block_seconds():
        if not each or not seen_arms:
            return elapsed / fed
        return elapsed / runs_total * (len(seen_arms) - len(settled_arms())) if runs_total > 0 else elapsed / fed

    for rep, seconds, arms, runs in blocks:
        seen.append(rep)
        fed, elapsed, runs_total = len(seen), elapsed + seconds, runs_total + runs
        seen_arms.update(arms.keys())
        for ti, t in enumerate(targets):
            direction = metric_direction(t['metric'])
            of = t.get('of', 'overhead')
            for (mode, level), metrics in arms.items():
                against = None
                if of == 'overhead':
                    if mode == 'baseline':
                        continue
                    against = ('baseline', level)
                elif of in ('change', 'difference'):
                    reference = target_against(t)[1]
                    if level is None or level == reference:
                        continue
                    against = (mode, reference)
                value = metrics.get(t['metric'])
                b = arms.get(against, {}).get(t['metric']) if against is not None else None
                if against is None:
                    log = math.log(value) if usable(value) else None
                elif of == 'difference':
                    log = math.log(value / b) if usable(value) and usable(b) else None
                else:
                    log = math.log((b / value if direction == 'higher-is-better' else value / b)) if usable(value) and usable(b) else None
                key = (ti, mode, level)
                if key not in series:
                    half = 1 - (1 - confidence) / 2
                    series[key] = dict(target=dict(t, of=of), mode=mode, level=level, missing=seen[:-1], arm=(mode, level), against=against,
                                       cs=RobustConfidenceSequence(half if of == 'difference' else confidence, t.get('clip', DEFAULT_CLIP)),
                                       ref=RobustConfidenceSequence(half, t.get('clip', DEFAULT_CLIP)) if of == 'difference' else None)
                if series[key].get('final'):
                    continue
                if log is None:
                    series[key]['missing'].append(rep)
                else:
                    series[key]['cs'].push(log)
                if series[key]['ref'] is not None and usable(b):
                    series[key]['ref'].push(math.log(b))
        for key, s in series.items():
            if (s['mode'], s['level']) not in arms and not s.get('final'):
                s['missing'].append(rep)
        states = [series_status(s) for s in series.values()]
        pending = [x for x in states if x['status'] == 'pending']
        # As the controller decides after every block; a later 'stop' replaces an earlier one's reason.
        if fed >= min_reps and states and not pending:
            stopped = 'target-met' if all(x['status'] == 'met' for x in states) else 'verdict-decided'
        elif fed >= max_reps:
            stopped = 'max-repetitions'
        else:
            if each and fed >= min_reps:
                for s, x in zip(series.values(), states):
                    s['final'] = s.get('final') or x['status'] != 'pending'
            if budget is not None and fed >= min_reps and elapsed + next_block_seconds() > budget:
                stopped = 'time-budget'
    rows = []
    for s in series.values():
        x = series_status(s)
        stop = x['status'] if x['status'] != 'pending' else stopped
        axis = precision_axis(spec) if s['level'] is not None else None
        rows.append(dict(mode=s['mode'], axis=axis, level=s['level'], mutation=s['level'] if axis == 'mutation' else None,
                         metric=s['target']['metric'], of=s['target']['of'], target=s['target']['half_width'], **x,
                         confidence=confidence, blocks_measured=len(seen),
                         stop_reason={'met': 'target-met', 'decided': 'verdict-decided'}.get(stop, stop) if stopped is not None else 'open'))
    return rows


precision_rows = []
for workload, g in runs_table.groupby('workload'):
    specs = g.precision.fillna('')
    if not (specs != '').any():
        continue
    spec = json.loads(specs[specs != ''].iloc[0])
    axis = precision_axis(spec)
    for series_label, gs in g.assign(series_label=g.variant.map(lambda v: split_axis(v, axis)[0])).groupby('series_label'):
        blocks = []
        for rep, b in gs.sort_values('repetition').groupby('repetition'):
            arms = {}
            for _, r in b[b.status == 'passed'].iterrows():
                arms[(r['mode'], split_axis(r.variant, axis)[1])] = {k: v for k, v in r.items() if k in key.columns and pd.notna(v)}
            blocks.append((int(rep), float(b.duration_ms.clip(lower=0).sum()) / 1000, arms, len(b)))
        for row in replay_precision(spec, blocks):
            precision_rows.append(dict(workload=workload, variant=series_label, **row))
precision = pd.DataFrame(precision_rows, columns=['workload', 'variant', 'mode', 'axis', 'level', 'mutation', 'metric', 'of', 'target', 'achieved_half_width', 'estimate', 'low', 'high',
                                                  'blocks', 'blocks_measured', 'margin', 'verdict', 'verdict_text', 'status', 'stop_reason', 'confidence'])
if precision.empty:
    print('No precision targets in this suite execution (docs/precision.md).')
else:
    display(precision)
display({'application/json': {'precision': json.loads(precision.to_json(orient='records'))}}, raw=True)

# %% [markdown]
# ## Latency distributions
#
# From each run's HDR histogram buckets (ClickHouse): runs of a mode merge by adding their buckets,
# and any percentile is recomputed exactly as HdrHistogram does. From artifact folders, the CDF
# uses the percentile points the generators wrote.

# %%
def percentile_from_buckets(values, counts, max_value, p):
    total = counts.sum()
    if total == 0:
        return 0.0
    target = max(math.ceil(p / 100 * total - 1e-9), 1)
    idx = int(np.searchsorted(np.cumsum(counts), target))
    return float(min(values[min(idx, len(values) - 1)], max_value))


runs_by_id = runs.set_index('execution_id')
cdf_rows, pct_rows = [], []
if not T['buckets'].empty:
    b = T['buckets'].join(runs_by_id[['workload', 'variant', 'mode', 'status']], on='execution_id')
    b = b[b.status == 'passed']
    h = T['histograms'].join(runs_by_id[['workload', 'variant', 'mode']], on='execution_id')
    for (workload, variant, mode), g in b.groupby(['workload', 'variant', 'mode']):
        merged = g.groupby('value')['count'].sum().sort_index()
        values, counts = merged.index.to_numpy(dtype=float), merged.to_numpy(dtype=float)
        max_value = h[(h.workload == workload) & (h.variant == variant) & (h['mode'] == mode)].max_value.max()
        cdf_rows += [dict(workload=workload, variant=variant, mode=mode, value=v, fraction=f) for v, f in zip(values, np.cumsum(counts) / counts.sum())]
        pct_rows.append(dict(workload=workload, variant=variant, mode=mode, requests=int(counts.sum()),
                             **{f'p{p}_us': percentile_from_buckets(values, counts, max_value, p) for p in [50, 90, 99, 99.9]}))
elif not T['cdf_points'].empty:
    c = T['cdf_points'].join(runs_by_id[['workload', 'variant', 'mode', 'status']], on='execution_id')
    for _, r in c[c.status == 'passed'].iterrows():
        cdf_rows.append(dict(workload=r.workload, variant=r.variant, mode=r['mode'], value=r.value, fraction=r.fraction, run=r.execution_id))
cdf = pd.DataFrame(cdf_rows)
if pct_rows:
    display(pd.DataFrame(pct_rows))
if not cdf.empty:
    combos = cdf.groupby(['workload', 'variant']).size().index
    fig, axes = plt.subplots(1, len(combos), figsize=(6 * len(combos), 4), squeeze=False)
    for ax, (workload, variant) in zip(axes[0], combos):
        for keys, g in cdf[(cdf.workload == workload) & (cdf.variant == variant)].groupby(['mode', 'run'] if 'run' in cdf else ['mode', 'variant']):
            ax.step(g.value, g.fraction, where='post', label=keys[0], alpha=0.8)
        ax.set_xscale('log')
        ax.set_xlabel('latency (µs)')
        ax.set_ylabel('fraction of requests')
        ax.set_title(f'{workload} / {variant}')
        ax.legend()
    plt.tight_layout()
    plt.show()
else:
    print('no latency histograms in these runs')

# %% [markdown]
# ## Time series across each run
#
# Time is seconds from the start of the load. Generator: throughput and latency per second; host
# CPU (mpstat, all cores); the observer's metrics (counters as per-second rates), at most
# MAX_SERIES_PLOTS series that changed during the runs (OBSERVER_SERIES, a regex, picks others).

# %%
ts = T['timeseries'].join(runs_by_id[['workload', 'variant', 'mode', 'repetition', 'load_start']], on='execution_id')
ts['t'] = ts.ts - ts.load_start


def as_rate(g):
    g = g.sort_values('t')
    dv, dt = g.value.diff(), g.t.diff()
    return g.assign(value=(dv / dt).where(dv >= 0))


def plot_series(title, frame, ylabel):
    if frame.empty:
        return False
    combos = frame.groupby(['workload', 'variant']).size().index
    fig, axes = plt.subplots(1, len(combos), figsize=(6 * len(combos), 3), squeeze=False)
    for ax, (workload, variant) in zip(axes[0], combos):
        for (mode, rep, labels), g in frame[(frame.workload == workload) & (frame.variant == variant)].groupby(['mode', 'repetition', 'labels']):
            ax.plot(g.t, g.value, label=f'{mode} r{rep}' + ('' if labels == '{}' else f' {labels}'), alpha=0.8)
        ax.set_title(f'{title} — {workload}/{variant}', fontsize=9)
        ax.set_xlabel('s since load start')
        ax.set_ylabel(ylabel)
        ax.legend(fontsize=6)
    plt.tight_layout()
    plt.show()
    return True


gen = ts[ts.source.str.startswith('generator:')]
plotted = [plot_series('throughput', gen[gen.series == 'achieved'], 'req/s'),
           plot_series('latency p99', gen[gen.series == 'p99_us'], 'µs'),
           plot_series('CPU busy (all cores)', ts[(ts.source == 'mpstat') & (ts.series == 'cpu_busy_pct') & (ts.labels == '{"cpu":"all"}')], '%')]
obs = ts[ts.source.str.startswith('prometheus:')]
if OBSERVER_SERIES:
    obs = obs[obs.series.str.contains(OBSERVER_SERIES, regex=True)]
moving = obs.groupby('series').value.agg(lambda v: v.max() - v.min()).sort_values(ascending=False)
for name in [s for s, spread in moving.items() if spread > 0][:MAX_SERIES_PLOTS]:
    g = obs[obs.series == name]
    counter = name.endswith('_total')
    if counter:
        g = g.groupby(['execution_id', 'labels'], group_keys=False).apply(as_rate)
    plotted.append(plot_series(f'{name}{" per second" if counter else ""}', g.dropna(subset=['value']), name))
print(f'{sum(plotted)} time-series figures; sources: {", ".join(sorted(ts.source.unique())) or "none"}')

# %% [markdown]
# ## Ground truth against what the observer reported
#
# Truth logs (kv perturbations, lb routes, nfv firewall decisions) per run and per second of the
# load, joined on the run and the second with the observer's scraped metrics.

# %%
ev = T['truth_events'].join(runs_by_id[['workload', 'variant', 'mode', 'repetition', 'load_start']], on='execution_id')
if ev.empty:
    print('no truth logs in these runs')
else:
    per_run = ev.groupby(['execution_id', 'source', 'kind', 'outcome']).size().rename('events').reset_index()
    per_run = per_run.join(runs_by_id[['workload', 'variant', 'mode', 'repetition']], on='execution_id')
    display(per_run.drop(columns=['execution_id']))
    summaries = T['truth_summaries'].assign(name=lambda d: d.source + '.' + d.name).pivot_table(index='execution_id', columns='name', values='value', aggfunc='first')
    display(runs_by_id[['workload', 'variant', 'mode', 'repetition']].join(summaries, how='inner').reset_index(drop=True))
    ev['second'] = np.floor(ev.t_us / 1e6 - ev.load_start)
    truth_sec = ev.groupby(['execution_id', 'second']).size().rename('truth_events').reset_index()
    observed = obs.assign(second=np.floor(obs.t)).groupby(['execution_id', 'series', 'second']).value.last().unstack('series').reset_index()
    if observed.empty:
        print('the observer reported nothing in these runs (baseline only?): truth per second alone')
        display(truth_sec.join(runs_by_id[['workload', 'mode', 'repetition']], on='execution_id').head(100))
    else:
        # Runs with an observer: each second's truth events beside the observer's values in that second.
        joined = truth_sec.merge(observed, on=['execution_id', 'second'], how='inner').join(runs_by_id[['workload', 'variant', 'mode', 'repetition']], on='execution_id')
        display(joined.drop(columns=['execution_id']).head(100))
    display({'application/json': {'truth_per_run': json.loads(ev.groupby('execution_id').size().rename('events').reset_index().to_json(orient='records'))}}, raw=True)
