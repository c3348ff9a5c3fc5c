import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { ConversationEngine } from '../engine/conversation-engine.ts';
import type { EngineTexts } from '../engine/engine-texts.ts';
import type { Clock, InboundMessage } from '../engine/inbound-message.ts';
import { openDatabase } from '../storage/database.ts';
import { migrateToLatest } from '../storage/migrate.ts';
import type { ConversationTest, ReplyExpectation } from './conversation-test-file.ts';
import type { SurveyCatalog } from './survey-catalog.ts';

/** The Parley number the respondent texts in a conversation test. Only the session key depends on it. */
export const TEST_PARLEY_NUMBER = '+15555550100';
const TEST_ACCOUNT_SID = `AC${'0'.repeat(32)}`;

export interface ConversationTestOptions {
  /** Surveys the engine serves, already loaded. The test only reads it. */
  catalog: SurveyCatalog;
  texts: EngineTexts;
  /** Start time of the test clock. Replies depend only on time differences, so any fixed time works. */
  start?: Date;
}

/** The first step whose reply did not match, with what was sent, expected and received. */
export interface StepFailure {
  /** 1-based, as authors count steps. */
  step: number;
  sent: string;
  expected: ReplyExpectation;
  /** The reply text, or null for an empty response. */
  actual: string | null;
}

export type ConversationTestResult = { passed: true; steps: number } | { passed: false; failure: StepFailure } | { passed: false; problem: string };

/** A clock that moves only when a wait step moves it. */
class ManualClock implements Clock {
  #now: number;

  constructor(start: Date) {
    this.#now = start.getTime();
  }

  now(): Date {
    return new Date(this.#now);
  }

  advance(milliseconds: number): void {
    this.#now += milliseconds;
  }
}

/**
 * Runs one conversation test against the real engine on a fresh in-memory SQLite
 * database, without HTTP. Stops at the first step whose reply does not match, because
 * later replies depend on it.
 */
export async function runConversationTest(
  test: ConversationTest,
  { catalog, texts, start = new Date('2026-01-05T09:00:00.000Z') }: ConversationTestOptions,
): Promise<ConversationTestResult> {
  if (test.survey !== undefined && catalog.get(test.survey) === undefined) {
    const loaded = catalog.list().map((version) => version.survey.id);
    const list = loaded.length === 0 ? 'no surveys are loaded' : `the loaded surveys are ${loaded.join(', ')}`;
    return { passed: false, problem: `survey "${test.survey}" is not loaded (${list}). Correct survey: in the test, or fix the survey file.` };
  }

  const db = openDatabase(':memory:');
  try {
    await migrateToLatest(db);
    const clock = new ManualClock(start);
    const engine = new ConversationEngine({ db, catalog, texts, logger: pino({ level: 'silent' }), clock });

    for (const [index, step] of test.steps.entries()) {
      if ('wait' in step) {
        clock.advance(step.waitMs);
        // The server expires sessions on a timer, so doing it after each wait gives the replies the server would.
        await engine.expireSessions();
        continue;
      }

      const { reply } = await engine.handle(inboundMessage(test.from, step.send));
      if (step.expect !== undefined && !replyMatches(reply, step.expect)) {
        return { passed: false, failure: { step: index + 1, sent: step.send, expected: step.expect, actual: reply } };
      }
    }
    return { passed: true, steps: test.steps.length };
  } finally {
    await db.destroy();
  }
}

/** Returns whether `reply` meets the expectation. An empty reply counts as no reply. */
export function replyMatches(reply: string | null, expectation: ReplyExpectation): boolean {
  const text = reply ?? '';
  if ('none' in expectation) return text === '';
  if ('exact' in expectation) return text === expectation.exact;
  if ('contains' in expectation) return text.includes(expectation.contains);
  return expectation.matches.test(text);
}

function inboundMessage(from: string, body: string): InboundMessage {
  const messageSid = `SM${randomBytes(16).toString('hex')}`;
  return {
    messageSid,
    accountSid: TEST_ACCOUNT_SID,
    from,
    to: TEST_PARLEY_NUMBER,
    channel: TEST_PARLEY_NUMBER,
    body,
    numMedia: 0,
    fields: { MessageSid: messageSid, AccountSid: TEST_ACCOUNT_SID, From: from, To: TEST_PARLEY_NUMBER, Body: body, NumMedia: '0' },
  };
}
