import { parseDocument } from 'yaml';
import { z } from 'zod';
import { ParleyError } from '../errors.ts';
import { parseDuration } from './survey-schema.ts';
import { fallbackIssueMessage, quoteValue, unknownPropertiesMessage } from './validation-messages.ts';

/** A check on the reply to a sent message: the whole reply, a part of it, a regular expression, or no reply at all. */
export type ReplyExpectation = { exact: string } | { contains: string } | { matches: RegExp } | { none: true };

/** A step that sends one message as the respondent and optionally checks the reply. */
export interface SendStep {
  send: string;
  expect?: ReplyExpectation | undefined;
}

/** A step that moves the test clock forward, to reach a session's expiry. */
export interface WaitStep {
  wait: string;
  /** The same duration in milliseconds. */
  waitMs: number;
}

export type ConversationStep = SendStep | WaitStep;

/** One validated conversation test file. */
export interface ConversationTest {
  file: string;
  /** Id of the survey under test, when the file names one. The test fails unless that survey is loaded. */
  survey?: string | undefined;
  /** The respondent's phone number. */
  from: string;
  steps: ConversationStep[];
}

/** The respondent's number when a test file sets none: a fictional 555-01xx number. */
export const DEFAULT_TEST_PHONE = '+15555550123';

/** A conversation test file could not be read, parsed or validated. */
export class ConversationTestFileError extends ParleyError {
  readonly file: string;
  readonly problems: string[];

  constructor(file: string, problems: string[]) {
    super('CONVERSATION_TEST_INVALID', `Conversation test file ${file} is invalid:\n  - ${problems.join('\n  - ')}`);
    this.file = file;
    this.problems = problems;
  }
}

// Checks across properties run only on an object without other problems, so a misspelled
// property is reported once instead of also as a missing one.
const WITHOUT_OTHER_ISSUES = { when: (payload: z.core.ParsePayload) => payload.issues.length === 0 };

const EXPECTATION_KINDS = ['exact', 'contains', 'matches', 'none'] as const;
const STEP_PROPERTIES = ['send', 'expect', 'wait'] as const;

const regularExpressionSchema = z.string().transform((pattern, context) => {
  try {
    return new RegExp(pattern, 'u');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    context.addIssue({
      code: 'custom',
      message: `invalid regular expression ${quoteValue(pattern)}: ${reason}. Fix the pattern (JavaScript syntax, with the u flag), or use contains: for plain text.`,
    });
    return z.NEVER;
  }
});

const expectationObjectSchema = z
  .strictObject(
    {
      exact: z.string().optional(),
      contains: z.string().optional(),
      matches: regularExpressionSchema.optional(),
      none: z
        .literal(true, { error: (issue) => `expected true, got ${quoteValue(issue.input)}. Write none: true to expect no reply, or remove the step's expect.` })
        .optional(),
    },
    {
      error: (issue) => {
        if (issue.code === 'unrecognized_keys') return unknownPropertiesMessage(issue.keys, EXPECTATION_KINDS, 'expect');
        if (issue.code === 'invalid_type') {
          return `expect must be a text (the exact reply) or an object with one of ${EXPECTATION_KINDS.join(', ')}, got ${quoteValue(issue.input)}.`;
        }
        return undefined;
      },
    },
  )
  .superRefine((expectation, context) => {
    const kinds = EXPECTATION_KINDS.filter((kind) => expectation[kind] !== undefined);
    if (kinds.length !== 1) {
      const found = kinds.length === 0 ? 'none of them' : kinds.join(' and ');
      context.addIssue({
        code: 'custom',
        message: `expect needs exactly one of exact, contains, matches or none, but has ${found}. Keep one, and split other checks into their own test.`,
      });
    }
  }, WITHOUT_OTHER_ISSUES)
  .transform((expectation): ReplyExpectation => {
    if (expectation.matches !== undefined) return { matches: expectation.matches };
    if (expectation.contains !== undefined) return { contains: expectation.contains };
    if (expectation.none !== undefined) return { none: true };
    return { exact: expectation.exact! };
  });

// A plain text is the exact reply, so `expect: "Thanks."` reads like the conversation itself.
const expectationSchema = z.preprocess((value) => (typeof value === 'string' ? { exact: value } : value), expectationObjectSchema);

