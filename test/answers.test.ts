import { describe, expect, it } from 'vitest';
import { normalizeForMatching, parseAnswer, parseSingleNumber } from '../src/engine/answers/index.ts';
import { renderQuestion } from '../src/engine/question-text.ts';
import type {
  ChoiceQuestion,
  DateQuestion,
  MultiQuestion,
  NpsQuestion,
  NumberQuestion,
  RatingQuestion,
  TextQuestion,
  YesNoQuestion,
} from '../src/surveys/survey-schema.ts';

const channel: ChoiceQuestion = {
  id: 'channel',
  type: 'choice',
  text: 'How did you hear about us?',
  choices: ['Search', 'A friend', 'Social media', 'Other'],
  maxRetries: 2,
};

const unsure: ChoiceQuestion = {
  id: 'unsure',
  type: 'choice',
  text: 'Will you come?',
  choices: ['Événement', 'Don’t know', 'Rock "n" roll'],
  maxRetries: 2,
};

const heard: ChoiceQuestion = {
  id: 'heard',
  type: 'choice',
  text: 'Who told you about us?',
  choices: ['Search', { label: 'A friend', value: 'friend', aliases: ['mate', 'a pal'] }, 'Social media', { label: 'Other', value: 'other', other: true }],
  maxRetries: 2,
};

const agree: ChoiceQuestion = {
  id: 'agree',
  type: 'choice',
  text: 'Do you agree?',
  choices: [
    { label: 'Yes', value: 'y', aliases: ['Y', 'yeah'] },
    { label: 'No', value: 'n', aliases: ['N', 'nope'] },
  ],
  maxRetries: 2,
};

const contact: MultiQuestion = {
  id: 'contact',
  type: 'multi',
  text: 'How may we contact you? Reply with all that apply, such as 1, 3.',
  choices: ['Email', 'SMS', { label: 'Phone call', value: 'phone', aliases: ['call'] }, 'Rock and roll', { label: 'Other', value: 'other', other: true }],
  maxRetries: 2,
};

const twoOrThree: MultiQuestion = { id: 'two', type: 'multi', text: 'Pick 2 or 3.', choices: ['A', 'B', 'C', 'D'], minChoices: 2, maxChoices: 3, maxRetries: 2 };

const score: NpsQuestion = { id: 'score', type: 'nps', text: 'Reply 0-10.', maxRetries: 2 };

const age: NumberQuestion = { id: 'age', type: 'number', text: 'Your age?', min: 0, max: 120, integer: true, maxRetries: 2 };

const amount: NumberQuestion = { id: 'amount', type: 'number', text: 'How much?', integer: false, maxRetries: 2 };

const temperature: NumberQuestion = {
  id: 'temperature',
  type: 'number',
  text: 'Lowest temperature?',
  min: -10,
  max: 5.5,
  integer: false,
  maxRetries: 2,
};

const rating: NumberQuestion = { id: 'rating', type: 'number', text: '1 to 5?', min: 1, max: 5, integer: true, maxRetries: 2 };

const happiness: RatingQuestion = {
  id: 'happiness',
  type: 'rating',
  text: 'How happy are you with us?',
  min: 1,
  max: 5,
  minLabel: 'Very unhappy',
  maxLabel: 'Very happy',
  maxRetries: 2,
};

const effort: RatingQuestion = { id: 'effort', type: 'rating', text: 'How easy was it, from 0 to 10?', min: 0, max: 10, maxRetries: 2 };

const visit: DateQuestion = { id: 'visit', type: 'date', text: 'When did you visit?', dateOrder: 'DMY', maxRetries: 2 };

const visitUs: DateQuestion = { id: 'visitUs', type: 'date', text: 'When did you visit?', dateOrder: 'MDY', maxRetries: 2 };

// Mid-June, so a date without a year is at most about six months away in either direction.
const NOW = new Date('2026-06-15T12:00:00Z');

const attend: YesNoQuestion = { id: 'attend', type: 'yesno', text: 'Coming?', maxRetries: 2 };

const reason: TextQuestion = { id: 'reason', type: 'text', text: 'Why?', maxRetries: 2 };

