import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Kysely } from 'kysely';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConversationEngine } from '../src/engine/conversation-engine.ts';
import { createEngineTexts } from '../src/engine/engine-texts.ts';
import type { InboundMessage } from '../src/engine/inbound-message.ts';
import { ConversationStore } from '../src/storage/conversation-store.ts';
import { openDatabase } from '../src/storage/database.ts';
import { migrateToLatest } from '../src/storage/migrate.ts';
import type { Database } from '../src/storage/tables.ts';
import { SurveyCatalog } from '../src/surveys/survey-catalog.ts';
import { newMessageSid, writeSurvey } from './support/harness.ts';
import { TestClock } from './support/test-clock.ts';

const SURVEY = {
  id: 'pulse',
  title: 'Pulse',
  keywords: ['PULSE'],
  questions: [
    { id: 'mood', type: 'choice', text: 'How are you?', choices: ['Good', 'Bad'] },
    { id: 'why', type: 'text', text: 'Why?' },
  ],
  end: 'Thanks.',
};

const logger = pino({ level: 'silent' });
let dir: string;
let db: Kysely<Database>;
let catalog: SurveyCatalog;
let engine: ConversationEngine;
const clock = new TestClock();

async function boot(): Promise<void> {
  db = openDatabase(path.join(dir, 'parley.db'));
  await migrateToLatest(db);
  catalog = new SurveyCatalog({ dir: path.join(dir, 'surveys'), logger });
  await catalog.load();
  engine = new ConversationEngine({ db, catalog, texts: createEngineTexts({ programName: 'Pulse' }), logger, clock });
}

async function shutdown(): Promise<void> {
  catalog.close();
  await db.destroy();
}

function message(body: string): InboundMessage {
  const sid = newMessageSid();
  return {
    messageSid: sid,
    accountSid: 'AC0123456789abcdef0123456789abcdef',
    from: '+15555550123',
    to: '+15555550100',
    channel: '+15555550100',
    body,
    numMedia: 0,
    fields: { MessageSid: sid, Body: body },
  };
}

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-engine-'));
  fs.mkdirSync(path.join(dir, 'surveys'));
  writeSurvey(path.join(dir, 'surveys'), 'pulse.json', SURVEY);
  await boot();
});

afterEach(async () => {
  await shutdown();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('ConversationEngine', () => {
  it('answers without any HTTP layer', async () => {
    expect(await engine.handle(message('PULSE'))).toEqual({ reply: 'How are you?\n1. Good\n2. Bad', duplicate: false });
    expect(await engine.handle(message('good'))).toEqual({ reply: 'Why?', duplicate: false });
  });

  it('reports a duplicate', async () => {
    const first = message('PULSE');
    await engine.handle(first);
    expect(await engine.handle(first)).toEqual({ reply: 'How are you?\n1. Good\n2. Bad', duplicate: true });
  });

  it('keeps answers across a restart', async () => {
    await engine.handle(message('PULSE'));
    await engine.handle(message('2'));
    await shutdown();
    await boot();
    expect((await engine.handle(message('tired'))).reply).toBe('Thanks.');
    const answers = await db.selectFrom('answers').select(['question_id', 'value']).orderBy('id').execute();
    expect(answers).toEqual([
      { question_id: 'mood', value: '"Bad"' },
      { question_id: 'why', value: '"tired"' },
    ]);
  });

  it('resumes an old survey version after a restart', async () => {
    await engine.handle(message('PULSE'));
    await shutdown();
    writeSurvey(path.join(dir, 'surveys'), 'pulse.json', { ...SURVEY, questions: [{ id: 'new', type: 'text', text: 'New?' }] });
    await boot();

    expect((await engine.handle(message('1'))).reply).toBe('Why?');
    const fresh = { ...message('PULSE'), from: '+15555550199' };
    expect((await engine.handle(fresh)).reply).toBe('New?');
  });

  it('lists used survey ids by first use', async () => {
    writeSurvey(path.join(dir, 'surveys'), 'other.json', { ...SURVEY, id: 'other', keywords: ['OTHER'] });
    await catalog.load();
    await engine.handle({ ...message('OTHER'), from: '+15555550198' });
    clock.advance(1000);
    await engine.handle(message('PULSE'));
    expect(await new ConversationStore(db).listUsedSurveyIds()).toEqual(['other', 'pulse']);
  });

  it('survives a survey file removed mid-session', async () => {
    await engine.handle(message('PULSE'));
    fs.rmSync(path.join(dir, 'surveys', 'pulse.json'));
    await catalog.load();
    expect((await engine.handle(message('1'))).reply).toBe('Why?');
    expect((await engine.handle(message('PULSE again'))).reply).toBe('Thanks.');
    expect((await engine.handle(message('PULSE'))).reply).toBe('No survey is open right now. Reply HELP for help, STOP to opt out.');
  });
});
