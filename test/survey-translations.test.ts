import { describe, expect, it } from 'vitest';
import { SurveyError } from '../src/errors.ts';
import { parseSurveyFile, surveyInLanguage } from '../src/surveys/survey-file.ts';
import { buildSurveyJsonSchema } from '../src/surveys/survey-schema.ts';

const bilingual = {
  id: 'visit',
  title: { en: 'Clinic visit', es: 'Visita a la clínica' },
  keywords: ['VISIT'],
  languages: ['en', 'es'],
  intro: { en: 'Hi from the clinic.', es: 'Hola, le escribe la clínica.' },
  questions: [
    { id: 'lang', type: 'language', text: 'Reply 1 for English, 2 para español.' },
    { id: 'again', type: 'yesno', text: { en: 'Would you come again?', es: '¿Volvería?' }, optional: true },
    {
      id: 'part',
      type: 'choice',
      text: { en: 'Best part?', es: '¿Lo mejor?' },
      choices: [
        { label: { en: 'Staff', es: 'Personal' }, aliases: { es: ['equipo'] } },
        { label: { en: 'Waiting room', es: 'Sala de espera' }, value: 'room', aliases: ['lounge'] },
      ],
    },
  ],
  end: { en: 'Thanks!', es: '¡Gracias!' },
  skipWord: { en: 'SKIP', es: 'SALTAR' },
  messages: { es: { movingOn: 'Sigamos adelante.' } },
};

function surveyJson(changes: Record<string, unknown> = {}): string {
  return JSON.stringify({ ...bilingual, ...changes }, null, 2);
}

function problemsOf(source: string): string[] {
  try {
    parseSurveyFile('surveys/visit.json', source);
  } catch (error) {
    if (error instanceof SurveyError) return error.problems;
    throw error;
  }
  throw new Error('expected the survey file to be rejected, but it was accepted');
}

