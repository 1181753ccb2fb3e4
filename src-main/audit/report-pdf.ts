import PDFDocument from 'pdfkit';
import { missingCase } from '../../src-shared/errors.js';
import { type Block, type Cell, REHEARSAL_MARK, type ReportDocument } from './report-document.js';

/**
 * The audit report drawn as a PDF with pdfkit, for the command line (`keyrite audit export --format
 * pdf`), where there is no Chromium to print the HTML. Same document as the HTML report
 * (report-sections.ts); the PDF-14 standard fonts keep it self-contained. Their encoding covers Latin
 * text; any other character is drawn as '?' (the JSONL export has every byte).
 */
const A4 = { width: 595.28, height: 841.89 };
const MARGIN = 40;
const SIZE = { title: 18, heading: 13, body: 9, table: 7.5 };
const COLOR = { ink: '#111111', muted: '#444444', warn: '#b00020', line: '#bbbbbb', head: '#eeeeee' };
const TONE = {
  ok: { fill: '#e6f4ea', stroke: '#1e7e34', ink: COLOR.ink },
  bad: { fill: '#fdecea', stroke: '#b00020', ink: COLOR.ink },
  advice: { fill: '#fff8e1', stroke: '#b26a00', ink: COLOR.ink },
  rehearsal: { fill: '#7a3a00', stroke: '#7a3a00', ink: '#ffffff' },
} as const;
/** The environment banner's colours, as the HTML report draws them. */
const ENVIRONMENT_TONE = {
  cloud: { fill: '#e6f4ea', stroke: '#1e7e34', ink: COLOR.ink },
  emulator: { fill: '#fff3cd', stroke: '#b26a00', ink: COLOR.ink },
  endpoint: { fill: '#fff3cd', stroke: '#b26a00', ink: COLOR.ink },
  unknown: { fill: '#f3f3f3', stroke: '#111111', ink: COLOR.ink },
} as const;
const MAX_CELL_CHARS = 2000;

type Doc = InstanceType<typeof PDFDocument>;
interface Run {
  text: string;
  font: 'Helvetica' | 'Helvetica-Bold' | 'Helvetica-Oblique' | 'Courier';
  color: string;
}
/** A cell drawn as paragraphs; each paragraph is runs of one line-flow. */
type Para = Run[];

/** WinAnsi (what the standard fonts encode): Latin-1 plus the typographic marks the report uses. */
const WIN_ANSI_EXTRA = '€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ';
const printable = (s: string): string =>
  [...s.slice(0, MAX_CELL_CHARS)]
    .map((ch) => {
      const c = ch.codePointAt(0) ?? 0;
      if (ch === '\n' || ch === '\t') return ' ';
      return (c >= 0x20 && c < 0x7f) || (c >= 0xa0 && c <= 0xff) || WIN_ANSI_EXTRA.includes(ch) ? ch : '?';
    })
    .join('');

function paragraphs(cell: Cell, ink: string): Para[] {
  const paras: Para[] = [[]];
  const current = (): Para => paras[paras.length - 1] ?? [];
  for (const i of cell) {
    if (typeof i === 'string') current().push({ text: printable(i), font: 'Helvetica', color: ink });
    else if ('code' in i) current().push({ text: printable(i.code), font: 'Courier', color: ink });
    else if ('strong' in i) current().push({ text: printable(i.strong), font: 'Helvetica-Bold', color: ink });
    else if ('warn' in i)
      current().push({ text: printable(i.warn), font: 'Helvetica-Bold', color: COLOR.warn });
    else if ('words' in i)
      paras.push([{ text: printable(i.words), font: 'Helvetica-Oblique', color: COLOR.muted }], []);
    else paras.push([]);
  }
  return paras.filter((p) => p.some((r) => r.text !== ''));
}

