import { missingCase } from '../../src-shared/errors.js';
import {
  type Block,
  type Cell,
  type Inline,
  REHEARSAL_MARK,
  type ReportDocument,
} from './report-document.js';
import { escapeHtml } from './report-markup.js';
import type { ReportInput } from './report.js';
import { buildReport } from './report-sections.js';

export { escapeHtml } from './report-markup.js';

const CSS = `
body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#111}
h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ccc}
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{border:1px solid #ccc;padding:.25rem .4rem;text-align:left;vertical-align:top}
th{background:#f3f3f3}code,.mono{font-family:ui-monospace,monospace;font-size:12px;word-break:break-all}
.ok{background:#e6f4ea;border:2px solid #1e7e34;padding:.75rem}.bad{background:#fdecea;border:2px solid #b00020;padding:.75rem}
.environment{font-size:1.1rem;padding:.75rem;border:3px solid #111;background:#f3f3f3}
.environment-emulator,.environment-endpoint{border-color:#b26a00;background:#fff3cd}.environment-cloud{border-color:#1e7e34;background:#e6f4ea}
.words{font-style:italic;color:#333}.warn{color:#b00020;font-weight:bold}
.advice{background:#fff8e1;border:2px solid #b26a00;padding:.75rem;margin:1rem 0}
.rehearsal{background:#7a3a00;color:#fff;padding:.75rem;margin:1rem 0;font-size:1.1rem}
.watermark{position:fixed;inset:0;display:flex;align-items:center;justify-content:center;pointer-events:none;z-index:1}
.watermark span{transform:rotate(-30deg);font-size:9rem;font-weight:800;letter-spacing:.5rem;color:rgba(160,80,0,.12)}
.summary th{width:14rem}.timeline td:nth-child(-n+4){white-space:nowrap}
@media print{body{margin:0}}`;

function inline(i: Inline): string {
  if (typeof i === 'string') return escapeHtml(i);
  if ('code' in i) return `<code>${escapeHtml(i.code)}</code>`;
  if ('words' in i) return `<div class="words">${escapeHtml(i.words)}</div>`;
  if ('warn' in i) return `<strong class="warn">${escapeHtml(i.warn)}</strong>`;
  if ('strong' in i) return `<strong>${escapeHtml(i.strong)}</strong>`;
  return '<br>';
}

const cell = (c: Cell): string => c.map(inline).join('');

function block(b: Block): string {
  switch (b.kind) {
    case 'title':
      return `<h1>${escapeHtml(b.text)}</h1>`;
    case 'heading':
      return `<h2>${escapeHtml(b.text)}</h2>`;
    case 'text':
      return `<p>${cell(b.cell)}</p>`;
    case 'box':
      return `<div class="${b.tone}">${cell(b.cell)}</div>`;
    case 'environment':
      return `<p class="environment${b.env === 'unknown' ? '' : ` environment-${b.env}`}" role="note"><strong>${escapeHtml(b.text)}</strong></p>`;
    case 'facts':
      return `<table class="summary"><tbody>\n${b.rows
        .map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${cell(v)}</td></tr>`)
        .join('\n')}\n</tbody></table>`;
    case 'table': {
      if (b.rows.length === 0) return `<p>${escapeHtml(b.empty)}</p>`;
      const head = b.headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
      const body = b.rows.map((r) => `<tr>${r.map((c) => `<td>${cell(c)}</td>`).join('')}</tr>`).join('\n');
      return `<table${b.cls ? ` class="${b.cls}"` : ''}><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
    }
    default:
      return missingCase(b);
  }
}

/** A report document as a self-contained, printable page: no scripts, no external resources, all escaped. */
export function renderDocumentHtml(doc: ReportDocument): string {
  // A rehearsal's watermark is fixed, so Chromium prints it on every page.
  const watermark = doc.rehearsal
    ? `<div class="watermark" aria-hidden="true"><span>${REHEARSAL_MARK}</span></div>\n`
    : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(doc.rehearsal ? `${REHEARSAL_MARK}: ${doc.title}` : doc.title)}</title><style>${CSS}</style></head>
<body>
${watermark}${doc.blocks.map(block).join('\n')}
</body></html>
`;
}

export function renderHtmlReport(input: ReportInput): string {
  return renderDocumentHtml(buildReport(input));
}