describe('normalizeForMatching', () => {
  it.each([
    ['  Don’t KNOW!! ', "don't know"],
    ['Événement', 'evenement'],
    ['ＡＢＣ　２', 'abc 2'],
    ['٣', '3'],
    ['#2', '2'],
    ['a \t  friend!', 'a friend'],
    ['“Other”', 'other'],
    ['1–2 times', '1-2 times'],
    ['\u200BYes\u200B', 'yes'],
    ['🙂', ''],
  ])('normalizes %j to %j', (text, expected) => {
    expect(normalizeForMatching(text)).toBe(expected);
  });
});

describe('parseSingleNumber', () => {
  it.each([
    ['42', 42],
    [' 3 ', 3],
    ['3.5', 3.5],
    ['-2', -2],
    ['−2', -2],
    ['+4', 4],
    ['.5', 0.5],
    ['3.', 3],
    ['-0', 0],
    ['1,000', 1000],
    ['12,345,678.5', 12345678.5],
    ['４２', 42],
    ['٣', 3],
    ['۴۲', 42],
    ['١٬٠٠٠', 1000],
    ['٣٫٥', 3.5],
    ['३', 3],
    ['about 30 years', 30],
    ['$20', 20],
    ['50%', 50],
    ['seven', 7],
    ['Twenty one', 21],
    ['twenty-one years', 21],
    ['a hundred', 100],
    ['ｆｉｖｅ', 5],
  ])('reads %j as %j', (text, expected) => {
    expect(parseSingleNumber(text)).toBe(expected);
  });

  it.each([
    [''],
    ['   '],
    ['no one'],
    ['five or six'],
    ['3 four'],
    ['one hundred and five'],
    ['fiver'],
    ['4 or 5'],
    ['1-5'],
    ['1 - 5'],
    ['1 to 5'],
    ['3,5'],
    ['1,0000'],
    ['1.2.3'],
    ['5k'],
    ['2nd'],
    ['1e3'],
    ['30yrs'],
    ['7/10'],
  ])('rejects %j', (text) => {
    expect(parseSingleNumber(text)).toBeUndefined();
  });

  it.each([
    ['7/10', 7],
    ['8 out of 10', 8],
    ['10 / 10!', 10],
  ])('reads %j on a scale out of 10 as %j', (text, expected) => {
    expect(parseSingleNumber(text, { outOf: 10 })).toBe(expected);
  });

  it('rejects a scale suffix of another size', () => {
    expect(parseSingleNumber('4/5', { outOf: 10 })).toBeUndefined();
  });
});

describe('parseAnswer for nps', () => {
  it.each([
    ['0', 0],
    ['10', 10],
    [' 7 ', 7],
    ['7.', 7],
    ['８', 8],
    ['٩', 9],
    ['8/10', 8],
    ['9 out of 10', 9],
    ['I would say 6', 6],
    ['seven', 7],
  ])('reads %j as %j', (body, expected) => {
    expect(parseAnswer(score, body)).toEqual({ ok: true, value: expected });
  });

  it.each([[''], ['11'], ['-1'], ['7.5'], ['eleven'], ['4 or 5'], ['1-5'], ['100']])('rejects %j', (body) => {
    expect(parseAnswer(score, body)).toEqual({ ok: false, expected: 'Please reply with a number from 0 to 10.' });
  });
});

