import type { Kysely } from 'kysely';
import pino from 'pino';
import { type Config, loadConfig } from '../config/config.ts';
import { contactTimezones } from '../contacts/contact-timezones.ts';
import { createDistribution } from '../distribution/create-distribution.ts';
import { nextSendTime } from '../distribution/send-window.ts';
import { ParleyError } from '../errors.ts';
import { openDatabase } from '../storage/database.ts';
import { migrateToLatest } from '../storage/migrate.ts';
import type { Database, DistributionMode } from '../storage/tables.ts';
import { SurveyCatalog } from '../surveys/survey-catalog.ts';

export interface SendCommandOptions {
  survey: string;
  list: string;
  mode: string;
  at?: string;
  rate?: string;
  link?: string;
  text?: string;
  optOut?: string;
}

const MODES: readonly DistributionMode[] = ['interactive', 'link'];
// The same precision as parley status, so both show the same figure.
const costFormat = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 4 });
// An offset is required so that "09:00" cannot silently mean the server's zone.
const DATE_TIME_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i;

/**
 * Runs `parley send`: puts a distribution's invites in the outbox. The dispatcher of
 * `parley serve` or `parley worker` sends them, so this works while the server runs.
 */
export async function runSendCommand(options: SendCommandOptions, out: (line: string) => void, env = process.env): Promise<void> {
  const config = loadConfig(env);
  if (config.sender === undefined) {
    throw new ParleyError(
      'SENDER_MISSING',
      'No sender is configured: set TWILIO_FROM (your Twilio number, short code or sender ID) or TWILIO_MESSAGING_SERVICE_SID, as the server uses them.',
    );
  }
  const mode = parseMode(options.mode);
  const sendAt = options.at === undefined ? undefined : parseSendAt(options.at);
  const segmentsPerSecond = options.rate === undefined ? undefined : parseRate(options.rate);
  const survey = await loadSurvey(config, options.survey);

  const db = openDatabase(config.databaseUrl, { synchronous: config.sqliteSynchronous });
  try {
    await migrateToLatest(db);
    const now = new Date();
    const created = await createDistribution(
      db,
      { survey, listName: options.list, mode, sender: config.sender, sendAt, segmentsPerSecond, link: options.link, text: options.text, optOut: options.optOut },
      now,
    );

    const segments = created.segments - created.suppressedSegments;
    const seconds = Math.ceil(segments / created.segmentsPerSecond);
    out(`Distribution ${created.id}: ${plural(created.invites, 'invitation')} to list "${options.list}" for survey ${survey.survey.id} (${mode} mode).`);
    out(
      `  From ${config.sender.value} at ${plural(created.segmentsPerSecond, 'segment')} per second: ${plural(segments, 'segment')}, about ${formatDuration(seconds)} of sending.`,
    );
    out(`  Estimated cost: ${costFormat.format(segments * config.pricePerSegment)} ${config.priceCurrency} at ${config.pricePerSegment} per segment, before reminders.`);
    if (created.sendAt.getTime() > now.getTime()) out(`  Sending starts at ${created.sendAt.toISOString()}.`);
    if (sendAt !== undefined && sendAt.getTime() <= now.getTime()) out(`  Warning: --at ${options.at} is in the past, so sending starts now.`);
    if (created.suppressed > 0) out(`  ${plural(created.suppressed, 'contact')} opted out of this sender and will be skipped; the figures above leave them out.`);
    if (segmentsPerSecond !== undefined && segmentsPerSecond > config.sender.segmentsPerSecond) {
      out(
        `  Warning: --rate ${segmentsPerSecond} is above the sender's ${plural(config.sender.segmentsPerSecond, 'segment')} per second; Twilio queues the excess and fails messages that wait too long.`,
      );
    }
    const startsAt = created.sendAt.getTime() > now.getTime() ? created.sendAt : now;
    const waiting = await countWaitingForSendingHours(db, created.id, config, startsAt);
    if (waiting.count > 0) {
      out(
        `  ${plural(waiting.count, 'invitation')} ${waiting.count === 1 ? 'waits' : 'wait'} for the sending hours (SEND_WINDOW ${describeWindow(config)} in each contact's time zone, as set for this command; the server uses its own); the first can go at ${waiting.first!.toISOString()}.`,
      );
    }
    out('  The running server (`npm start`, or `parley worker`) sends them.');
    out(`  Follow it with: parley status ${created.id}`);
  } finally {
    await db.destroy();
  }
}

async function loadSurvey(config: Config, id: string) {
  const catalog = new SurveyCatalog({ dir: config.surveysDir, logger: pino({ level: 'silent' }) });
  const { loaded, rejected } = await catalog.load();
  const version = catalog.get(id);
  if (version !== undefined) return version;

  const ids = loaded.map((survey) => survey.survey.id);
  const hint = rejected.length > 0 ? ` ${rejected.length} file(s) were rejected; run \`parley check\` to see why.` : '';
  throw new ParleyError(
    'UNKNOWN_SURVEY',
    `No survey with id ${JSON.stringify(id)} in ${config.surveysDir}. ${ids.length === 0 ? 'No survey loaded.' : `The surveys are: ${ids.join(', ')}.`}${hint}`,
  );
}

function parseMode(mode: string): DistributionMode {
  if (!(MODES as readonly string[]).includes(mode)) {
    throw new ParleyError('INVALID_OPTION', `--mode ${JSON.stringify(mode)} is invalid: use interactive (questions by SMS) or link (a link to a survey elsewhere).`);
  }
  return mode as DistributionMode;
}

/** Reads `--at`; it must carry its time zone offset, such as 2026-12-05T09:00-05:00 or 2026-12-05T14:00Z. */
export function parseSendAt(text: string): Date {
  const date = new Date(text.replace(' ', 'T'));
  if (!DATE_TIME_WITH_OFFSET.test(text) || Number.isNaN(date.getTime())) {
    throw new ParleyError(
      'INVALID_OPTION',
      `--at ${JSON.stringify(text)} is invalid: give a date and time with its offset, such as 2026-12-05T09:00-05:00, or Z for UTC. Each contact still gets it within their own sending hours.`,
    );
  }
  return date;
}

function parseRate(text: string): number {
  const rate = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || !(rate > 0)) {
    throw new ParleyError('INVALID_OPTION', `--rate ${JSON.stringify(text)} is invalid: give SMS segments per second above 0, such as 1 or 0.5.`);
  }
  return rate;
}

/**
 * Counts the invitations whose contacts are outside their sending hours at `sendAt`,
 * and finds when the first of them may go.
 */
async function countWaitingForSendingHours(db: Kysely<Database>, distributionId: number, config: Config, sendAt: Date): Promise<{ count: number; first: Date | undefined }> {
  const contacts = await db
    .selectFrom('outbound_messages')
    .innerJoin('contacts', 'contacts.id', 'outbound_messages.contact_id')
    .select(['contacts.phone', 'contacts.timezone'])
    .where('outbound_messages.distribution_id', '=', distributionId)
    .execute();
  let count = 0;
  let first: Date | undefined;
  for (const contact of contacts) {
    const allowedAt = nextSendTime(sendAt, config.sendWindow, contactTimezones(contact, config.defaultTimezone));
    if (allowedAt.getTime() <= sendAt.getTime()) continue;
    count++;
    if (first === undefined || allowedAt < first) first = allowedAt;
  }
  return { count, first };
}

function describeWindow({ sendWindow }: Config): string {
  if (sendWindow === undefined) return 'always';
  const time = (minute: number) => `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
  return `${time(sendWindow.startMinute)}-${time(sendWindow.endMinute)}`;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function formatDuration(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${seconds % 60} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}