const stepSchema = z
  .strictObject(
    {
      send: z.string().optional(),
      expect: expectationSchema.optional(),
      wait: z.string().optional(),
    },
    {
      error: (issue) => {
        if (issue.code === 'unrecognized_keys') return unknownPropertiesMessage(issue.keys, STEP_PROPERTIES, 'a step');
        if (issue.code === 'invalid_type') return `expected a step such as { send: "HELP" } or { wait: "4d" }, got ${quoteValue(issue.input)}.`;
        return undefined;
      },
    },
  )
  .superRefine((step, context) => {
    if (step.send !== undefined && step.wait !== undefined) {
      context.addIssue({ code: 'custom', message: 'a step has both send and wait. Split it into a wait step followed by a send step.' });
    } else if (step.send === undefined && step.wait === undefined) {
      const fix =
        step.expect === undefined
          ? 'Add send: with the message to send, or wait: with a duration such as "4d".'
          : 'Add send: with the message whose reply expect checks.';
      context.addIssue({ code: 'custom', message: `missing "send". ${fix}` });
    } else if (step.wait !== undefined && step.expect !== undefined) {
      context.addIssue({ code: 'custom', message: 'a wait step has an expect, but only a sent message gets a reply. Move expect to a send step.' });
    } else if (step.wait !== undefined && parseDuration(step.wait) === undefined) {
      context.addIssue({
        code: 'custom',
        message: `invalid duration ${quoteValue(step.wait)} in wait. Use a whole number above 0 followed by m (minutes), h (hours) or d (days), for example "90m" or "4d".`,
      });
    }
  }, WITHOUT_OTHER_ISSUES)
  .transform((step): ConversationStep => {
    if (step.wait !== undefined) return { wait: step.wait, waitMs: parseDuration(step.wait)! };
    return { send: step.send!, expect: step.expect };
  });

const TEST_PROPERTIES = ['survey', 'from', 'steps'] as const;

const testFileSchema = z.strictObject(
  {
    survey: z.string().optional(),
    from: z.string().min(1, { error: 'from is empty. Write a phone number such as "+15555550123", or remove from to use that one.' }).optional(),
    steps: z
      .array(stepSchema, {
        error: (issue) =>
          issue.input === undefined
            ? 'missing required property "steps" (the list of messages to send and replies to expect). Add it.'
            : `steps must be a list, got ${quoteValue(issue.input)}. Write each step on its own line starting with "- ".`,
      })
      .min(1, { error: 'steps is empty. Add at least one step, such as - send: HELP.' }),
  },
  {
    error: (issue) => {
      if (issue.code === 'unrecognized_keys') return unknownPropertiesMessage(issue.keys, TEST_PROPERTIES, 'a test file');
      if (issue.code === 'invalid_type') return `a test file must contain an object with steps, got ${quoteValue(issue.input)}.`;
      return undefined;
    },
  },
);

/**
 * Parses and validates a conversation test file. YAML is read from `.yaml` and `.yml`
 * files and JSON from any other name. `file` is used only in messages.
 *
 * @throws ConversationTestFileError listing every problem, each as `step N: <what is
 * wrong>. <what to change>` or `<property>: ...` for the top-level properties.
 */
export function parseConversationTestFile(file: string, source: string): ConversationTest {
  const value = /\.ya?ml$/i.test(file) ? parseYaml(file, source) : parseJson(file, source);

  const result = testFileSchema.safeParse(value, { error: fallbackIssueMessage, reportInput: true });
  if (!result.success) {
    throw new ConversationTestFileError(file, result.error.issues.map(describeIssue));
  }

  const { survey, from = DEFAULT_TEST_PHONE, steps } = result.data;
  return { file, survey, from, steps };
}

function parseYaml(file: string, source: string): unknown {
  const document = parseDocument(source, { prettyErrors: true });
  if (document.errors.length > 0) {
    // The first line is the message with its position, and the lines after it quote the source.
    const problems = document.errors.map((error) => `invalid YAML: ${error.message.split('\n')[0]!.replace(/:$/, '')}`);
    throw new ConversationTestFileError(file, problems);
  }
  return document.toJS();
}

function parseJson(file: string, source: string): unknown {
  try {
    return JSON.parse(source);
  } catch (error) {
    throw new ConversationTestFileError(file, [`invalid JSON: ${error instanceof Error ? error.message : String(error)}`]);
  }
}

/** Names the step by its 1-based number, as authors count them, then the property inside it. */
function describeIssue(issue: z.core.$ZodIssue): string {
  const [first, second, ...rest] = issue.path;

  if (first === 'steps' && typeof second === 'number') {
    const inside = rest.length === 0 ? '' : `${rest.map(String).join('.')}: `;
    return `step ${second + 1}: ${inside}${issue.message}`;
  }
  // A missing property has no value to point at, and its message already names it.
  const missing = issue.code === 'invalid_type' && issue.input === undefined;
  return issue.path.length === 0 || missing ? issue.message : `${issue.path.map(String).join('.')}: ${issue.message}`;
}