describe('parseAnswer for number', () => {
  it.each([
    { question: age, body: '42', expected: 42 },
    { question: age, body: 'about 30 years', expected: 30 },
    { question: age, body: '120', expected: 120 },
    { question: age, body: '0', expected: 0 },
    { question: age, body: '30.0', expected: 30 },
    { question: amount, body: '1,000', expected: 1000 },
    { question: amount, body: '3.5', expected: 3.5 },
    { question: amount, body: '-2', expected: -2 },
    { question: temperature, body: '-10', expected: -10 },
    { question: temperature, body: '5.5', expected: 5.5 },
    { question: rating, body: '4/5', expected: 4 },
    { question: rating, body: '4 out of 5', expected: 4 },
  ])('reads $body for $question.id as $expected', ({ question, body, expected }) => {
    expect(parseAnswer(question, body)).toEqual({ ok: true, value: expected });
  });

  it.each([
    { question: age, body: '130', expected: 'Please reply with a whole number from 0 to 120.' },
    { question: age, body: '-1', expected: 'Please reply with a whole number from 0 to 120.' },
    { question: age, body: '30.5', expected: 'Please reply with a whole number from 0 to 120.' },
    { question: age, body: '30yrs', expected: 'Please reply with a whole number from 0 to 120.' },
    { question: age, body: '', expected: 'Please reply with a whole number from 0 to 120.' },
    { question: amount, body: 'lots', expected: 'Please reply with a number.' },
    { question: amount, body: '4 or 5', expected: 'Please reply with a number.' },
    { question: temperature, body: '-10.5', expected: 'Please reply with a number from -10 to 5.5.' },
    { question: temperature, body: '6', expected: 'Please reply with a number from -10 to 5.5.' },
    { question: rating, body: '1-5', expected: 'Please reply with a whole number from 1 to 5.' },
    { question: rating, body: '4/10', expected: 'Please reply with a whole number from 1 to 5.' },
  ])('rejects $body for $question.id without clamping', ({ question, body, expected }) => {
    expect(parseAnswer(question, body)).toEqual({ ok: false, expected });
  });

  it.each([
    [{ min: 1, max: 1000, integer: false }, 'Please reply with a number from 1 to 1,000.'],
    [{ min: 18, integer: true }, 'Please reply with a whole number of 18 or more.'],
    [{ max: 10, integer: false }, 'Please reply with a number of 10 or less.'],
    [{ integer: true }, 'Please reply with a whole number.'],
  ])('hints %j as %j', (bounds, expected) => {
    const question: NumberQuestion = { id: 'n', type: 'number', text: 'n?', maxRetries: 2, ...bounds };

    expect(parseAnswer(question, 'no idea')).toEqual({ ok: false, expected });
  });
});

describe('number policy', () => {
  // One table for every question type that reads a number: the reply must hold exactly
  // one number, anywhere in it, and anything ambiguous or out of range is asked again.
  it.each([
    { question: age, body: '42', expected: 42 },
    { question: age, body: ' 3 ', expected: 3 },
    { question: age, body: 'about 30 years', expected: 30 },
    { question: age, body: 'I am thirty', expected: 30 },
    { question: age, body: 'twenty one', expected: 21 },
    { question: age, body: 'twenty-one', expected: 21 },
    { question: age, body: '٣', expected: 3 },
    { question: age, body: '３', expected: 3 },
    { question: age, body: '١٢٠', expected: 120 },
    { question: amount, body: '1,000', expected: 1000 },
    { question: amount, body: '1.5', expected: 1.5 },
    { question: amount, body: 'a hundred', expected: 100 },
    { question: score, body: 'five', expected: 5 },
    { question: score, body: 'Zero!', expected: 0 },
    { question: score, body: 'eight out of ten', expected: 8 },
    { question: happiness, body: '4', expected: 4 },
    { question: happiness, body: 'four', expected: 4 },
    { question: happiness, body: '5/5', expected: 5 },
    { question: effort, body: 'a 7 I guess', expected: 7 },
    { question: age, body: '1.5', expected: 'Please reply with a whole number from 0 to 120.' },
    { question: age, body: '4 or 5', expected: 'Please reply with a whole number from 0 to 120.' },
    { question: age, body: '1-5', expected: 'Please reply with a whole number from 0 to 120.' },
    { question: age, body: '3 4', expected: 'Please reply with a whole number from 0 to 120.' },
    { question: age, body: 'thirty or forty', expected: 'Please reply with a whole number from 0 to 120.' },
    { question: age, body: 'no one knows', expected: 'Please reply with a whole number from 0 to 120.' },
    { question: age, body: '121', expected: 'Please reply with a whole number from 0 to 120.' },
    { question: amount, body: '3,5', expected: 'Please reply with a number.' },
    { question: score, body: '11', expected: 'Please reply with a number from 0 to 10.' },
    { question: score, body: 'eleven', expected: 'Please reply with a number from 0 to 10.' },
    { question: happiness, body: '0', expected: 'Please reply with a whole number from 1 to 5.' },
    { question: happiness, body: '6', expected: 'Please reply with a whole number from 1 to 5.' },
    { question: happiness, body: '4.5', expected: 'Please reply with a whole number from 1 to 5.' },
    { question: happiness, body: 'very happy', expected: 'Please reply with a whole number from 1 to 5.' },
    { question: effort, body: '7/5', expected: 'Please reply with a whole number from 0 to 10.' },
  ])('reads $body for $question.id as $expected', ({ question, body, expected }) => {
    const result = parseAnswer(question, body);

    if (typeof expected === 'number') expect(result).toEqual({ ok: true, value: expected });
    else expect(result).toEqual({ ok: false, expected });
  });
});

