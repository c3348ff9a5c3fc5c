import { parseAnswer } from '../engine/answers/index.ts';
import { createEngineTexts } from '../engine/engine-texts.ts';
import { renderQuestion } from '../engine/question-text.ts';
import type { Question, Survey } from './survey-schema.ts';

/** A JSON path into a survey file, such as `['questions', 1, 'text']`. */
export type SurveyFieldPath = readonly (string | number)[];

/** One SMS body that a respondent can receive while taking a survey. */
export interface SurveyMessage {
  /** Short description, such as `intro + question "score"` or `question "channel" asked again`. */
  label: string;
  text: string;
  /** The survey fields whose text the message contains, in the order they appear in it. */
  fields: SurveyFieldPath[];
}

// Only movingOn is used, and it does not depend on the program name.
const ENGINE_TEXTS = createEngineTexts({ programName: 'Parley surveys' });

/**
 * Lists every message a respondent can receive from the survey itself, composed as the
 * conversation engine composes them. They are the intro with the first question, each
 * further question, each question asked again after an invalid answer (its hint first)
 * and the end message. Then come the "Let's move on." messages that follow used-up
 * retries, and last the reminders, each with the first question. A field's first
 * message in the list is the one it is usually sent in.
 *
 * The replies to HELP, START and STOP are left out, because their text depends on the
 * server's PROGRAM_NAME and HELP_TEXT.
 */
export function listSurveyMessages(survey: Survey): SurveyMessage[] {
  const { intro, questions, end } = survey;
  const messages: SurveyMessage[] = [];
  // What can follow "Let's move on.": every question but the first, and the end message.
  const laterPrompts: SurveyMessage[] = [];

  questions.forEach((question, index) => {
    const asked = askQuestion(question, index);

    if (index > 0) {
      messages.push(asked);
      laterPrompts.push(asked);
    } else if (intro === undefined) {
      messages.push({ ...asked, label: `first ${asked.label}` });
    } else {
      messages.push({ label: `intro + ${asked.label}`, text: joinParagraphs(intro, asked.text), fields: [['intro'], ...asked.fields] });
    }

    const reply = parseAnswer(question, '');
    if (!reply.ok) {
      messages.push({ label: `${asked.label} asked again`, text: joinParagraphs(reply.expected, asked.text), fields: asked.fields });
    }
  });

  const endMessage: SurveyMessage = { label: 'end', text: end, fields: [['end']] };
  messages.push(endMessage);
  laterPrompts.push(endMessage);

  for (const next of laterPrompts) {
    messages.push({ label: `moving on + ${next.label}`, text: joinParagraphs(ENGINE_TEXTS.movingOn, next.text), fields: next.fields });
  }

  // A reminder goes only to a respondent who has not replied, so it repeats the first question.
  const first = askQuestion(questions[0]!, 0);
  survey.reminders.forEach((reminder, index) => {
    messages.push({
      label: `reminder ${index + 1} + ${first.label}`,
      text: joinParagraphs(reminder.text, first.text),
      fields: [['reminders', index, 'text'], ...first.fields],
    });
  });
  return messages;
}

/** Builds the message that asks one question, as renderQuestion sends it. */
function askQuestion(question: Question, index: number): SurveyMessage {
  const fields: SurveyFieldPath[] = [['questions', index, 'text']];
  if (question.type === 'choice') {
    fields.push(...question.choices.map((_choice, choiceIndex) => ['questions', index, 'choices', choiceIndex]));
  }

  return { label: `question ${JSON.stringify(question.id)}`, text: renderQuestion(question), fields };
}

// The same separator the conversation engine puts between the parts of one reply.
function joinParagraphs(...parts: string[]): string {
  return parts.join('\n\n');
}
