import { KeyriteError } from '../../src-shared/errors.js';
import { challengeDigest, type ConfirmationChallenge } from '../../src-shared/ceremony/confirmation.js';
import { factRows, type FactRow } from '../../src-shared/ceremony/fact-labels.js';
import { planOwner, type CeremonyPlan } from '../../src-shared/ceremony/plan.js';
import type { StepId } from '../../src-shared/ceremony/state-machine.js';
import { STEP_CATALOGUE } from '../../src-shared/ceremony/steps.js';
import { toWords } from '../../src-shared/words/pgp-words.js';
import type { CustodianChoice, CustodianTask } from '../ceremony/ceremony-driver.js';
import { PASSPHRASE_RULE } from '../secrets/passphrase-policy.js';

const RULE = '═'.repeat(78);

const DOING: Record<CustodianTask, string> = {
  confirm: 'confirm',
  'verify-share': 'verify their share',
  'open-share': 'open their share',
};

/**
 * The ceremony as the room sees it at a terminal: every screen opens with the environment banner,
 * each step with its title and explanation from the step catalogue, a confirmation with the facts
 * custodians approve (the app's labels, the words people read aloud), and the room — not plan order —
 * picks which of the custodians present acts next.
 */
export class TerminalRoom {
  constructor(
    private readonly a: {
      plan: CeremonyPlan;
      banner: string;
      out: (line: string) => void;
      ask: (prompt: string) => Promise<string>;
    },
  ) {}

  /** The banner alone (start, end, and above any prompt that is not part of a step's screen). */
  banner(): void {
    this.a.out(RULE);
    this.a.out(`  ${this.a.banner}`);
    this.a.out(RULE);
  }

  /** A step's screen, before anyone acts in it. */
  show(step: StepId, challenge: ConfirmationChallenge | null): void {
    const d = STEP_CATALOGUE[step];
    this.a.out('');
    this.banner();
    this.a.out(`Step ${step} — ${d.title}`);
    this.a.out(d.description);
    if (step === 'enroll') {
      this.a.out('');
      this.a.out(`Passphrase rule: ${PASSPHRASE_RULE}`);
    }
    if (challenge) this.#confirmation(challenge);
  }

  #confirmation(ch: ConfirmationChallenge): void {
    const owner = planOwner(this.a.plan);
    const rows: FactRow[] = [
      {
        label: owner.kind === 'account' ? 'Account / Region' : 'Project / Region',
        value: `${owner.id} / ${this.a.plan.target.region}`,
      },
      ...factRows(ch.facts),
      {
        label: 'Confirmation request',
        // As the progress line shows it: the first 8 bytes, with their words.
        value: `${challengeDigest(ch).slice(0, 16)}…`,
        words: toWords(challengeDigest(ch).slice(0, 16)),
      },
    ];
    this.a.out('');
    this.a.out(`Custodians confirm these facts — compare each with the reviewed plan and the witness sheet,`);
    this.a.out(`reading the words aloud:`);
    const width = Math.max(...rows.map((r) => r.label.length)) + 2;
    for (const r of rows) {
      this.a.out(`  ${r.label.padEnd(width)}${r.value}`);
      if (r.words) this.a.out(`  ${''.padEnd(width)}(${r.words})`);
    }
    this.a.out(`  The request expires at ${ch.expiresAt}.`);
  }

  /** The room picks who acts next, by number or id; Enter alone: nobody else is present. */
  async choose(c: CustodianChoice): Promise<string | null> {
    const names = new Map(this.a.plan.participants.custodians.map((p) => [p.id, p.name]));
    const total = this.a.plan.participants.custodians.length;
    this.a.out('');
    this.a.out(
      c.needed > 0
        ? `${c.needed} more custodian(s) must ${DOING[c.task]} (any of the ${total}); done: ${c.done.join(', ') || 'nobody yet'}.`
        : `Enough custodians did; others present may still ${DOING[c.task]} (done: ${c.done.join(', ')}).`,
    );
    c.candidates.forEach((id, i) => this.a.out(`  ${i + 1}  ${id} = ${names.get(id) ?? id}`));
    for (let tries = 0; tries < 5; tries++) {
      const answer = (
        await this.a.ask(
          `Which custodian is next? Type a number or id (Enter alone if nobody else is present): `,
        )
      ).trim();
      if (answer === '') return null;
      const n = /^\d+$/.test(answer) ? Number(answer) : NaN;
      const id = Number.isInteger(n) ? c.candidates[n - 1] : c.candidates.find((x) => x === answer);
      if (id) return id;
      this.a.out(`  "${answer.slice(0, 40)}" is not one of the numbers or ids above`);
    }
    throw new KeyriteError(
      'CLI_NO_CHOICE',
      'no custodian was chosen after five answers',
      'type the number shown beside the custodian, or press Enter alone when nobody else is present',
    );
  }
}
