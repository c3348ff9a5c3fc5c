import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { ConversationEngine } from '../src/engine/conversation-engine.ts';
import { createEngineTexts } from '../src/engine/engine-texts.ts';
import { ACCOUNT_SID, PARLEY_NUMBER, RESPONDENT, createHarness, newMessageSid, type Harness } from './support/harness.ts';

let harness: Harness;

afterEach(async () => {
  await harness?.close();
});

async function start(survey: Record<string, unknown>): Promise<Harness> {
  harness = await createHarness({ surveys: { 'logic.json': { id: 'logic', title: 'Logic', keywords: ['LOGIC'], ...survey } } });
  return harness;
}

async function reply(body: string): Promise<string> {
  const response = await harness.text(body);
  expect(response.status).toBe(200);
  return response.messages[0] ?? '';
}

async function storedAnswers(): Promise<Array<[string, string, string | null]>> {
  const rows = await harness.db.selectFrom('answers').select(['question_id', 'status', 'value']).orderBy('id').execute();
  return rows.map((row) => [row.question_id, row.status, row.value]);
}

async function onlySession() {
  const sessions = await harness.db.selectFrom('sessions').selectAll().execute();
  expect(sessions).toHaveLength(1);
  return sessions[0]!;
}

const CAR = {
  questions: [
    { id: 'car', type: 'yesno', text: 'Do you own a car?', next: [{ if: { answer: 'car', equals: false }, goto: 'bike' }] },
    { id: 'brand', type: 'text', text: 'Which brand?' },
    { id: 'bike', type: 'yesno', text: 'Do you ride a bike?' },
  ],
  end: 'Thanks.',
};

describe('branching', () => {
  it('follows a matching rule', async () => {
    await start(CAR);
    expect(await reply('LOGIC')).toBe('Do you own a car?');
    expect(await reply('no')).toBe('Do you ride a bike?');
    expect(await reply('yes')).toBe('Thanks.');
    expect(await storedAnswers()).toEqual([
      ['car', 'answered', 'false'],
      ['bike', 'answered', 'true'],
    ]);
  });

  it('goes to the following question otherwise', async () => {
    await start(CAR);
    await reply('LOGIC');
    expect(await reply('yes')).toBe('Which brand?');
    expect(await reply('Volvo')).toBe('Do you ride a bike?');
  });

  it('takes the first matching rule', async () => {
    await start({
      questions: [
        {
          id: 'age',
          type: 'number',
          text: 'Your age?',
          next: [
            { if: { answer: 'age', lt: 30 }, goto: 'young' },
            { if: { answer: 'age', lt: 60 }, goto: 'middle' },
          ],
        },
        { id: 'old', type: 'text', text: 'Old question' },
        { id: 'middle', type: 'text', text: 'Middle question', next: [{ goto: 'end' }] },
        { id: 'young', type: 'text', text: 'Young question' },
      ],
      end: 'Done.',
    });
    await reply('LOGIC');
    expect(await reply('25')).toBe('Young question');
  });

  it.each([
    ['all', { all: [{ answer: 'a', equals: true }, { answer: 'b', equals: true }] }, ['yes', 'no'], 'Otherwise'],
    ['all', { all: [{ answer: 'a', equals: true }, { answer: 'b', equals: true }] }, ['yes', 'yes'], 'Matched'],
    ['any', { any: [{ answer: 'a', equals: true }, { answer: 'b', equals: true }] }, ['no', 'yes'], 'Matched'],
    ['not', { not: { answer: 'a', equals: true } }, ['no', 'yes'], 'Matched'],
    ['in', { answer: 'b', in: [false] }, ['yes', 'no'], 'Matched'],
    ['answered', { answer: 'b', answered: true }, ['yes', 'no'], 'Matched'],
  ])('combines conditions with %s (%#)', async (_name, condition, replies, expected) => {
    await start({
      questions: [
        { id: 'a', type: 'yesno', text: 'A?' },
        { id: 'b', type: 'yesno', text: 'B?', next: [{ if: condition, goto: 'matched' }] },
        { id: 'otherwise', type: 'text', text: 'Otherwise' },
        { id: 'matched', type: 'text', text: 'Matched' },
      ],
      end: 'Done.',
    });
    await reply('LOGIC');
    await reply(replies[0]!);
    expect(await reply(replies[1]!)).toBe(expected);
  });

  it('branches after retries run out', async () => {
    await start({
      maxRetries: 0,
      questions: [
        { id: 'q1', type: 'nps', text: 'Score?', next: [{ if: { answer: 'q1', answered: false }, goto: 'why_not' }] },
        { id: 'q2', type: 'text', text: 'Why that score?' },
        { id: 'why_not', type: 'text', text: 'Why no score?' },
      ],
      end: 'Done.',
    });
    await reply('LOGIC');
    expect(await reply('great')).toBe("Let's move on.\n\nWhy no score?");
  });
});

