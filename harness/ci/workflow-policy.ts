import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';

// The security policy every workflow in .github/workflows follows (docs/ci-runners.md), checked on
// the YAML itself so a new workflow is held to it too, not only today's files:
// - a job on a self-hosted runner runs reviewed default-branch code of this repository only: its
//   `if:` tests the event, `github.ref == 'refs/heads/main'` and `github.repository`, and it deploys
//   to the protected `testbed` environment; a workflow with such a job has no PR-triggered events;
// - no `${{ }}` expression inside a `run:` script (values reach scripts through `env:`);
// - every `uses:` is pinned to a full 40-hex commit SHA with its version in a comment (`# v1.2.3`);
// - the workflow-level `permissions:` exist, include `contents: read` and grant nothing else but
//   read/none (write scopes go on the job that needs them);
// - actions/checkout runs with `persist-credentials: false`.
export type PolicyKind = 'yaml' | 'self-hosted-guard' | 'pr-trigger' | 'expression-in-run' | 'unpinned-uses' | 'workflow-permissions' | 'persist-credentials';

export interface PolicyProblem {
  file: string;
  line: number;
  column: number;
  message: string;
  kind: PolicyKind;
}

export const DEFAULT_BRANCH_REF = 'refs/heads/main';
export const TESTBED_ENVIRONMENT = 'testbed';
const PR_EVENTS = ['pull_request', 'pull_request_target', 'workflow_run', 'issue_comment'];
const FULL_SHA = /^[^@\s]+@[0-9a-f]{40}$/;

type Entry = [key: string, value: unknown, keyNode: Node | undefined];

// A map node's entries in order (keys as strings), with each key's node for its line.
function entries(node: unknown): Entry[] {
  if (!isMap(node)) return [];
  return node.items.map((pair) => {
    const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
    return [key, pair.value, isScalar(pair.key) ? pair.key : undefined];
  });
}

const get = (node: unknown, key: string): unknown => entries(node).find(([k]) => k === key)?.[1];
const scalar = (node: unknown): string | undefined => (isScalar(node) && node.value !== null ? String(node.value) : undefined);

export function checkWorkflowPolicy(text: string, file: string): PolicyProblem[] {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  const problems: PolicyProblem[] = [];
  const at = (node: unknown, kind: PolicyKind, message: string): void => {
    const offset = (node as Node | undefined)?.range?.[0] ?? 0;
    const pos = lines.linePos(offset);
    problems.push({ file, line: pos.line, column: pos.col, message, kind });
  };
  if (doc.errors.length > 0) {
    for (const e of doc.errors) problems.push({ file, line: e.linePos?.[0]?.line ?? 1, column: e.linePos?.[0]?.col ?? 1, message: `not valid YAML: ${e.message.split('\n')[0]}`, kind: 'yaml' });
    return problems;
  }
  const root = doc.contents;
  if (!isMap(root)) {
    at(root, 'yaml', 'a workflow is a YAML mapping with `on:` and `jobs:`');
    return problems;
  }

  checkWorkflowPermissions(get(root, 'permissions'), root, at);
  const on = get(root, 'on');
  const events = isMap(on) ? entries(on).map(([k]) => k) : isSeq(on) ? on.items.map(scalar) : [scalar(on)];
  const prEvents = events.filter((e): e is string => e !== undefined && PR_EVENTS.includes(e));

  for (const [jobName, job, jobKey] of entries(get(root, 'jobs'))) {
    const where = `jobs.${jobName}`;
    const runsOn = get(job, 'runs-on');
    const labels = isSeq(runsOn) ? runsOn.items.map(scalar) : [scalar(runsOn)];
    // A runner group (a map), or a whole-value expression that may name one, counts as self-hosted.
    const whole = scalar(runsOn) ?? '';
    if (labels.includes('self-hosted') || isMap(runsOn) || whole.includes('self-hosted') || whole.trim().startsWith('${{')) {
      checkSelfHostedGuards(job, jobKey, where, at);
      if (prEvents.length > 0) at(on, 'pr-trigger', `${where} runs on a self-hosted runner, and the workflow is triggered by ${prEvents.join(', ')}: pull-request code must never reach a self-hosted runner (move the job to its own workflow)`);
    }
    for (const [i, step] of (isSeq(get(job, 'steps')) ? (get(job, 'steps') as { items: unknown[] }).items : []).entries()) {
      const stepWhere = `${where}.steps[${i}]`;
      const run = get(step, 'run');
      const script = scalar(run);
      if (script?.includes('${{')) at(run, 'expression-in-run', `${stepWhere}.run has a \${{ }} expression: pass the value through the step's env: and use "$NAME" in the script (an expression is pasted into the script before the shell parses it)`);
      const uses = get(step, 'uses');
      checkUses(uses, `${stepWhere}.uses`, at);
      if (scalar(uses)?.startsWith('actions/checkout@') && scalar(get(get(step, 'with'), 'persist-credentials')) !== 'false') {
        at(uses, 'persist-credentials', `${stepWhere}: actions/checkout without \`with: persist-credentials: false\` leaves the token in .git/config`);
      }
    }
    checkUses(get(job, 'uses'), `${where}.uses`, at); // a reusable workflow
  }
  return problems;
}

