// A person at a terminal: util-linux `script` gives the real `keyrite` launcher a pseudo-terminal, and
// `answer` replies to what the screen shows — only once a prompt has appeared, so a no-echo prompt is
// already in no-echo mode when the keys arrive.
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';

const LAUNCHER = path.resolve(__dirname, '..', '..', '..', '..', 'src-main', 'cli', 'keyrite.cjs');

export function assertScriptAvailable(): void {
  if (spawnSync('script', ['--version']).status !== 0)
    throw new Error(
      'this test needs util-linux `script` (apt-get install bsdutils) to give the CLI a terminal',
    );
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * Runs `keyrite ARGS` at a terminal. `answer(tail, shown)` sees what arrived since the last reply (and
 * everything so far) and returns what to type, or null to wait for more.
 */
export async function atTerminal(
  args: string[],
  env: NodeJS.ProcessEnv,
  answer: (tail: string, shown: string) => string | null,
): Promise<{ code: number | null; shown: string }> {
  const cmd = [process.execPath, LAUNCHER, ...args].map(quote).join(' ');
  const child = spawn('script', ['-qfec', cmd, '/dev/null'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let shown = '';
  let answered = 0;
  child.stdout.on('data', (d: Buffer) => {
    shown += d.toString();
    const reply = answer(shown.slice(answered), shown);
    if (reply !== null) {
      answered = shown.length;
      child.stdin.write(reply + '\r');
    }
  });
  // A prompt the test fails to recognise would otherwise wait forever.
  const guard = setTimeout(() => child.kill('SIGKILL'), 180_000);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearTimeout(guard);
  return { code, shown: shown.replace(/\r\n/g, '\n') };
}