describe('survey translations', () => {
  it('parses every language', () => {
    const version = parseSurveyFile('surveys/visit.json', surveyJson());

    expect([...version.byLanguage.keys()]).toEqual(['en', 'es']);
    expect(version.survey).toBe(version.byLanguage.get('en'));
    expect(version.survey.intro).toBe('Hi from the clinic.');
    expect(version.byLanguage.get('es')!.intro).toBe('Hola, le escribe la clínica.');
    expect(version.byLanguage.get('es')!.title).toBe('Visita a la clínica');
    expect(version.byLanguage.get('es')!.skipWord).toBe('SALTAR');
    expect(version.survey.messages).toEqual({ es: { movingOn: 'Sigamos adelante.' } });
  });

  it('keeps choice values the same in every language', () => {
    const version = parseSurveyFile('surveys/visit.json', surveyJson());
    const choicesIn = (language: string) => {
      const question = surveyInLanguage(version, language).questions[2]!;
      return question.type === 'choice' ? question.choices : [];
    };

    expect(choicesIn('en')).toEqual([
      { label: 'Staff', value: 'Staff', aliases: [] },
      { label: 'Waiting room', value: 'room', aliases: ['lounge'] },
    ]);
    expect(choicesIn('es')).toEqual([
      { label: 'Personal', value: 'Staff', aliases: ['equipo'] },
      { label: 'Sala de espera', value: 'room', aliases: ['lounge'] },
    ]);
  });

  it('lists the languages in a language question', () => {
    const question = parseSurveyFile('surveys/visit.json', surveyJson()).survey.questions[0]!;

    expect(question.type === 'language' && question.choices).toEqual([
      { label: 'English', value: 'en', aliases: [], other: false },
      { label: 'Español', value: 'es', aliases: ['Spanish'], other: false },
    ]);
  });

  it('falls back to the default language', () => {
    const version = parseSurveyFile('surveys/visit.json', surveyJson());

    expect(surveyInLanguage(version, 'fr')).toBe(version.survey);
    expect(surveyInLanguage(version, null)).toBe(version.survey);
  });

  it('reads a survey without languages as English', () => {
    const { survey, byLanguage } = parseSurveyFile('surveys/visit.json', surveyJson({ languages: undefined, title: 'Visit', intro: 'Hi.', questions: [{ id: 'q', type: 'text', text: 'Why?' }], end: 'Bye.', skipWord: undefined, messages: undefined }));

    expect(survey.languages).toEqual(['en']);
    expect([...byLanguage.keys()]).toEqual(['en']);
    expect(survey.messages).toEqual({});
  });

  it('reports missing translations', () => {
    expect(problemsOf(surveyJson({ end: 'Thanks!', intro: { en: 'Hi.' } }))).toEqual([
      '$.intro (line 14, column 3): missing the translation into "es". Add "es": "..." to this text.',
      '$.end (line 64, column 3): missing the translation into "es", because the survey\'s languages are "en", "es". Write this text as { "en": "Thanks!", "es": "..." }.',
    ]);
  });

  it('reports a choice without translations', () => {
    const questions = [{ id: 'q', type: 'choice', text: { en: 'Pick', es: 'Elija' }, choices: ['Yes', { label: { en: 'No', es: 'No' } }] }];

    expect(problemsOf(surveyJson({ questions }))).toEqual([
      '$.questions[0].choices[0] (line 27, column 9): missing the translation into "es", because the survey\'s languages are "en", "es". Write this choice as { "label": { "en": "Yes", "es": "..." } }.',
    ]);
  });

  it('reports a language the survey does not have', () => {
    expect(problemsOf(surveyJson({ end: { en: 'Thanks!', es: '¡Gracias!', fr: 'Merci !' } }))).toEqual([
      '$.end.fr (line 68, column 5): "fr" is not one of the survey\'s languages ("en", "es"). Add it to "languages", or remove this translation.',
    ]);
  });

  it('reports translations without languages', () => {
    const source = JSON.stringify({ id: 'visit', title: 'Visit', keywords: ['VISIT'], questions: [{ id: 'q', type: 'text', text: 'Why?' }], end: { en: 'Bye.', es: 'Adiós.' } }, null, 2);

    expect(problemsOf(source)).toEqual([
      '$.end (line 14, column 3): this text is translated, but the survey has no "languages". Add "languages": ["en", "es"], with the default language first.',
    ]);
  });

  it('reports a problem at its translation', () => {
    const questions = [
      {
        id: 'q',
        type: 'choice',
        text: { en: 'Pick', es: ' ' },
        choices: [{ label: { en: 'Staff', es: 'Personal' } }, { label: { en: 'Room', es: 'personal' } }],
      },
    ];

    expect(problemsOf(surveyJson({ questions }))).toEqual([
      '$.questions[0].text.es (line 24, column 9): expected the question text, got " ". Write the question text.',
      '$.questions[0].choices[1].label.es (line 36, column 13): choice "personal" is the same as "Personal" when case, accents and punctuation are ignored, so a reply could not tell them apart. Reword or remove one of them.',
    ]);
  });

  it.each([
    { languages: ['en', 'es_MX'], problem: '$.languages[1] (line 9, column 5): invalid language tag "es_MX". Use a BCP 47 tag such as "en", "es" or "pt-BR" (a hyphen, not an underscore).' },
    { languages: ['en', 'es-mx'], problem: '$.languages[1] (line 9, column 5): language tag "es-mx" is not written in the usual form. Write "es-MX".' },
    { languages: ['en', 'en'], problem: '$.languages[1] (line 9, column 5): language "en" is already listed at $.languages[0]. Remove it.' },
  ])('rejects languages $languages', ({ languages, problem }) => {
    const source = JSON.stringify({ id: 'visit', title: 'Visit', keywords: ['VISIT'], languages, questions: [{ id: 'q', type: 'text', text: 'Why?' }], end: 'Bye.' }, null, 2);

    expect(problemsOf(source)).toEqual([problem]);
  });

  it('rejects a language question with one language', () => {
    const source = JSON.stringify({ id: 'visit', title: 'Visit', keywords: ['VISIT'], questions: [{ id: 'lang', type: 'language', text: 'Language?' }], end: 'Bye.' }, null, 2);

    expect(problemsOf(source)).toEqual([
      '$.questions[0].type (line 10, column 7): a language question lets respondents choose one of the survey\'s languages, but the survey has only "en". List them in "languages", such as ["en", "es"], or remove the question.',
    ]);
  });

  it('rejects unknown placeholders and languages in messages', () => {
    expect(problemsOf(surveyJson({ messages: { es: { choiceHint: 'Del 1 al {cuenta}.' }, fr: { movingOn: 'Continuons.' } } }))).toEqual([
      '$.messages.es.choiceHint (line 75, column 7): unknown placeholder {cuenta} in the choiceHint message, which has the placeholders {count}. Correct it, or remove the braces.',
      '$.messages.fr (line 77, column 5): messages are given for "fr", which is not one of the survey\'s languages ("en", "es"). Add it to "languages", or correct the language tag.',
    ]);
  });

  it('checks conditions on a language question', () => {
    const questions = [
      { id: 'lang', type: 'language', text: 'Language?' },
      { id: 'q', type: 'text', text: { en: 'Why?', es: '¿Por qué?' }, showIf: { answer: 'lang', equals: 'fr' } },
    ];

    expect(problemsOf(surveyJson({ questions }))).toEqual([
      '$.questions[1].showIf.equals (line 33, column 9): "fr" is not a choice of question "lang", so no answer could match it. Use one of "en", "es".',
    ]);
  });

  it('reports a duplicate value once', () => {
    const questions = [
      {
        id: 'part',
        type: 'choice',
        text: { en: 'Best part?', es: '¿Lo mejor?' },
        choices: [
          { label: { en: 'Staff', es: 'Personal' }, value: 'people' },
          { label: { en: 'Room', es: 'Sala' }, value: 'people' },
        ],
      },
    ];

    expect(problemsOf(surveyJson({ questions }))).toEqual([
      '$.questions[0].choices[1].value (line 39, column 11): choice "Room" stores the value "people", which choice "Staff" already stores. Give each choice its own value, because an answer stores only the value.',
    ]);
  });

  it('reports a condition on a label once', () => {
    const questions = [
      bilingual.questions[2],
      { id: 'why', type: 'text', text: { en: 'Why?', es: '¿Por qué?' }, showIf: { answer: 'part', equals: 'Personal' } },
    ];

    expect(problemsOf(surveyJson({ questions }))).toEqual([
      '$.questions[1].showIf.equals (line 59, column 9): "Personal" is not a choice of question "part", so no answer could match it. ' +
        'Conditions and scores use a choice\'s value, and the value of "Personal" is "Staff". Use one of "Staff", "room".',
    ]);
  });

  it('lets editors write translations', () => {
    const schema = buildSurveyJsonSchema() as { properties: Record<string, { anyOf?: unknown[] }> };

    expect(schema.properties.intro!.anyOf).toEqual([
      { type: 'string', pattern: '\\S' },
      expect.objectContaining({ type: 'object', additionalProperties: { type: 'string', pattern: '\\S' } }),
    ]);
  });
});
