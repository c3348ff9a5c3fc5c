/**
 * Writes schema/survey.schema.json from the zod schema in src/surveys/survey-schema.ts.
 * Run after changing that schema: `npx tsx scripts/generate-survey-schema.ts`.
 * A test fails while the committed file differs from the output.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildSurveyJsonSchema } from '../src/surveys/survey-schema.ts';

const outputFile = path.resolve(import.meta.dirname, '../schema/survey.schema.json');

writeFileSync(outputFile, `${JSON.stringify(buildSurveyJsonSchema(), null, 2)}\n`);
console.log(`Wrote ${path.relative(process.cwd(), outputFile)}`);
