import { createEngineTexts } from '../engine/engine-texts.ts';
import { DEFAULT_END_ID } from './logic-schema.ts';
import { flowEdges, reachableIds } from './survey-flow.ts';
import type { SurveyFieldPath } from './survey-messages.ts';
import type { Survey } from './survey-schema.ts';

/** A problem in the flow of a valid survey, at a path in its file. */
export interface FlowFinding {
  path: SurveyFieldPath;
  message: string;
}

/**
 * Warns about parts of a valid survey that no respondent can get to: questions and
 * messages that no rule or following entry leads to, named ends that no `goto` names,
 * and the `end` message when every way ends elsewhere. It also warns about optional
 * questions whose text does not tell respondents the skip word. Every way counts as
 * possible here, whatever its condition.
 */
// Only the skip hint is used, and it does not depend on the program name.
const SKIP_HINTS = createEngineTexts({ programName: 'Parley surveys' });

export function checkSurveyFlow(survey: Survey): FlowFinding[] {
  const findings: FlowFinding[] = [];
  const edges = flowEdges(survey);
  const reachable = reachableIds(survey, edges);

  survey.questions.forEach((item, index) => {
    if (reachable.has(item.id)) return;

    const noun = item.type === 'message' ? 'message' : 'question';
    findings.push({
      path: ['questions', index],
      message:
        `${noun} ${JSON.stringify(item.id)} can never be reached: every way from the first question goes past it. ` +
        `Remove it, or point a "goto" at it, or remove the "goto" rules that jump over it.`,
    });
  });

  for (const endId of Object.keys(survey.ends)) {
    if (reachable.has(endId)) continue;
    findings.push({
      path: ['ends', endId],
      message: `end ${JSON.stringify(endId)} can never be reached, because no "goto" that the survey can get to names it. Add a rule with "goto": ${JSON.stringify(endId)}, or remove the end.`,
    });
  }
  if (!reachable.has(DEFAULT_END_ID)) {
    findings.push({
      path: ['end'],
      message: 'the end message is never sent, because every way through the survey ends at one of "ends". The file still needs it, so keep it short, or send some respondents to "end".',
    });
  }

  survey.questions.forEach((item, index) => {
    if (item.type === 'message' || item.optional !== true) return;
    if (new RegExp(`\\b${survey.skipWord}\\b`, 'i').test(item.text)) return;
    findings.push({
      path: ['questions', index, 'text'],
      message: `optional question ${JSON.stringify(item.id)} does not mention the skip word ${survey.skipWord}, so respondents may not know they can skip it. Add, for example, "${SKIP_HINTS.forLanguage(survey.language).skipHint(survey.skipWord)}"`,
    });
  });
  return findings;
}
