import { KeyriteError } from '../errors.js';
import { parseAzureKid } from '../wrap/azure-kek.js';
import { gcpMaterialSpec, gcpMethodParts } from '../wrap/gcp-specs.js';
import { materialKind, type KeyMaterialSpec } from '../wrap/specs.js';
import type { CeremonyPlan } from './plan.js';
import type { Refusal } from './target-refusals.js';

/**
 * What Google Cloud KMS or Azure Key Vault would refuse about a plan's outputs, or what the ceremony
 * cannot promise for them, said before anyone enrolls. The files themselves (import job, KEK) are read
 * by the station at pre-flight (src-main/ceremony/outputs.ts): a plan check has no station.
 */
export function outputRefusals(plan: CeremonyPlan, spec: KeyMaterialSpec): Refusal[] {
  const outputs = plan.outputs ?? [];
  if (outputs.length === 0) return [];
  const out: Refusal[] = [];
  if (!plan.guardedSteps.includes('wrap'))
    out.push({
      code: 'PLAN_OUTPUT_UNGUARDED',
      message: 'the plan has outputs but does not guard the wrap step that writes them',
      hint: 'add wrap to guardedSteps (or leave guardedSteps out: plans with outputs then guard it)',
    });
  const kind = materialKind(spec);
  outputs.forEach((o, i) => {
    const at = `output ${i + 1} (${o.cloud})`;
    if (o.cloud === 'gcp') {
      const takes = gcpMaterialSpec(o.algorithm);
      if (takes !== spec)
        out.push({
          code: 'PLAN_OUTPUT_SPEC',
          message: `${at}: Cloud KMS algorithm ${o.algorithm} takes ${takes} material, this ceremony makes ${spec}`,
          hint: 'choose the Cloud KMS algorithm of the key this material is for',
        });
      if (
        o.importMethod &&
        !gcpMethodParts(o.importMethod).aesKeyWrap &&
        kind !== 'symmetric' &&
        kind !== 'hmac'
      )
        out.push({
          code: 'PLAN_OUTPUT_METHOD',
          message: `${at}: import method ${o.importMethod} wraps symmetric keys only`,
          hint: `use an import job with method rsa-oaep-${gcpMethodParts(o.importMethod).bits}-sha256-aes-256`,
        });
      return;
    }
    if (kind === 'hmac')
      out.push({
        code: 'PLAN_OUTPUT_SPEC',
        message: `${at}: Azure Key Vault cannot import ${spec} keys (it has no HMAC key type)`,
        hint: 'drop this output, or import RSA/EC private keys or AES-256 keys into a Managed HSM',
      });
    if (o.kid !== undefined) {
      try {
        const kid = parseAzureKid(o.kid);
        if (kind === 'symmetric' && kid.kind !== 'managedhsm')
          out.push({
            code: 'PLAN_OUTPUT_SPEC',
            message: `${at}: Key Vault imports AES keys only into a Managed HSM, and the KEK is in vault ${kid.resource}`,
            hint: 'use a KEK created in the Managed HSM (https://NAME.managedhsm.azure.net/keys/…)',
          });
      } catch (e) {
        if (!(e instanceof KeyriteError)) throw e;
        out.push({ code: 'PLAN_OUTPUT_KID', message: `${at}: ${e.message}`, hint: e.hint });
      }
    }
  });
  return out;
}
