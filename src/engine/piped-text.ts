/**
 * Piped text: survey texts may contain references such as `{{answers.name}}`,
 * `{{scores.phq2}}` or `{{contact.first_name | "there"}}`, replaced when the message is
 * sent. The text after `|` is a JSON string used when the value is missing or empty.
 */

export const PIPE_SOURCES = ['answers', 'scores', 'contact'] as const;
export type PipeSource = (typeof PIPE_SOURCES)[number];

export interface PipeReference {
  source: PipeSource;
  name: string;
  fallback: string | undefined;
  /** Index of the opening `{{` in the text, in UTF-16 code units. */
  index: number;
  /** The whole reference as written, braces included. */
  written: string;
}

/** A reference that cannot be read, with the fix in `message`. */
export interface PipeSyntaxProblem {
  index: number;
  written: string;
  message: string;
}

const BRACED = /\{\{([^{}]*)\}\}/g;
const REFERENCE = /^\s*([A-Za-z_]+)\.([A-Za-z0-9_-]+)\s*(?:\|\s*("(?:[^"\\]|\\.)*")\s*)?$/;

/** Finds the references in a text, and the `{{...}}` spans that are not valid references. */
export function parsePipedText(text: string): { references: PipeReference[]; problems: PipeSyntaxProblem[] } {
  const references: PipeReference[] = [];
  const problems: PipeSyntaxProblem[] = [];
  let end = 0;

  for (const match of text.matchAll(BRACED)) {
    const written = match[0];
    const index = match.index;
    problems.push(...unclosedBraces(text.slice(end, index), end));
    end = index + written.length;

    const parsed = REFERENCE.exec(match[1]!);
    if (parsed === null && match[1]!.includes('|')) {
      problems.push({
        index,
        written,
        message: `${JSON.stringify(written)} is not a reference. Write the fallback after "|" in double quotes, such as {{contact.first_name | "there"}}.`,
      });
      continue;
    }
    if (parsed === null) {
      problems.push({
        index,
        written,
        message: `${JSON.stringify(written)} is not a reference. Write {{answers.QUESTION_ID}}, {{scores.SCORE_ID}} or {{contact.FIELD}}, optionally followed by | "fallback text".`,
      });
      continue;
    }

    const [, source, name, quotedFallback] = parsed;
    if (!(PIPE_SOURCES as readonly string[]).includes(source!)) {
      problems.push({
        index,
        written,
        message: `${JSON.stringify(written)} refers to ${JSON.stringify(source)}, which is not a known source. Start the reference with answers., scores. or contact.`,
      });
      continue;
    }
    references.push({
      source: source as PipeSource,
      name: name!,
      fallback: quotedFallback === undefined ? undefined : (JSON.parse(quotedFallback) as string),
      index,
      written,
    });
  }
  problems.push(...unclosedBraces(text.slice(end), end));
  return { references, problems };
}

function unclosedBraces(between: string, offset: number): PipeSyntaxProblem[] {
  const index = between.indexOf('{{');
  if (index === -1) return [];
  return [
    {
      index: offset + index,
      written: '{{',
      message: '"{{" has no matching "}}". Close the reference with "}}", or remove the braces if they are meant as text.',
    },
  ];
}

/** Looks up the text of one reference. Undefined or an empty string means the value is missing. */
export type PipeResolver = (source: PipeSource, name: string) => string | undefined;

/**
 * Replaces each reference with its value, its fallback when the value is missing, or
 * nothing when it has no fallback. Text that is not a valid reference is left as written,
 * because survey files with such text are rejected when loaded.
 */
export function fillPipedText(text: string, resolve: PipeResolver): string {
  if (!text.includes('{{')) return text;

  return text.replace(BRACED, (written, inner: string) => {
    const parsed = REFERENCE.exec(inner);
    if (parsed === null || !(PIPE_SOURCES as readonly string[]).includes(parsed[1]!)) return written;

    const value = resolve(parsed[1] as PipeSource, parsed[2]!);
    if (value !== undefined && value !== '') return value;
    return parsed[3] === undefined ? '' : (JSON.parse(parsed[3]) as string);
  });
}
