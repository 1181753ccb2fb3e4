import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const root = path.resolve(__dirname, '..', '..', '..', '..');

export interface WindowPreferences {
  where: string;
  /** Each property of the webPreferences literal: its literal value, or the source text when it is not one. */
  values: Map<string, { literal: boolean | string } | { expression: string }>;
}

function sourcesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? sourcesUnder(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/**
 * Reads every `new BrowserWindow({ webPreferences: { … } })` in src-main (or in the given text) with the
 * TypeScript parser: what the shipped code literally says, which is also what static analysis reads.
 */
export function windowWebPreferences(text?: string): WindowPreferences[] {
  const files = text === undefined ? sourcesUnder(path.join(root, 'src-main')) : ['(text)'];
  const out: WindowPreferences[] = [];
  for (const file of files) {
    const source = ts.createSourceFile(
      file,
      text ?? readFileSync(file, 'utf8'),
      ts.ScriptTarget.Latest,
      true,
    );
    const visit = (node: ts.Node): void => {
      if (ts.isNewExpression(node) && node.expression.getText(source) === 'BrowserWindow') {
        const options = node.arguments?.[0];
        const where = `${path.relative(root, file)}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
        const values: WindowPreferences['values'] = new Map();
        const prefs =
          options && ts.isObjectLiteralExpression(options)
            ? options.properties.find((p) => p.name?.getText(source) === 'webPreferences')
            : undefined;
        const literal = prefs && ts.isPropertyAssignment(prefs) ? prefs.initializer : undefined;
        if (!literal || !ts.isObjectLiteralExpression(literal)) {
          values.set('(not a literal)', { expression: prefs?.getText(source) ?? '(missing)' });
        } else {
          for (const p of literal.properties) {
            if (ts.isSpreadAssignment(p)) values.set('...', { expression: p.getText(source) });
            else if (ts.isPropertyAssignment(p)) {
              const v = p.initializer;
              const key = p.name.getText(source);
              if (v.kind === ts.SyntaxKind.TrueKeyword) values.set(key, { literal: true });
              else if (v.kind === ts.SyntaxKind.FalseKeyword) values.set(key, { literal: false });
              else if (ts.isStringLiteral(v)) values.set(key, { literal: v.text });
              else values.set(key, { expression: v.getText(source) });
            } else values.set(p.getText(source), { expression: p.getText(source) });
          }
        }
        out.push({ where, values });
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return out;
}
