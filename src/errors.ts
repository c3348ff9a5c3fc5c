/**
 * Base class of every error Parley raises on purpose. `code` is stable, so
 * callers and tests can branch on it without parsing the message.
 */
export class ParleyError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** One or more environment variables are missing or invalid. */
export class ConfigError extends ParleyError {
  readonly problems: string[];

  constructor(problems: string[]) {
    super('CONFIG_INVALID', `Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.problems = problems;
  }
}

/** A survey file could not be read, parsed or validated. */
export class SurveyError extends ParleyError {
  readonly file: string;
  readonly problems: string[];

  constructor(file: string, problems: string[]) {
    super('SURVEY_INVALID', `Survey file ${file} was rejected:\n  - ${problems.join('\n  - ')}`);
    this.file = file;
    this.problems = problems;
  }
}

export function isParleyError(value: unknown): value is ParleyError {
  return value instanceof ParleyError;
}
