import { type Condition, conditionReferences, NUMBER_TESTS, type ConditionValue, type ValueTests } from '../engine/conditions.ts';
import { normalizeForMatching } from '../engine/answers/normalize.ts';
import { normalizeKeyword } from '../engine/keywords.ts';
import { parsePipedText } from '../engine/piped-text.ts';
import type { ScoreDefinition } from '../engine/scores.ts';
import { DEFAULT_END_ID } from './logic-schema.ts';
import { findPath, flowEdges, isKnownTarget, type FlowEdge, type FlowItem } from './survey-flow.ts';
import { type ChoiceInput, type ChoiceOption, toChoiceOption } from './choice-option.ts';
import { closestMatch, quoteList, quoteValue } from './validation-messages.ts';

type JsonPath = readonly (string | number)[];

interface LogicItem extends FlowItem {
  text: string;
  choices?: unknown;
  optional?: boolean | undefined;
  /** The accepted range of a number or rating question, inclusive. */
  min?: number | undefined;
  max?: number | undefined;
  /** Whether a number question accepts only whole numbers. */
  integer?: boolean | undefined;
}

/** The parts of a parsed survey that its logic refers to. */
export interface LogicSurvey {
  keywords: readonly string[];
  intro?: string | undefined;
  questions: readonly LogicItem[];
  end: string;
  reminders?: ReadonlyArray<{ text: string }> | undefined;
  ends?: Readonly<Record<string, { text: string; screenOut?: boolean | undefined }>> | undefined;
  scores?: Readonly<Record<string, ScoreDefinition>> | undefined;
  skipWord: string;
  /** Default: ["en"]. */
  languages?: readonly string[] | undefined;
}

interface IssueContext {
  addIssue(issue: { code: 'custom'; path: (string | number)[]; input: unknown; message: string }): void;
}

/** The kind of value a question type's answers are, which decides the tests and scores allowed on them. */
type AnswerKind = 'choice' | 'multi' | 'boolean' | 'number' | 'text' | 'message' | 'other';

const ANSWER_KIND_BY_TYPE: Record<string, AnswerKind> = {
  choice: 'choice',
  multi: 'multi',
  yesno: 'boolean',
  number: 'number',
  nps: 'number',
  rating: 'number',
  text: 'text',
  message: 'message',
  language: 'choice',
};

function answerKind(item: LogicItem): AnswerKind {
  return ANSWER_KIND_BY_TYPE[item.type] ?? 'other';
}

/**
 * The answer kinds that `numericValue` in src/engine/scores.ts turns into a number: a
 * number as itself, true or false as 1 or 0, and a choice's value (for a language
 * question, the language tag) through the score's `values`. It gives no number for
 * text, a date or a multi answer, so a score summing one of those would never exist.
 */
const SUMMABLE_KINDS: readonly AnswerKind[] = ['number', 'boolean', 'choice'];

/** Reasons, by question type, that the answers of a type that cannot be summed have no number. */
const UNSUMMABLE_REASONS: Partial<Record<string, string>> = {
  text: 'whose answers are text, not numbers',
  date: 'whose answers are dates, not numbers',
  multi: 'whose answers pick several choices and so have no single number',
};

const SUMMABLE_TYPES_TEXT =
  'A score adds up number, nps and rating answers, yesno answers (1 or 0), and choice and language answers through "values".';

/** The answers a number, nps or rating question accepts, which are the only values its answers can have. */
interface AnswerRange {
  min?: number | undefined;
  max?: number | undefined;
  integer: boolean;
}

function answerRange(item: LogicItem): AnswerRange | undefined {
  if (item.type === 'nps') return { min: 0, max: 10, integer: true };
  if (item.type === 'rating') return { min: item.min, max: item.max, integer: true };
  if (item.type === 'number') return { min: item.min, max: item.max, integer: item.integer === true };
  return undefined;
}

