/** A public fact to compare aloud: the value in a monospace block and, when known, its words. */
export function Fact({
  label,
  value,
  words,
  testId,
}: {
  label: string;
  value: string | undefined;
  words?: string | undefined;
  testId?: string;
}) {
  if (value === undefined || value === '') return null;
  return (
    <div className="fact" data-testid={testId}>
      <dt>{label}</dt>
      <dd>
        <code className="fact-value">{groupHex(value)}</code>
        {words ? <span className="fact-words">{words}</span> : null}
      </dd>
    </div>
  );
}

/** Long hex digests are read in groups of four, the way people compare them. */
function groupHex(value: string): string {
  return /^[0-9a-f]{16,}$/.test(value) ? (value.match(/.{1,4}/g) ?? [value]).join(' ') : value;
}