describe('showIf', () => {
  const SURVEY = {
    questions: [
      { id: 'pet', type: 'yesno', text: 'Do you have a pet?' },
      { id: 'name', type: 'text', text: "What is your pet's name?", showIf: { answer: 'pet', equals: true } },
      { id: 'more', type: 'yesno', text: 'Would you like another?' },
    ],
    end: 'Thanks.',
  };

  it('asks a question whose condition holds', async () => {
    await start(SURVEY);
    await reply('LOGIC');
    expect(await reply('yes')).toBe("What is your pet's name?");
  });

  it('passes over a hidden question and stores nothing', async () => {
    await start(SURVEY);
    await reply('LOGIC');
    expect(await reply('no')).toBe('Would you like another?');
    expect(await reply('no')).toBe('Thanks.');
    expect(await storedAnswers()).toEqual([
      ['pet', 'answered', 'false'],
      ['more', 'answered', 'false'],
    ]);
  });

  it('ends when the last question is hidden', async () => {
    await start({ ...SURVEY, questions: SURVEY.questions.slice(0, 2) });
    await reply('LOGIC');
    expect(await reply('no')).toBe('Thanks.');
    expect((await onlySession()).status).toBe('completed');
  });
});

describe('message', () => {
  it('opens with intro, message and question in one SMS', async () => {
    await start({
      intro: 'Hi from Acme.',
      questions: [
        { id: 'welcome', type: 'message', text: 'This takes one minute.' },
        { id: 'q1', type: 'yesno', text: 'Ready?' },
      ],
      end: 'Bye.',
    });
    expect(await reply('LOGIC')).toBe('Hi from Acme.\n\nThis takes one minute.\n\nReady?');
  });

  it('goes out with the next question', async () => {
    await start({
      questions: [
        { id: 'q1', type: 'yesno', text: 'Ready?' },
        { id: 'part2', type: 'message', text: 'Part 2: your commute.' },
        { id: 'tip', type: 'message', text: 'Short answers are fine.' },
        { id: 'q2', type: 'text', text: 'How do you get to work?' },
      ],
      end: 'Bye.',
    });
    await reply('LOGIC');
    expect(await reply('yes')).toBe('Part 2: your commute.\n\nShort answers are fine.\n\nHow do you get to work?');
    expect(await storedAnswers()).toEqual([['q1', 'answered', 'true']]);
  });

  it('repeats with the question on HELP', async () => {
    await start({
      questions: [
        { id: 'q1', type: 'yesno', text: 'Ready?' },
        { id: 'part2', type: 'message', text: 'Part 2.' },
        { id: 'q2', type: 'text', text: 'How do you get to work?' },
      ],
      end: 'Bye.',
    });
    await reply('LOGIC');
    await reply('yes');
    expect(await reply('HELP')).toMatch(/\n\nPart 2\.\n\nHow do you get to work\?$/);
  });

  it('is not repeated after an invalid reply', async () => {
    await start({
      questions: [
        { id: 'intro_note', type: 'message', text: 'Note.' },
        { id: 'q1', type: 'yesno', text: 'Ready?' },
      ],
      end: 'Bye.',
    });
    await reply('LOGIC');
    expect(await reply('maybe')).toBe('Please reply YES or NO.\n\nReady?');
  });

  it('goes out with the end', async () => {
    await start({
      questions: [
        { id: 'q1', type: 'yesno', text: 'Ready?' },
        { id: 'outro', type: 'message', text: 'Results come next week.' },
      ],
      end: 'Bye.',
    });
    await reply('LOGIC');
    expect(await reply('yes')).toBe('Results come next week.\n\nBye.');
    expect((await onlySession()).status).toBe('completed');
  });

  it('is left out when hidden', async () => {
    await start({
      questions: [
        { id: 'q1', type: 'yesno', text: 'Ready?' },
        { id: 'sorry', type: 'message', text: 'Sorry to hear that.', showIf: { answer: 'q1', equals: false } },
        { id: 'q2', type: 'text', text: 'Why?' },
      ],
      end: 'Bye.',
    });
    await reply('LOGIC');
    expect(await reply('yes')).toBe('Why?');
  });
});

