/**
 * The allowed value a person most likely meant, for "did you mean" hints: case-insensitive optimal
 * string alignment distance (a swap of two neighbours counts once), accepted only when it is small
 * against the word's length so that unrelated words suggest nothing.
 */
export function closestChoice(given: string, choices: readonly string[]): string | undefined {
  const g = given.toUpperCase().slice(0, 80);
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of choices) {
    const d = distance(g, c.toUpperCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  if (best === undefined) return undefined;
  const limit = Math.max(1, Math.floor(Math.max(g.length, best.length) / 3));
  return bestDistance <= limit ? best : undefined;
}

/** "`X` is not a Y; did you mean `Z`?" — or the list of allowed values when nothing is close. */
export function notOneOf(
  given: string,
  what: string,
  choices: readonly string[],
): { message: string; hint: string } {
  const shown = given.length > 60 ? `${given.slice(0, 60)}…` : given;
  const near = closestChoice(given, choices);
  return {
    message: `\`${shown}\` is not ${what}${near ? `; did you mean \`${near}\`?` : ''}`,
    hint: `use one of ${choices.join(', ')}`,
  };
}

function distance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array<number>(rows * cols).fill(0);
  const at = (i: number, j: number): number => d[i * cols + j] ?? 0;
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        v = Math.min(v, at(i - 2, j - 2) + 1);
      d[i * cols + j] = v;
    }
  }
  return at(rows - 1, cols - 1);
}
