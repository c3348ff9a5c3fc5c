import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { choiceLabel } from '../src/surveys/choice-option.ts';
import { parseSurveyFile } from '../src/surveys/survey-file.ts';
import { buildSurveyJsonSchema } from '../src/surveys/survey-schema.ts';
import { EXAMPLE_SURVEY_FILES } from './support/harness.ts';

const root = path.resolve(import.meta.dirname, '..');
const surveysDir = path.join(root, 'surveys');
// Only the shipped examples are checked, so a survey a user adds to the folder cannot fail `npm test`.
const surveyFiles = EXAMPLE_SURVEY_FILES;

// The GSM 03.38 basic character set, the characters an SMS can carry without falling back to UCS-2.
const GSM_7_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);

function textsOf(source: string): string[] {
  const { survey } = parseSurveyFile('survey.json', source);
  const questionTexts = survey.questions.flatMap((question) =>
    question.type === 'choice' ? [question.text, ...question.choices.map(choiceLabel)] : [question.text],
  );
  return [survey.intro ?? '', survey.end, ...questionTexts];
}

describe('schema/survey.schema.json', () => {
  it('matches the output of scripts/generate-survey-schema.ts', () => {
    const committed = readFileSync(path.join(root, 'schema/survey.schema.json'), 'utf8');

    expect(committed).toBe(`${JSON.stringify(buildSurveyJsonSchema(), null, 2)}\n`);
  });

  it('leaves properties with defaults optional', () => {
    const schema = buildSurveyJsonSchema() as { required: string[]; additionalProperties: boolean };

    expect(schema.required).toEqual(['id', 'title', 'keywords', 'questions', 'end']);
    expect(schema.additionalProperties).toBe(false);
  });
});

describe('example surveys', () => {
  it('contains the example surveys', () => {
    expect(readdirSync(surveysDir)).toEqual(expect.arrayContaining(surveyFiles));
  });

  it.each(surveyFiles)('%s loads without error', (fileName) => {
    const source = readFileSync(path.join(surveysDir, fileName), 'utf8');

    expect(() => parseSurveyFile(fileName, source)).not.toThrow();
  });

  it.each(surveyFiles)('%s points editors at the schema', (fileName) => {
    const source = readFileSync(path.join(surveysDir, fileName), 'utf8');

    expect(JSON.parse(source).$schema).toBe('../schema/survey.schema.json');
  });

  it.each(surveyFiles)('%s uses only GSM-7 characters', (fileName) => {
    const source = readFileSync(path.join(surveysDir, fileName), 'utf8');
    const outside = textsOf(source).flatMap((text) => [...text].filter((character) => !GSM_7_BASIC.has(character)));

    expect(outside).toEqual([]);
  });

  it('gives every survey its own keywords', () => {
    const keywords = surveyFiles.flatMap((fileName) => {
      const source = readFileSync(path.join(surveysDir, fileName), 'utf8');
      return parseSurveyFile(fileName, source).survey.keywords;
    });

    expect(new Set(keywords).size).toBe(keywords.length);
  });
});
