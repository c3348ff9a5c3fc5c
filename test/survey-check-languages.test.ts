import { describe, expect, it } from 'vitest';
import { renderFlowChart } from '../src/surveys/flow-chart.ts';
import { checkSurveySources } from '../src/surveys/survey-check.ts';
import { parseSurveyFile } from '../src/surveys/survey-file.ts';

const bilingual = {
  id: 'visit',
  title: 'Visit',
  keywords: ['VISIT'],
  languages: ['en', 'es'],
  intro: { en: 'Hi from the clinic.', es: 'Hola, le escribe la clínica.' },
  questions: [
    { id: 'again', type: 'yesno', text: { en: 'Would you come again?', es: '¿Volvería?' } },
    { id: 'tip', type: 'text', text: { en: 'Any tip? Reply SKIP to skip.', es: '¿Algún consejo? Responda SALTAR para saltarla.' }, optional: true },
  ],
  end: { en: 'Thanks!', es: 'Gracias.' },
  skipWord: { en: 'SKIP', es: 'SALTAR' },
};

function check(survey: Record<string, unknown>) {
  const [report] = checkSurveySources([{ file: 'visit.json', source: JSON.stringify(survey, null, 2) }]);
  return report!;
}

describe('parley check with languages', () => {
  it('lists the messages of each language', () => {
    const { messages, findings } = check(bilingual);

    expect(findings).toEqual([]);
    expect(messages.map(({ label, encoding, segments }) => `${label}: ${encoding} ${segments}`)).toEqual([
      '[en] intro + question "again": GSM-7 1',
      '[en] question "again" asked again: GSM-7 1',
      '[en] question "tip": GSM-7 1',
      '[en] question "tip" asked again: GSM-7 1',
      '[en] end: GSM-7 1',
      '[en] moving on + question "tip": GSM-7 1',
      '[en] moving on + end: GSM-7 1',
      '[es] intro + question "again": UCS-2 1',
      '[es] question "again" asked again: UCS-2 1',
      '[es] question "tip": UCS-2 1',
      '[es] question "tip" asked again: UCS-2 2',
      '[es] end: GSM-7 1',
      '[es] moving on + question "tip": UCS-2 1',
      '[es] moving on + end: GSM-7 1',
    ]);
  });

  it('writes the Spanish hint in Spanish', () => {
    const { messages } = check(bilingual);

    expect(messages.find(({ label }) => label === '[es] question "again" asked again')).toMatchObject({ characters: 'Responda SÍ o NO.\n\n¿Volvería?'.length });
  });

  it('suggests the skip hint in the text\'s language', () => {
    const questions = [bilingual.questions[0], { ...bilingual.questions[1], text: { en: 'Any tip? Reply SKIP to skip.', es: '¿Algún consejo?' } }];
    const { findings } = check({ ...bilingual, questions });

    expect(findings.map((finding) => finding.message)).toEqual([
      expect.stringContaining('does not mention the skip word SALTAR, so respondents may not know they can skip it. Add, for example, "Responda SALTAR para saltar esta pregunta."'),
    ]);
  });

  it('reports an alias that reads as the skip word at the alias', () => {
    const choices = [{ label: { en: 'Daily', es: 'A diario' }, aliases: { en: ['every day'], es: ['siempre', 'saltar'] } }, { label: { en: 'Weekly', es: 'Semanal' } }];
    const questions = [bilingual.questions[0], { id: 'often', type: 'choice', text: { en: 'How often? Reply SKIP to skip.', es: '¿Con qué frecuencia? Responda SALTAR para saltarla.' }, choices, optional: true }];
    const { findings } = check({ ...bilingual, questions });

    expect(findings.filter((finding) => finding.severity === 'error').map(({ path, message }) => `${path}: ${message}`)).toEqual([
      '$.questions[1].choices[0].aliases.es[1]: alias "saltar" of choice "A diario" reads as the skipWord SALTAR, so replying it would skip this optional question instead of picking the choice. Remove the alias, or set another "skipWord".',
    ]);
  });

  it('reports a missing translation as an error', () => {
    const { findings } = check({ ...bilingual, end: 'Thanks!' });

    expect(findings).toEqual([
      {
        severity: 'error',
        file: 'visit.json',
        path: '$.end',
        line: 34,
        column: 3,
        message: 'missing the translation into "es", because the survey\'s languages are "en", "es". Write this text as { "en": "Thanks!", "es": "..." }.',
      },
    ]);
  });

  it('warns at the translation that forces UCS-2', () => {
    const { findings } = check({ ...bilingual, end: { en: 'Thanks!', es: 'Gracias — hasta pronto.' } });

    expect(findings.map(({ path, message }) => `${path}: ${message}`)).toEqual([
      '$.end.es: "—" (U+2014 EM DASH) makes the [es] end message UCS-2: 1 segment, or 1 segment in GSM-7 without it. Replace it with "-", or run parley check --fix-quotes.',
    ]);
  });

  it('warns about a language without built-in messages', () => {
    const french = {
      ...bilingual,
      languages: ['en', 'fr'],
      intro: { en: 'Hi.', fr: 'Bonjour.' },
      questions: [{ id: 'again', type: 'yesno', text: { en: 'Again?', fr: 'Encore ?' } }],
      end: { en: 'Thanks!', fr: 'Merci !' },
      skipWord: 'SKIP',
      messages: { fr: { yesNoHint: 'Répondez OUI ou NON.' } },
    };

    expect(check(french).findings.map(({ path, message }) => `${path}: ${message}`)).toEqual([
      '$.languages[1]: Parley\'s own messages are not written in French, so respondents who read "fr" get 15 of them in English: help, optOut, optIn, movingOn, closed, choiceHint, otherChoiceHint, multiHint, numberHint, npsHint, ratingHint, textHint, dateHint, noSuchDateHint, skipHint. Write them in "messages": { "fr": { ... } }.',
    ]);
  });

  it('counts the opening without the language question', () => {
    const withQuestion = { ...bilingual, questions: [{ id: 'lang', type: 'language', text: 'Reply 1 for English, 2 para español.' }, ...bilingual.questions] };

    const labels = check(withQuestion).messages.map(({ label }) => label);

    expect(labels.slice(0, 2)).toEqual(['[en] intro + question "lang"', '[en] intro + question "again"']);
  });

  it('draws the way past a language question', () => {
    const withQuestion = { ...bilingual, questions: [{ id: 'lang', type: 'language', text: 'Reply 1 for English, 2 para español.' }, ...bilingual.questions] };
    const { survey } = parseSurveyFile('visit.json', JSON.stringify(withQuestion));

    expect(renderFlowChart(survey)).toContain('  q0 -.->|hidden| q1\n  q0 --> q1\n');
  });
});
