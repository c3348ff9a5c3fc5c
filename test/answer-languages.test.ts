import { describe, expect, it } from 'vitest';
import { parseAnswer } from '../src/engine/answers/index.ts';
import { createEngineTexts } from '../src/engine/engine-texts.ts';
import type { ChoiceQuestion, DateQuestion, MultiQuestion, NpsQuestion, NumberQuestion, RatingQuestion, TextQuestion, YesNoQuestion } from '../src/surveys/survey-schema.ts';

const spanish = { language: 'es', hints: createEngineTexts({ programName: 'Acme' }).forLanguage('es').answerHints };
const NOW = new Date('2026-06-15T12:00:00Z');

const again: YesNoQuestion = { id: 'again', type: 'yesno', text: '¿Volvería?', maxRetries: 2 };
const age: NumberQuestion = { id: 'age', type: 'number', text: '¿Edad?', min: 0, max: 120, integer: true, maxRetries: 2 };
const amount: NumberQuestion = { id: 'amount', type: 'number', text: '¿Cuánto?', integer: false, maxRetries: 2 };
const score: NpsQuestion = { id: 'score', type: 'nps', text: '¿0-10?', maxRetries: 2 };
const happiness: RatingQuestion = { id: 'happiness', type: 'rating', text: '¿1-5?', min: 1, max: 5, maxRetries: 2 };
const visit: DateQuestion = { id: 'visit', type: 'date', text: '¿Cuándo?', dateOrder: 'DMY', maxRetries: 2 };
const reason: TextQuestion = { id: 'reason', type: 'text', text: '¿Por qué?', maxRetries: 2 };
const channel: ChoiceQuestion = { id: 'channel', type: 'choice', text: '¿Cómo?', choices: ['Buscador', 'Un amigo', { label: 'Otro', value: 'other', other: true }], maxRetries: 2 };
const contact: MultiQuestion = { id: 'contact', type: 'multi', text: '¿Cómo?', choices: ['Correo', 'SMS', 'Llamada'], maxRetries: 2 };
const gym: MultiQuestion = { id: 'gym', type: 'multi', text: '¿Qué usa?', choices: ['Pesas', 'Piscina', 'Idiomas', 'Sauna y vapor'], maxRetries: 2 };

describe('parseAnswer in Spanish', () => {
  it.each([
    ['sí', true],
    ['Si', true],
    ['SÍ!', true],
    ['claro que sí', true],
    ['vale', true],
    ['ok', true],
    ['no', false],
    ['No, gracias', false],
    ['para nada', false],
  ])('reads %j as %j', (body, expected) => {
    expect(parseAnswer(again, body, spanish)).toEqual({ ok: true, value: expected });
  });

  it('keeps Spanish yes words out of English', () => {
    expect(parseAnswer(again, 'sí')).toEqual({ ok: false, expected: 'Please reply YES or NO.' });
  });

  it.each([
    { question: age, body: 'treinta y dos', expected: 32 },
    { question: age, body: 'tengo cuarenta años', expected: 40 },
    { question: age, body: 'dieciséis', expected: 16 },
    { question: age, body: 'cien', expected: 100 },
    { question: score, body: 'diez', expected: 10 },
    { question: score, body: 'uno', expected: 1 },
    { question: happiness, body: '4 de 5', expected: 4 },
    { question: happiness, body: 'cuatro sobre 5', expected: 4 },
    { question: happiness, body: 'verde 5', expected: 5 },
    { question: amount, body: '3.5', expected: 3.5 },
  ])('reads $body for $question.id as $expected', ({ question, body, expected }) => {
    expect(parseAnswer(question, body, spanish)).toEqual({ ok: true, value: expected });
  });

  it.each([
    { question: score, body: 'cada uno', expected: 'Responda con un número del 0 al 10.' },
    { question: score, body: 'once', expected: 'Responda con un número del 0 al 10.' },
    
    { question: happiness, body: '7', expected: 'Responda con un número entero del 1 al 5.' },
    { question: amount, body: 'mucho', expected: 'Responda con un número.' },
  ])('rejects $body for $question.id', ({ question, body, expected }) => {
    expect(parseAnswer(question, body, spanish)).toEqual({ ok: false, expected });
  });

  it.each([
    { body: '1 y 4', language: 'es', expected: ['Pesas', 'Sauna y vapor'] },
    { body: 'pesas y piscina', language: 'es', expected: ['Pesas', 'Piscina'] },
    { body: 'Pesas, piscina e idiomas', language: 'es', expected: ['Pesas', 'Piscina', 'Idiomas'] },
    { body: 'sauna y vapor', language: 'es', expected: ['Sauna y vapor'] },
    { body: '2 and 3', language: 'es', expected: ['Piscina', 'Idiomas'] },
    { body: '1 y 2', language: 'es-MX', expected: ['Pesas', 'Piscina'] },
  ])('reads the multi reply $body in $language', ({ body, language, expected }) => {
    expect(parseAnswer(gym, body, { ...spanish, language })).toEqual({ ok: true, value: expected });
  });

  it.each(['1 y 4', 'pesas y piscina', '1 e 3'])('keeps Spanish joining words out of English in %j', (body) => {
    expect(parseAnswer(gym, body)).toEqual({ ok: false, expected: 'Please reply with one or more numbers from 1 to 4, such as 1, 3.' });
  });

  it.each([
    ['31 de diciembre de 2026', '2026-12-31'],
    ['el 5 de marzo', '2026-03-05'],
    ['1 ene 2027', '2027-01-01'],
    ['diciembre 31, 2026', '2026-12-31'],
    ['Dec 31 2026', '2026-12-31'],
    ['31/12/2026', '2026-12-31'],
  ])('reads the date %j as %j', (body, expected) => {
    expect(parseAnswer(visit, body, { now: NOW, ...spanish })).toEqual({ ok: true, value: expected });
  });

  it('names a date that does not exist in Spanish', () => {
    expect(parseAnswer(visit, '30 de febrero de 2026', { now: NOW, ...spanish })).toEqual({
      ok: false,
      expected: 'No existe el 30 de febrero de 2026. Responda con una fecha en formato día/mes/año, por ejemplo 31/12/2026.',
    });
  });

  it.each([
    { question: again, expected: 'Responda SÍ o NO.' },
    { question: reason, expected: 'Responda con un mensaje de texto.' },
    { question: channel, expected: 'Responda con un número del 1 al 3, o con "Otro: " y su propia respuesta.' },
    { question: contact, expected: 'Responda con uno o más números del 1 al 3, por ejemplo 1, 3.' },
  ])('hints $question.type in Spanish', ({ question, expected }) => {
    const body = question.type === 'choice' ? '7' : '';
    expect(parseAnswer(question, body, spanish)).toEqual({ ok: false, expected });
  });
});

