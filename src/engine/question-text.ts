import { choiceLabel } from '../surveys/choice-option.ts';
import type { Question } from '../surveys/survey-schema.ts';

/**
 * Renders a question as the SMS text that asks it. A choice, multi or language question
 * lists its options below the text, one per line and numbered from 1 ("1. Search"), which
 * is what a reply of "1" refers to. A rating question with labels shows them on a line of their
 * own, as in "1 = Very unhappy, 5 = Very happy".
 */
export function renderQuestion(question: Question): string {
  if (question.type === 'rating') {
    const { min, max, minLabel, maxLabel } = question;
    const labels = [
      minLabel === undefined ? undefined : `${min} = ${minLabel}`,
      maxLabel === undefined ? undefined : `${max} = ${maxLabel}`,
    ].filter((label) => label !== undefined);
    return labels.length === 0 ? question.text : `${question.text}\n${labels.join(', ')}`;
  }
  if (question.type !== 'choice' && question.type !== 'multi' && question.type !== 'language') return question.text;

  const options = question.choices.map((choice, index) => `${index + 1}. ${choiceLabel(choice)}`);
  return [question.text, ...options].join('\n');
}
