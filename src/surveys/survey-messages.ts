import { parseAnswer } from '../engine/answers/index.ts';
import { createEngineTexts, type EngineTexts } from '../engine/engine-texts.ts';
import { parsePipedText } from '../engine/piped-text.ts';
import { renderQuestion } from '../engine/question-text.ts';
import { withSkipHint } from '../engine/survey-prompt.ts';
import { DEFAULT_END_ID } from './logic-schema.ts';
import { flowEdges, type FlowEdge } from './survey-flow.ts';
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

// Only movingOn, the skip hint and the answer hints are used, and they do not depend on the program name.
const ENGINE_TEXTS = createEngineTexts({ programName: 'Parley surveys' });

/** What a piped value without a fallback is counted as: 10 characters, a guess at a typical name or answer. */
const PIPED_STAND_IN = 'x'.repeat(10);

/**
 * Lists every message a respondent can receive from the survey itself, composed as the
 * conversation engine composes them. They are the intro with the first question, each
 * further question, each message with what follows it, each question asked again after
 * an invalid answer (its hint first), the end message and each named end. Then come the
 * "Let's move on." messages that follow used-up retries, and last the reminders, each
 * with the first question. A field's first message in the list is the one it is usually
 * sent in.
 *
 * Piped references count as their fallback, or as 10 characters when they have none,
 * so the segment counts of texts with references are estimates.
 *
 * The replies to HELP, START and STOP are left out, because their text depends on the
 * server's PROGRAM_NAME and HELP_TEXT. The engine's texts, hints and "Let's move on."
 * among them, are `texts`: pass them in the survey's language.
 */
export function listSurveyMessages(survey: Survey, texts: EngineTexts = ENGINE_TEXTS): SurveyMessage[] {
  const { intro, questions, ends, reminders } = survey;
  const messages: SurveyMessage[] = [];
  // What can follow "Let's move on.": every prompt after the first, and the ends.
  const laterPrompts: SurveyMessage[] = [];
  const prompts = new PromptVariants(survey);
  const opening = prompts.reaching(questions[0]!.id);
  const afterReply = prompts.reachedAfterReply();

  questions.forEach((item, index) => {
    if (index === 0) {
      for (const first of opening) {
        messages.push(
          intro === undefined
            ? { ...first, label: `first ${first.label}` }
            : { label: `intro + ${first.label}`, text: joinParagraphs(estimate(intro), first.text), fields: [['intro'], ...first.fields] },
        );
      }
    } else if (afterReply.has(item.id)) {
      // A message is sent with what follows it.
      const reached = item.type === 'message' ? prompts.reaching(item.id) : [askQuestion(item, index)];
      const unlisted = reached.filter((prompt) => !laterPrompts.some((listed) => listed.label === prompt.label));
      messages.push(...unlisted);
      laterPrompts.push(...unlisted);
    }

    if (item.type === 'message') return;
    const reply = parseAnswer(item, '', { language: survey.language, hints: texts.answerHints });
    if (!reply.ok) {
      const asked = askQuestion(item, index);
      const hint = withSkipHint(survey, item, reply.expected, texts.skipHint);
      messages.push({ label: `${asked.label} asked again`, text: joinParagraphs(hint, asked.text), fields: asked.fields });
    }
  });

  const endMessages = [prompts.end(DEFAULT_END_ID), ...Object.keys(ends).map((id) => prompts.end(id))];
  messages.push(...endMessages);
  laterPrompts.push(...endMessages);

  for (const next of laterPrompts) {
    messages.push({ label: `moving on + ${next.label}`, text: joinParagraphs(texts.movingOn, next.text), fields: next.fields });
  }

  // A reminder goes only to a respondent who has not replied, so it repeats the first question.
  reminders.forEach((reminder, index) => {
    for (const first of opening) {
      messages.push({
        label: `reminder ${index + 1} + ${first.label}`,
        text: joinParagraphs(estimate(reminder.text), first.text),
        fields: [['reminders', index, 'text'], ...first.fields],
      });
    }
  });
  return messages;
}