/** Describes a range for a message, such as "whole numbers from 1 to 5" or "numbers of at least 0". */
function describeRange({ min, max, integer }: AnswerRange): string {
  const noun = integer ? 'whole numbers' : 'numbers';
  if (min !== undefined && max !== undefined) return `${noun} from ${min} to ${max}`;
  if (min !== undefined) return `${noun} of at least ${min}`;
  if (max !== undefined) return `${noun} of at most ${max}`;
  return noun;
}

/** Returns whether some answer in the range equals `value`. */
function isInRange(value: number, { min, max, integer }: AnswerRange): boolean {
  if (integer && !Number.isInteger(value)) return false;
  return (min === undefined || value >= min) && (max === undefined || value <= max);
}

/**
 * Returns the fix for a number test that no answer in the range passes, or undefined
 * when some answer does. A whole-number range starts at its min rounded up and ends at
 * its max rounded down, so `"lt": 1` with min 1 is never true but `"lte": 1` can be.
 */
function impossibleTestFix(test: (typeof NUMBER_TESTS)[number], bound: number, range: AnswerRange): string | undefined {
  let lowest = range.min;
  let highest = range.max;
  if (range.integer && lowest !== undefined) lowest = Math.ceil(lowest);
  if (range.integer && highest !== undefined) highest = Math.floor(highest);

  if (test === 'lt' && lowest !== undefined && !(lowest < bound)) return `Use a number above ${lowest}`;
  if (test === 'lte' && lowest !== undefined && !(lowest <= bound)) return `Use ${lowest} or more`;
  if (test === 'gt' && highest !== undefined && !(highest > bound)) return `Use a number below ${highest}`;
  if (test === 'gte' && highest !== undefined && !(highest >= bound)) return `Use ${highest} or less`;
  return undefined;
}

/** Resolves a choice question's options, whether written as text or as objects with a `label`. */
function choiceOptions(item: { choices?: unknown }): ChoiceOption[] {
  if (!Array.isArray(item.choices)) return [];
  return item.choices.map((choice: ChoiceInput) => toChoiceOption(choice));
}

/** Returns the values that a choice question's answers store, which conditions and score values are written with. */
function choiceValues(item: { choices?: unknown }): string[] {
  return choiceOptions(item).map((option) => option.value);
}

/**
 * Checks what refers to what in a survey: the questions and scores in conditions, the
 * targets of `goto`, the questions of scores, piped references in texts, and the skip
 * word. A `goto` may only go forward, which also rules out loops.
 */
export function checkSurveyLogic(survey: LogicSurvey, context: IssueContext): void {
  const report = (path: JsonPath, input: unknown, message: string) => context.addIssue({ code: 'custom', path: [...path], input, message });
  // A language question's choices are the survey's languages, and its answers their tags.
  const languages = survey.languages ?? ['en'];
  const questions = survey.questions.map((item) =>
    item.type === 'language' ? { ...item, choices: languages.map((language) => ({ label: language, value: language })) } : item,
  );
  const checker = new LogicChecker({ ...survey, questions }, report);

  checker.checkIds();
  survey.questions.forEach((item, index) => checker.checkItem(item, index));
  checker.checkScores();
  checker.checkSkipWord();
  checker.checkTexts();
}

class LogicChecker {
  readonly #survey: LogicSurvey;
  readonly #report: (path: JsonPath, input: unknown, message: string) => void;
  readonly #indexById = new Map<string, number>();
  readonly #edges: FlowEdge[];

