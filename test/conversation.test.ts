import { afterEach, describe, expect, it } from 'vitest';
import { newMessageSid, RESPONDENT, createHarness, writeSurvey, type Harness } from './support/harness.ts';

const QUIZ = {
  id: 'quiz',
  title: 'Quiz',
  keywords: ['QUIZ'],
  intro: 'Welcome to the quiz.',
  questions: [
    { id: 'score', type: 'nps', text: 'Score us 0-10.' },
    { id: 'channel', type: 'choice', text: 'How did you hear about us?', choices: ['Search', 'A friend', 'Social media'] },
    { id: 'again', type: 'yesno', text: 'Would you come again?' },
    { id: 'age', type: 'number', text: 'How old are you?', min: 18, max: 120, integer: true },
    { id: 'comment', type: 'text', text: 'Any comment?' },
  ],
  end: 'Thanks, all done.',
};

const CHOICE_PROMPT = 'How did you hear about us?\n1. Search\n2. A friend\n3. Social media';

let harness: Harness;

afterEach(async () => {
  await harness?.close();
});

async function start(surveys: Record<string, unknown> = { 'quiz.json': QUIZ }): Promise<Harness> {
  harness = await createHarness({ surveys });
  return harness;
}

async function reply(body: string): Promise<string> {
  const response = await harness.text(body);
  expect(response.status).toBe(200);
  expect(response.messages.length).toBeLessThanOrEqual(1);
  return response.messages[0] ?? '';
}

async function sessions() {
  return harness.db.selectFrom('sessions').selectAll().orderBy('id').execute();
}

async function answers() {
  return harness.db.selectFrom('answers').selectAll().orderBy('id').execute();
}