/** The messages that arriving at an entry can send: a question, an end, or a chain of messages before one of them. */
class PromptVariants {
  readonly #survey: Survey;
  readonly #edges: FlowEdge[];

  constructor(survey: Survey) {
    this.#survey = survey;
    this.#edges = flowEdges(survey);
  }

  reaching(id: string): SurveyMessage[] {
    const index = this.#survey.questions.findIndex((item) => item.id === id);
    const item = this.#survey.questions[index];
    if (item === undefined) return [this.end(id)];

    const variants: SurveyMessage[] = [];
    if (item.type !== 'message') variants.push(askQuestion(item, index));

    // The entry as shown comes before the entry passed over when hidden.
    const ways = this.#edges.filter((candidate) => candidate.from === id);
    for (const edge of [...ways.filter((way) => way.kind !== 'hidden'), ...ways.filter((way) => way.kind === 'hidden')]) {
      if (edge.kind === 'hidden') {
        variants.push(...this.reaching(edge.to));
      } else if (item.type === 'message') {
        const message = { label: `message ${JSON.stringify(item.id)}`, text: estimate(item.text), fields: [['questions', index, 'text']] };
        variants.push(...this.reaching(edge.to).map((next) => join(message, next)));
      }
    }
    return withoutRepeats(variants);
  }

  /**
   * Collects the entries that a reply can lead to directly, without a message before
   * them: targets of a question's rules and following entry, and the entries after a
   * hidden one.
   */
  reachedAfterReply(): Set<string> {
    const isQuestion = (id: string) => this.#survey.questions.some((item) => item.id === id && item.type !== 'message');
    const reached = new Set(this.#edges.filter((edge) => edge.kind !== 'hidden' && isQuestion(edge.from)).map((edge) => edge.to));

    let grown = true;
    while (grown) {
      grown = false;
      for (const edge of this.#edges) {
        if (edge.kind === 'hidden' && reached.has(edge.from) && !reached.has(edge.to)) {
          reached.add(edge.to);
          grown = true;
        }
      }
    }
    return reached;
  }

  end(id: string): SurveyMessage {
    if (id === DEFAULT_END_ID) return { label: 'end', text: estimate(this.#survey.end), fields: [['end']] };
    return { label: `end ${JSON.stringify(id)}`, text: estimate(this.#survey.ends[id]!.text), fields: [['ends', id, 'text']] };
  }
}

function join(first: SurveyMessage, second: SurveyMessage): SurveyMessage {
  return { label: `${first.label} + ${second.label}`, text: joinParagraphs(first.text, second.text), fields: [...first.fields, ...second.fields] };
}

function withoutRepeats(variants: SurveyMessage[]): SurveyMessage[] {
  const seen = new Set<string>();
  return variants.filter((variant) => !seen.has(variant.label) && seen.add(variant.label));
}

/** Builds the message that asks one question, as renderQuestion sends it. */
function askQuestion(question: Question, index: number): SurveyMessage {
  const fields: SurveyFieldPath[] = [['questions', index, 'text']];
  if (question.type === 'rating') {
    if (question.minLabel !== undefined) fields.push(['questions', index, 'minLabel']);
    if (question.maxLabel !== undefined) fields.push(['questions', index, 'maxLabel']);
  }
  if (question.type === 'choice' || question.type === 'multi') {
    fields.push(
      ...question.choices.map((choice, choiceIndex) =>
        typeof choice === 'string' ? ['questions', index, 'choices', choiceIndex] : ['questions', index, 'choices', choiceIndex, 'label'],
      ),
    );
  }

  return { label: `question ${JSON.stringify(question.id)}`, text: renderQuestion({ ...question, text: estimate(question.text) }), fields };
}

/** Replaces each piped reference with its fallback, or with the stand-in when it has none. */
function estimate(text: string): string {
  let estimated = '';
  let next = 0;
  for (const { index, written, fallback } of parsePipedText(text).references) {
    estimated += text.slice(next, index) + (fallback ?? PIPED_STAND_IN);
    next = index + written.length;
  }
  return estimated + text.slice(next);
}

// The same separator the conversation engine puts between the parts of one reply.
function joinParagraphs(...parts: string[]): string {
  return parts.join('\n\n');
}
