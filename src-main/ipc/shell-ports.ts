import type { OsKeystore } from '../audit/keystore-seal.js';
import type { DiscoveryOptions } from '../media/removable-volumes.js';
import type { PublishEvent } from './publish-events.js';

/**
 * What the services need from whoever hosts them: Electron's main process, or the e2e harness. Each
 * port is the one thing that differs between the two (a native dialog versus the test's chosen file).
 */
export type FilePurpose = 'import-parameters' | 'ceremony-plan' | 'audit-log' | 'console-request';
/**
 * Directories people choose: the removable medium a custodian takes their backup share away on, or the
 * medium (or any folder carried across) that holds the bundles of a split ceremony.
 */
export type DirectoryPurpose = 'share-medium' | 'bundle-medium';

export interface ShellPorts {
  version: string;
  /** Where the station keeps its audit log, keys and ceremony files. */
  dataDirectory: string;
  mode: 'online' | 'offline' | 'rehearsal';
  /** Asks the person for files (a dialog in Electron); null when they cancel. Paths stay in main. */
  chooseFiles(purpose: FilePurpose): Promise<string[] | null>;
  /** Asks for a directory (a medium), naming whom it is for; null when they cancel. */
  chooseDirectory(purpose: DirectoryPurpose, forWhom: string): Promise<string | null>;
  /** Asks where to save a file; null when cancelled. */
  chooseSavePath(suggestedName: string): Promise<string | null>;
  openWitnessDisplay(): Promise<void>;
  /**
   * Prints a self-contained HTML document (no scripts, no external resources) to PDF: Electron's
   * printToPDF in an offscreen, script-less window in the app; Chromium's PDF in the e2e harness.
   */
  printToPdf(html: string): Promise<Buffer>;
  publish: PublishEvent;
  /** The OS keystore (Electron's safeStorage) that seals the station key; absent: none on this host. */
  keystore?: OsKeystore;
  /** KMS endpoint override: the embedded emulator in rehearsal mode. */
  kmsEndpoint?: string;
  region: string;
  /** Where removable volumes are looked for; the real OS sources unless a test gives fixtures. */
  volumes?: DiscoveryOptions;
}