/** Height of a paragraph, measured in its widest font (a run of Courier wraps soonest). */
function measure(doc: Doc, para: Para, width: number, size: number): number {
  const font = para.some((r) => r.font === 'Courier') ? 'Courier' : (para[0]?.font ?? 'Helvetica');
  return doc
    .font(font)
    .fontSize(size)
    .heightOfString(para.map((r) => r.text).join(''), { width });
}

function drawParas(doc: Doc, paras: Para[], x: number, y: number, width: number, size: number): number {
  let top = y;
  for (const para of paras) {
    const h = measure(doc, para, width, size);
    para.forEach((run, i) => {
      doc.font(run.font).fontSize(size).fillColor(run.color);
      const options = { width, continued: i < para.length - 1 };
      if (i === 0) doc.text(run.text, x, top, options);
      else doc.text(run.text, options);
    });
    top += h;
  }
  return top - y;
}

const bottom = () => A4.height - MARGIN - 14;

function ensureRoom(doc: Doc, height: number): void {
  if (doc.y + height > bottom()) doc.addPage();
}

function drawTable(
  doc: Doc,
  headers: readonly string[],
  rows: readonly Cell[][],
  cls: string | undefined,
): void {
  const width = A4.width - 2 * MARGIN;
  // The timeline's last column carries the sentence; elsewhere columns share the width evenly, with
  // the first (a record number and time) kept narrow.
  const weights = headers.map((_, i) =>
    i === 0 ? 0.7 : cls === 'timeline' && i === headers.length - 1 ? 3.2 : 1.4,
  );
  const total = weights.reduce((a, b) => a + b, 0);
  const widths = weights.map((w) => (w / total) * width);
  const pad = 3;
  const row = (cells: Para[][], fill?: string) => {
    const h =
      Math.max(
        ...cells.map((c, i) =>
          c.reduce((s, p) => s + measure(doc, p, (widths[i] ?? 0) - 2 * pad, SIZE.table), 0),
        ),
      ) +
      2 * pad;
    return {
      h,
      draw: (y: number) => {
        let x = MARGIN;
        cells.forEach((c, i) => {
          const w = widths[i] ?? 0;
          if (fill) doc.rect(x, y, w, h).fill(fill);
          doc.rect(x, y, w, h).lineWidth(0.5).strokeColor(COLOR.line).stroke();
          drawParas(doc, c, x + pad, y + pad, w - 2 * pad, SIZE.table);
          x += w;
        });
        doc.x = MARGIN;
        doc.y = y + h;
      },
    };
  };
  const head = row(
    headers.map((t) => [[{ text: printable(t), font: 'Helvetica-Bold', color: COLOR.ink }]]),
    COLOR.head,
  );
  // A header never stands alone at a page's foot: it goes where its first row fits too.
  const first = rows[0] ? row(rows[0].map((c) => paragraphs(c, COLOR.ink))) : null;
  ensureRoom(doc, head.h + (first?.h ?? head.h));
  head.draw(doc.y);
  for (const r of rows) {
    const body = row(r.map((c) => paragraphs(c, COLOR.ink)));
    if (doc.y + body.h > bottom()) {
      doc.addPage();
      head.draw(doc.y);
    }
    body.draw(doc.y);
  }
  doc.moveDown(0.5);
}

