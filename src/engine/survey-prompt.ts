import type { Contact } from '../storage/tables.ts';
import { toChoiceOption } from '../surveys/choice-option.ts';
import type { Question, Survey, SurveyItem } from '../surveys/survey-schema.ts';
import type { AnswerValue, RecordedAnswer } from './conditions.ts';
import { yesNoWords } from './engine-texts.ts';
import { type PipeResolver, fillPipedText } from './piped-text.ts';
import { renderQuestion } from './question-text.ts';
import { computeScores } from './scores.ts';
import { type SurveySnapshot, leadMessages, pendingQuestion, reachedEnd } from './survey-machine.ts';

/** A respondent's contact fields for `{{contact.*}}`: the names, phone, language and every extra CSV column. */
export type ContactFields = Readonly<Record<string, string>>;

/** Builds the fields `{{contact.*}}` can use from a contact row, or none for a respondent who is not a contact. */
export function contactFields(contact: Contact | undefined): ContactFields | undefined {
  if (contact === undefined) return undefined;

  const fields: Record<string, string> = Object.create(null) as Record<string, string>;
  Object.assign(fields, JSON.parse(contact.fields) as Record<string, string>);
  fields.phone = contact.phone;
  if (contact.first_name !== null) fields.first_name = contact.first_name;
  if (contact.last_name !== null) fields.last_name = contact.last_name;
  if (contact.language !== null) fields.language = contact.language;
  return fields;
}

/**
 * Renders what the respondent receives now for a snapshot: the messages passed since
 * the last reply, then the pending question, or the end the survey reached. References
 * such as `{{answers.name}}` are filled from the snapshot and `contact`.
 */
export function renderPrompt(survey: Survey, snapshot: SurveySnapshot, contact: ContactFields | undefined): string {
  const fill = pipeResolver(survey, snapshot.context.answers, contact);
  const messages = leadMessages(survey, snapshot).map((message) => fillPipedText(message.text, fill));

  const question = pendingQuestion(survey, snapshot);
  if (question !== undefined) return joinParagraphs(...messages, renderQuestion(pipeQuestion(question, fill)));
  return joinParagraphs(...messages, fillPipedText(reachedEnd(survey, snapshot)?.text ?? survey.end, fill));
}

/** Renders the first message of a session: the intro followed by {@link renderPrompt} of the initial snapshot. */
export function renderOpening(survey: Survey, snapshot: SurveySnapshot, contact: ContactFields | undefined): string {
  const intro = survey.intro === undefined ? undefined : fillPipedText(survey.intro, pipeResolver(survey, {}, contact));
  return joinParagraphs(intro, renderPrompt(survey, snapshot, contact));
}

/** Renders one question alone, as it is asked again after an invalid reply. */
export function renderQuestionAlone(survey: Survey, question: Question, snapshot: SurveySnapshot, contact: ContactFields | undefined): string {
  return renderQuestion(pipeQuestion(question, pipeResolver(survey, snapshot.context.answers, contact)));
}

/**
 * Renders the reply to an invalid answer: the hint, then the question alone. The hint of
 * an optional question whose text does not name the skip word also explains how to skip it.
 */
export function renderInvalidReply(
  survey: Survey,
  question: Question,
  snapshot: SurveySnapshot,
  contact: ContactFields | undefined,
  hint: string,
  texts: { skipHint: (skipWord: string) => string },
): string {
  return joinParagraphs(withSkipHint(survey, question, hint, texts.skipHint), renderQuestionAlone(survey, question, snapshot, contact));
}

/** Adds the skip hint to the hint of an optional question whose text does not name the survey's skip word. */
export function withSkipHint(survey: Survey, question: Question, hint: string, skipHint: (skipWord: string) => string): string {
  // The skip word is letters A-Z and digits only, so it needs no escaping.
  const named = new RegExp(`(?<![\\p{L}\\p{N}])${survey.skipWord}(?![\\p{L}\\p{N}])`, 'iu').test(question.text);
  if (question.optional !== true || named) return hint;
  return `${hint} ${skipHint(survey.skipWord)}`;
}

/** Fills the references of any other survey text, such as a reminder, from a snapshot. */
export function fillSurveyText(survey: Survey, text: string, snapshot: SurveySnapshot, contact: ContactFields | undefined): string {
  return fillPipedText(text, pipeResolver(survey, snapshot.context.answers, contact));
}

function pipeQuestion(question: Question, fill: PipeResolver): Question {
  return { ...question, text: fillPipedText(question.text, fill) };
}

function pipeResolver(survey: Survey, answers: Readonly<Record<string, RecordedAnswer>>, contact: ContactFields | undefined): PipeResolver {
  let scores: Record<string, number> | undefined;

  return (source, name) => {
    if (source === 'contact') return contact !== undefined && Object.hasOwn(contact, name) ? contact[name] : undefined;
    if (source === 'scores') {
      scores ??= computeScores(survey.scores, answers);
      return Object.hasOwn(scores, name) ? String(scores[name]) : undefined;
    }

    const recorded = Object.hasOwn(answers, name) ? answers[name] : undefined;
    if (recorded?.status !== 'answered') return undefined;
    return formatAnswer(recorded.value, survey.questions.find((item) => item.id === name), survey.language);
  };
}

/**
 * Formats an answer for a text in the survey's `language`. A choice answer is the chosen
 * choice's label (the respondent's own words for an "other" choice, and the labels joined
 * by commas for several), a yes/no answer is "yes" or "no" ("sí" or "no" in Spanish), and
 * any other answer is the number or the text.
 */
function formatAnswer(value: AnswerValue, question: SurveyItem | undefined, language: string): string {
  if (typeof value === 'boolean') return value ? yesNoWords(language).yes : yesNoWords(language).no;
  if (Array.isArray(value)) return value.map((item) => formatAnswer(item, question, language)).join(', ');
  if (typeof value === 'object') return value.text;
  if (typeof value !== 'string' || question === undefined || !('choices' in question)) return String(value);

  const chosen = question.choices.map(toChoiceOption).find((option) => option.value === value);
  return chosen?.label ?? value;
}

/** Joins the non-empty parts with a blank line, as every multi-part reply is joined. */
export function joinParagraphs(...parts: Array<string | undefined>): string {
  return parts.filter((part): part is string => part !== undefined && part !== '').join('\n\n');
}
