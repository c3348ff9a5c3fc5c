import type { Kysely, Transaction } from 'kysely';
import type { Logger } from 'pino';
import { transition } from 'xstate';
import { matchLanguage } from '../language-tags.ts';
import { maskPhone } from '../log.ts';
import { findContactByPhone } from '../storage/contact-lookup.ts';
import { ConversationStore } from '../storage/conversation-store.ts';
import { GroupCommit } from '../storage/group-commit.ts';
import type { AnswerStatus, Database, MessageHandling, Session } from '../storage/tables.ts';
import type { SurveyCatalog } from '../surveys/survey-catalog.ts';
import { surveyInLanguage } from '../surveys/survey-file.ts';
import type { Survey } from '../surveys/survey-schema.ts';
import { type AnswerResult, parseAnswer } from './answers/index.ts';
import type { EngineTexts } from './engine-texts.ts';
import type { Clock, InboundMessage, InboundResult } from './inbound-message.ts';
import { KeyedQueue } from './keyed-queue.ts';
import { classifyKeyword, firstWord, normalizeKeyword } from './keywords.ts';
import { computeScores } from './scores.ts';
import { type CompiledSurvey, SurveyVersions } from './survey-versions.ts';
import { type SurveyEvent, type SurveySnapshot, endedStatus, initialSnapshot, pendingQuestion, reachedEnd, restoreSnapshot } from './survey-machine.ts';
import { type ContactFields, contactFields, renderInvalidReply, renderOpening, renderPrompt } from './survey-prompt.ts';

export interface ConversationEngineOptions {
  db: Kysely<Database>;
  catalog: SurveyCatalog;
  texts: EngineTexts;
  logger: Logger;
  clock: Clock;
}

/** The decision for one message, kept until the message row is written. */
interface Outcome {
  handledAs: MessageHandling;
  reply: string | null;
  sessionId?: number | undefined;
  questionId?: string | undefined;
}

/** Looks up the respondent's contact fields for piped text, within the message's transaction. */
type ContactFinder = (phone: string) => Promise<ContactFields | undefined>;

/** Thrown inside the transaction to roll it back when another delivery claimed the MessageSid first. */
class AlreadyClaimed extends Error {}

/**
 * Takes one inbound message at a time per respondent and returns the reply.
 *
 * Each message is handled as one unit of work that also claims its MessageSid, so
 * a message is either fully applied (session, answer, reply) or not at all, and a
 * redelivery gets the stored reply instead of a second answer. Units of concurrent
 * messages are committed together (see GroupCommit).
 */
export class ConversationEngine {
  readonly #db: Kysely<Database>;
  readonly #catalog: SurveyCatalog;
  readonly #texts: EngineTexts;
  readonly #logger: Logger;
  readonly #clock: Clock;
  readonly #versions: SurveyVersions;
  readonly #queue = new KeyedQueue();
  readonly #writes: GroupCommit;

  constructor({ db, catalog, texts, logger, clock }: ConversationEngineOptions) {
    this.#db = db;
    this.#catalog = catalog;
    this.#texts = texts;
    this.#logger = logger;
    this.#clock = clock;
    this.#versions = new SurveyVersions(catalog, logger);
    this.#writes = new GroupCommit(db, logger);
  }

  handle(message: InboundMessage): Promise<InboundResult> {
    return this.#queue.run(`${message.from}\n${message.channel}`, () => this.#handleInTurn(message));
  }