describe('parseAnswer for date', () => {
  it.each([
    { question: visit, body: '31/12/2026', expected: '2026-12-31' },
    { question: visit, body: '31.12.26', expected: '2026-12-31' },
    { question: visit, body: '31-12-2026', expected: '2026-12-31' },
    { question: visit, body: '2026-12-31', expected: '2026-12-31' },
    { question: visit, body: '2026/12/31', expected: '2026-12-31' },
    { question: visit, body: 'Dec 31', expected: '2025-12-31' },
    { question: visit, body: 'Jan 5', expected: '2026-01-05' },
    { question: visit, body: '31 December 2026', expected: '2026-12-31' },
    { question: visit, body: 'December 31st, 2026', expected: '2026-12-31' },
    { question: visit, body: "31 dec '26", expected: '2026-12-31' },
    { question: visit, body: 'Dec 31 26', expected: '2026-12-31' },
    { question: visit, body: 'On the 4th of May 1990.', expected: '1990-05-04' },
    { question: visit, body: 'Sept 3', expected: '2026-09-03' },
    { question: visit, body: '5/6', expected: '2026-06-05' },
    { question: visit, body: '29/02/2028', expected: '2028-02-29' },
    { question: visit, body: '1/1/77', expected: '1977-01-01' },
    { question: visit, body: '1/1/76', expected: '1976-01-01' },
    { question: visit, body: '٣١/١٢/٢٠٢٦', expected: '2026-12-31' },
    { question: visit, body: '３１／１２／２０２６', expected: '2026-12-31' },
    { question: visit, body: '31 Dec 2026, that is 31/12/2026', expected: '2026-12-31' },
    { question: visitUs, body: '12/31/2026', expected: '2026-12-31' },
    { question: visitUs, body: '5/6', expected: '2026-05-06' },
  ])('reads $body for $question.id as $expected', ({ question, body, expected }) => {
    expect(parseAnswer(question, body, { now: NOW })).toEqual({ ok: true, value: expected });
  });

  const dayFirst = 'Please reply with a date as day/month/year, such as 31/12/2026.';
  const monthFirst = 'Please reply with a date as month/day/year, such as 12/31/2026.';

  it.each([
    { question: visit, body: '31/02/2026', expected: `There is no 31 February 2026. ${dayFirst}` },
    { question: visit, body: '29/02/2027', expected: `There is no 29 February 2027. ${dayFirst}` },
    { question: visit, body: '29/02', expected: `There is no 29 February 2026. ${dayFirst}` },
    { question: visit, body: '31/04', expected: `There is no 31 April. ${dayFirst}` },
    { question: visit, body: 'Feb 30', expected: `There is no 30 February. ${dayFirst}` },
    { question: visit, body: '12/31/2026', expected: dayFirst },
    { question: visit, body: '31/13/2026', expected: dayFirst },
    { question: visit, body: '31/12/2026 or 1/1/2027', expected: dayFirst },
    { question: visit, body: 'December', expected: dayFirst },
    { question: visit, body: 'tomorrow', expected: dayFirst },
    { question: visit, body: '31/12/202', expected: dayFirst },
    { question: visit, body: '', expected: dayFirst },
    { question: visitUs, body: '31/12/2026', expected: monthFirst },
  ])('rejects $body for $question.id', ({ question, body, expected }) => {
    expect(parseAnswer(question, body, { now: NOW })).toEqual({ ok: false, expected });
  });

  it('settles a missing year from the clock', () => {
    expect(parseAnswer(visit, 'Dec 31', { now: new Date('2026-09-01T00:00:00Z') })).toEqual({ ok: true, value: '2026-12-31' });
  });
});

