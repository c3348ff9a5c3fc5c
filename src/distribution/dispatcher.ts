import type { Kysely, Transaction } from 'kysely';
import type { Logger } from 'pino';
import type { SendWindow } from '../config/config.ts';
import { contactTimezones } from '../contacts/contact-timezones.ts';
import type { Clock } from '../engine/inbound-message.ts';
import { endedStatus, initialSnapshot, pendingQuestion, reachedEnd, restoreSnapshot } from '../engine/survey-machine.ts';
import { contactFields, fillSurveyText, renderPrompt } from '../engine/survey-prompt.ts';
import type { SurveyVersions } from '../engine/survey-versions.ts';
import { matchLanguage } from '../language-tags.ts';
import { maskPhone } from '../log.ts';
import { countSegments } from '../sms/segments.ts';
import { findContactByPhone } from '../storage/contact-lookup.ts';
import { ConversationStore } from '../storage/conversation-store.ts';
import { type DueMessage, OutboxStore, pendingMessage } from '../storage/outbox-store.ts';
import type { Database, Distribution, NewOutboundMessage, OutboundMessage } from '../storage/tables.ts';
import { surveyInLanguage } from '../surveys/survey-file.ts';
import type { CreatedMessage, MessageApi, OutboundSender } from '../twilio/message-api.ts';
import { applyStoredStatusEvents } from './delivery-status-sync.ts';
import { joinParagraphs } from './invite-text.ts';
import { classifySendError, retryDelayMs } from './send-errors.ts';
import { SenderPacer, sleep } from './sender-pacer.ts';
import { nextSendTime } from './send-window.ts';

export interface DispatcherOptions {
  db: Kysely<Database>;
  api: MessageApi;
  versions: SurveyVersions;
  /** `PUBLIC_URL/twilio/status`. */
  statusCallbackUrl: string;
  sendWindow: SendWindow | undefined;
  defaultTimezone: string;
  /** The REST client's timeout; a claim older than twice this is looked up at Twilio. */
  requestTimeoutMs: number;
  logger: Logger;
  clock: Clock;
  /** How often to look for due messages when idle, in milliseconds. */
  pollMs?: number;
  /** Requests to Twilio in flight at once, across senders. */
  maxInFlight?: number;
}

/** After this many requests Twilio refused with a temporary error, a message is marked failed. */
export const MAX_ATTEMPTS = 8;
/** How long sending stops after an error that every message would get, such as bad credentials. */
const PAUSE_MS = 60_000;
const BATCH = 200;

/**
 * Sends the outbox: invites and reminders whose time has come, within each contact's
 * sending hours, at each distribution's rate, skipping suppressed contacts.
 *
 * Exactly once: a row is claimed (`sending`) in a committed transaction before the
 * request, and marked `sent` with Twilio's SID after it. A row still `sending` after
 * the lease, because of a crash or a timeout, is looked up at Twilio. If Twilio has
 * it, it is recorded as sent, and otherwise it is sent again. So a message is never
 * sent twice and never lost, as long as Twilio lists a message it accepted.
 *
 * NOTE: the lookup trusts Twilio to have carried out or dropped a request by the end
 * of the lease. A request that Twilio carried out later would be sent twice.
 */
export class Dispatcher {
  readonly #options: Required<DispatcherOptions>;
  readonly #pacer = new SenderPacer();
  readonly #distributions = new Map<number, Distribution>();
  readonly #inFlight = new Set<Promise<void>>();
  /** Recipients with a request in flight: a second message to one waits, so a lookup after a crash can tell them apart. */
  readonly #busyRecipients = new Set<string>();
  readonly #abort = new AbortController();
  #pausedUntil = 0;
  #allowedAtMinute = -1;
  readonly #allowedAtByZones = new Map<string, Date>();
  #wake: AbortController | undefined;
  #loop: Promise<void> | undefined;

  constructor(options: DispatcherOptions) {
    this.#options = { pollMs: 1000, maxInFlight: 8, ...options };
  }

