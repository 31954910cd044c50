// Deploying the workload programs to generator nodes (docs/remote.md "Deploying to generator nodes"):
// esbuild bundles every program under experiments/workloads into one self-contained ES module
// (bundle.ts), deploy-host.ts uploads the changed ones over the pooled ssh2 connection's SFTP into
// `<workdir>/.harness/bundle/` with a content-hash manifest written last, and verify.ts refuses a
// run whose host lacks Node or runs code built from other sources than this checkout's.
export { buildBundle, NODE_TARGET_MAJOR, type Bundle, type BundleFile } from './bundle.ts';
export { DeployError, type DeployProblem } from './deploy-error.ts';
export { deployToHost, type DeployRecord, type DeployHostOptions } from './deploy-host.ts';
export { deployAll, deployFailure, formatOutcome, type DeployAllResult, type DeployOutcome } from './deploy-all.ts';
export { deployTargets, type DeployTarget } from './targets.ts';
export { verifyDeployment, type DeploymentRecord } from './verify.ts';
export { MANIFEST_FORMAT, manifestSchema, parseManifest, type Manifest } from './manifest.ts';