describe('parseAnswer for choice', () => {
  it.each([
    ['2', 'A friend'],
    ['2.', 'A friend'],
    ['#2', 'A friend'],
    ['(2)', 'A friend'],
    ['２', 'A friend'],
    ['٢', 'A friend'],
    [' 4 ', 'Other'],
    ['a friend', 'A friend'],
    ['A FRIEND', 'A friend'],
    ['a friend!', 'A friend'],
    ['  A   friend  ', 'A friend'],
    ['"Social media"', 'Social media'],
    ['ｓｅａｒｃｈ', 'Search'],
  ])('reads %j as %j', (body, expected) => {
    expect(parseAnswer(channel, body)).toEqual({ ok: true, value: expected });
  });

  it.each([[''], ['0'], ['5'], ['friend'], ['2 3'], ['1, 2'], ['Search or Other']])('rejects %j', (body) => {
    expect(parseAnswer(channel, body)).toEqual({ ok: false, expected: 'Please reply with a number from 1 to 4.' });
  });

  it.each([
    ['evenement', 'Événement'],
    ['ÉVÉNEMENT', 'Événement'],
    ["don't know", 'Don’t know'],
    ['Don’t know.', 'Don’t know'],
    ['rock “n” roll', 'Rock "n" roll'],
  ])('matches %j to the label %j ignoring accents and quote style', (body, expected) => {
    expect(parseAnswer(unsure, body)).toEqual({ ok: true, value: expected });
  });
});

describe('parseAnswer for choice objects', () => {
  it.each([
    { question: agree, body: 'yes', expected: 'y' },
    { question: agree, body: 'Y', expected: 'y' },
    { question: agree, body: 'yeah!', expected: 'y' },
    { question: agree, body: '2', expected: 'n' },
    { question: agree, body: 'NOPE', expected: 'n' },
    { question: heard, body: '1', expected: 'Search' },
    { question: heard, body: 'A FRIEND', expected: 'friend' },
    { question: heard, body: 'mate', expected: 'friend' },
    { question: heard, body: 'a pal.', expected: 'friend' },
    { question: heard, body: '4', expected: { value: 'other', text: '' } },
    { question: heard, body: 'Other', expected: { value: 'other', text: '' } },
    { question: heard, body: 'other: my cousin', expected: { value: 'other', text: 'my cousin' } },
    { question: heard, body: 'OTHER：my cousin', expected: { value: 'other', text: 'my cousin' } },
    { question: heard, body: '4: the radio', expected: { value: 'other', text: 'the radio' } },
    { question: heard, body: 'Other: Radio 4', expected: { value: 'other', text: 'Radio 4' } },
    { question: heard, body: '  my cousin Sam \n', expected: { value: 'other', text: 'my cousin Sam' } },
    { question: heard, body: 'mon cousin Théo', expected: { value: 'other', text: 'mon cousin Théo' } },
  ])('reads $body for $question.id as $expected', ({ question, body, expected }) => {
    expect(parseAnswer(question, body)).toEqual({ ok: true, value: expected });
  });

  it.each([
    { question: agree, body: 'maybe', expected: 'Please reply with a number from 1 to 2.' },
    { question: agree, body: '3', expected: 'Please reply with a number from 1 to 2.' },
    { question: heard, body: '7', expected: 'Please reply with a number from 1 to 4, or with "Other: " and your own answer.' },
    { question: heard, body: 'option 7', expected: 'Please reply with a number from 1 to 4, or with "Other: " and your own answer.' },
    { question: heard, body: 'Radio 4', expected: 'Please reply with a number from 1 to 4, or with "Other: " and your own answer.' },
    { question: heard, body: '', expected: 'Please reply with a number from 1 to 4, or with "Other: " and your own answer.' },
  ])('rejects $body for $question.id', ({ question, body, expected }) => {
    expect(parseAnswer(question, body)).toEqual({ ok: false, expected });
  });
});

