/**
 * The first thing Tab reaches: a link straight to the part of the screen where the next action is.
 * Routes live in the hash, so the link moves focus itself instead of changing the hash.
 */
export function SkipLink({ targetId, label }: { targetId: string; label: string }) {
  return (
    <a
      className="skip-link"
      href={`#${targetId}`}
      onClick={(e) => {
        e.preventDefault();
        const target = document.getElementById(targetId) ?? document.getElementById('main-content');
        target?.focus();
        target?.scrollIntoView({ block: 'start' });
      }}
    >
      {label}
    </a>
  );
}
