/** The engine's own messages, as opposed to the survey author's. */
export interface EngineTexts {
  help: string;
  optOut: string;
  optIn: string;
  /** Sent when an invalid answer used up the question's retries. */
  movingOn: string;
  /** Sent to a respondent with no active session. */
  noSession: (keywords: string[]) => string;
  /** Sent when the respondent's session expired. */
  closed: (title: string, keywords: string[]) => string;
}

export interface EngineTextsOptions {
  programName: string;
  /** Replaces the whole default HELP reply. */
  helpText?: string | undefined;
}

export function createEngineTexts({ programName, helpText }: EngineTextsOptions): EngineTexts {
  const startHint = (keywords: string[]): string =>
    keywords.length === 0 ? 'No survey is open right now.' : `To take a survey, text ${joinKeywords(keywords)}.`;

  return {
    help:
      helpText ??
      `${programName}: we send survey questions and you reply with your answers. Reply STOP to opt out, START to opt back in. Msg & data rates may apply.`,
    optOut: `You have been unsubscribed from ${programName} and will get no more messages. Reply START to resubscribe.`,
    optIn: `You have been resubscribed to ${programName}. Reply HELP for help, STOP to opt out.`,
    movingOn: "Let's move on.",
    noSession: (keywords) => `${startHint(keywords)} Reply HELP for help, STOP to opt out.`,
    closed: (title, keywords) => `The survey "${title}" has closed. ${startHint(keywords)}`,
  };
}

function joinKeywords(keywords: string[]): string {
  if (keywords.length === 1) return keywords[0]!;
  return `${keywords.slice(0, -1).join(', ')} or ${keywords.at(-1)}`;
}
