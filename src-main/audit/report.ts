import { canonicalString } from '../../src-shared/audit/canonical-json.js';
import type { SignedCheckpoint } from '../../src-shared/audit/checkpoint.js';
import type { AuditRecord } from '../../src-shared/audit/record.js';
import type { VerifyResult } from '../../src-shared/audit/verify-log.js';
import { missingCase } from '../../src-shared/errors.js';
import { renderHtmlReport } from './report-html.js';
import { buildReport } from './report-sections.js';

/** Text formats; `pdf` is drawn by renderReportPdf. */
export const REPORT_FORMATS = ['jsonl', 'csv', 'html'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export interface ReportInput {
  source: string;
  generatedAt: string;
  records: readonly AuditRecord[];
  checkpoints: readonly SignedCheckpoint[];
  verification: VerifyResult;
}

/** Renders a log for people (html) or tools (jsonl, csv). */
export function renderReport(input: ReportInput, format: ReportFormat): string {
  switch (format) {
    case 'jsonl':
      return toJsonl(input);
    case 'csv':
      return toCsv(input.records);
    case 'html':
      return renderHtmlReport(input);
    default:
      return missingCase(format);
  }
}

/**
 * The report as a PDF document (pdfkit): the same content as the HTML report. pdfkit and its fonts load
 * here, when a PDF is asked for, not with every command that writes an HTML report.
 */
export async function renderReportPdf(input: ReportInput): Promise<Buffer> {
  const { renderPdf } = await import('./report-pdf.js');
  return renderPdf(buildReport(input), new Date(input.generatedAt));
}

/** One canonical JSON object per line: every record (kind "record") then every checkpoint (kind "checkpoint"). */
export function toJsonl(input: Pick<ReportInput, 'records' | 'checkpoints'>): string {
  const lines = [
    ...input.records.map((r) => canonicalString({ kind: 'record', ...r })),
    ...input.checkpoints.map((c) => canonicalString({ kind: 'checkpoint', ...c })),
  ];
  return lines.map((l) => l + '\n').join('');
}

const CSV_COLUMNS = [
  'seq',
  'time',
  'ceremony_id',
  'station_id',
  'actor',
  'type',
  'payload',
  'prev_hash',
  'hash',
];

/** RFC 4180 CSV, every field quoted; cells a spreadsheet would run as a formula are prefixed with '. */
export function toCsv(records: readonly AuditRecord[]): string {
  const cell = (v: string | number): string => {
    let s = String(v);
    if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
    return `"${s.replace(/"/g, '""')}"`;
  };
  const rows = records.map((r) =>
    [
      r.seq,
      r.time,
      r.ceremonyId,
      r.stationId,
      r.actor,
      r.type,
      canonicalString(r.payload),
      r.prevHash,
      r.hash,
    ]
      .map(cell)
      .join(','),
  );
  return [CSV_COLUMNS.join(','), ...rows].map((l) => l + '\r\n').join('');
}