  /** Marks sessions past their expiry time as expired; the server calls this periodically. */
  async expireSessions(): Promise<number> {
    const count = await new ConversationStore(this.#db).expireSessions(this.#clock.now().toISOString());
    if (count > 0) this.#logger.info({ count }, 'expired inactive sessions');
    return count;
  }

  async #handleInTurn(message: InboundMessage): Promise<InboundResult> {
    const stored = await new ConversationStore(this.#db).findMessageReply(message.messageSid);
    if (stored !== undefined) {
      this.#logger.info({ messageSid: message.messageSid }, 'duplicate MessageSid: replaying the stored reply');
      return { reply: stored.reply, duplicate: true };
    }

    try {
      return await this.#writes.run(async (trx) => {
        const store = new ConversationStore(trx);
        const now = this.#clock.now();
        const outcome = await this.#decide(store, message, now, (phone) => findContactByPhone(trx, phone).then(contactFields));

        const claimed = await store.insertMessage({
          message_sid: message.messageSid,
          account_sid: message.accountSid,
          respondent: message.from,
          channel: message.channel,
          body: message.body,
          num_media: message.numMedia,
          fields: JSON.stringify(message.fields),
          received_at: now.toISOString(),
          session_id: outcome.sessionId ?? null,
          question_id: outcome.questionId ?? null,
          handled_as: outcome.handledAs,
          reply: outcome.reply,
        });
        if (!claimed) throw new AlreadyClaimed();

        this.#logger.info(
          { messageSid: message.messageSid, from: maskPhone(message.from), sessionId: outcome.sessionId, handledAs: outcome.handledAs },
          'inbound message handled',
        );
        return { reply: outcome.reply, duplicate: false };
      });
    } catch (error) {
      if (!(error instanceof AlreadyClaimed)) throw error;
      this.#logger.info({ messageSid: message.messageSid }, 'MessageSid claimed by a concurrent delivery: replaying its reply');
      const winner = await new ConversationStore(this.#db).findMessageReply(message.messageSid);
      return { reply: winner?.reply ?? null, duplicate: true };
    }
  }

  async #decide(store: ConversationStore, message: InboundMessage, now: Date, findContact: ContactFinder): Promise<Outcome> {
    const { from, channel } = message;

    if (message.optOutType !== undefined) {
      return this.#followTwilioOptOut(store, message, now);
    }

    const keyword = classifyKeyword(message.body);
    const suppressed = await store.isSuppressed(from, channel);

    if (keyword === 'opt-out') {
      const session = await store.findActiveSession(from, channel);
      await this.#optOut(store, message, session, 'keyword', now);
      const texts = session === undefined ? await this.#respondentTexts(store, message, findContact) : await this.#sessionTexts(session, store);
      return { handledAs: 'opt_out', reply: texts.optOut, sessionId: session?.id };
    }
    if (keyword === 'opt-in' || (keyword === 'yes' && suppressed)) {
      await store.unsuppress(from, channel);
      const pending = await this.#pendingPrompt(store, from, channel, findContact);
      const texts = pending?.texts ?? (await this.#respondentTexts(store, message, findContact));
      return { handledAs: 'opt_in', reply: joinParagraphs(texts.optIn, pending?.prompt), sessionId: pending?.sessionId };
    }
    if (keyword === 'help') {
      const pending = await this.#pendingPrompt(store, from, channel, findContact);
      const texts = pending?.texts ?? (await this.#respondentTexts(store, message, findContact));
      return { handledAs: 'help', reply: joinParagraphs(texts.help, pending?.prompt), sessionId: pending?.sessionId };
    }
    if (suppressed) {
      // An opted-out respondent gets replies only to the opt-out, opt-in and help keywords above.
      return { handledAs: 'suppressed', reply: null };
    }

    let session = await store.findActiveSession(from, channel);
    let expired: Session | undefined;
    if (session !== undefined && session.expires_at <= now.toISOString()) {
      await store.updateSession(session.id, { status: 'expired', ended_at: now.toISOString() });
      expired = session;
      session = undefined;
    }

    if (session !== undefined) {
      return this.#answer(store, message, session, now, findContact);
    }

    const started = await this.#startByKeyword(store, message, now, findContact);
    if (started !== undefined) return started;

    expired ??= await store.findLatestSession(from, channel).then((latest) => (latest?.status === 'expired' ? latest : undefined));
    const keywords = this.#catalog.list().flatMap((version) => version.survey.keywords);
    if (expired !== undefined) {
      const { version } = await this.#versions.load(expired.survey_hash, store);
      const survey = surveyInLanguage(version, expired.language);
      return { handledAs: 'survey_closed', reply: this.#textsFor(survey).closed(survey.title, keywords), sessionId: expired.id };
    }
    const texts = await this.#respondentTexts(store, message, findContact);
    return { handledAs: 'no_session', reply: texts.noSession(keywords) };
  }

  async #answer(store: ConversationStore, message: InboundMessage, session: Session, now: Date, findContact: ContactFinder): Promise<Outcome> {
    const compiled = await this.#versions.load(session.survey_hash, store);
    let survey = surveyInLanguage(compiled.version, session.language);
    const snapshot = restoreSnapshot(compiled.machine, session.snapshot);
    const question = pendingQuestion(survey, snapshot);
    const contact = await findContact(message.from);

    if (question === undefined) {
      // A finished machine in an active session means an earlier write was cut short; close it.
      const end = reachedEnd(survey, snapshot);
      this.#logger.error({ sessionId: session.id, endId: end?.id }, 'active session has no pending question; marking it ended');
      await store.updateSession(session.id, {
        status: end === undefined ? 'completed' : endedStatus(end),
        end_id: end?.id ?? null,
        ended_at: now.toISOString(),
      });
      return { handledAs: 'no_session', reply: renderPrompt(survey, snapshot, contact), sessionId: session.id };
    }

    // The skip word is read before the answer, so that "skip" is not stored as a text answer.
    const skipped = question.optional === true && normalizeKeyword(message.body) === survey.skipWord;
    const hints = this.#textsFor(survey).answerHints;
    const parsed = skipped ? undefined : parseAnswer(question, message.body, { now, language: survey.language, hints });
    const [next] = transition(compiled.machine, snapshot, surveyEventFor(parsed));
    const movedOn = next.value !== snapshot.value || next.status === 'done';

    if (parsed === undefined || parsed.ok || movedOn) {
      await store.insertAnswer({
        session_id: session.id,
        question_id: question.id,
        status: answerStatusFor(parsed),
        message_sid: message.messageSid,
        raw_text: message.body,
        value: parsed?.ok === true ? JSON.stringify(parsed.value) : null,
        answered_at: now.toISOString(),
      });
    }
    await this.#saveProgress(store, session.id, compiled, next, now);

    // The answer to a language question switches the session's language from the next message on.
    if (question.type === 'language' && parsed?.ok === true && typeof parsed.value === 'string') {
      await store.updateSession(session.id, { language: parsed.value });
      survey = surveyInLanguage(compiled.version, parsed.value);
      this.#logger.info({ sessionId: session.id, language: parsed.value }, 'session language chosen');
    }

    const texts = this.#textsFor(survey);
    const ids = { sessionId: session.id, questionId: question.id };
    if (parsed === undefined) {
      return { handledAs: 'skipped', reply: renderPrompt(survey, next, contact), ...ids };
    }
    if (parsed.ok) {
      return { handledAs: 'answer', reply: renderPrompt(survey, next, contact), ...ids };
    }
    if (movedOn) {
      return { handledAs: 'unanswered', reply: joinParagraphs(texts.movingOn, renderPrompt(survey, next, contact)), ...ids };
    }
    return { handledAs: 'invalid_answer', reply: renderInvalidReply(survey, question, next, contact, parsed.expected, texts), ...ids };
  }

  async #startByKeyword(store: ConversationStore, message: InboundMessage, now: Date, findContact: ContactFinder): Promise<Outcome | undefined> {
    const version = this.#catalog.findByKeyword(firstWord(message.body));
    if (version === undefined) return undefined;

    const compiled = this.#versions.compile(version);
    await this.#versions.remember(version, store, now.toISOString());
    const contact = await findContact(message.from);
    // A contact whose language the survey has reads it in that language, and skips its language questions.
    const contactLanguage = matchLanguage(contact?.language, version.survey.languages);
    const survey = surveyInLanguage(version, contactLanguage);
    const initial = initialSnapshot(compiled.machine, { languageFromContact: contactLanguage !== undefined });
    const sessionId = await store.insertSession({
      respondent: message.from,
      channel: message.channel,
      survey_id: version.survey.id,
      survey_hash: version.hash,
      status: 'active',
      snapshot: JSON.stringify(compiled.machine.getPersistedSnapshot(initial)),
      started_at: now.toISOString(),
      last_activity_at: now.toISOString(),
      expires_at: new Date(now.getTime() + version.survey.expiresAfterMs).toISOString(),
      ended_at: null,
      language: survey.language,
    });

    this.#logger.info({ sessionId, surveyId: version.survey.id, hash: version.hash, language: survey.language }, 'session started');
    // A survey whose questions are all hidden at the start ends at once.
    if (initial.status === 'done') await this.#saveProgress(store, sessionId, compiled, initial, now);
    return { handledAs: 'survey_started', reply: renderOpening(survey, initial, contact), sessionId };
  }

  async #saveProgress(store: ConversationStore, sessionId: number, compiled: CompiledSurvey, next: SurveySnapshot, now: Date): Promise<void> {
    const { survey } = compiled.version;
    const end = reachedEnd(survey, next);
    const scores = computeScores(survey.scores, next.context.answers);
    const progress = {
      snapshot: JSON.stringify(compiled.machine.getPersistedSnapshot(next)),
      last_activity_at: now.toISOString(),
      expires_at: new Date(now.getTime() + survey.expiresAfterMs).toISOString(),
      scores: Object.keys(survey.scores).length === 0 ? null : JSON.stringify(scores),
    };
    if (end === undefined) {
      await store.saveProgress(sessionId, progress);
      return;
    }

    await store.updateSession(sessionId, { ...progress, status: endedStatus(end), end_id: end.id, ended_at: now.toISOString() });
    this.#logger.info({ sessionId, endId: end.id, screenedOut: end.screenOut }, 'session ended');
  }

  /** Renders the last prompt of an active session (the pending question and the messages before it), so HELP and START can repeat it. */
  async #pendingPrompt(
    store: ConversationStore,
    from: string,
    channel: string,
    findContact: ContactFinder,
  ): Promise<{ prompt: string; sessionId: number; texts: EngineTexts } | undefined> {
    const session = await store.findActiveSession(from, channel);
    if (session === undefined || session.expires_at <= this.#clock.now().toISOString()) return undefined;

    const compiled = await this.#versions.load(session.survey_hash, store);
    const survey = surveyInLanguage(compiled.version, session.language);
    const snapshot = restoreSnapshot(compiled.machine, session.snapshot);
    return { prompt: renderPrompt(survey, snapshot, await findContact(from)), sessionId: session.id, texts: this.#textsFor(survey) };
  }

  /** Returns the engine's texts in a survey's language, with the survey's replacements for that language. */
  #textsFor(survey: Survey): EngineTexts {
    const overrides = survey.messages[survey.language];
    if (overrides === undefined && survey.language === this.#texts.language) return this.#texts;
    return this.#texts.forLanguage(survey.language, overrides);
  }

  /** Returns the engine's texts in the language of a session's survey. */
  async #sessionTexts(session: Session, store: ConversationStore): Promise<EngineTexts> {
    const { version } = await this.#versions.load(session.survey_hash, store);
    return this.#textsFor(surveyInLanguage(version, session.language));
  }

  /**
   * Returns the engine's texts for a respondent outside a session: in the language of the
   * contact record, else in that of the respondent's latest session, else the default ones.
   */
  async #respondentTexts(store: ConversationStore, message: InboundMessage, findContact: ContactFinder): Promise<EngineTexts> {
    const language = (await findContact(message.from))?.language ?? (await store.findLatestSession(message.from, message.channel))?.language;
    return language === undefined || language === null ? this.#texts : this.#texts.forLanguage(language);
  }

  async #optOut(
    store: ConversationStore,
    message: InboundMessage,
    session: Session | undefined,
    source: 'keyword' | 'twilio_opt_out',
    now: Date,
  ): Promise<void> {
    if (session !== undefined) {
      await store.updateSession(session.id, { status: 'opted_out', ended_at: now.toISOString() });
    }
    await store.suppress({
      respondent: message.from,
      channel: message.channel,
      source,
      message_sid: message.messageSid,
      created_at: now.toISOString(),
    });
    this.#logger.info({ messageSid: message.messageSid, from: maskPhone(message.from), sessionId: session?.id, source }, 'respondent opted out');
  }

  /**
   * Twilio's Advanced Opt-Out already replied to the keyword, so Parley only mirrors
   * the change in its own records and sends an empty response.
   */
  async #followTwilioOptOut(store: ConversationStore, message: InboundMessage, now: Date): Promise<Outcome> {
    const type = message.optOutType!.toUpperCase();
    const session = await store.findActiveSession(message.from, message.channel);

    if (type === 'STOP') {
      await this.#optOut(store, message, session, 'twilio_opt_out', now);
      return { handledAs: 'twilio_opt_out', reply: null, sessionId: session?.id };
    }
    if (type === 'START') {
      await store.unsuppress(message.from, message.channel);
      return { handledAs: 'twilio_opt_in', reply: null, sessionId: session?.id };
    }
    if (type !== 'HELP') {
      this.#logger.warn({ messageSid: message.messageSid, optOutType: message.optOutType }, 'unknown OptOutType; treated like HELP, so nothing changes');
    }
    return { handledAs: 'twilio_help', reply: null, sessionId: session?.id };
  }
}

/** Returns the machine event for a reply: undefined means the skip word. */
function surveyEventFor(parsed: AnswerResult | undefined): SurveyEvent {
  if (parsed === undefined) return { type: 'SKIP' };
  return parsed.ok ? { type: 'ANSWER', value: parsed.value } : { type: 'INVALID' };
}

function answerStatusFor(parsed: AnswerResult | undefined): AnswerStatus {
  if (parsed === undefined) return 'skipped';
  return parsed.ok ? 'answered' : 'unanswered';
}

function joinParagraphs(...parts: Array<string | undefined>): string {
  return parts.filter((part): part is string => part !== undefined && part !== '').join('\n\n');
}