describe('optional questions', () => {
  const SURVEY = {
    questions: [
      { id: 'income', type: 'number', text: 'Your income? Reply SKIP to skip.', optional: true },
      { id: 'score', type: 'nps', text: 'Score 0-10?' },
    ],
    end: 'Thanks.',
  };

  it('records the skip word as skipped', async () => {
    await start(SURVEY);
    await reply('LOGIC');
    expect(await reply('Skip')).toBe('Score 0-10?');
    const messages = await harness.db.selectFrom('messages').select('handled_as').orderBy('id').execute();
    expect(messages.at(-1)!.handled_as).toBe('skipped');
    expect(await storedAnswers()).toEqual([['income', 'skipped', null]]);
  });

  it('reads the skip word as a reply elsewhere', async () => {
    await start(SURVEY);
    await reply('LOGIC');
    await reply('50000');
    expect(await reply('skip')).toBe('Please reply with a number from 0 to 10.\n\nScore 0-10?');
  });

  it('uses the survey skipWord', async () => {
    await start({ ...SURVEY, skipWord: 'pass' });
    await reply('LOGIC');
    expect(await reply('PASS')).toBe('Score 0-10?');
    expect(await storedAnswers()).toEqual([['income', 'skipped', null]]);
  });

  it('branches on a skipped answer', async () => {
    await start({
      questions: [
        { id: 'email', type: 'text', text: 'Your email?', optional: true, next: [{ if: { answer: 'email', skipped: true }, goto: 'phone_ok' }] },
        { id: 'newsletter', type: 'yesno', text: 'Newsletter?' },
        { id: 'phone_ok', type: 'yesno', text: 'May we call you?' },
      ],
      end: 'Thanks.',
    });
    await reply('LOGIC');
    expect(await reply('skip')).toBe('May we call you?');
  });
});

const SCREENER = {
  questions: [
    {
      id: 'age',
      type: 'number',
      text: 'How old are you?',
      integer: true,
      next: [{ if: { answer: 'age', lt: 18 }, goto: 'too_young' }],
    },
    { id: 'city', type: 'text', text: 'Which city do you live in?' },
  ],
  ends: {
    too_young: { text: 'Sorry, this survey is for adults only.', screenOut: true },
    early: { text: 'Thanks, that is all for now.' },
  },
  end: 'Thank you!',
};

