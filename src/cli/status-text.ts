import type { DistributionReport, DistributionSummary } from '../storage/distribution-report.ts';

/** Estimated price of the segments sent; Twilio's invoice is the real figure. */
export interface CostEstimate {
  segments: number;
  pricePerSegment: number;
  currency: string;
  amount: number;
}

const LABEL_WIDTH = 16;
const amountFormat = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 4 });
const priceFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 6 });

/**
 * Formats one distribution's report as lines of text: its settings, invites by group
 * (with skip reasons), answered and completed invites, reminders, segments, estimated
 * cost and failures.
 */
export function formatDistributionReport(report: DistributionReport, cost: CostEstimate): string[] {
  const { invites } = report;
  const lines = [
    `Distribution ${report.id}`,
    field('survey', report.surveyId),
    field('mode', report.mode),
    field('sender', `${report.sender} (${report.senderKind})`),
    field('created', report.createdAt),
    field('send at', report.sendAt),
    '',
    field('invites', invites.total, 0),
    field('pending', invites.pending),
    ...(report.heldForSendingHours.count > 0
      ? [
          field(
            `${report.heldForSendingHours.count} ${report.heldForSendingHours.count === 1 ? 'waits' : 'wait'} for sending hours, the first until ${report.heldForSendingHours.firstAt}`,
            '',
            4,
          ).trimEnd(),
        ]
      : []),
    field('sent', invites.sent),
    field('delivered', invites.delivered),
    field('failed', invites.failed),
    field('canceled', invites.canceled),
    field('skipped', invites.skipped),
  ];
  // Reasons are longer than the label column, so the count comes first.
  const countWidth = Math.max(0, ...report.skipReasons.map(({ count }) => String(count).length));
  for (const { reason, count } of report.skipReasons) {
    lines.push(`    ${String(count).padStart(countWidth)} ${reason}`);
  }
  lines.push(
    field('answered', invites.answered),
    field('completed', invites.completed),
    '',
    field('reminders sent', report.remindersSent, 0),
    field('reminders due', report.remindersPending, 0),
    field('segments sent', report.segmentsSent, 0),
    field(
      'estimated cost',
      `${amountFormat.format(cost.amount)} ${cost.currency} (${cost.segments} segments at ${priceFormat.format(cost.pricePerSegment)} ${cost.currency} each)`,
      0,
    ),
  );

  if (report.failures.length > 0) {
    lines.push('', 'failures by error code');
    for (const { errorCode, count } of report.failures) {
      lines.push(field(errorCode === null ? '(no code)' : String(errorCode), count));
    }
  }
  return lines;
}

/** Formats the list of distributions as a table, or a single line when there are none. */
export function formatDistributionList(summaries: DistributionSummary[]): string[] {
  if (summaries.length === 0) return ['No distributions yet.'];

  const header = ['ID', 'SURVEY', 'CREATED', 'INVITES', 'DELIVERED', 'COMPLETED'];
  const rows = summaries.map((summary) => [
    String(summary.id),
    summary.surveyId,
    summary.createdAt,
    String(summary.invites),
    String(summary.delivered),
    String(summary.completed),
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  // Text columns are left-aligned and counts right-aligned, as in most command-line tables.
  const isCount = (column: number) => column >= 3;
  const format = (cells: string[]) =>
    cells
      .map((cell, column) => (isCount(column) ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!)))
      .join('  ')
      .trimEnd();

  return [format(header), ...rows.map(format), '', 'Run "parley status ID" for the details of one distribution.'];
}

/** Formats `label` and `value` as one line, with the values of a section in one column. */
function field(label: string, value: string | number, indent = 2): string {
  // The space after the padding keeps a label longer than the column apart from its value.
  return `${' '.repeat(indent)}${label.padEnd(LABEL_WIDTH - indent)} ${value}`;
}
