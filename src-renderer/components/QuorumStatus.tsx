/** M of N, with one mark per confirmation so the room can count at a glance. */
export function QuorumStatus({ have, need, of }: { have: number; need: number; of: number }) {
  const met = have >= need;
  return (
    <div
      className={`quorum ${met ? 'quorum-met' : ''}`}
      data-testid="quorum"
      aria-label={`${have} of ${need} confirmations, quorum ${need} of ${of}`}
    >
      <span className="quorum-marks" aria-hidden="true">
        {Array.from({ length: need }, (_, i) => (
          <span key={i} className={i < have ? 'mark mark-on' : 'mark'} />
        ))}
      </span>
      <span className="quorum-text">
        {have} of {need} confirmations · quorum {need} of {of}
        {met ? ' · met' : ''}
      </span>
    </div>
  );
}