describe('screen-out', () => {
  it('ends with the named end and status screened_out', async () => {
    await start(SCREENER);
    await reply('LOGIC');
    expect(await reply('15')).toBe('Sorry, this survey is for adults only.');
    const session = await onlySession();
    expect(session.status).toBe('screened_out');
    expect(session.end_id).toBe('too_young');
    expect(session.ended_at).not.toBeNull();
  });

  it('completes with the end message otherwise', async () => {
    await start(SCREENER);
    await reply('LOGIC');
    await reply('30');
    expect(await reply('Oslo')).toBe('Thank you!');
    const session = await onlySession();
    expect(session.status).toBe('completed');
    expect(session.end_id).toBe('end');
  });

  it('completes at a named end without screenOut', async () => {
    await start({ ...SCREENER, questions: [{ ...SCREENER.questions[0], next: [{ if: { answer: 'age', gte: 90 }, goto: 'early' }] }, SCREENER.questions[1]] });
    await reply('LOGIC');
    expect(await reply('95')).toBe('Thanks, that is all for now.');
    const session = await onlySession();
    expect(session.status).toBe('completed');
    expect(session.end_id).toBe('early');
  });
});

const SCORED = {
  questions: [
    { id: 'q1', type: 'choice', text: 'First?', choices: ['Never', 'Sometimes', 'Often'] },
    { id: 'q2', type: 'choice', text: 'Second?', choices: ['Never', 'Sometimes', 'Often'] },
    {
      id: 'result',
      type: 'message',
      text: 'Your score is {{scores.total}} of 4.',
      next: [{ if: { score: 'total', gte: 3 }, goto: 'high' }],
    },
    { id: 'low', type: 'yesno', text: 'Anything else?', next: [{ goto: 'end' }] },
    { id: 'high', type: 'yesno', text: 'May we call you?' },
  ],
  scores: { total: { sum: ['q1', 'q2'], values: { Never: 0, Sometimes: 1, Often: 2 } } },
  end: 'Thanks.',
};

describe('scores', () => {
  it('branches on a score and pipes it', async () => {
    await start(SCORED);
    await reply('LOGIC');
    await reply('Often');
    expect(await reply('2')).toBe('Your score is 3 of 4.\n\nMay we call you?');
    expect(JSON.parse((await onlySession()).scores!)).toEqual({ total: 3 });
  });

  it('takes the other branch under the cut-off', async () => {
    await start(SCORED);
    await reply('LOGIC');
    await reply('1');
    expect(await reply('2')).toBe('Your score is 1 of 4.\n\nAnything else?');
  });

  it('stores no score until complete', async () => {
    await start(SCORED);
    await reply('LOGIC');
    await reply('1');
    expect(JSON.parse((await onlySession()).scores!)).toEqual({});
  });

  it('counts a missing answer as missing', async () => {
    await start({
      maxRetries: 0,
      questions: [
        { id: 'a', type: 'nps', text: 'A?' },
        { id: 'b', type: 'nps', text: 'B? Your total so far: {{scores.total | "unknown"}}' },
      ],
      scores: { total: { sum: ['a'], missing: 0 }, strict: { sum: ['a'] } },
      end: 'Total {{scores.total}}, strict {{scores.strict | "none"}}.',
    });
    await reply('LOGIC');
    expect(await reply('lots')).toBe("Let's move on.\n\nB? Your total so far: 0");
    expect(await reply('7')).toBe('Total 0, strict none.');
  });
});

