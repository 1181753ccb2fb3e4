// The help a person reads and the README agree: each command and subcommand has its own --help with
// an example, and every option any --help names is in the README's command reference.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { CliIO, Command } from '../../../src-main/cli/io.js';
import { COMMAND_NAMES, loadCommand, main } from '../../../src-main/cli/main.js';

const README = readFileSync(path.resolve(__dirname, '../../../README.md'), 'utf8');
const reference = README.slice(README.indexOf('## The command line'), README.indexOf('### Check values'));

async function help(args: string[]): Promise<string> {
  const out: string[] = [];
  const io: CliIO = { out: (l) => out.push(l), err: (l) => out.push(`ERR ${l}`) };
  assert.equal(await main(args, io), 0, args.join(' '));
  return out.join('\n');
}

const load = (name: string): Promise<Command> => loadCommand(name);

void test('keyrite --help lists every command, and each is in the README', async () => {
  const text = await help(['--help']);
  for (const name of COMMAND_NAMES) {
    assert.match(text, new RegExp(`^  ${name} `, 'm'));
    assert.match(reference, new RegExp(`\`keyrite ${name}\\b`), `README lists keyrite ${name}`);
  }
});

void test('every command and subcommand has its own --help with an example', async () => {
  for (const name of COMMAND_NAMES) {
    const cmd = await load(name);
    const subs = Object.keys(cmd.subcommands ?? {});
    if (subs.length === 0) assert.match(await help([name, '--help']), /\nexample:\n {2}keyrite /, name);
    for (const sub of subs) {
      const text = await help([name, sub, '--help']);
      assert.match(text, new RegExp(`^keyrite ${name} ${sub}\\b`), `${name} ${sub} --help is its own`);
      assert.match(text, /\nexample:\n {2}keyrite /, `${name} ${sub} has an example`);
    }
  }
});

void test('every option any --help names is in the README’s command reference', async () => {
  const missing: string[] = [];
  for (const name of COMMAND_NAMES) {
    const cmd = await load(name);
    for (const usage of [cmd.usage, ...Object.values(cmd.subcommands ?? {})])
      for (const flag of new Set(usage.match(/--[a-z][a-z-]+/g) ?? []))
        if (!reference.includes(flag) && flag !== '--help' && flag !== '--endpoint-url')
          missing.push(`${name}: ${flag}`);
  }
  assert.deepEqual(missing, [], 'document these options in README.md (The command line)');
});
