import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { CeremonyPlan } from '../../../src-shared/ceremony/plan.js';
import type { Refusal } from '../../../src-shared/ceremony/preflight.js';

/**
 * Existing material must be where the plan says, relative to the plan file, as the ceremony's
 * pre-flight will require. Only the file's kind is looked at: the material itself is never read here.
 */
export function materialSourceRefusals(plan: CeremonyPlan, planDir: string): Refusal[] {
  const m = plan.material;
  if (m.mode === 'existing-file') {
    const file = path.resolve(planDir, m.file);
    if (!isKind(file, 'file'))
      return [
        {
          code: 'PLAN_MATERIAL_FILE',
          message: `material.file ${m.file} does not exist (looked for ${file})`,
          hint: 'attach the medium that holds it, or fix the path (relative to the plan file)',
        },
      ];
  }
  if (m.mode === 'existing-shares') {
    const dir = path.resolve(planDir, m.sharesDir);
    const n = isKind(dir, 'dir') ? readdirSync(dir).filter((f) => f.endsWith('.share.json')).length : 0;
    if (n < plan.quorum.m)
      return [
        {
          code: 'PLAN_SHARES',
          message: `material.sharesDir ${m.sharesDir} holds ${n} share file(s); the quorum needs ${plan.quorum.m}`,
          hint: 'bring the custodians’ share media, or fix the path (relative to the plan file)',
        },
      ];
  }
  return [];
}

function isKind(p: string, kind: 'file' | 'dir'): boolean {
  try {
    const st = statSync(p);
    return kind === 'file' ? st.isFile() : st.isDirectory();
  } catch {
    return false;
  }
}