describe('parseAnswer for multi', () => {
  const contactHint = 'Please reply with one or more numbers from 1 to 5, such as 1, 3. To add your own answer, write "Other: " before it.';

  it.each([
    { question: contact, body: '1,3', expected: ['Email', 'phone'] },
    { question: contact, body: '1 3', expected: ['Email', 'phone'] },
    { question: contact, body: '1 and 3', expected: ['Email', 'phone'] },
    { question: contact, body: '1, 3 & 4', expected: ['Email', 'phone', 'Rock and roll'] },
    { question: contact, body: '3, 1, 1', expected: ['Email', 'phone'] },
    { question: contact, body: 'email, SMS', expected: ['Email', 'SMS'] },
    { question: contact, body: 'sms and call', expected: ['SMS', 'phone'] },
    { question: contact, body: '2; phone call', expected: ['SMS', 'phone'] },
    { question: contact, body: 'rock and roll', expected: ['Rock and roll'] },
    { question: contact, body: '1 + rock and roll', expected: ['Email', 'Rock and roll'] },
    { question: contact, body: '２、１', expected: ['Email', 'SMS'] },
    { question: contact, body: '١، ٢', expected: ['Email', 'SMS'] },
    { question: contact, body: '1. 2.', expected: ['Email', 'SMS'] },
    { question: contact, body: '5', expected: [{ value: 'other', text: '' }] },
    { question: contact, body: 'other: my cousin', expected: [{ value: 'other', text: 'my cousin' }] },
    { question: contact, body: '1, 3, other: a letter, or a fax', expected: ['Email', 'phone', { value: 'other', text: 'a letter, or a fax' }] },
    { question: contact, body: 'carrier pigeon', expected: [{ value: 'other', text: 'carrier pigeon' }] },
    { question: twoOrThree, body: '1, 2', expected: ['A', 'B'] },
    { question: twoOrThree, body: 'd c b', expected: ['B', 'C', 'D'] },
  ])('reads $body for $question.id as $expected', ({ question, body, expected }) => {
    expect(parseAnswer(question, body)).toEqual({ ok: true, value: expected });
  });

  it.each([
    { question: contact, body: '7', expected: contactHint },
    { question: contact, body: '1, 7', expected: contactHint },
    { question: contact, body: '13', expected: contactHint },
    { question: contact, body: '1-3', expected: contactHint },
    { question: contact, body: 'email, fax', expected: contactHint },
    { question: contact, body: '1 y 3', expected: contactHint },
    { question: contact, body: '', expected: contactHint },
    { question: contact, body: '1, other 3: text', expected: contactHint },
    { question: twoOrThree, body: '1', expected: 'Please reply with 2 to 3 numbers from 1 to 4, such as 1, 3.' },
    { question: twoOrThree, body: '1, 2, 3, 4', expected: 'Please reply with 2 to 3 numbers from 1 to 4, such as 1, 3.' },
    { question: twoOrThree, body: '1, 1', expected: 'Please reply with 2 to 3 numbers from 1 to 4, such as 1, 3.' },
  ])('rejects $body for $question.id', ({ question, body, expected }) => {
    expect(parseAnswer(question, body)).toEqual({ ok: false, expected });
  });

  it.each([
    [{ minChoices: 1, maxChoices: 5 }, 'Please reply with one or more numbers from 1 to 5, such as 1, 3.'],
    [{ minChoices: 1, maxChoices: 1 }, 'Please reply with 1 number from 1 to 5, such as 1.'],
    [{ minChoices: 2, maxChoices: 2 }, 'Please reply with 2 numbers from 1 to 5, such as 1, 3.'],
    [{ minChoices: 1, maxChoices: 2 }, 'Please reply with up to 2 numbers from 1 to 5, such as 1, 3.'],
    [{ minChoices: 3, maxChoices: 5 }, 'Please reply with at least 3 numbers from 1 to 5, such as 1, 3, 5.'],
    [{ minChoices: 4, maxChoices: 4 }, 'Please reply with 4 numbers from 1 to 5, such as 1, 2, 3, 4.'],
  ])('hints %j as %j', (counts, expected) => {
    const question: MultiQuestion = { id: 'm', type: 'multi', text: 'Which?', choices: ['A', 'B', 'C', 'D', 'E'], maxRetries: 2, ...counts };

    expect(parseAnswer(question, 'none')).toEqual({ ok: false, expected });
  });
});

