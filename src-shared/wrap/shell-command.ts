/**
 * Commands Keyrite prints for people to run on their online workstation (gcloud, az). Every word is
 * quoted for POSIX shells when it needs to be, so a path with a space or a name with a `$` is passed
 * exactly as shown and never interpreted.
 */
export function shellWord(word: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** `--flag=value` words; undefined values are left out. */
export function shellCommand(program: string[], flags: [string, string | undefined][]): string {
  const words = program.map(shellWord);
  for (const [flag, value] of flags) {
    if (value !== undefined) words.push(`${flag}=${shellWord(value)}`);
  }
  return words.join(' ');
}