describe('createEngineTexts', () => {
  const texts = createEngineTexts({ programName: 'Acme' });

  it('keeps the English texts', () => {
    expect(texts.movingOn).toBe("Let's move on.");
    expect(texts.noSession(['A', 'B', 'C'])).toBe('To take a survey, text A, B or C. Reply HELP for help, STOP to opt out.');
  });

  it('writes Spanish for a regional tag', () => {
    const es = texts.forLanguage('es-MX');

    expect(es.language).toBe('es-MX');
    expect(es.movingOn).toBe('Sigamos.');
    expect(es.optOut).toBe('Se ha dado de baja de Acme y no recibirá más mensajes. Responda START para volver a suscribirse.');
    expect(es.noSession(['ENCUESTA', 'OPINION'])).toBe('Para responder una encuesta, envíe ENCUESTA u OPINION. Responda HELP para obtener ayuda, STOP para darse de baja.');
    expect(es.closed('Visita', [])).toBe('La encuesta "Visita" se ha cerrado. No hay ninguna encuesta abierta en este momento.');
  });

  it('falls back to English for other languages', () => {
    expect(texts.forLanguage('fr').movingOn).toBe("Let's move on.");
  });

  it('applies HELP_TEXT in every language', () => {
    const custom = createEngineTexts({ programName: 'Acme', helpText: 'Call 555-0100.' });

    expect(custom.forLanguage('es').help).toBe('Call 555-0100.');
  });

  it('fills replaced messages', () => {
    const es = texts.forLanguage('es', {
      help: 'Ayuda de {programName}.',
      movingOn: 'Vamos a la siguiente.',
      closed: 'Cerrada: {title}. Envíe {keywords}.',
      choiceHint: 'Elija del 1 al {count}.',
      numberHint: 'Entre {min} y {max}.',
      skipHint: 'Envíe {skipWord} para saltarla.',
    });

    expect(es.help).toBe('Ayuda de Acme.');
    expect(es.movingOn).toBe('Vamos a la siguiente.');
    expect(es.closed('Visita', ['A', 'B'])).toBe('Cerrada: Visita. Envíe A o B.');
    expect(texts.forLanguage('en', { closed: 'Closed: {title}. Text {keywords}.' }).closed('Visit', [])).toBe('Closed: Visit. Text .');
    expect(es.answerHints.choice(4)).toBe('Elija del 1 al 4.');
    expect(es.answerHints.number(1, 9, true)).toBe('Entre 1 y 9.');
    expect(es.skipHint('SALTAR')).toBe('Envíe SALTAR para saltarla.');
    expect(es.answerHints.nps()).toBe('Responda con un número del 0 al 10.');
  });

  it('prefers a replaced help over HELP_TEXT', () => {
    const custom = createEngineTexts({ programName: 'Acme', helpText: 'Call 555-0100.' });

    expect(custom.forLanguage('es', { help: 'Llame al 555-0100.' }).help).toBe('Llame al 555-0100.');
  });
});
