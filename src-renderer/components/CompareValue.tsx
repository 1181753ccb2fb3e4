/**
 * A value the room compares aloud: the first 64 bits as PGP words in large type (eight words, about
 * ten seconds to read), the full value beneath in groups of four, so anyone can check every digit.
 */
export function CompareValue({
  label,
  value,
  words,
}: {
  label: string;
  value: string | undefined;
  words?: string | undefined;
}) {
  if (!value) return null;
  const all = words?.split(' ') ?? [];
  const first = all.slice(0, 8);
  return (
    <div className="compare">
      <dt className="compare-label">{label}</dt>
      <dd className="compare-body">
        {first.length > 0 ? (
          <span className="compare-words">
            {first.join(' ')}
            {all.length > first.length ? <span className="visually-hidden"> (first 64 bits)</span> : null}
          </span>
        ) : null}
        <code className="compare-full">
          {/^[0-9a-f]{8,}$/.test(value) ? (value.match(/.{1,4}/g) ?? [value]).join(' ') : value}
        </code>
      </dd>
    </div>
  );
}