describe('conversation', () => {
  it('takes a respondent through a survey', async () => {
    await start();
    expect(await reply('quiz')).toBe('Welcome to the quiz.\n\nScore us 0-10.');
    expect(await reply('9')).toBe(CHOICE_PROMPT);
    expect(await reply('a friend')).toBe('Would you come again?');
    expect(await reply('Yes!')).toBe('How old are you?');
    expect(await reply('42')).toBe('Any comment?');
    expect(await reply('Please stop the noise')).toBe('Thanks, all done.');

    const stored = await answers();
    expect(stored.map((answer) => [answer.question_id, answer.status, answer.value])).toEqual([
      ['score', 'answered', '9'],
      ['channel', 'answered', '"A friend"'],
      ['again', 'answered', 'true'],
      ['age', 'answered', '42'],
      ['comment', 'answered', '"Please stop the noise"'],
    ]);
    expect(stored[4]!.raw_text).toBe('Please stop the noise');
    const [session] = await sessions();
    expect(session!.status).toBe('completed');
    expect(session!.ended_at).not.toBeNull();
  });

  it('stores every inbound message with its handling', async () => {
    await start();
    await reply('QUIZ');
    await reply('eleven');
    await reply('10');
    const messages = await harness.db.selectFrom('messages').select(['body', 'handled_as', 'question_id']).orderBy('id').execute();
    expect(messages).toEqual([
      { body: 'QUIZ', handled_as: 'survey_started', question_id: null },
      { body: 'eleven', handled_as: 'invalid_answer', question_id: 'score' },
      { body: '10', handled_as: 'answer', question_id: 'score' },
    ]);
  });

  it('replays the reply to a duplicate MessageSid', async () => {
    await start();
    await reply('QUIZ');
    const sid = newMessageSid();
    const first = await harness.text('7', { MessageSid: sid, SmsSid: sid, SmsMessageSid: sid });
    const second = await harness.text('7', { MessageSid: sid, SmsSid: sid, SmsMessageSid: sid });
    expect(first.messages).toEqual([CHOICE_PROMPT]);
    expect(second.body).toBe(first.body);
    expect(await answers()).toHaveLength(1);
    expect(await reply('1')).toBe('Would you come again?');
  });

  it('records concurrent duplicates once', async () => {
    await start();
    await reply('QUIZ');
    const sid = newMessageSid();
    const responses = await Promise.all([1, 2, 3].map(() => harness.text('8', { MessageSid: sid })));
    expect(new Set(responses.map((response) => response.body)).size).toBe(1);
    expect(await answers()).toHaveLength(1);
  });

  it('processes one respondent in arrival order', async () => {
    await start();
    await reply('QUIZ');
    const responses = await Promise.all(['6', 'Search', 'no', '33', 'fine'].map((body) => harness.text(body)));
    expect(responses.map((response) => response.messages[0])).toEqual([
      CHOICE_PROMPT,
      'Would you come again?',
      'How old are you?',
      'Any comment?',
      'Thanks, all done.',
    ]);
    expect((await answers()).map((answer) => answer.question_id)).toEqual(['score', 'channel', 'again', 'age', 'comment']);
  });

  it('keeps respondents apart', async () => {
    await start();
    await reply('QUIZ');
    const other = await harness.text('QUIZ', { From: '+15555550199' });
    expect(other.messages).toEqual(['Welcome to the quiz.\n\nScore us 0-10.']);
    expect(await reply('5')).toBe(CHOICE_PROMPT);
    expect((await sessions()).map((session) => session.respondent)).toEqual([RESPONDENT, '+15555550199']);
  });

  it('keys sessions by Messaging Service', async () => {
    await start();
    const service = 'MG00112233445566778899aabbccddeeff';
    await harness.text('QUIZ', { MessagingServiceSid: service });
    const viaNumber = await harness.text('5');
    expect(viaNumber.messages[0]).toMatch(/^To take a survey, text QUIZ\./);
    const viaService = await harness.text('5', { MessagingServiceSid: service });
    expect(viaService.messages).toEqual([CHOICE_PROMPT]);
    expect((await sessions())[0]!.channel).toBe(service);
  });

  it('explains how to start without a session', async () => {
    await start();
    expect(await reply('hello?')).toBe('To take a survey, text QUIZ. Reply HELP for help, STOP to opt out.');
  });

  it('starts on a keyword followed by more words', async () => {
    await start();
    expect(await reply('Quiz please')).toBe('Welcome to the quiz.\n\nScore us 0-10.');
  });

  it('re-asks an invalid answer with the hint', async () => {
    await start();
    await reply('QUIZ');
    const retry = await reply('eleven');
    expect(retry).toMatch(/\n\nScore us 0-10\.$/);
    expect(retry).toMatch(/0.*10/);
    expect(retry.startsWith('Score us')).toBe(false);
  });

  it('moves on after the retry limit', async () => {
    await start();
    await reply('QUIZ');
    await reply('x');
    await reply('y');
    expect(await reply('z')).toBe(`Let's move on.\n\n${CHOICE_PROMPT}`);
    expect(await answers()).toMatchObject([{ question_id: 'score', status: 'unanswered', value: null, raw_text: 'z' }]);
  });

  it('honours a per-question maxRetries', async () => {
    await start({
      'strict.json': { ...QUIZ, questions: [{ id: 'score', type: 'nps', text: 'Score?', maxRetries: 0 }, QUIZ.questions[4]] },
    });
    await reply('QUIZ');
    expect(await reply('lots')).toBe("Let's move on.\n\nAny comment?");
  });

  it('re-asks an empty picture message on a text question', async () => {
    await start();
    await reply('QUIZ');
    await reply('1');
    await reply('1');
    await reply('yes');
    await reply('30');
    const response = await harness.text('', { NumMedia: '1', MediaUrl0: 'https://api.twilio.com/media/ME1', MediaContentType0: 'image/jpeg' });
    expect(response.messages[0]).toMatch(/Any comment\?$/);
    expect(response.messages[0]).not.toBe('Any comment?');
  });
});

