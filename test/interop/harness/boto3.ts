// Finds a Python whose boto3 carries AWS's 2025 import API (ImportKeyMaterial KeyMaterialId,
// RotateKeyOnDemand, ListKeyRotations IncludeKeyMaterial). The Debian python3-boto3 predates it, so
// CI installs the current boto3 from the Python registry into .venv-interop (see .ci/run).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

const REPO = path.join(__dirname, '..', '..', '..');
export const BOTO3_INSTALL = 'python3 -m venv .venv-interop && .venv-interop/bin/pip install boto3';

const PROBE = [
  'import boto3, botocore.session',
  "m = botocore.session.get_session().get_service_model('kms')",
  "ok = 'KeyMaterialId' in m.operation_model('ImportKeyMaterial').input_shape.members",
  "ok = ok and 'IncludeKeyMaterial' in m.operation_model('ListKeyRotations').input_shape.members",
  'print(botocore.__version__ if ok else "old:" + botocore.__version__)',
].join('\n');

/** The interpreter to use, or throws saying exactly what to install. */
export function boto3Python(): string {
  const candidates = [
    process.env.KEYRITE_BOTO3_PYTHON,
    path.join(REPO, '.venv-interop', 'bin', 'python'),
    'python3',
  ].filter((c): c is string => !!c && (c === 'python3' || existsSync(c)));
  const seen: string[] = [];
  for (const py of candidates) {
    const r = spawnSync(py, ['-c', PROBE], { encoding: 'utf8' });
    const out = (r.stdout ?? '').trim();
    if (r.status === 0 && !out.startsWith('old:')) return py;
    seen.push(
      `${py}: ${r.status === 0 ? `botocore ${out.slice(4)} predates the 2025 import API` : 'no boto3'}`,
    );
  }
  throw new Error(
    `the boto3 interop test needs a current boto3 (${seen.join('; ')}). Install it: ${BOTO3_INSTALL} ` +
      '(or point KEYRITE_BOTO3_PYTHON at a python with boto3 >= 1.40).',
  );
}