describe('parseAnswer for yesno', () => {
  it.each([
    ['yes', true],
    ['Yes!', true],
    ['YES.', true],
    ['y', true],
    ['Yeah', true],
    ['yep', true],
    ['sure', true],
    ['OK', true],
    ['okay', true],
    ['true', true],
    ['Yes, please', true],
    ['ＹＥＳ', true],
    ['no', false],
    ['no.', false],
    ['No!', false],
    ['n', false],
    ['nope', false],
    ['nah', false],
    ['false', false],
    ['No, thanks', false],
  ])('reads %j as %j', (body, expected) => {
    expect(parseAnswer(attend, body)).toEqual({ ok: true, value: expected });
  });

  it.each([[''], ['1'], ['0'], ['maybe'], ['yes and no'], ['yesss'], ['not sure']])('rejects %j', (body) => {
    expect(parseAnswer(attend, body)).toEqual({ ok: false, expected: 'Please reply YES or NO.' });
  });
});

describe('parseAnswer for text', () => {
  it.each([
    ['Great service', 'Great service'],
    ['  Great service \n', 'Great service'],
    ['Line one\n  line two', 'Line one\n  line two'],
    ['0', '0'],
  ])('stores %j as %j', (body, expected) => {
    expect(parseAnswer(reason, body)).toEqual({ ok: true, value: expected });
  });

  it.each([[''], ['   '], ['\n\t']])('rejects %j', (body) => {
    expect(parseAnswer(reason, body)).toEqual({ ok: false, expected: 'Please reply with a text message.' });
  });
});

describe('parseAnswer on long replies', () => {
  // A webhook body may hold 64 KiB, so each reader must stay about linear in the reply's length.
  const longReplies = [`1${' '.repeat(65_000)}x`, '1 / '.repeat(16_000), '12/'.repeat(21_000), 'dec 1st, '.repeat(7_000), 'rock and '.repeat(7_000)];

  it.each([score, age, happiness, visit, contact, heard])('reads long replies to $id within a second', (question) => {
    const started = performance.now();
    for (const body of longReplies) parseAnswer(question, body, { now: NOW });
    const elapsedMs = performance.now() - started;

    expect(elapsedMs).toBeLessThan(1_000);
  });
});

describe('renderQuestion', () => {
  it('lists choices numbered on their own lines', () => {
    expect(renderQuestion(channel)).toBe('How did you hear about us?\n1. Search\n2. A friend\n3. Social media\n4. Other');
  });

  it('lists choice objects by label', () => {
    expect(renderQuestion(heard)).toBe('Who told you about us?\n1. Search\n2. A friend\n3. Social media\n4. Other');
  });

  it('lists multi choices numbered', () => {
    expect(renderQuestion(twoOrThree)).toBe('Pick 2 or 3.\n1. A\n2. B\n3. C\n4. D');
  });

  it('shows rating labels below the text', () => {
    expect(renderQuestion(happiness)).toBe('How happy are you with us?\n1 = Very unhappy, 5 = Very happy');
  });

  it('shows a single rating label', () => {
    expect(renderQuestion({ ...happiness, minLabel: undefined })).toBe('How happy are you with us?\n5 = Very happy');
  });

  it('returns a rating without labels as its text', () => {
    expect(renderQuestion(effort)).toBe('How easy was it, from 0 to 10?');
  });

  it('returns other questions as their text', () => {
    expect(renderQuestion(score)).toBe('Reply 0-10.');
  });
});
