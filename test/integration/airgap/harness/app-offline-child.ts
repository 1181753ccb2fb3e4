// The app's offline station, composed exactly as main.ts composes it (composeServices), driven through
// its IPC services as the renderer would call them: role offline, the request from a folder chosen by
// hand, enrollment, every step, the response bundle. Run under module-probe.cjs by app-offline.test.ts.
import { composeServices } from '../../../../src-main/ipc/compose-services.js';
import type { ShellPorts } from '../../../../src-main/ipc/shell-ports.js';
import { fakeKeystore } from '../../../unit/audit/harness/fake-keystore.js';

const [dataDirectory, planFile, media, passJson] = process.argv.slice(2) as [string, string, string, string];
const passphrases = JSON.parse(passJson) as Record<string, string>;
const bytes = (id: string) => new TextEncoder().encode(passphrases[id] ?? '');

async function main(): Promise<void> {
  const ports: ShellPorts = {
    version: '0.0.0-probe',
    dataDirectory,
    mode: 'offline',
    region: 'us-east-1',
    publish: () => undefined,
    chooseFiles: async () => [planFile],
    chooseDirectory: async () => media,
    chooseSavePath: async () => null,
    openWitnessDisplay: async () => undefined,
    printToPdf: async () => {
      throw new Error('no printing here');
    },
    keystore: fakeKeystore(),
  };
  const engine = { scryptCost: { N: 2 ** 10, r: 8, p: 1 } } as const;
  const out: Record<string, unknown> = {};
  // A first start against a fingerprint people misread is refused (and recorded); the station restarts.
  const early = await composeServices(ports, engine);
  try {
    await early.services['station.chooseRole']({ role: 'offline' });
    await early.services['ceremony.startOffline']({ medium: { folder: true }, peerStation: 'f'.repeat(64) });
    out['firstStart'] = 'started';
  } catch (e) {
    out['firstStart'] = (e as { code?: string }).code;
  } finally {
    await early.close();
  }
  const { services, close } = await composeServices(ports, engine);
  try {
    const restarted = await services['ceremony.state']({});
    out['afterRestart'] = restarted.recovery?.join(' ') ?? restarted.status;
    out['role'] = (await services['station.chooseRole']({ role: 'offline' })).role;
    const started = await services['ceremony.startOffline']({ medium: { folder: true } });
    if (started.status !== 'chosen') throw new Error('the offline start was cancelled');
    try {
      await services['kms.identity']({});
      out['identity'] = 'answered';
    } catch (e) {
      out['identity'] = (e as { code?: string }).code;
    }
    for (let guard = 0; guard < 60; guard++) {
      const due = (await services['bundle.state']({})).due;
      if (due === 'write-response') break;
      const v = await services['ceremony.state']({});
      const step = v.steps.find((s) => s.id === v.currentStepId);
      if (!step) throw new Error('no current step');
      if (step.status === 'failed') throw new Error(`${step.id} failed: ${step.error?.message ?? ''}`);
      if (step.id === 'enroll')
        for (const p of v.participants.filter(
          (x) => (x.role === 'custodian' || x.role === 'witness') && !x.enrolled,
        ))
          await services['ceremony.enroll']({ custodianId: p.id, passphrase: bytes(p.id) });
      const custodians = v.participants.filter((p) => p.role === 'custodian');
      if (step.guarded)
        for (const c of custodians.slice(0, v.quorum?.m ?? 1).filter((c) => !step.confirmedBy.includes(c.id)))
          await services['ceremony.confirm']({ stepId: step.id, custodianId: c.id, passphrase: bytes(c.id) });
      if (step.id === 'verify-shares')
        for (const c of custodians)
          await services['ceremony.verifyShare']({ custodianId: c.id, passphrase: bytes(c.id) });
      await services['ceremony.runStep']({ stepId: step.id });
    }
    const w = await services['bundle.write']({ medium: { folder: true } });
    out['written'] = w.status === 'chosen' ? w.value.directoryName : 'cancelled';
  } finally {
    await close();
  }
  process.stdout.write(JSON.stringify(out));
}

main().catch((e: unknown) => {
  process.stderr.write(
    `${e instanceof Error ? `${(e as { code?: string }).code ?? ''} ${e.message}` : String(e)}\n`,
  );
  process.exit(1);
});
