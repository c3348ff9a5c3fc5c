import { type SnapshotFrom, assign, setup } from 'xstate';
import type { Question, Survey } from '../surveys/survey-schema.ts';

export type AnswerValue = string | number | boolean;

export type RecordedAnswer = { status: 'answered'; value: AnswerValue } | { status: 'unanswered' };

export interface SurveyContext {
  answers: Record<string, RecordedAnswer>;
  /** Invalid replies to the pending question so far. */
  invalidAttempts: number;
}

/** The engine parses the reply against the pending question first, then sends one of these. */
export type SurveyEvent = { type: 'ANSWER'; value: AnswerValue } | { type: 'INVALID' };

/** State of the machine once the survey has ended. */
export const COMPLETED_STATE = 'completed';
const QUESTION_STATE_PREFIX = 'ask:';

/** State name for a question; the prefix keeps any question id apart from the final state. */
export function questionState(questionId: string): string {
  return QUESTION_STATE_PREFIX + questionId;
}

/**
 * Builds the XState machine for one survey version: one state per question, in file
 * order, and a final state. An answer moves on; an invalid reply stays until the
 * question's `maxRetries` are used up, then records the question as unanswered and
 * moves on.
 */
export function buildSurveyMachine(survey: Survey) {
  const states: Record<string, object> = {};

  survey.questions.forEach((question: Question, index: number) => {
    const following = survey.questions[index + 1];
    const next = following === undefined ? COMPLETED_STATE : questionState(following.id);

    states[questionState(question.id)] = {
      on: {
        ANSWER: {
          target: next,
          actions: assign(({ context, event }: { context: SurveyContext; event: SurveyEvent }) => ({
            answers: {
              ...context.answers,
              [question.id]: { status: 'answered' as const, value: (event as Extract<SurveyEvent, { type: 'ANSWER' }>).value },
            },
            invalidAttempts: 0,
          })),
        },
        INVALID: [
          {
            guard: ({ context }: { context: SurveyContext }) => context.invalidAttempts < question.maxRetries,
            actions: assign({ invalidAttempts: ({ context }: { context: SurveyContext }) => context.invalidAttempts + 1 }),
          },
          {
            target: next,
            actions: assign(({ context }: { context: SurveyContext }) => ({
              answers: { ...context.answers, [question.id]: { status: 'unanswered' as const } },
              invalidAttempts: 0,
            })),
          },
        ],
      },
    };
  });
  states[COMPLETED_STATE] = { type: 'final' };

  return setup({
    types: {} as { context: SurveyContext; events: SurveyEvent },
  }).createMachine({
    id: `survey-${survey.id}`,
    initial: questionState(survey.questions[0]!.id),
    context: { answers: {}, invalidAttempts: 0 },
    states: states as never,
  });
}

export type SurveyMachine = ReturnType<typeof buildSurveyMachine>;
export type SurveySnapshot = SnapshotFrom<SurveyMachine>;

/** Restores a snapshot stored as the JSON of `machine.getPersistedSnapshot`. */
export function restoreSnapshot(machine: SurveyMachine, persisted: string): SurveySnapshot {
  return machine.resolveState(JSON.parse(persisted)) as SurveySnapshot;
}

/** Returns the question a snapshot is waiting on, or undefined once the survey is complete. */
export function pendingQuestion(survey: Survey, snapshot: SurveySnapshot): Question | undefined {
  const value: unknown = snapshot.value;
  if (typeof value !== 'string' || !value.startsWith(QUESTION_STATE_PREFIX)) return undefined;
  const id = value.slice(QUESTION_STATE_PREFIX.length);
  return survey.questions.find((question) => question.id === id);
}
