/**
 * The names of every IPC operation and event, without their schemas. The preload needs only these
 * (it forwards; main validates), so it stays small and free of zod. contract.ts is checked against
 * this list at compile time, so the two cannot drift.
 */
export const operationNames = [
  'app.info',
  'app.openWitnessDisplay',
  'params.inspect',
  'audit.verify',
  'audit.summary',
  'audit.openLog',
  'audit.pinStations',
  'audit.records',
  'audit.exportLog',
  'kms.identity',
  'ceremony.loadPlan',
  'ceremony.state',
  'ceremony.enroll',
  'ceremony.confirm',
  'ceremony.enterComponent',
  'ceremony.verifyShare',
  'ceremony.openShare',
  'ceremony.runStep',
  'ceremony.witnessException',
  'ceremony.witnessSignOff',
  'ceremony.report',
  'ceremony.reportPdf',
  'ceremony.shareMedia',
  'ceremony.keyMaterials',
  'ceremony.copyShare',
  'passphrase.policy',
  'passphrase.check',
  'passphrase.generate',
  'station.role',
  'station.chooseRole',
  'media.volumes',
  'bundle.state',
  'bundle.write',
  'bundle.read',
  'ceremony.startOffline',
  'ceremony.startOfflineFromConsole',
  'bundle.readConsoleRequest',
] as const;

export type OperationName = (typeof operationNames)[number];

export const eventNames = ['ceremony.progress', 'ceremony.changed'] as const;

export type EventName = (typeof eventNames)[number];

/** Electron channel names are namespaced so no other library's channel can collide with ours. */
export function operationChannel(name: OperationName): string {
  return `keyrite:op:${name}`;
}

export function eventChannel(name: EventName): string {
  return `keyrite:event:${name}`;
}
