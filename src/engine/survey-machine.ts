import { type SnapshotFrom, assign, initialTransition, setup } from 'xstate';
import { DEFAULT_END_ID } from '../surveys/logic-schema.ts';
import type { MessageQuestion, Question, Survey, SurveyItem } from '../surveys/survey-schema.ts';
import { type AnswerValue, type Condition, type ConditionFacts, type RecordedAnswer, evaluateCondition } from './conditions.ts';
import { computeScores } from './scores.ts';

export type { AnswerValue, RecordedAnswer } from './conditions.ts';

export interface SurveyContext {
  answers: Record<string, RecordedAnswer>;
  /** Invalid replies to the pending question so far. */
  invalidAttempts: number;
  /**
   * Ids of the messages passed since the last reply, in order. They are sent before the
   * pending question or the end. Snapshots stored before messages existed lack it.
   */
  lead?: string[];
  /**
   * Whether the session's language came from the respondent's contact record, which
   * passes over language questions. Absent means false.
   */
  languageFromContact?: boolean;
}

/** The input a session starts from: whether its language came from the respondent's contact record. */
export interface SurveyMachineInput {
  languageFromContact: boolean;
}

/**
 * The engine parses the reply against the pending question first, then sends one of
 * these. SKIP is the survey's skip word on an optional question.
 */
export type SurveyEvent = { type: 'ANSWER'; value: AnswerValue } | { type: 'INVALID' } | { type: 'SKIP' };

/** State of the machine once the survey has ended with its `end` message. */
export const COMPLETED_STATE = 'completed';
const QUESTION_STATE_PREFIX = 'ask:';
const MESSAGE_STATE_PREFIX = 'message:';
const ROUTE_STATE_PREFIX = 'route:';
const END_STATE_PREFIX = 'end:';

/** State name for a question; the prefix keeps any question id apart from the final state. */
export function questionState(questionId: string): string {
  return QUESTION_STATE_PREFIX + questionId;
}

/** The end a finished survey reached: the `end` message, or one of `ends`. */
export interface ReachedEnd {
  id: string;
  text: string;
  screenOut: boolean;
}

type Guard = (args: { context: SurveyContext }) => boolean;
type TransitionConfig = { target?: string; guard?: Guard; actions?: unknown };

/**
 * Builds the XState machine for one survey version.
 *
 * Each question has an `ask:` state that waits for a reply. A reply moves to the
 * question's `route:` state, whose eventless (`always`) transitions carry the `next`
 * rules as guards on the context, in order, with the following entry as the fallback.
 * A message has a `message:` state that records it in `context.lead` and moves on at
 * once, so the machine rests only in `ask:` states and final states. An entry whose
 * `showIf` does not hold passes straight to the following entry. The final states are
 * `completed` (the `end` message) and `end:<id>` for each of `ends`. A language question
 * is passed over too when the machine's input marks the language as the contact's.
 *
 * Guards read the answers in the context and the scores computed from them. Loops are
 * impossible because the schema allows a `goto` only to a later entry.
 */
export function buildSurveyMachine(survey: Survey) {
  const states: Record<string, object> = {};
  const facts = (context: SurveyContext): ConditionFacts => ({ answers: context.answers, scores: computeScores(survey.scores, context.answers) });
  const holds = (condition: Condition): Guard => ({ context }) => evaluateCondition(condition, facts(context));
  const isHidden = (item: SurveyItem): Guard => ({ context }) => item.showIf !== undefined && !evaluateCondition(item.showIf, facts(context));

  survey.questions.forEach((item, index) => {
    const following = stateFor(survey, survey.questions[index + 1]?.id ?? DEFAULT_END_ID);
    const routes: TransitionConfig[] = (item.next ?? []).map((rule) =>
      rule.if === undefined ? { target: stateFor(survey, rule.goto) } : { guard: holds(rule.if), target: stateFor(survey, rule.goto) },
    );
    states[ROUTE_STATE_PREFIX + item.id] = { always: [...routes, { target: following }] };

    if (item.type === 'message') {
      states[MESSAGE_STATE_PREFIX + item.id] = {
        always: [
          { guard: isHidden(item), target: following },
          {
            target: ROUTE_STATE_PREFIX + item.id,
            actions: assign({ lead: ({ context }: { context: SurveyContext }) => [...(context.lead ?? []), item.id] }),
          },
        ],
      };
      return;
    }
    const passedOver: Guard =
      item.type === 'language' ? (args) => args.context.languageFromContact === true || isHidden(item)(args) : isHidden(item);
    states[questionState(item.id)] = askState(item, following, passedOver);
  });

  states[COMPLETED_STATE] = { type: 'final' };
  for (const endId of Object.keys(survey.ends)) {
    states[END_STATE_PREFIX + endId] = { type: 'final' };
  }

  return setup({
    types: {} as { context: SurveyContext; events: SurveyEvent; input: SurveyMachineInput },
  }).createMachine({
    id: `survey-${survey.id}`,
    initial: stateFor(survey, survey.questions[0]!.id),
    // The flag is stored only when set, so snapshots of surveys without a language question stay as they were.
    context: ({ input }) => ({ answers: {}, invalidAttempts: 0, lead: [], ...(input?.languageFromContact === true ? { languageFromContact: true } : {}) }),
    states: states as never,
  });
}

