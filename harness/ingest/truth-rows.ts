import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { RunRecord } from '../results/artifact-store.ts';
import type { Row } from './rows.ts';

/** Truth files larger than this are not read whole into memory (truth logs are capped by truth_limit). */
const MAX_TRUTH_BYTES = 256 * 1024 * 1024;

type Doc = Record<string, unknown>;

// What an event is about and what happened to it, from the fields the workloads write:
// kv perturbations (key, delta_us), lb routes (key, backend), nfv firewall decisions (flow, action).
function eventRow(id: string, source: string, kind: string, e: Doc): Row {
  const str = (v: unknown): string => (v === undefined || v === null ? '' : String(v));
  const subject = str(e.key ?? e.flow ?? e.path);
  const outcome = str(e.backend ?? e.action ?? e.delta_us ?? e.cmd);
  const seq = typeof e.seq === 'number' ? e.seq : typeof e.n === 'number' ? e.n : 0;
  const tUs = typeof e.t_us === 'number' ? Math.round(e.t_us) : 0;
  return { execution_id: id, source, kind, seq, t_us: tUs, subject, outcome, detail: JSON.stringify(e) };
}

// Numeric fields of a summary, nested ones dotted (`dropped.deny`); lists are left to the events.
function summaryRows(id: string, source: string, doc: Doc, prefix = ''): Row[] {
  const out: Row[] = [];
  for (const [k, v] of Object.entries(doc)) {
    const name = `${prefix}${k}`;
    if (typeof v === 'number' && Number.isFinite(v)) out.push({ execution_id: id, source, name, value: v });
    else if (typeof v === 'boolean') out.push({ execution_id: id, source, name, value: v ? 1 : 0 });
    else if (v && typeof v === 'object' && !Array.isArray(v) && prefix.split('.').length < 3) out.push(...summaryRows(id, source, v as Doc, `${name}.`));
  }
  return out;
}

/**
 * The run's truth logs (`truth/`): JSON Lines files (kv perturbations, lb routes; `type: summary`
 * lines are summaries) and JSON documents (nfv stages: counters, and the firewall's `decisions`).
 */
export function truthRows(record: RunRecord, id: string, warn: (w: string) => void): { truth_events: Row[]; truth_summaries: Row[] } {
  const events: Row[] = [];
  const summaries: Row[] = [];
  const dir = path.join(record.dir, 'truth');
  if (!existsSync(dir)) return { truth_events: events, truth_summaries: summaries };
  for (const name of readdirSync(dir).sort()) {
    const file = path.join(dir, name);
    if (!statSync(file).isFile()) continue;
    if (statSync(file).size > MAX_TRUTH_BYTES) {
      warn(`truth/${name} is over ${MAX_TRUTH_BYTES >> 20} MiB; not ingested (lower truth_limit)`);
      continue;
    }
    const source = name.replace(/\.(jsonl|json)$/, '');
    const text = readFileSync(file, 'utf8');
    if (name.endsWith('.jsonl')) {
      let bad = 0;
      for (const line of text.split('\n')) {
        if (!line.trim()) continue;
        let e: Doc;
        try {
          e = JSON.parse(line) as Doc;
        } catch {
          bad++;
          continue;
        }
        if (e.type === 'summary') summaries.push(...summaryRows(id, source, e));
        else events.push(eventRow(id, source, String(e.type ?? 'event'), e));
      }
      if (bad > 0) warn(`truth/${name}: ${bad} line(s) are not JSON (a log cut short?); the rest is ingested`);
    } else if (name.endsWith('.json')) {
      let doc: Doc;
      try {
        doc = JSON.parse(text) as Doc;
      } catch (err) {
        warn(`truth/${name} is not valid JSON (${(err as Error).message}); not ingested`);
        continue;
      }
      summaries.push(...summaryRows(id, source, doc));
      if (Array.isArray(doc.decisions)) for (const d of doc.decisions as Doc[]) events.push(eventRow(id, source, 'decision', d));
    }
  }
  return { truth_events: events, truth_summaries: summaries };
}
