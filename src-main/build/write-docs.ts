// `npm run docs`: rewrites the generated sections of the docs from the code they describe.
import { readFileSync, writeFileSync } from 'node:fs';
import { PLAN_DOC, generatedPlanDoc } from './plan-doc.js';

const before = readFileSync(PLAN_DOC, 'utf8');
const after = generatedPlanDoc(before);
if (after === before) console.log('docs: docs/PLAN.md is up to date');
else {
  writeFileSync(PLAN_DOC, after);
  console.log('docs: rewrote the generated sections of docs/PLAN.md');
}
