import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SurveyError } from '../src/errors.ts';
import { parseSurveyFile } from '../src/surveys/survey-file.ts';

const validSurvey = {
  id: 'customer-nps',
  title: 'Customer feedback',
  keywords: ['feedback', 'Nps2'],
  questions: [
    { id: 'score', type: 'nps', text: 'How likely are you to recommend us? Reply 0-10.' },
    { id: 'channel', type: 'choice', text: 'How did you hear about us?', choices: ['Search', 'A friend'], maxRetries: 0 },
  ],
  end: 'Thanks!',
};

/** Serializes the valid survey with some top-level properties replaced, two-space indented. */
function surveyJson(changes: Record<string, unknown> = {}): string {
  return JSON.stringify({ ...validSurvey, ...changes }, null, 2);
}

/** Returns the problems of a survey file that must be rejected. */
function problemsOf(source: string): string[] {
  try {
    parseSurveyFile('surveys/test.json', source);
  } catch (error) {
    if (error instanceof SurveyError) return error.problems;
    throw error;
  }
  throw new Error('expected the survey file to be rejected, but it was accepted');
}

describe('parseSurveyFile', () => {
  it('resolves defaults in a valid survey', () => {
    const { survey } = parseSurveyFile('surveys/test.json', surveyJson());

    expect(survey.keywords).toEqual(['FEEDBACK', 'NPS2']);
    expect(survey.maxRetries).toBe(2);
    expect(survey.expiresAfter).toBe('3d');
    expect(survey.expiresAfterMs).toBe(3 * 24 * 60 * 60 * 1000);
    expect(survey.questions.map((question) => question.maxRetries)).toEqual([2, 0]);
    expect(survey.intro).toBeUndefined();
  });

  it('applies the survey maxRetries to questions without their own', () => {
    const { survey } = parseSurveyFile('surveys/test.json', surveyJson({ maxRetries: 5 }));

    expect(survey.questions.map((question) => question.maxRetries)).toEqual([5, 0]);
  });

  it('defaults integer to false for number questions', () => {
    const source = surveyJson({ questions: [{ id: 'age', type: 'number', text: 'Age?', min: 0 }] });
    const question = parseSurveyFile('surveys/test.json', source).survey.questions[0];

    expect(question).toEqual({ id: 'age', type: 'number', text: 'Age?', min: 0, integer: false, maxRetries: 2 });
  });

  it('returns the file, source and sha256 of the source', () => {
    const source = surveyJson();
    const version = parseSurveyFile('surveys/test.json', source);

    expect(version.file).toBe('surveys/test.json');
    expect(version.source).toBe(source);
    expect(version.hash).toBe(createHash('sha256').update(Buffer.from(source, 'utf8')).digest('hex'));
  });

  it('accepts a byte order mark and hashes it', () => {
    const source = `\uFEFF${surveyJson()}`;
    const version = parseSurveyFile('surveys/test.json', source);

    expect(version.survey.id).toBe('customer-nps');
    expect(version.hash).toBe(createHash('sha256').update(Buffer.from([0xef, 0xbb, 0xbf])).update(surveyJson()).digest('hex'));
  });

  it('hashes non-ASCII text as UTF-8', () => {
    const source = surveyJson({ end: 'Merci beaucoup, à bientôt !' });

    expect(parseSurveyFile('surveys/test.json', source).hash).toBe(
      createHash('sha256').update(Buffer.from(source, 'utf8')).digest('hex'),
    );
  });

  it.each([
    ['90m', 90 * 60_000],
    ['12h', 12 * 3_600_000],
    ['3d', 3 * 86_400_000],
    ['1m', 60_000],
  ])('parses expiresAfter %j as %j ms', (expiresAfter, expected) => {
    expect(parseSurveyFile('surveys/test.json', surveyJson({ expiresAfter })).survey.expiresAfterMs).toBe(expected);
  });

  it.each([['0d'], ['-1d'], ['3 days'], ['3'], ['1.5h'], ['3D'], [''], ['99999999999999999999d']])(
    'rejects expiresAfter %j',
    (expiresAfter) => {
      expect(problemsOf(surveyJson({ expiresAfter }))).toEqual([
        `$.expiresAfter (line 26, column 3): invalid duration ${JSON.stringify(expiresAfter)}. Use a whole number above 0 followed by m (minutes), h (hours) or d (days), for example "3d" or "12h".`,
      ]);
    },
  );

  it('reads reminders with their delays in milliseconds', () => {
    const { survey } = parseSurveyFile(
      'surveys/test.json',
      surveyJson({ reminders: [{ after: '4h', text: 'A reminder.' }, { after: '1d', text: 'Last reminder.' }] }),
    );
    expect(survey.reminders).toEqual([
      { after: '4h', text: 'A reminder.', afterMs: 4 * 3_600_000 },
      { after: '1d', text: 'Last reminder.', afterMs: 86_400_000 },
    ]);
    expect(parseSurveyFile('surveys/test.json', surveyJson()).survey.reminders).toEqual([]);
  });

  it('rejects reminders out of order, too many, or due after the session expired', () => {
    const problems = problemsOf(
      surveyJson({
        expiresAfter: '1d',
        reminders: [
          { after: '12h', text: 'One.' },
          { after: '2h', text: 'Two.' },
          { after: '1d', text: 'Three.' },
        ],
      }),
    );
    expect(problems).toEqual([
      expect.stringContaining('$.reminders[1].after (line'),
      expect.stringContaining('$.reminders[2].after (line'),
    ]);
    expect(problems[0]).toContain('reminder after "2h" is not later than the one before it ("12h")');
    expect(problems[1]).toContain('comes when the session has already expired (expiresAfter "1d")');

    const reminders = ['1h', '2h', '3h', '4h'].map((after) => ({ after, text: 'Reply, please.' }));
    expect(problemsOf(surveyJson({ reminders }))).toEqual([expect.stringContaining('$.reminders (line 26, column 3): at most 3 reminders are allowed')]);
  });

  it('rejects a number as expiresAfter', () => {
    expect(problemsOf(surveyJson({ expiresAfter: 3 }))).toEqual([
      '$.expiresAfter (line 26, column 3): expected a duration such as "3d", got 3 (a number). Write a whole number and a unit in quotes: "90m", "12h" or "3d".',
    ]);
  });

  it('rejects an unknown property and suggests the right name', () => {
    const source = surveyJson({
      questions: [{ id: 'channel', type: 'choice', text: 'How?', choises: ['Search', 'A friend'] }],
    });

    expect(problemsOf(source)).toEqual([
      '$.questions[0] (line 9, column 5): missing required property "choices" (the list of 2 to 9 options, such as ["Yes", "No", "Not sure"]). Add it.',
      '$.questions[0].choises (line 13, column 7): unknown property "choises". Did you mean "choices"? The properties allowed in a choice question are "id", "type", "text", "choices", "maxRetries", "optional", "showIf", "next".',
    ]);
  });

  it('rejects an unknown top-level property', () => {
    expect(problemsOf(surveyJson({ expires: '3d' }))).toEqual([
      '$.expires (line 26, column 3): unknown property "expires". Did you mean "expiresAfter"? The properties allowed in a survey are "$schema", "id", "title", "keywords", "intro", "questions", "end", "maxRetries", "expiresAfter", "reminders", "ends", "scores", "skipWord", "languages", "messages".',
    ]);
  });

  it('rejects a missing required property', () => {
    const { title: _title, ...withoutTitle } = validSurvey;

    expect(problemsOf(JSON.stringify(withoutTitle, null, 2))).toEqual([
      '$ (line 1, column 1): missing required property "title" (the survey\'s name, for the people who run it). Add it.',
    ]);
  });

  it('rejects a missing question type', () => {
    expect(problemsOf(surveyJson({ questions: [{ id: 'q', text: 'Why?' }] }))).toEqual([
      '$.questions[0] (line 9, column 5): missing required property "type". Add it. Use one of "choice", "number", "nps", "yesno", "text", "message", "multi", "rating", "date", "language".',
    ]);
  });

  it('rejects an unknown question type', () => {
    expect(problemsOf(surveyJson({ questions: [{ id: 'q', type: 'yes-no', text: 'OK?' }] }))).toEqual([
      '$.questions[0].type (line 11, column 7): unknown question type "yes-no". Did you mean "yesno"? Use one of "choice", "number", "nps", "yesno", "text", "message", "multi", "rating", "date", "language".',
    ]);
  });

  it('rejects a duplicate question id', () => {
    const source = surveyJson({
      questions: [
        { id: 'score', type: 'nps', text: 'Score?' },
        { id: 'score', type: 'text', text: 'Why?' },
      ],
    });

    expect(problemsOf(source)).toEqual([
      '$.questions[1].id (line 15, column 7): question id "score" is already used by $.questions[0]. Give each question its own id.',
    ]);
  });

  it.each([['STOP'], ['stop'], ['Help'], ['yes'], ['OptOut']])('rejects the reserved keyword %j', (keyword) => {
    expect(problemsOf(surveyJson({ keywords: ['feedback', keyword] }))).toEqual([
      `$.keywords[1] (line 6, column 5): keyword "${keyword}" is reserved, because Twilio handles ${keyword.toUpperCase()} as an opt-out, opt-in or help command. Choose another word.`,
    ]);
  });

  it('rejects a keyword listed twice in different case', () => {
    expect(problemsOf(surveyJson({ keywords: ['feedback', 'FeedBack'] }))).toEqual([
      '$.keywords[1] (line 6, column 5): keyword "FeedBack" is already listed at $.keywords[0] (keywords ignore case). Remove one of them.',
    ]);
  });

  it('rejects a keyword of two words', () => {
    expect(problemsOf(surveyJson({ keywords: ['give feedback'] }))).toEqual([
      '$.keywords[0] (line 5, column 5): invalid keyword "give feedback". Use a single word of letters A-Z and digits, for example "GIVEFEEDBACK".',
    ]);
  });

  it('rejects an empty keyword list', () => {
    expect(problemsOf(surveyJson({ keywords: [] }))).toEqual([
      '$.keywords (line 4, column 3): expected at least 1 keyword, got none. Add the word that starts the survey, for example "FEEDBACK".',
    ]);
  });

  it('rejects an invalid survey id and suggests a slug', () => {
    expect(problemsOf(surveyJson({ id: 'Customer NPS' }))).toEqual([
      '$.id (line 2, column 3): invalid survey id "Customer NPS". Use lowercase letters and digits joined by single hyphens, for example "customer-nps".',
    ]);
  });

  it('rejects min greater than max', () => {
    const source = surveyJson({ questions: [{ id: 'age', type: 'number', text: 'Age?', min: 120, max: 18 }] });

    expect(problemsOf(source)).toEqual([
      '$.questions[0].max (line 14, column 7): max 18 is less than min 120. Make max at least 120, or swap the two values.',
    ]);
  });

  it('rejects a choice question with one choice', () => {
    const source = surveyJson({ questions: [{ id: 'channel', type: 'choice', text: 'How?', choices: ['Search'] }] });

    expect(problemsOf(source)).toEqual([
      '$.questions[0].choices (line 13, column 7): expected at least 2 choices, got 1. Add another choice.',
    ]);
  });

  it('rejects a choice question with ten choices', () => {
    const choices = Array.from({ length: 10 }, (_, index) => `Option ${String.fromCharCode(65 + index)}`);
    const source = surveyJson({ questions: [{ id: 'channel', type: 'choice', text: 'How?', choices }] });

    expect(problemsOf(source)).toEqual([
      '$.questions[0].choices (line 13, column 7): expected at most 9 choices, got 10. Remove 1, because a reply picks a choice by a single digit.',
    ]);
  });

  it('rejects choices that match after normalization', () => {
    const source = surveyJson({ questions: [{ id: 'c', type: 'choice', text: 'How?', choices: ['Don’t know', "don't KNOW!"] }] });

    expect(problemsOf(source)).toEqual([
      `$.questions[0].choices[1] (line 15, column 9): choice "don't KNOW!" is the same as "Don’t know" when case, accents and punctuation are ignored, so a reply could not tell them apart. Reword or remove one of them.`,
    ]);
  });

  it("rejects a choice that reads as another option's number", () => {
    const source = surveyJson({ questions: [{ id: 'c', type: 'choice', text: 'How many?', choices: ['None', '1', '2 or more'] }] });

    expect(problemsOf(source)).toEqual([
      '$.questions[0].choices[1] (line 15, column 9): choice "1" is option 2, but a reply of "1" picks option 1 ("None"). Move it to position 1 or reword it.',
    ]);
  });

  it('reads choice objects with a value, aliases and other', () => {
    const choices = ['Search', { label: 'A friend', value: 'friend', aliases: ['mate'] }, { label: 'Other', other: true }];
    const question = parseSurveyFile('surveys/test.json', surveyJson({ questions: [{ id: 'c', type: 'choice', text: 'How?', choices }] })).survey.questions[0];

    expect(question).toEqual({ id: 'c', type: 'choice', text: 'How?', choices, maxRetries: 2 });
  });

  it.each([
    {
      name: 'a number as a choice',
      choices: ['Search', 5],
      problem: '$.questions[0].choices[1] (line 15, column 9): expected a choice as text in double quotes, such as "Yes", or as an object such as { "label": "Yes", "value": "y" }, got 5 (a number).',
    },
    {
      name: 'a missing label',
      choices: ['Search', { value: 'friend' }],
      problem: '$.questions[0].choices[1] (line 15, column 9): missing required property "label" (the text of the choice as the question lists it, such as "Yes"). Add it.',
    },
    {
      name: 'a label that is not text',
      choices: ['Search', { label: 2 }],
      problem: '$.questions[0].choices[1] (line 15, column 9): in .label: expected a string, got 2 (a number). Put the text in double quotes.',
    },
    {
      name: 'an empty value',
      choices: ['Search', { label: 'A friend', value: ' ' }],
      problem: '$.questions[0].choices[1].value (line 17, column 11): expected the choice value, got " ". Write the choice value.',
    },
    {
      name: 'aliases that are not a list',
      choices: ['Search', { label: 'A friend', aliases: 'mate' }],
      problem: '$.questions[0].choices[1] (line 15, column 9): in .aliases: expected the aliases as a list in square brackets, such as ["Y", "yeah"], got "mate" (a string).',
    },
    {
      name: 'an alias that is not text',
      choices: ['Search', { label: 'A friend', aliases: ['mate', 3, ''] }],
      problem:
        '$.questions[0].choices[1] (line 15, column 9): in .aliases[1]: expected a string, got 3 (a number). Put the text in double quotes. ' +
        'In .aliases[2]: expected the alias, got "". Write the alias.',
    },
    {
      name: 'other that is not true or false',
      choices: ['Search', { label: 'Other', other: 'yes' }],
      problem: '$.questions[0].choices[1] (line 15, column 9): in .other: expected true or false, got "yes" (a string). Write true or false without quotes.',
    },
    {
      name: 'an unknown choice property',
      choices: ['Search', { label: 'A friend', alias: ['mate'] }],
      problem:
        '$.questions[0].choices[1].alias (line 17, column 11): unknown property "alias". Did you mean "aliases"? The properties allowed in a choice are "label", "value", "aliases", "other".',
    },
    {
      name: 'an alias that is another label',
      choices: ['Search', { label: 'A friend', aliases: ['SEARCH!'] }],
      problem:
        '$.questions[0].choices[1].aliases[0] (line 18, column 13): alias "SEARCH!" of choice "A friend" is the same as "Search" when case, accents and punctuation are ignored, so a reply could not tell them apart. Reword or remove one of them.',
    },
    {
      name: 'an alias that is another alias',
      choices: [{ label: 'Search', aliases: ['web'] }, { label: 'A friend', aliases: ['Web'] }],
      problem:
        '$.questions[0].choices[1].aliases[0] (line 23, column 13): alias "Web" of choice "A friend" is the same as alias "web" of choice "Search" when case, accents and punctuation are ignored, so a reply could not tell them apart. Reword or remove one of them.',
    },
    {
      name: "an alias that is another choice's number",
      choices: ['Search', { label: 'A friend', aliases: ['1'] }],
      problem:
        '$.questions[0].choices[1].aliases[0] (line 18, column 13): alias "1" of choice "A friend" is option 2, but a reply of "1" picks option 1 ("Search"). Remove the alias or reword it.',
    },
    {
      name: 'an alias that is a keyword',
      choices: ['Search', { label: 'No more', aliases: ['Stop'] }],
      problem:
        '$.questions[0].choices[1].aliases[0] (line 18, column 13): alias "Stop" of choice "No more" is the opt-out keyword STOP, which is read before any answer, so replying "Stop" unsubscribes the respondent and ends the survey instead of picking this choice. Remove the alias.',
    },
    {
      name: 'a label that is a keyword',
      choices: ['Search', { label: 'Help', value: 'h' }],
      problem:
        '$.questions[0].choices[1].label (line 16, column 11): choice "Help" is the help keyword HELP, which is read before any answer, so replying "Help" sends the help text and repeats the question instead of picking this choice. Reword the choice so that it is not a keyword on its own (a reply of "2" still picks it).',
    },
    {
      name: 'a value used twice',
      choices: ['Search', { label: 'A friend', value: 'Search' }],
      problem:
        '$.questions[0].choices[1].value (line 17, column 11): choice "A friend" stores the value "Search", which choice "Search" already stores. Give each choice its own value, because an answer stores only the value.',
    },
    {
      name: 'two other choices',
      choices: [{ label: 'Other', other: true }, { label: 'Something else', other: true }],
      problem:
        '$.questions[0].choices[1].other (line 20, column 11): choice "Something else" is a second choice with "other": true, after "Other". Keep "other" on one choice only, because free text goes to that choice.',
    },
  ])('rejects $name', ({ choices, problem }) => {
    const source = surveyJson({ questions: [{ id: 'c', type: 'choice', text: 'How?', choices }] });

    expect(problemsOf(source)).toEqual([problem]);
  });

  it.each([
    {
      name: 'minChoices of 0',
      fields: { minChoices: 0 },
      problem: '$.questions[0].minChoices (line 18, column 7): expected a whole number of 1 or more, got 0 (a number). It is the fewest choices a reply must pick.',
    },
    {
      name: 'a fractional maxChoices',
      fields: { maxChoices: 1.5 },
      problem: '$.questions[0].maxChoices (line 18, column 7): expected a whole number of 1 or more, got 1.5 (a number). It is the most choices a reply may pick.',
    },
    {
      name: 'minChoices as text',
      fields: { minChoices: '2' },
      problem: '$.questions[0].minChoices (line 18, column 7): expected a whole number of 1 or more, got "2" (a string). It is the fewest choices a reply must pick.',
    },
    {
      name: 'minChoices above the number of choices',
      fields: { minChoices: 4 },
      problem: '$.questions[0].minChoices (line 18, column 7): minChoices 4 is more than the 3 choices, so no reply could pick enough. Make minChoices at most 3, or add choices.',
    },
    {
      name: 'maxChoices above the number of choices',
      fields: { maxChoices: 4 },
      problem: '$.questions[0].maxChoices (line 18, column 7): maxChoices 4 is more than the 3 choices. Make maxChoices at most 3, or leave it out to allow every choice.',
    },
    {
      name: 'maxChoices below minChoices',
      fields: { minChoices: 3, maxChoices: 2 },
      problem: '$.questions[0].maxChoices (line 19, column 7): maxChoices 2 is less than minChoices 3. Make maxChoices at least 3, or swap the two values.',
    },
    {
      name: 'a misspelt maxChoices',
      fields: { maxchoices: 2 },
      problem:
        '$.questions[0].maxchoices (line 18, column 7): unknown property "maxchoices". Did you mean "maxChoices"? ' +
        'The properties allowed in a multi question are "id", "type", "text", "choices", "minChoices", "maxChoices", "maxRetries", "optional", "showIf", "next".',
    },
    {
      name: 'an alias that is a keyword',
      fields: { choices: ['Email', 'SMS', { label: 'No more', aliases: ['cancel'] }] },
      problem:
        '$.questions[0].choices[2].aliases[0] (line 19, column 13): alias "cancel" of choice "No more" is the opt-out keyword CANCEL, which is read before any answer, so replying "cancel" unsubscribes the respondent and ends the survey instead of picking this choice. Remove the alias.',
    },
  ])('rejects a multi question with $name', ({ fields, problem }) => {
    const source = surveyJson({ questions: [{ id: 'm', type: 'multi', text: 'Which?', choices: ['Email', 'SMS', 'Phone'], ...fields }] });

    expect(problemsOf(source)).toEqual([problem]);
  });

  it('reads a rating question and a date question with its default order', () => {
    const questions = [
      { id: 'r', type: 'rating', text: 'Rate us', min: 1, max: 5, minLabel: 'Bad', maxLabel: 'Good' },
      { id: 'd', type: 'date', text: 'When?' },
    ];
    const { survey } = parseSurveyFile('surveys/test.json', surveyJson({ questions }));

    expect(survey.questions).toEqual([
      { ...questions[0], maxRetries: 2 },
      { ...questions[1], dateOrder: 'DMY', maxRetries: 2 },
    ]);
  });

  it.each([
    {
      name: 'no min',
      fields: { min: undefined },
      problem: '$.questions[0] (line 9, column 5): missing required property "min" (the lowest point of the scale, such as 1). Add it.',
    },
    {
      name: 'a fractional min',
      fields: { min: 0.5 },
      problem: '$.questions[0].min (line 13, column 7): expected a whole number, got 0.5 (a number). Write the lowest point of the scale, such as 1.',
    },
    {
      name: 'max as text',
      fields: { max: '5' },
      problem: '$.questions[0].max (line 14, column 7): expected a whole number, got "5" (a string). Write the highest point of the scale, such as 5.',
    },
    {
      name: 'max below min',
      fields: { min: 5, max: 1 },
      problem: '$.questions[0].max (line 14, column 7): max 1 is less than min 5. Make max larger than min, or swap the two values.',
    },
    {
      name: 'max equal to min',
      fields: { min: 3, max: 3 },
      problem: '$.questions[0].max (line 14, column 7): max 3 is the same as min 3, so the scale has one point. Make max larger than min.',
    },
    {
      name: 'more than 11 points',
      fields: { min: 0, max: 20 },
      problem:
        '$.questions[0].max (line 14, column 7): the scale from 0 to 20 has 21 points, but at most 11 are allowed, because a longer scale is hard to answer by SMS. Make max at most 10, or use a number question.',
    },
    {
      name: 'an empty minLabel',
      fields: { minLabel: ' ' },
      problem: '$.questions[0].minLabel (line 15, column 7): expected the label of the lowest point, got " ". Write the label of the lowest point.',
    },
    {
      name: 'a maxLabel that is not text',
      fields: { maxLabel: 5 },
      problem: '$.questions[0].maxLabel (line 15, column 7): expected a string, got 5 (a number). Put the text in double quotes.',
    },
    {
      name: 'a misspelt maxLabel',
      fields: { maxlabel: 'Great' },
      problem:
        '$.questions[0].maxlabel (line 15, column 7): unknown property "maxlabel". Did you mean "maxLabel"? ' +
        'The properties allowed in a rating question are "id", "type", "text", "min", "max", "minLabel", "maxLabel", "maxRetries", "optional", "showIf", "next".',
    },
  ])('rejects a rating question with $name', ({ fields, problem }) => {
    const source = surveyJson({ questions: [{ id: 'r', type: 'rating', text: 'Rate us', min: 1, max: 5, ...fields }] });

    expect(problemsOf(source)).toEqual([problem]);
  });

  it.each([
    ['YMD', '"YMD"'],
    ['dmy', '"dmy"'],
    [1, '1'],
  ])('rejects dateOrder %j', (dateOrder, quoted) => {
    const source = surveyJson({ questions: [{ id: 'd', type: 'date', text: 'When?', dateOrder }] });

    expect(problemsOf(source)).toEqual([
      `$.questions[0].dateOrder (line 13, column 7): invalid dateOrder ${quoted}. Use "DMY" for day/month/year (31/12/2026) or "MDY" for month/day/year (12/31/2026).`,
    ]);
  });

  it('rejects a value of the wrong type', () => {
    expect(problemsOf(surveyJson({ maxRetries: '3' }))).toEqual([
      '$.maxRetries (line 26, column 3): expected a whole number from 0 to 10, got "3" (a string). It is how many times an invalid answer is asked again.',
    ]);
  });

  it('rejects an empty question text', () => {
    expect(problemsOf(surveyJson({ questions: [{ id: 'q', type: 'text', text: '  ' }] }))).toEqual([
      '$.questions[0].text (line 12, column 7): expected the question text, got "  ". Write the question text.',
    ]);
  });

  it('rejects a property set twice', () => {
    const source = '{\n  "id": "a",\n  "id": "b"\n}';

    expect(problemsOf(source)).toContain(
      '$.id (line 3, column 3): duplicate property "id", first set at line 2, column 3. Only the last value would count, so remove one of them.',
    );
  });

  it('reports every problem at once, in file order', () => {
    const source = surveyJson({
      id: 'Bad Id',
      keywords: ['STOP'],
      questions: [
        { id: 'q', type: 'stars', text: 'Rate us' },
        { id: 'q', type: 'number', text: 'Age?', min: 5, max: 1 },
      ],
      expiresAfter: 'soon',
    });

    expect(problemsOf(source).map((problem) => problem.split(':')[0])).toEqual([
      '$.id (line 2, column 3)',
      '$.keywords[0] (line 5, column 5)',
      '$.questions[0].type (line 10, column 7)',
      '$.questions[1].id (line 14, column 7)',
      '$.questions[1].max (line 18, column 7)',
      '$.expiresAfter (line 22, column 3)',
    ]);
  });

  it('throws a SurveyError naming the file', () => {
    let caught: unknown;
    try {
      parseSurveyFile('surveys/broken.json', surveyJson({ end: '' }));
    } catch (error) {
      caught = error;
    }

    expect(caught).toBeInstanceOf(SurveyError);
    expect((caught as SurveyError).code).toBe('SURVEY_INVALID');
    expect((caught as SurveyError).file).toBe('surveys/broken.json');
    expect((caught as SurveyError).message).toBe(
      'Survey file surveys/broken.json was rejected:\n  - $.end (line 25, column 3): expected the end message, got "". Write the end message.',
    );
  });
});