type At = (node: unknown, kind: PolicyKind, message: string) => void;

function checkWorkflowPermissions(permissions: unknown, root: unknown, at: At): void {
  if (permissions === undefined) {
    at(root, 'workflow-permissions', 'no workflow-level `permissions:`: add `permissions: { contents: read }` at the top (the default token may be read-write)');
    return;
  }
  if (!isMap(permissions)) {
    at(permissions, 'workflow-permissions', `workflow-level permissions: ${scalar(permissions) ?? '?'}: list the scopes, \`contents: read\` and nothing that writes`);
    return;
  }
  for (const [scope, level, keyNode] of entries(permissions)) {
    if (scalar(level) === 'write') at(keyNode, 'workflow-permissions', `workflow-level permissions.${scope}: write: grant write scopes only on the job that needs them (jobs.<id>.permissions)`);
  }
  if (scalar(get(permissions, 'contents')) !== 'read') at(permissions, 'workflow-permissions', 'workflow-level permissions: `contents: read` missing');
}

function checkSelfHostedGuards(job: unknown, jobKey: Node | undefined, where: string, at: At): void {
  const cond = scalar(get(job, 'if'))?.replace(/^\s*\$\{\{|\}\}\s*$/g, '') ?? '';
  const missing: string[] = [];
  if (!/github\.event_name\s*==/.test(cond) || /pull_request/.test(cond)) missing.push('the event (github.event_name == \'workflow_dispatch\' / \'schedule\')');
  if (!cond.includes(`github.ref == '${DEFAULT_BRANCH_REF}'`)) missing.push(`the ref (github.ref == '${DEFAULT_BRANCH_REF}')`);
  if (!/github\.repository\s*==/.test(cond)) missing.push('the repository (github.repository == vars.TESTBED_REPOSITORY)');
  // The three tests must all hold: no `||` outside parentheses (github.event_name == 'a' || … inside them is fine).
  let top = cond;
  for (let prev = ''; prev !== top; ) [prev, top] = [top, top.replace(/\([^()]*\)/g, '')];
  if (top.includes('||')) missing.push('all three joined with && (an `||` outside parentheses lets one alone pass)');
  if (missing.length > 0) at(jobKey, 'self-hosted-guard', `${where} runs on a self-hosted runner; its if: must test ${missing.join(', ')}`);
  const env = get(job, 'environment');
  const envName = scalar(env) ?? scalar(get(env, 'name'));
  if (envName !== TESTBED_ENVIRONMENT) at(jobKey, 'self-hosted-guard', `${where} runs on a self-hosted runner; it needs \`environment: ${TESTBED_ENVIRONMENT}\` (protected: required reviewers, deployment branch main)`);
}

function checkUses(node: unknown, where: string, at: At): void {
  const uses = scalar(node);
  if (uses === undefined || uses.startsWith('./')) return; // a local action or workflow is reviewed with the code
  if (uses.startsWith('docker://')) {
    if (!/@sha256:[0-9a-f]{64}$/.test(uses)) at(node, 'unpinned-uses', `${where}: ${uses}: pin the image by digest (docker://image@sha256:…)`);
    return;
  }
  if (!FULL_SHA.test(uses)) {
    at(node, 'unpinned-uses', `${where}: ${uses} is not pinned to a full 40-hex commit SHA: use owner/repo@<sha> # vX.Y.Z (a tag can be moved)`);
    return;
  }
  const comment = isScalar(node) ? (node.comment ?? '') : '';
  if (!/^\s*v\d+\.\d+\.\d+/.test(comment)) at(node, 'unpinned-uses', `${where}: ${uses} has no version comment: add \`# vX.Y.Z\` (the tag the SHA was taken from) so Dependabot and reviewers can read it`);
}