function drawBlock(doc: Doc, b: Block): void {
  const width = A4.width - 2 * MARGIN;
  switch (b.kind) {
    case 'title':
      doc
        .font('Helvetica-Bold')
        .fontSize(SIZE.title)
        .fillColor(COLOR.ink)
        .text(printable(b.text), MARGIN, doc.y);
      doc.moveDown(0.4);
      return;
    case 'heading':
      // Kept with what follows: room for a table's header and a tall first row (a key fingerprint's
      // words), so a heading never ends a page alone.
      ensureRoom(doc, 170);
      doc.moveDown(0.6);
      doc
        .font('Helvetica-Bold')
        .fontSize(SIZE.heading)
        .fillColor(COLOR.ink)
        .text(printable(b.text), MARGIN, doc.y);
      doc
        .moveTo(MARGIN, doc.y)
        .lineTo(MARGIN + width, doc.y)
        .lineWidth(0.5)
        .strokeColor(COLOR.line)
        .stroke();
      doc.moveDown(0.3);
      return;
    case 'text': {
      const paras = paragraphs(b.cell, COLOR.ink);
      ensureRoom(doc, 20);
      doc.y += drawParas(doc, paras, MARGIN, doc.y, width, SIZE.body) + 4;
      return;
    }
    case 'box':
    case 'environment': {
      const tone = b.kind === 'box' ? TONE[b.tone] : ENVIRONMENT_TONE[b.env];
      const paras = paragraphs(b.kind === 'box' ? b.cell : [{ strong: b.text }], tone.ink);
      const h = paras.reduce((s, p) => s + measure(doc, p, width - 16, SIZE.body + 1), 0) + 16;
      ensureRoom(doc, h);
      const y = doc.y;
      doc.rect(MARGIN, y, width, h).fill(tone.fill);
      doc.rect(MARGIN, y, width, h).lineWidth(1.5).strokeColor(tone.stroke).stroke();
      drawParas(doc, paras, MARGIN + 8, y + 8, width - 16, SIZE.body + 1);
      doc.x = MARGIN;
      doc.y = y + h + 8;
      return;
    }
    case 'facts':
      drawTable(
        doc,
        ['Fact', 'Value'],
        b.rows.map(([k, v]) => [[{ strong: k }], v]),
        undefined,
      );
      return;
    case 'table':
      if (b.rows.length === 0) {
        doc
          .font('Helvetica')
          .fontSize(SIZE.body)
          .fillColor(COLOR.ink)
          .text(printable(b.empty), MARGIN, doc.y);
        doc.moveDown(0.3);
        return;
      }
      drawTable(doc, b.headers, b.rows, b.cls);
      return;
    default:
      missingCase(b);
  }
}

/** Page numbers on every page, and a rehearsal's mark across every page and in every footer. */
function decoratePages(doc: Doc, report: ReportDocument): void {
  const { start, count } = doc.bufferedPageRange();
  for (let i = start; i < start + count; i++) {
    doc.switchToPage(i);
    // Writing in the margin must not start a new page.
    doc.page.margins.bottom = 0;
    const footer = `${report.rehearsal ? `${REHEARSAL_MARK} — not a real ceremony · ` : ''}${report.title} · page ${i - start + 1} of ${count}`;
    doc
      .font('Helvetica')
      .fontSize(7.5)
      .fillColor(report.rehearsal ? TONE.rehearsal.fill : COLOR.muted)
      .text(printable(footer), MARGIN, A4.height - MARGIN + 8, {
        width: A4.width - 2 * MARGIN,
        lineBreak: false,
      });
    if (report.rehearsal) {
      doc.save();
      doc.rotate(-35, { origin: [A4.width / 2, A4.height / 2] });
      doc
        .font('Helvetica-Bold')
        .fontSize(80)
        .fillColor('#a05000', 0.12)
        // A box twice the page's width, centred on it: the rotated word never wraps.
        .text(REHEARSAL_MARK, -A4.width / 2, A4.height / 2 - 40, {
          width: A4.width * 2,
          align: 'center',
          lineBreak: false,
        });
      doc.restore();
    }
  }
}

export function renderPdf(report: ReportDocument, generatedAt: Date): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    bufferPages: true,
    info: {
      Title: report.rehearsal ? `${REHEARSAL_MARK}: ${report.title}` : report.title,
      Creator: 'Keyrite',
      Producer: 'Keyrite (pdfkit)',
      CreationDate: generatedAt,
    },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  for (const b of report.blocks) drawBlock(doc, b);
  decoratePages(doc, report);
  doc.end();
  return done;
}
