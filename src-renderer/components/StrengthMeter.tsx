import type { ResponseOf } from '../../src-shared/ipc/contract.js';

export type Verdict = ResponseOf<'passphrase.check'>;

const WORDS = ['very weak', 'weak', 'fair', 'strong', 'very strong'] as const;

/**
 * The engine's verdict on the passphrase being typed (passphrase.check: the same estimator and the
 * same names counted against it as enrollment), in a bar and in words. It explains; it never decides.
 */
export function StrengthMeter({
  verdict,
  typed,
  minGuessesLog10,
  id,
}: {
  verdict: Verdict | undefined;
  typed: boolean;
  minGuessesLog10: number | undefined;
  id: string;
}) {
  const v = typed ? verdict : undefined;
  const score = Math.min(4, Math.max(0, v?.score ?? 0));
  const need = minGuessesLog10 === undefined ? '' : ` (the rule asks for at least 10^${minGuessesLog10})`;
  return (
    <div className="strength" id={id}>
      <div className="strength-row">
        <meter
          className={`strength-meter strength-${v?.acceptable ? 'ok' : score}`}
          min={0}
          max={4}
          low={2}
          high={3}
          optimum={4}
          value={v ? score : 0}
          aria-label="Estimated passphrase strength"
          aria-valuetext={v ? WORDS[score] : 'nothing typed yet'}
        />
        <span className="strength-word" aria-live="polite">
          {!typed
            ? 'Estimated strength: —'
            : !v
              ? 'Estimating…'
              : `Estimated strength: ${WORDS[score]}${v.acceptable ? ', meets the rule' : ', does not meet the rule'}`}
        </span>
      </div>
      {v ? (
        <p className="strength-detail muted">
          {v.acceptable
            ? `An attacker would need about 10^${Math.floor(v.guessesLog10)} guesses${need}.`
            : `Refused because ${v.problems.join('; ')}.`}
          {v.warning ? ` ${v.warning}` : ''}
          {v.suggestions.length > 0 ? ` ${v.suggestions.join(' ')}` : ''}
        </p>
      ) : null}
    </div>
  );
}