describe('keywords in a conversation', () => {
  it('opts out mid-survey and keeps the answers', async () => {
    await start();
    await reply('QUIZ');
    await reply('9');
    expect(await reply('Stop')).toBe(
      'You have been unsubscribed from Acme Surveys and will get no more messages. Reply START to resubscribe.',
    );
    const [session] = await sessions();
    expect(session!.status).toBe('opted_out');
    expect(await answers()).toHaveLength(1);
    const suppressions = await harness.db.selectFrom('suppressions').selectAll().execute();
    expect(suppressions).toMatchObject([{ respondent: RESPONDENT, channel: '+15555550100', source: 'keyword' }]);
  });

  it('never stores a keyword as an answer', async () => {
    await start();
    await reply('QUIZ');
    await reply('STOP');
    expect(await answers()).toEqual([]);
  });

  it('stays silent to an opted-out respondent', async () => {
    await start();
    await reply('STOP');
    const response = await harness.text('QUIZ');
    expect(response.status).toBe(200);
    expect(response.body).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
    expect(await sessions()).toEqual([]);
  });

  it('resubscribes on START after STOP', async () => {
    await start();
    await reply('STOP');
    expect(await reply('START')).toBe('You have been resubscribed to Acme Surveys. Reply HELP for help, STOP to opt out.');
    expect(await harness.db.selectFrom('suppressions').selectAll().execute()).toEqual([]);
    expect(await reply('QUIZ')).toBe('Welcome to the quiz.\n\nScore us 0-10.');
  });

  it('resubscribes on YES only when opted out', async () => {
    await start();
    await reply('STOP');
    expect(await reply('yes')).toMatch(/^You have been resubscribed/);
  });

  it('reads YES as an answer when subscribed', async () => {
    await start();
    await reply('QUIZ');
    await reply('8');
    await reply('2');
    expect(await reply('YES')).toBe('How old are you?');
    expect((await answers()).at(-1)).toMatchObject({ question_id: 'again', value: 'true' });
  });

  it('answers HELP mid-survey and keeps the question', async () => {
    await start();
    await reply('QUIZ');
    await reply('4');
    expect(await reply('help')).toBe(
      `Acme Surveys: we send survey questions and you reply with your answers. Reply STOP to opt out, START to opt back in. Msg & data rates may apply.\n\n${CHOICE_PROMPT}`,
    );
    expect(await reply('3')).toBe('Would you come again?');
  });

  it('answers HELP even when opted out', async () => {
    await start();
    await reply('STOP');
    expect(await reply('INFO')).toMatch(/^Acme Surveys: .*Msg & data rates may apply\.$/);
  });

  it('follows Twilio Advanced Opt-Out with an empty reply', async () => {
    await start();
    await reply('QUIZ');
    const response = await harness.text('Stop', { OptOutType: 'STOP' });
    expect(response.body).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
    const [session] = await sessions();
    expect(session!.status).toBe('opted_out');
    expect(await harness.db.selectFrom('suppressions').select('source').execute()).toEqual([{ source: 'twilio_opt_out' }]);

    const restart = await harness.text('Start', { OptOutType: 'START' });
    expect(restart.messages).toEqual([]);
    expect(await harness.db.selectFrom('suppressions').selectAll().execute()).toEqual([]);
  });

  it('leaves the session alone on Twilio HELP', async () => {
    await start();
    await reply('QUIZ');
    const response = await harness.text('help', { OptOutType: 'HELP' });
    expect(response.messages).toEqual([]);
    expect(await reply('5')).toBe(CHOICE_PROMPT);
  });
});

describe('expiry and survey versions', () => {
  it('closes an expired session politely', async () => {
    await start();
    await reply('QUIZ');
    harness.clock.advance(3 * 24 * 3600 * 1000 + 1);
    expect(await reply('9')).toBe('The survey "Quiz" has closed. To take a survey, text QUIZ.');
    expect((await sessions())[0]!.status).toBe('expired');
    expect(await answers()).toEqual([]);
  });

  it('starts a new session by keyword after expiry', async () => {
    await start();
    await reply('QUIZ');
    await reply('9');
    harness.clock.advance(4 * 24 * 3600 * 1000);
    expect(await reply('QUIZ')).toBe('Welcome to the quiz.\n\nScore us 0-10.');
    expect((await sessions()).map((session) => session.status)).toEqual(['expired', 'active']);
    expect(await answers()).toHaveLength(1);
  });

  it('honours a survey expiresAfter', async () => {
    await start({ 'quick.json': { ...QUIZ, expiresAfter: '2h' } });
    await reply('QUIZ');
    harness.clock.advance(2 * 3600 * 1000 - 1000);
    expect(await reply('9')).toBe(CHOICE_PROMPT);
    harness.clock.advance(2 * 3600 * 1000 + 1);
    expect(await reply('1')).toMatch(/^The survey "Quiz" has closed\./);
  });

  it('sweeps inactive sessions to expired', async () => {
    await start();
    await reply('QUIZ');
    harness.clock.advance(3 * 24 * 3600 * 1000);
    expect(await harness.engine.expireSessions()).toBe(1);
    expect((await sessions())[0]!.status).toBe('expired');
    expect(await reply('9')).toMatch(/^The survey "Quiz" has closed\./);
  });

  it('resumes on the version a session started on', async () => {
    await start();
    await reply('QUIZ');
    await reply('9');

    const edited = {
      ...QUIZ,
      questions: [{ id: 'score', type: 'nps', text: 'New score question?' }, { id: 'extra', type: 'text', text: 'New question?' }],
      end: 'New end.',
    };
    writeSurvey(harness.surveysDir, 'quiz.json', edited);
    await harness.catalog.load();

    expect(await reply('1')).toBe('Would you come again?');
    const other = await harness.text('QUIZ', { From: '+15555550199' });
    expect(other.messages).toEqual(['Welcome to the quiz.\n\nNew score question?']);

    const hashes = (await sessions()).map((session) => session.survey_hash);
    expect(hashes[0]).not.toBe(hashes[1]);
    expect(await harness.db.selectFrom('survey_versions').select('hash').execute()).toHaveLength(2);
  });
});
