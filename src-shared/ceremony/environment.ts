/**
 * Where a ceremony's KMS calls went: the cloud itself (AWS, Huawei Cloud), a Keyrite emulator (a
 * rehearsal), or some other endpoint (a proxy, LocalStack, a VPC endpoint). A ceremony against the
 * emulator must never be mistaken for one that made a real key, nor the reverse: every terminal screen,
 * the report's header and the hand-over sheet say which, in words a reader cannot miss.
 */
export interface KmsEnvironment {
  kind: 'cloud' | 'emulator' | 'endpoint';
  /** "AWS KMS", "Huawei Cloud KMS" (the provider table's name). */
  cloud: string;
  ownerKind: 'account' | 'project';
  /** The account (AWS) or project (Huawei Cloud) id. */
  account: string;
  /** Who the cloud says the caller is: an ARN, or the principal in words where it cannot say. */
  caller: string;
  region: string;
  /** The endpoint override in force, when there was one. */
  endpoint?: string;
}

/**
 * `answeredByEmulator`: the identity is the one a Keyrite emulator gives (decided by the caller, who
 * knows each emulator's caller). That decides first — with or without a recorded endpoint, so an
 * emulator is never called the cloud. Otherwise no endpoint override means the cloud itself.
 */
export function classifyEnvironment(a: {
  cloud: string;
  ownerKind: 'account' | 'project';
  account: string;
  caller: string;
  region: string;
  endpoint?: string | undefined;
  answeredByEmulator: boolean;
}): KmsEnvironment {
  const { cloud, ownerKind, account, caller, region } = a;
  const base = { cloud, ownerKind, account, caller, region, ...(a.endpoint ? { endpoint: a.endpoint } : {}) };
  if (a.answeredByEmulator) return { kind: 'emulator', ...base };
  return { kind: a.endpoint ? 'endpoint' : 'cloud', ...base };
}

/** One line, upper-case lead: what this ceremony is talking to. */
export function environmentBanner(e: KmsEnvironment): string {
  const owner = `${e.ownerKind} ${e.account}`;
  switch (e.kind) {
    case 'cloud':
      return `${e.cloud} — ${owner}, ${e.region} — REAL KEYS (caller ${e.caller})`;
    case 'emulator':
      return `REHEARSAL — Keyrite emulator of ${e.cloud} at ${e.endpoint ?? '(endpoint not recorded)'}, ${owner}, ${e.region} — NOT ${cloudName(e)}: no real key is made`;
    case 'endpoint':
      return `OTHER ENDPOINT — ${e.endpoint ?? ''}, ${owner}, ${e.region} — NOT the ${e.cloud} regional endpoint (caller ${e.caller})`;
  }
}

/** A short label for tables and sheets. */
export function environmentLabel(e: KmsEnvironment): string {
  switch (e.kind) {
    case 'cloud':
      return `${e.cloud}, ${e.ownerKind} ${e.account}, ${e.region}`;
    case 'emulator':
      return `rehearsal: Keyrite emulator of ${e.cloud} (${e.endpoint ?? 'endpoint not recorded'}), not ${cloudName(e)}`;
    case 'endpoint':
      return `other endpoint ${e.endpoint ?? ''}, ${e.ownerKind} ${e.account}, ${e.region}`;
  }
}

/** "AWS" for "AWS KMS", "Huawei Cloud" for "Huawei Cloud KMS". */
function cloudName(e: KmsEnvironment): string {
  return e.cloud.replace(/ KMS$/, '');
}
