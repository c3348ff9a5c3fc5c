import type { AnswerHints } from '../answers/answer-hints.ts';
import type { DateOrder } from '../answers/parse-date.ts';
import { exampleChoices } from '../answers/parse-multi.ts';
import type { BuiltInTexts } from './built-in-texts.ts';

// The keywords stay in English (STOP, START, HELP), because those are the words that
// Parley and the carriers read, whatever the respondent's language.

const MONTHS = ['enero', 'febrero', 'marzo', 'abril', 'mayo', 'junio', 'julio', 'agosto', 'septiembre', 'octubre', 'noviembre', 'diciembre'];

const keywordFormat = new Intl.ListFormat('es', { type: 'disjunction' });
// The parsers read a decimal point and no thousands separator, so the hints write numbers that way too.
const numberFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 20, useGrouping: false });

function keywordList(keywords: readonly string[]): string {
  return keywordFormat.format(keywords);
}

function startHint(keywords: readonly string[]): string {
  return keywords.length === 0 ? 'No hay ninguna encuesta abierta en este momento.' : `Para responder una encuesta, envíe ${keywordList(keywords)}.`;
}

function formatDate(day: number, month: number, year: number | undefined): string {
  return `${day} de ${MONTHS[month - 1]}${year === undefined ? '' : ` de ${year}`}`;
}

function numberHint(min: number | undefined, max: number | undefined, integer: boolean): string {
  const kind = integer ? 'un número entero' : 'un número';

  if (min !== undefined && max !== undefined) return `Responda con ${kind} del ${numberFormat.format(min)} al ${numberFormat.format(max)}.`;
  if (min !== undefined) return `Responda con ${kind} de ${numberFormat.format(min)} o más.`;
  if (max !== undefined) return `Responda con ${kind} de ${numberFormat.format(max)} o menos.`;
  return `Responda con ${kind}.`;
}

function multiHint(count: number, minChoices: number, maxChoices: number, otherLabel: string | undefined): string {
  let amount: string;
  if (minChoices === maxChoices) amount = `${minChoices} ${minChoices === 1 ? 'número' : 'números'}`;
  else if (minChoices === 1 && maxChoices === count) amount = 'uno o más números';
  else if (minChoices === 1) amount = `hasta ${maxChoices} números`;
  else if (maxChoices === count) amount = `al menos ${minChoices} números`;
  else amount = `de ${minChoices} a ${maxChoices} números`;

  const hint = `Responda con ${amount} del 1 al ${count}, por ejemplo ${exampleChoices(count, minChoices, maxChoices)}.`;
  return otherLabel === undefined ? hint : `${hint} Para añadir su propia respuesta, escriba "${otherLabel}: " delante.`;
}

function dateHint(order: DateOrder): string {
  return order === 'DMY'
    ? 'Responda con una fecha en formato día/mes/año, por ejemplo 31/12/2026.'
    : 'Responda con una fecha en formato mes/día/año, por ejemplo 12/31/2026.';
}

const SPANISH_ANSWER_HINTS: AnswerHints = {
  choice: (count) => `Responda con un número del 1 al ${count}.`,
  choiceWithOther: (count, otherLabel) => `Responda con un número del 1 al ${count}, o con "${otherLabel}: " y su propia respuesta.`,
  multi: multiHint,
  number: numberHint,
  nps: () => 'Responda con un número del 0 al 10.',
  rating: (min, max) => numberHint(min, max, true),
  yesNo: () => 'Responda SÍ o NO.',
  text: () => 'Responda con un mensaje de texto.',
  date: dateHint,
  noSuchDate: ({ day, month, year }, order) => `No existe el ${formatDate(day, month, year)}. ${dateHint(order)}`,
};

/** The engine's messages in Spanish, addressing the respondent as "usted". */
export const SPANISH_TEXTS: BuiltInTexts = {
  help: (programName) =>
    `${programName}: le enviamos preguntas de encuestas y usted responde con sus respuestas. Responda STOP para darse de baja, START para volver a suscribirse. Pueden aplicarse tarifas de mensajes y datos.`,
  optOut: (programName) => `Se ha dado de baja de ${programName} y no recibirá más mensajes. Responda START para volver a suscribirse.`,
  optIn: (programName) => `Se ha vuelto a suscribir a ${programName}. Responda HELP para obtener ayuda, STOP para darse de baja.`,
  movingOn: 'Sigamos.',
  noSession: (keywords) => `${startHint(keywords)} Responda HELP para obtener ayuda, STOP para darse de baja.`,
  closed: (title, keywords) => `La encuesta "${title}" se ha cerrado. ${startHint(keywords)}`,
  skipHint: (skipWord) => `Responda ${skipWord} para saltar esta pregunta.`,
  keywordList,
  formatDate,
  answerHints: SPANISH_ANSWER_HINTS,
  optOutHint: 'Responda STOP para darse de baja.',
  yes: 'sí',
  no: 'no',
};
