import '../zod-jitless.js';
import { planJsonSchema } from '../../../src-shared/plan/plan-json-schema.js';
import { writeNewFileAtomic } from '../../media/new-file.js';
import { parseFlags } from '../args.js';
import { type CliIO, type Command, usageError } from '../io.js';
import { CHECKED_ONLY_ONLINE, checkPlanFile, planSummary } from '../plan/plan-check.js';

const checkUsage = `keyrite plan check FILE [--json]

Checks a ceremony plan (YAML or JSON) offline, as a reviewer would before the ceremony: every schema
problem at once (with the allowed values and the nearest to what was written), then the ceremony's
pre-flight refusals that need no network (algorithm × key spec, quorum, duplicate people, valid-to,
alias syntax, grant), the existing key's id or ARN, and that existing material is where the plan
says. Prints the plan digest as hex and words — the digest the administrator is asked to compare at
the ceremony. Exit 0 acceptable, 1 refused or invalid.

  --json   one JSON object: ok, digest, words, problems and refusals

example:
  keyrite plan check ceremony.yaml`;

const schemaUsage = `keyrite plan schema [--out FILE]

Prints the JSON Schema of ceremony plans (draft 2020-12), generated from the schema Keyrite itself
validates with, each field described. Editors use it to check and complete plans as you type
(e.g. VS Code's YAML extension: a first line \`# yaml-language-server: $schema=plan.schema.json\`).

  --out FILE   write it to FILE instead (never overwritten)

example:
  keyrite plan schema --out plan.schema.json`;

const usage = `${checkUsage.split('\n\n')[0]}
${schemaUsage.split('\n\n')[0]}

check   validates a plan offline and prints its digest (hex and words)
schema  prints the plan JSON Schema for editors

keyrite plan check --help and keyrite plan schema --help explain each; docs/PLAN.md lists every field.`;

export const command: Command = {
  usage,
  subcommands: { check: checkUsage, schema: schemaUsage },
  async run(args, io) {
    const [sub, ...rest] = args;
    switch (sub) {
      case 'check':
        return check(rest, io);
      case 'schema':
        return schema(rest, io);
      default:
        throw usageError(sub ? `unknown plan subcommand "${sub.slice(0, 40)}"` : 'missing subcommand', usage);
    }
  },
};

function check(args: string[], io: CliIO): number {
  const { values, positionals } = parseFlags(
    { args, options: { json: { type: 'boolean' } }, allowPositionals: true, strict: true },
    checkUsage,
  );
  const [file, ...extra] = positionals;
  if (file === undefined || extra.length > 0) throw usageError('plan check takes one plan file', checkUsage);
  const r = checkPlanFile(file, new Date());
  if (values.json) {
    io.out(
      JSON.stringify({
        ok: r.ok,
        digest: r.stage === 'preflight' ? r.digest : null,
        words: r.stage === 'preflight' ? r.words : null,
        problems: r.stage === 'schema' ? r.problems : [],
        refusals: r.stage === 'preflight' ? r.refusals : [],
      }),
    );
    return r.ok ? 0 : 1;
  }
  io.out(`plan        ${file}`);
  if (r.stage === 'schema') {
    io.out(`result      INVALID: ${r.problems.length} problem(s); no digest until the plan is valid`);
    for (const p of r.problems) {
      io.err(`keyrite: ${p.message}`);
      io.err(`  hint: ${p.hint}`);
    }
    return 1;
  }
  for (const [k, v] of planSummary(r.plan)) io.out(`${k.padEnd(11)} ${v}`);
  io.out(`digest      ${r.digest}`);
  io.out(`  (words)   ${r.words}`);
  if (!r.ok) {
    io.out(
      `result      REFUSED for ${r.refusals.length} reason(s); the ceremony would stop at its pre-flight`,
    );
    for (const x of r.refusals) {
      io.err(`keyrite: ${x.message}`);
      io.err(`  hint: ${x.hint}`);
    }
    return 1;
  }
  io.out('result      acceptable offline');
  io.out(`            still checked at the ceremony, online: ${CHECKED_ONLY_ONLINE.join('; ')}`);
  return 0;
}

function schema(args: string[], io: CliIO): number {
  const { values, positionals } = parseFlags(
    { args, options: { out: { type: 'string' } }, allowPositionals: true, strict: true },
    schemaUsage,
  );
  if (positionals.length > 0) throw usageError('plan schema takes no file; use --out FILE', schemaUsage);
  const text = JSON.stringify(planJsonSchema(), null, 2);
  if (values.out) {
    writeNewFileAtomic(values.out, text + '\n', 0o644);
    io.out(`wrote ${values.out}`);
  } else io.out(text);
  return 0;
}