describe('piping', () => {
  const SURVEY = {
    intro: 'Hi {{contact.first_name | "there"}}!',
    questions: [
      { id: 'name', type: 'text', text: 'What should we call you?' },
      { id: 'color', type: 'choice', text: 'Nice to meet you, {{answers.name}}. Favourite colour?', choices: ['Red', 'Green'] },
      { id: 'why', type: 'text', text: 'Why {{answers.color}}?' },
    ],
    end: 'Thanks {{answers.name}}, from {{contact.city | "your town"}}.',
  };

  it('fills answers and fallbacks', async () => {
    await start(SURVEY);
    expect(await reply('LOGIC')).toBe('Hi there!\n\nWhat should we call you?');
    expect(await reply('Zoë')).toBe('Nice to meet you, Zoë. Favourite colour?\n1. Red\n2. Green');
    expect(await reply('2')).toBe('Why Green?');
    expect(await reply('It is calm')).toBe('Thanks Zoë, from your town.');
  });

  it('fills contact fields', async () => {
    await start(SURVEY);
    await harness.db
      .insertInto('contacts')
      .values({
        phone: RESPONDENT,
        first_name: 'Amélie',
        last_name: null,
        language: null,
        timezone: null,
        fields: JSON.stringify({ city: 'Lyon' }),
        created_at: '2026-01-01T00:00:00.000Z',
        updated_at: '2026-01-01T00:00:00.000Z',
      })
      .execute();
    expect(await reply('LOGIC')).toBe('Hi Amélie!\n\nWhat should we call you?');
    await reply('Amy');
    await reply('1');
    expect(await reply('Warm')).toBe('Thanks Amy, from Lyon.');
  });

  it('pipes into a question asked again', async () => {
    await start(SURVEY);
    await reply('LOGIC');
    await reply('Sam');
    expect(await reply('blue')).toBe('Please reply with a number from 1 to 2.\n\nNice to meet you, Sam. Favourite colour?\n1. Red\n2. Green');
  });
});

describe('stored snapshots', () => {
  it('resume without the lead messages list', async () => {
    // Snapshots stored before messages existed have no context.lead.
    await start(CAR);
    await reply('LOGIC');
    const session = await onlySession();
    const persisted = JSON.parse(session.snapshot) as { context: Record<string, unknown> };
    delete persisted.context.lead;
    await harness.db.updateTable('sessions').set({ snapshot: JSON.stringify(persisted) }).where('id', '=', session.id).execute();

    expect(await reply('HELP')).toMatch(/\n\nDo you own a car\?$/);
    expect(await reply('yes')).toBe('Which brand?');
  });

  it('resume in a new engine', async () => {
    await start(SCORED);
    await reply('LOGIC');
    await reply('Often');

    const engine = new ConversationEngine({
      db: harness.db,
      catalog: harness.catalog,
      texts: createEngineTexts({ programName: 'Acme Surveys' }),
      logger: pino({ level: 'silent' }),
      clock: harness.clock,
    });
    const result = await engine.handle({
      messageSid: newMessageSid(),
      accountSid: ACCOUNT_SID,
      from: RESPONDENT,
      to: PARLEY_NUMBER,
      channel: PARLEY_NUMBER,
      body: 'Sometimes',
      numMedia: 0,
      fields: {},
    });
    expect(result.reply).toBe('Your score is 3 of 4.\n\nMay we call you?');
  });
});

describe('choices with values', () => {
  const SURVEY = {
    questions: [
      {
        id: 'source',
        type: 'choice',
        text: 'How did you hear of us?',
        choices: [{ label: 'A friend', value: 'friend' }, { label: 'Search', value: 'search' }, { label: 'Other', value: 'other', other: true }],
        next: [{ if: { answer: 'source', equals: 'friend' }, goto: 'friend_name' }],
      },
      { id: 'why', type: 'text', text: 'You chose {{answers.source}}. Why?', next: [{ goto: 'end' }] },
      { id: 'friend_name', type: 'text', text: 'You chose {{answers.source}}. Who? (score {{scores.warmth}})' },
    ],
    scores: { warmth: { sum: ['source'], values: { friend: 2, search: 0, other: 1 } } },
    end: 'Thanks.',
  };

  it('branches, scores and pipes by value', async () => {
    await start(SURVEY);
    await reply('LOGIC');
    expect(await reply('a friend')).toBe('You chose A friend. Who? (score 2)');
  });

  it('pipes the words of an other choice', async () => {
    await start(SURVEY);
    await reply('LOGIC');
    expect(await reply('other: the radio')).toBe('You chose the radio. Why?');
  });
});