  constructor(survey: LogicSurvey, report: (path: JsonPath, input: unknown, message: string) => void) {
    this.#survey = survey;
    this.#report = report;
    survey.questions.forEach((item, index) => {
      if (!this.#indexById.has(item.id)) this.#indexById.set(item.id, index);
    });
    this.#edges = flowEdges(survey);
  }

  checkIds(): void {
    for (const endId of Object.keys(this.#survey.ends ?? {})) {
      if (endId === DEFAULT_END_ID) {
        this.#report(['ends', endId], endId, `end id "${DEFAULT_END_ID}" is the built-in end that sends the "end" message. Give this end another id, such as "finished".`);
      } else if (this.#indexById.has(endId)) {
        this.#report(['ends', endId], endId, `end id ${quoteValue(endId)} is also the id of $.questions[${this.#indexById.get(endId)}], so a goto to it would be ambiguous. Rename the end or the question.`);
      }
    }
    for (const scoreId of Object.keys(this.#survey.scores ?? {})) {
      if (this.#indexById.has(scoreId)) {
        this.#report(['scores', scoreId], scoreId, `score id ${quoteValue(scoreId)} is also the id of $.questions[${this.#indexById.get(scoreId)}], so both would get the same export column. Rename the score, for example "${scoreId}_score".`);
      }
    }
  }

  checkItem(item: LogicItem, index: number): void {
    const path = ['questions', index];
    if (item.showIf !== undefined) {
      this.#checkCondition(item.showIf, [...path, 'showIf'], index, false);
    }
    (item.next ?? []).forEach((rule, ruleIndex) => {
      const rulePath = [...path, 'next', ruleIndex];
      if (rule.if !== undefined) this.#checkCondition(rule.if, [...rulePath, 'if'], index, true);
      this.#checkGoto(item, index, rule.goto, [...rulePath, 'goto']);
    });
  }

  #checkGoto(item: LogicItem, index: number, target: string, path: JsonPath): void {
    if (!isKnownTarget(this.#survey, target)) {
      const candidates = [...this.#survey.questions.slice(index + 1).map((later) => later.id), DEFAULT_END_ID, ...Object.keys(this.#survey.ends ?? {})];
      const suggestion = closestMatch(target, candidates);
      const hint = suggestion === undefined ? '' : ` Did you mean "${suggestion}"?`;
      this.#report(
        path,
        target,
        `goto ${quoteValue(target)} is not a question or an end of this survey.${hint} Use a later question's id, "${DEFAULT_END_ID}", ` +
          `or an end defined in "ends" (to add one, write "ends": { ${JSON.stringify(target)}: { "text": "..." } }).`,
      );
      return;
    }

    const targetIndex = this.#indexById.get(target);
    if (targetIndex === undefined || targetIndex > index) return;
    if (targetIndex === index) {
      this.#report(path, target, `goto ${quoteValue(target)} goes back to this same question, which makes a loop: a respondent could be asked it forever. Go to a later question or an end.`);
      return;
    }

    const loop = findPath(target, item.id, this.#edges);
    const described = loop === undefined ? '' : `, which makes a loop: ${[...loop, target].join(' → ')}`;
    this.#report(
      path,
      target,
      `goto ${quoteValue(target)} goes back to $.questions[${targetIndex}], before this question${described}. Parley moves only forward through a survey, ` +
        'so go to a later question or an end, and reorder the questions if needed.',
    );
  }

  /** Checks a condition read at entry `index`. `includesOwn` allows the entry's own answer, as in `next` but not in `showIf`. */
  #checkCondition(condition: Condition, path: JsonPath, index: number, includesOwn: boolean): void {
    for (const reference of conditionReferences(condition)) {
      const referencePath = [...path, ...reference.path];
      if (reference.kind === 'score') {
        if (this.#checkScoreId(reference.id, [...referencePath, 'score'])) this.#checkScoreTests(reference.condition, referencePath);
        continue;
      }

      const lastAnswered = includesOwn ? index : index - 1;
      const target = this.#answerSource(reference.id, [...referencePath, 'answer'], lastAnswered, 'the condition is read', '');
      if (target !== undefined) this.#checkAnswerTests(target, reference.condition, referencePath);
    }
  }

  /**
   * Returns the question whose answer is used at some point, or reports why it has none
   * there. Only questions up to `lastAnswered` (an index into `questions`) have answers
   * `when` (a phrase such as "the condition is read"); `prefix` starts the message.
   */
  #answerSource(id: string, path: JsonPath, lastAnswered: number, when: string, prefix: string): LogicItem | undefined {
    const targetIndex = this.#indexById.get(id);
    if (targetIndex === undefined) {
      const usable = this.#survey.questions.filter((item, index) => item.type !== 'message' && index <= lastAnswered).map((item) => item.id);
      const suggestion = closestMatch(id, usable);
      const hint = suggestion === undefined ? '' : ` Did you mean "${suggestion}"?`;
      const fix = usable.length === 0 ? 'No question is answered by this point, so refer to none here.' : `Refer to one of ${quoteList(usable)}.`;
      this.#report(path, id, `${prefix}question ${quoteValue(id)} is not in this survey.${hint} ${fix}`);
      return undefined;
    }

    const target = this.#survey.questions[targetIndex]!;
    if (target.type === 'message') {
      this.#report(path, id, `${prefix}${quoteValue(id)} is a message, which has no answer. Refer to a question instead.`);
      return undefined;
    }
    if (targetIndex > lastAnswered) {
      this.#report(
        path,
        id,
        `${prefix}question ${quoteValue(id)} ($.questions[${targetIndex}]) is not answered yet when ${when}. Refer to an earlier question, or move this further down the survey.`,
      );
      return undefined;
    }
    return target;
  }

  #checkAnswerTests(target: LogicItem, condition: ValueTests, path: JsonPath): void {
    const kind = answerKind(target);
    const about = `question ${quoteValue(target.id)} is a ${target.type} question`;

    const range = answerRange(target);
    for (const test of NUMBER_TESTS) {
      const bound = condition[test];
      if (bound === undefined) continue;
      if (kind !== 'number' && kind !== 'other') {
        this.#report([...path, test], bound, `"${test}" compares numbers, but ${about}, whose answers are not numbers. Use "equals" or "in" instead.`);
        continue;
      }

      const fix = range === undefined ? undefined : impossibleTestFix(test, bound, range);
      if (fix !== undefined) {
        this.#report(
          [...path, test],
          bound,
          `"${test}": ${bound} can never hold, because ${about}, whose answers are ${describeRange(range!)}. ${fix}, or remove the test.`,
        );
      }
    }

