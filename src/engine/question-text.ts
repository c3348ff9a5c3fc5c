import { choiceLabel } from '../surveys/choice-option.ts';
import type { Question } from '../surveys/survey-schema.ts';

/**
 * Renders a question as the SMS text that asks it. A choice or multi question lists its
 * options below the text, one per line and numbered from 1 ("1. Search"), which is what
 * a reply of "1" refers to.
 */
export function renderQuestion(question: Question): string {
  if (question.type !== 'choice' && question.type !== 'multi') return question.text;

  const options = question.choices.map((choice, index) => `${index + 1}. ${choiceLabel(choice)}`);
  return [question.text, ...options].join('\n');
}