describe('parseSurveyFile with invalid JSON', () => {
  it.each([
    ['', 'line 1, column 1: invalid JSON: the file is empty or contains only whitespace. Write the survey as a JSON object { ... }.'],
    ['{\n  "id": "a",\n}', 'line 2, column 12: invalid JSON: unexpected "," before "}". JSON does not allow a comma after the last item, so remove it.'],
    ['{\n  "id": "a"\n  "title": "b"\n}', 'line 3, column 3: invalid JSON: expected "," or "}" after the value of "id", got "\\"". Separate properties with commas.'],
    ["{\n  'id': 'a'\n}", 'line 2, column 3: invalid JSON: property names must be in double quotes, not single quotes.'],
    ['{\n  id: "a"\n}', 'line 2, column 3: invalid JSON: property names must be in double quotes: write "id", not id.'],
    ['{\n  // comment\n}', 'line 2, column 3: invalid JSON: JSON does not allow comments. Remove the comment.'],
    ['{\r\n  "id": "a\n"\r\n}', 'line 2, column 11: invalid JSON: a line break inside a string. Close the string with a double quote, or write \\n for a line break.'],
    ['{"maxRetries": 02}', 'line 1, column 16: invalid JSON: invalid number "02". Write numbers like 3, -2, 0.5 or 1e3, without leading zeros or a trailing ".".'],
    ['{"a": yes}', 'line 1, column 7: invalid JSON: unexpected word yes. Put text in double quotes: "yes".'],
    ['{"a": 1}}', 'line 1, column 9: invalid JSON: unexpected "}" after the end of the JSON value. Remove it, or check for an extra "}" or "]" before it.'],
    ['{"a": [1, 2', 'line 1, column 12: invalid JSON: expected "," or "]" after an array item, got the end of the file. Separate items with commas.'],
    ['{"a": "\\x"}', 'line 1, column 8: invalid JSON: invalid escape "\\x" in a string. Use \\", \\\\, \\/, \\b, \\f, \\n, \\r, \\t or \\u followed by 4 hex digits.'],
  ])('reports the position of the error in %j', (source, expected) => {
    expect(problemsOf(source)).toEqual([expected]);
  });

  it('rejects a JSON value that is not an object', () => {
    expect(problemsOf('[1, 2]')).toEqual(['$ (line 1, column 1): expected a survey as an object in curly braces { ... }, got an array.']);
  });
});