  get #leaseMs(): number {
    return this.#options.requestTimeoutMs * 2 + 5000;
  }

  /** Starts sending in the background until `stop`. */
  start(): void {
    this.#options.logger.info({ statusCallback: this.#options.statusCallbackUrl }, 'dispatcher started');
    this.#loop ??= this.#run();
  }

  /** Makes a sleeping dispatcher look at the outbox now. */
  wake(): void {
    this.#wake?.abort();
  }

  /** Stops taking new messages and waits for requests in flight to be recorded. */
  async stop(): Promise<void> {
    this.#abort.abort();
    await this.#loop;
    await Promise.allSettled([...this.#inFlight]);
    this.#options.logger.info('dispatcher stopped');
  }

  async #run(): Promise<void> {
    try {
      const released = await new OutboxStore(this.#options.db).releaseHolds();
      if (released > 0) this.#options.logger.info({ count: released }, 'rechecking held messages against the current sending hours');
    } catch (error) {
      this.#options.logger.error({ err: error }, 'could not release messages held for sending hours; they keep their times');
    }
    while (!this.#abort.signal.aborted) {
      let busy = false;
      try {
        busy = (await this.runOnce()) === BATCH;
      } catch (error) {
        this.#options.logger.error({ err: error }, 'dispatcher pass failed; retrying');
      }
      if (busy) continue;
      this.#wake = new AbortController();
      await sleep(this.#options.pollMs, AbortSignal.any([this.#abort.signal, this.#wake.signal]));
    }
  }

  /**
   * Looks up stale claims, then takes one batch of due messages.
   *
   * @returns how many due messages the batch held.
   */
  async runOnce(): Promise<number> {
    await this.#reconcileStale();
    const now = this.#options.clock.now();
    if (now.getTime() < this.#pausedUntil) return 0;

    const due = await new OutboxStore(this.#options.db).findDue(now.toISOString(), BATCH);
    for (const row of due) {
      if (this.#abort.signal.aborted || this.#options.clock.now().getTime() < this.#pausedUntil) break;
      await this.#dispatch(row);
    }
    await Promise.allSettled([...this.#inFlight]);
    return due.length;
  }

  async #dispatch(row: DueMessage): Promise<void> {
    const { logger, clock, defaultTimezone } = this.#options;
    const now = clock.now();
    const store = new OutboxStore(this.#options.db);
    const distribution = await this.#distribution(row.distribution_id);

    const allowedAt = this.#allowedAt(now, contactTimezones(row.contact, defaultTimezone));
    if (allowedAt.getTime() > now.getTime()) {
      await store.holdForSendingHours(row.id, allowedAt.toISOString());
      logger.debug({ outboxId: row.id, allowedAt }, 'outside sending hours: waiting');
      return;
    }
    if (this.#busyRecipients.has(row.recipient)) return;

    const body = row.sequence > 0 ? await this.#reminderBody(row, distribution) : undefined;
    const segments = body?.segments ?? row.segments;
    while (this.#inFlight.size >= this.#options.maxInFlight) await Promise.race(this.#inFlight);
    await this.#pacer.reserve(row.sender, segments, distribution.segments_per_second, this.#abort.signal);

    const claim = this.#abort.signal.aborted ? 'stopped' : await this.#claim(row, now, body);
    if (claim !== 'claimed') {
      this.#pacer.release(row.sender, segments, distribution.segments_per_second);
      if (claim !== 'stopped' && claim !== 'lost') logger.info({ outboxId: row.id, to: maskPhone(row.recipient), reason: claim }, 'message skipped');
      return;
    }

    this.#busyRecipients.add(row.recipient);
    const request = this.#send({ ...row, ...body }, distribution).finally(() => {
      this.#busyRecipients.delete(row.recipient);
      this.#inFlight.delete(request);
    });
    this.#inFlight.add(request);
  }

  /**
   * Returns the first time from `now` within the sending hours of all `zones`. Results
   * are kept for the current minute, because a US number checks 29 zones and a
   * distribution checks thousands of contacts of the same country.
   */
  #allowedAt(now: Date, zones: string[]): Date {
    const minute = Math.floor(now.getTime() / 60_000);
    if (minute !== this.#allowedAtMinute) {
      this.#allowedAtByZones.clear();
      this.#allowedAtMinute = minute;
    }
    const key = zones.join(' ');
    let allowedAt = this.#allowedAtByZones.get(key);
    if (allowedAt === undefined) {
      allowedAt = nextSendTime(new Date(minute * 60_000), this.#options.sendWindow, zones);
      this.#allowedAtByZones.set(key, allowedAt);
    }
    return allowedAt.getTime() <= minute * 60_000 ? now : allowedAt;
  }

  /** Claims a row in one transaction with the checks that must hold at the moment of sending. */
  async #claim(row: DueMessage, now: Date, body: ReminderBody | undefined): Promise<'claimed' | 'lost' | string> {
    return this.#options.db.transaction().execute(async (trx) => {
      const store = new OutboxStore(trx);
      const suppression = await trx
        .selectFrom('suppressions')
        .select('source')
        .where('respondent', '=', row.recipient)
        .where('channel', '=', row.sender)
        .executeTakeFirst();
      if (suppression !== undefined) {
        const reason = `suppressed: ${suppression.source === 'keyword' ? 'replied STOP' : suppression.source === 'twilio_21610' ? 'Twilio error 21610' : "opted out through Twilio's Advanced Opt-Out"}`;
        await store.markSkipped(row.id, reason);
        return reason;
      }

      if (row.sequence > 0) {
        const reason = await reminderSkipReason(trx, row, now);
        if (reason !== undefined) {
          await store.markSkipped(row.id, reason);
          return reason;
        }
      }
      return (await store.claim(row.id, now.toISOString(), body)) ? 'claimed' : 'lost';
    });
  }

  async #send(row: OutboundMessage, distribution: Distribution): Promise<void> {
    const { api, logger, statusCallbackUrl } = this.#options;
    let created: CreatedMessage;
    try {
      created = await api.create({ to: row.recipient, body: row.body, sender: senderOf(row, distribution), statusCallback: statusCallbackUrl });
    } catch (error) {
      await this.#failed(row, distribution, error).catch((recordError: unknown) =>
        logger.error({ err: recordError, outboxId: row.id }, 'could not record a failed send; the claim will be looked up at Twilio'),
      );
      return;
    }

    try {
      await this.#recordSent(row, distribution, created);
    } catch (error) {
      // The row stays `sending`, so the lease lookup finds the message and records it.
      logger.error({ err: error, outboxId: row.id, messageSid: created.sid }, 'Twilio accepted a message but recording it failed; it will be reconciled');
    }
  }

  async #failed(row: OutboundMessage, distribution: Distribution, error: unknown): Promise<void> {
    const { logger, clock, db } = this.#options;
    const verdict = classifySendError(error);
    const store = new OutboxStore(db);
    const now = clock.now();
    const attempts = row.attempts + 1;
    const context = { outboxId: row.id, to: maskPhone(row.recipient), code: verdict.code, error: verdict.message, attempts };

    switch (verdict.action) {
      case 'retry': {
        if (attempts >= MAX_ATTEMPTS) {
          await store.markFailed(row.id, verdict.code, `gave up after ${attempts} attempts: ${verdict.message}`);
          logger.error(context, 'Twilio kept refusing a message; marked failed');
          return;
        }
        const delay = retryDelayMs(attempts);
        if (verdict.code === 20429 || (error as { status?: number }).status === 429) this.#pacer.holdBack(row.sender, delay);
        await store.retryLater(row.id, 'sending', new Date(now.getTime() + delay).toISOString(), verdict);
        logger.warn({ ...context, retryInMs: delay }, 'Twilio refused a message for now, or could not be reached; retrying');
        return;
      }
      case 'permanent': {
        await db.transaction().execute(async (trx) => {
          await new OutboxStore(trx).markFailed(row.id, verdict.code, verdict.message);
          if (verdict.code === 21610) {
            await new ConversationStore(trx).suppress({
              respondent: row.recipient,
              channel: row.sender,
              source: 'twilio_21610',
              message_sid: null,
              created_at: now.toISOString(),
            });
          }
        });
        logger.info(context, 'Twilio refused a message for good; marked failed');
        return;
      }
      case 'pause': {
        this.#pausedUntil = now.getTime() + PAUSE_MS;
        await store.retryLater(row.id, 'sending', new Date(this.#pausedUntil).toISOString(), verdict);
        logger.error(
          { ...context, pauseMs: PAUSE_MS, sender: distribution.sender },
          'Twilio refused the account or sender; sending paused. Check TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM or TWILIO_MESSAGING_SERVICE_SID',
        );
        return;
      }
      case 'unknown':
        logger.warn({ ...context, lookupAfterMs: this.#leaseMs }, 'no answer from Twilio; the message will be looked up there before any resend');
    }
  }

  /** Records Twilio's acceptance; an interactive invite also opens the session and schedules the reminders. */
  async #recordSent(row: OutboundMessage, distribution: Distribution, created: CreatedMessage): Promise<void> {
    const { db, clock, logger } = this.#options;
    const now = clock.now();
    await db.transaction().execute(async (trx) => {
      const opensSession = row.sequence === 0 && distribution.mode === 'interactive';
      const sessionId = opensSession ? await this.#openSession(trx, row, distribution, now) : row.session_id;
      const store = new OutboxStore(trx);
      if (!(await store.markSent(row.id, created.sid, created.status, now.toISOString(), sessionId))) {
        throw new Error(`outbox row ${row.id} was no longer being sent when Twilio accepted message ${created.sid}`);
      }
      if (opensSession) await this.#scheduleReminders(trx, store, row, distribution, sessionId!, now);
      await applyStoredStatusEvents(trx, created.sid);
    });
    logger.info({ outboxId: row.id, messageSid: created.sid, to: maskPhone(row.recipient), sequence: row.sequence }, 'message sent');
  }

  async #openSession(trx: Transaction<Database>, row: OutboundMessage, distribution: Distribution, now: Date): Promise<number> {
    const conversations = new ConversationStore(trx);
    const compiled = await this.#options.versions.load(distribution.survey_hash, conversations);
    const active = await conversations.findActiveSession(row.recipient, row.sender);
    if (active !== undefined) {
      await conversations.updateSession(active.id, { status: 'superseded', ended_at: now.toISOString() });
      this.#options.logger.info({ sessionId: active.id, outboxId: row.id }, 'an invite superseded an active session');
    }
    // As when the invitation was written: a contact whose language the survey has gets the survey in it.
    // NOTE: a contact whose language changed since `parley send` gets a session in the new language.
    const contact = await findContactByPhone(trx, row.recipient);
    const language = matchLanguage(contact?.language, compiled.version.survey.languages);
    const initial = initialSnapshot(compiled.machine, { languageFromContact: language !== undefined });
    // A survey that only sends messages before an end has ended with the invite itself.
    const end = reachedEnd(compiled.version.survey, initial);
    return conversations.insertSession({
      respondent: row.recipient,
      channel: row.sender,
      survey_id: distribution.survey_id,
      survey_hash: distribution.survey_hash,
      status: end === undefined ? 'active' : endedStatus(end),
      snapshot: JSON.stringify(compiled.machine.getPersistedSnapshot(initial)),
      started_at: now.toISOString(),
      last_activity_at: now.toISOString(),
      expires_at: new Date(now.getTime() + compiled.version.survey.expiresAfterMs).toISOString(),
      ended_at: end === undefined ? null : now.toISOString(),
      end_id: end?.id ?? null,
      language: surveyInLanguage(compiled.version, language).language,
    });
  }

  async #scheduleReminders(
    trx: Transaction<Database>,
    store: OutboxStore,
    row: OutboundMessage,
    distribution: Distribution,
    sessionId: number,
    now: Date,
  ): Promise<void> {
    // Through the transaction: a query on the database itself would wait for the transaction to end.
    const { version } = await this.#options.versions.load(distribution.survey_hash, new ConversationStore(trx));
    const session = await trx.selectFrom('sessions').select('language').where('id', '=', sessionId).executeTakeFirst();
    const survey = surveyInLanguage(version, session?.language);
    const reminders: NewOutboundMessage[] = survey.reminders.map((reminder, index) =>
      pendingMessage({
        distribution_id: row.distribution_id,
        contact_id: row.contact_id,
        sequence: index + 1,
        recipient: row.recipient,
        sender: row.sender,
        // The question is added when the reminder is sent, since the respondent may have moved on.
        body: reminder.text,
        not_before: new Date(now.getTime() + reminder.afterMs).toISOString(),
        session_id: sessionId,
        created_at: now.toISOString(),
      }),
    );
    await store.insertMessages(reminders);
  }

  /** A reminder's text followed by what its session last sent: the pending question and the messages before it. */
  async #reminderBody(row: OutboundMessage, distribution: Distribution): Promise<ReminderBody | undefined> {
    if (row.session_id === null) return undefined;
    const conversations = new ConversationStore(this.#options.db);
    const session = await this.#options.db
      .selectFrom('sessions')
      .select(['snapshot', 'survey_hash', 'language'])
      .where('id', '=', row.session_id)
      .executeTakeFirst();
    if (session === undefined) return undefined;
    const compiled = await this.#options.versions.load(session.survey_hash ?? distribution.survey_hash, conversations);
    const survey = surveyInLanguage(compiled.version, session.language);
    const reminder = survey.reminders[row.sequence - 1];
    const snapshot = restoreSnapshot(compiled.machine, session.snapshot);
    const contact = contactFields(await findContactByPhone(this.#options.db, row.recipient));
    const prompt = pendingQuestion(survey, snapshot) === undefined ? undefined : renderPrompt(survey, snapshot, contact);
    const body = joinParagraphs(fillSurveyText(survey, reminder?.text ?? row.body, snapshot, contact), prompt);
    return { body, ...countSegments(body) };
  }

  /** Looks up, at Twilio, every claim older than the lease, and records it as sent or sends it again. */
  async #reconcileStale(): Promise<void> {
    const { db, clock, api, logger } = this.#options;
    const now = clock.now();
    const stale = await new OutboxStore(db).findStaleSending(new Date(now.getTime() - this.#leaseMs).toISOString(), 50);

    for (const row of stale) {
      const distribution = await this.#distribution(row.distribution_id);
      let found: CreatedMessage[];
      try {
        found = await api.findSent({
          to: row.recipient,
          body: row.body,
          sender: senderOf(row, distribution),
          createdSince: new Date(Date.parse(row.claimed_at!) - 60_000),
        });
      } catch (error) {
        logger.warn({ err: error, outboxId: row.id }, 'could not look up an unconfirmed message at Twilio; will try again');
        continue;
      }
      const known = await new OutboxStore(db).knownSids(found.map((message) => message.sid));
      const match = found.find((message) => !known.has(message.sid));
      if (match !== undefined) {
        await this.#recordSent(row, distribution, match);
        logger.info({ outboxId: row.id, messageSid: match.sid }, 'reconciled an unconfirmed message: Twilio had accepted it');
      } else {
        await new OutboxStore(db).retryLater(row.id, 'sending', now.toISOString());
        logger.info({ outboxId: row.id }, 'reconciled an unconfirmed message: Twilio never got it, so it will be sent');
      }
    }
  }

  async #distribution(id: number): Promise<Distribution> {
    let distribution = this.#distributions.get(id);
    if (distribution === undefined) {
      distribution = await new OutboxStore(this.#options.db).findDistribution(id);
      if (distribution === undefined) throw new Error(`outbox refers to distribution ${id}, which does not exist`);
      this.#distributions.set(id, distribution);
    }
    return distribution;
  }
}

interface ReminderBody {
  body: string;
  segments: number;
  encoding: 'GSM-7' | 'UCS-2';
}

function senderOf(row: OutboundMessage, distribution: Distribution): OutboundSender {
  return { value: row.sender, kind: distribution.sender_kind };
}

/** Why a reminder must not go out: its session ended, or the respondent already replied. */
async function reminderSkipReason(trx: Transaction<Database>, row: OutboundMessage, now: Date): Promise<string | undefined> {
  if (row.session_id === null) return 'no session';
  const session = await trx.selectFrom('sessions').select(['status', 'expires_at']).where('id', '=', row.session_id).executeTakeFirst();
  if (session === undefined || session.status !== 'active') return `session ${session?.status ?? 'missing'}`;
  if (session.expires_at <= now.toISOString()) return 'session expired';
  if (await new OutboxStore(trx).hasReplied(row.session_id)) return 'respondent replied';
  return undefined;
}