/** Builds the `ask:` state of a question, which waits for ANSWER, SKIP (optional questions only) or INVALID. */
function askState(question: Question, following: string, isHidden: Guard): object {
  const route = ROUTE_STATE_PREFIX + question.id;
  const record = (answer: (event: SurveyEvent) => RecordedAnswer) =>
    assign(({ context, event }: { context: SurveyContext; event: SurveyEvent }) => ({
      answers: { ...context.answers, [question.id]: answer(event) },
      invalidAttempts: 0,
      lead: [],
    }));

  return {
    always: { guard: isHidden, target: following },
    on: {
      ANSWER: {
        target: route,
        actions: record((event) => ({ status: 'answered', value: (event as Extract<SurveyEvent, { type: 'ANSWER' }>).value })),
      },
      ...(question.optional === true ? { SKIP: { target: route, actions: record(() => ({ status: 'skipped' })) } } : {}),
      INVALID: [
        {
          guard: ({ context }: { context: SurveyContext }) => context.invalidAttempts < question.maxRetries,
          actions: assign({ invalidAttempts: ({ context }: { context: SurveyContext }) => context.invalidAttempts + 1 }),
        },
        { target: route, actions: record(() => ({ status: 'unanswered' })) },
      ],
    },
  };
}

/** Returns the state that a `goto` target or a following entry names. */
function stateFor(survey: Survey, target: string): string {
  if (target === DEFAULT_END_ID) return COMPLETED_STATE;
  if (Object.hasOwn(survey.ends, target)) return END_STATE_PREFIX + target;

  const item = survey.questions.find((candidate) => candidate.id === target);
  return item?.type === 'message' ? MESSAGE_STATE_PREFIX + target : questionState(target);
}

export type SurveyMachine = ReturnType<typeof buildSurveyMachine>;
export type SurveySnapshot = SnapshotFrom<SurveyMachine>;

/** Returns the snapshot a session starts from, which may already be done when every question is passed over. */
export function initialSnapshot(machine: SurveyMachine, input: SurveyMachineInput): SurveySnapshot {
  const [snapshot] = initialTransition(machine, input);
  return snapshot;
}

/** Restores a snapshot stored as the JSON of `machine.getPersistedSnapshot`. */
export function restoreSnapshot(machine: SurveyMachine, persisted: string): SurveySnapshot {
  return machine.resolveState(JSON.parse(persisted)) as SurveySnapshot;
}

/** Returns the question a snapshot is waiting on, or undefined once the survey is complete. */
export function pendingQuestion(survey: Survey, snapshot: SurveySnapshot): Question | undefined {
  const value: unknown = snapshot.value;
  if (typeof value !== 'string' || !value.startsWith(QUESTION_STATE_PREFIX)) return undefined;
  const id = value.slice(QUESTION_STATE_PREFIX.length);
  return survey.questions.find((item): item is Question => item.id === id && item.type !== 'message');
}

/** Returns the messages passed since the last reply, which go out before the pending question or the end. */
export function leadMessages(survey: Survey, snapshot: SurveySnapshot): MessageQuestion[] {
  const lead = snapshot.context.lead ?? [];
  return lead.flatMap((id) => survey.questions.filter((item): item is MessageQuestion => item.id === id && item.type === 'message'));
}

/** Returns the session status for an end: `screened_out` for an end marked `screenOut`, else `completed`. */
export function endedStatus(end: ReachedEnd): 'completed' | 'screened_out' {
  return end.screenOut ? 'screened_out' : 'completed';
}

/** Returns the end a finished snapshot reached, or undefined while the survey is under way. */
export function reachedEnd(survey: Survey, snapshot: SurveySnapshot): ReachedEnd | undefined {
  if (snapshot.status !== 'done') return undefined;

  const value: unknown = snapshot.value;
  if (typeof value === 'string' && value.startsWith(END_STATE_PREFIX)) {
    const id = value.slice(END_STATE_PREFIX.length);
    const named = Object.hasOwn(survey.ends, id) ? survey.ends[id] : undefined;
    if (named !== undefined) return { id, text: named.text, screenOut: named.screenOut === true };
  }
  return { id: DEFAULT_END_ID, text: survey.end, screenOut: false };
}