    const compared: Array<[ConditionValue, JsonPath]> = [];
    if (condition.equals !== undefined) compared.push([condition.equals, [...path, 'equals']]);
    condition.in?.forEach((value, item) => compared.push([value, [...path, 'in', item]]));

    for (const [value, valuePath] of compared) {
      if (kind === 'choice' || kind === 'multi') {
        const values = choiceValues(target);
        const normalized = typeof value === 'string' ? normalizeForMatching(value) : undefined;
        if (!values.some((choiceValue) => normalizeForMatching(choiceValue) === normalized)) {
          this.#report(
            valuePath,
            value,
            `${quoteValue(value)} is not a choice of question ${quoteValue(target.id)}, so no answer could match it.${this.#choiceHint(target, value)} ` +
              `Use one of ${quoteList(values)}.`,
          );
        }
      } else if (kind === 'boolean' && typeof value !== 'boolean') {
        this.#report(valuePath, value, `${about}, whose answers are true (yes) or false (no), got ${quoteValue(value)}. Write true or false without quotes.`);
      } else if (kind === 'number' && typeof value !== 'number') {
        this.#report(valuePath, value, `${about}, whose answers are numbers, got ${quoteValue(value)}. Write the number without quotes.`);
      } else if (kind === 'number' && range !== undefined && !isInRange(value as number, range)) {
        this.#report(
          valuePath,
          value,
          `${about}, whose answers are ${describeRange(range)}, so no answer could be ${quoteValue(value)}. Use ${range.integer ? 'a whole number' : 'a number'} in that range.`,
        );
      } else if (kind === 'text' && typeof value !== 'string') {
        this.#report(valuePath, value, `${about}, whose answers are text, got ${quoteValue(value)}. Write the text in quotes.`);
      }
    }
  }

  /** Suggests the value of a choice whose label was written, or the closest value. */
  #choiceHint(target: LogicItem, written: unknown): string {
    if (typeof written !== 'string') return '';

    const byLabel = choiceOptions(target).find((option) => normalizeForMatching(option.label) === normalizeForMatching(written));
    if (byLabel !== undefined) return ` Conditions and scores use a choice's value, and the value of ${quoteValue(byLabel.label)} is ${quoteValue(byLabel.value)}.`;
    const suggestion = closestMatch(written, choiceValues(target));
    return suggestion === undefined ? '' : ` Did you mean "${suggestion}"?`;
  }

  #checkScoreId(id: string, path: JsonPath): boolean {
    const scores = this.#survey.scores ?? {};
    if (Object.hasOwn(scores, id)) return true;

    const ids = Object.keys(scores);
    const suggestion = closestMatch(id, ids);
    const hint = suggestion === undefined ? '' : ` Did you mean "${suggestion}"?`;
    const fix = ids.length === 0 ? `Define it in "scores", for example "scores": { ${JSON.stringify(id)}: { "sum": ["QUESTION_ID"] } }.` : `Use one of ${quoteList(ids)}, or define it in "scores".`;
    this.#report(path, id, `score ${quoteValue(id)} is not defined in "scores".${hint} ${fix}`);
    return false;
  }

  #checkScoreTests(condition: ValueTests, path: JsonPath): void {
    const values: Array<[unknown, JsonPath]> = [];
    if (condition.equals !== undefined) values.push([condition.equals, [...path, 'equals']]);
    condition.in?.forEach((value, item) => values.push([value, [...path, 'in', item]]));
    for (const [value, valuePath] of values) {
      if (typeof value !== 'number') this.#report(valuePath, value, `a score is a number, got ${quoteValue(value)}. Write the number without quotes.`);
    }
  }

  checkScores(): void {
    for (const [scoreId, definition] of Object.entries(this.#survey.scores ?? {})) {
      const path = ['scores', scoreId];
      const summed: LogicItem[] = [];

      definition.sum.forEach((id, index) => {
        const target = this.#answerSource(id, [...path, 'sum', index], this.#survey.questions.length, 'the score is computed', '');
        if (target === undefined) return;

        const kind = answerKind(target);
        if (!SUMMABLE_KINDS.includes(kind)) {
          const reason = UNSUMMABLE_REASONS[target.type] ?? 'whose answers are not numbers';
          const alternative = kind === 'multi' ? ', or make it a choice question' : '';
          this.#report(
            [...path, 'sum', index],
            id,
            `question ${quoteValue(id)} is a ${target.type} question, ${reason}, so it cannot be added up. ${SUMMABLE_TYPES_TEXT} Remove it from "sum"${alternative}.`,
          );
          return;
        }
        summed.push(target);
      });
      this.#checkScoreValues(definition, summed, path);
    }
  }

  #checkScoreValues(definition: ScoreDefinition, summed: readonly LogicItem[], path: JsonPath): void {
    const values = definition.values ?? {};
    const known = new Set<string>();

    for (const item of summed) {
      const kind = answerKind(item);
      if (kind === 'boolean') {
        known.add('yes');
        known.add('no');
      }
      if (kind !== 'choice') continue;

      const choiceKeys = choiceValues(item);
      for (const choiceKey of choiceKeys) known.add(choiceKey);
      const uncounted = choiceKeys.filter((choiceKey) => !Object.hasOwn(values, choiceKey));
      if (uncounted.length > 0) {
        const example = uncounted.map((choiceKey, index) => `${JSON.stringify(choiceKey)}: ${index}`).join(', ');
        this.#report(
          definition.values === undefined ? path : [...path, 'values'],
          definition.values,
          `question ${quoteValue(item.id)} is a choice question, and ${uncounted.length === 1 ? 'its choice' : 'its choices'} ${quoteList(uncounted)} ` +
            `${uncounted.length === 1 ? 'has' : 'have'} no number in "values", so the score could not count ${uncounted.length === 1 ? 'it' : 'them'}. ` +
            `Add ${uncounted.length === 1 ? 'it' : 'them'} to "values", for example "values": { ${example} }.`,
        );
      }
    }

    for (const key of Object.keys(values)) {
      if (known.has(key)) continue;
      const suggestion = closestMatch(key, [...known]);
      const hint = suggestion === undefined ? '' : ` Did you mean "${suggestion}"?`;
      this.#report(
        [...path, 'values', key],
        key,
        `${quoteValue(key)} in "values" is not a choice of the questions in "sum", so it never counts.${hint} Write each choice's value (its label unless it sets "value") exactly, or "yes" and "no" for yes/no questions.`,
      );
    }
  }

  checkSkipWord(): void {
    const { skipWord, keywords, questions } = this.#survey;
    if (keywords.includes(skipWord)) {
      const other = skipWord === 'PASS' ? 'SKIP' : 'PASS';
      this.#report(['skipWord'], skipWord, `skipWord ${quoteValue(skipWord)} is also a keyword of this survey, which would confuse respondents. Choose another word, such as "${other}".`);
    }

    questions.forEach((item, index) => {
      if (item.optional !== true) return;
      choiceOptions(item).forEach(({ label, aliases }, choiceIndex) => {
        const choicePath: JsonPath = ['questions', index, 'choices', choiceIndex];
        const plainString = typeof (item.choices as unknown[])[choiceIndex] === 'string';
        if (normalizeKeyword(label) === skipWord) {
          this.#report(
            plainString ? choicePath : [...choicePath, 'label'],
            label,
            `choice ${quoteValue(label)} of this optional question reads as the skipWord ${skipWord}, so replying it would skip the question instead of picking the choice. ` +
              `Reword the choice, or set another "skipWord".`,
          );
        }
        aliases.forEach((alias, aliasIndex) => {
          if (normalizeKeyword(alias) !== skipWord) return;
          this.#report(
            [...choicePath, 'aliases', aliasIndex],
            alias,
            `alias ${quoteValue(alias)} of choice ${quoteValue(label)} reads as the skipWord ${skipWord}, so replying it would skip this optional question instead of picking the choice. ` +
              `Remove the alias, or set another "skipWord".`,
          );
        });
      });
    });
  }

  checkTexts(): void {
    const { intro, questions, end, ends, reminders } = this.#survey;
    const everyAnswer = questions.length;

    if (intro !== undefined) this.#checkIntro(intro);
    questions.forEach((item, index) => this.#checkText(item.text, ['questions', index, 'text'], index - 1));
    this.#checkText(end, ['end'], everyAnswer);
    for (const [endId, namedEnd] of Object.entries(ends ?? {})) this.#checkText(namedEnd.text, ['ends', endId, 'text'], everyAnswer);
    (reminders ?? []).forEach((reminder, index) => this.#checkText(reminder.text, ['reminders', index, 'text'], everyAnswer));
  }

  /** Checks the intro, which only contact fields can fill because it is sent before any answer. */
  #checkIntro(intro: string): void {
    const { references, problems } = parsePipedText(intro);
    for (const problem of problems) this.#report(['intro'], intro, problem.message);

    for (const reference of references) {
      if (reference.source === 'contact') continue;
      this.#report(['intro'], intro, `${reference.written} is in the intro, which is sent before any answer, so it would always be empty. Move it to a later question's text.`);
    }
  }

  /** Checks the references of a text sent when the questions up to `lastAnswered` may have answers. */
  #checkText(text: string, path: JsonPath, lastAnswered: number): void {
    const { references, problems } = parsePipedText(text);
    for (const problem of problems) this.#report(path, text, problem.message);

    for (const reference of references) {
      if (reference.source === 'contact') continue;
      if (reference.source === 'scores') {
        if (!Object.hasOwn(this.#survey.scores ?? {}, reference.name)) {
          const ids = Object.keys(this.#survey.scores ?? {});
          const suggestion = closestMatch(reference.name, ids);
          const hint = suggestion === undefined ? '' : ` Did you mean "${suggestion}"?`;
          this.#report(path, text, `${reference.written} refers to score ${quoteValue(reference.name)}, which is not defined in "scores".${hint} Define it, or correct the id.`);
        }
      } else {
        this.#answerSource(reference.name, path, lastAnswered, 'this text is sent', `${reference.written} refers to a question that cannot fill it: `);
      }
    }
  }
}
