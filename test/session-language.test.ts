import { afterEach, describe, expect, it } from 'vitest';
import { planResponseExport, streamResponses } from '../src/storage/response-export.ts';
import { RESPONDENT, createHarness, type Harness } from './support/harness.ts';
import { type DistributionHarness, createDistributionHarness } from './support/distribution-harness.ts';

const VISIT = {
  id: 'visit',
  title: { en: 'Clinic visit', es: 'Visita a la clínica' },
  keywords: ['VISIT'],
  languages: ['en', 'es'],
  intro: { en: 'Hi from the clinic.', es: 'Hola, le escribe la clínica.' },
  questions: [
    { id: 'lang', type: 'language', text: 'Reply 1 for English, 2 para español.' },
    { id: 'again', type: 'yesno', text: { en: 'Would you come again?', es: '¿Volvería?' } },
    { id: 'said', type: 'message', text: { en: 'You said {{answers.again}}.', es: 'Usted dijo {{answers.again}}.' } },
    {
      id: 'staff',
      type: 'choice',
      text: { en: 'Who helped you most?', es: '¿Quién le ayudó más?' },
      choices: [
        { label: { en: 'Nurse', es: 'Enfermería' }, aliases: { es: ['enfermera'] } },
        { label: { en: 'Doctor', es: 'Médico' }, value: 'doctor' },
      ],
      maxRetries: 0,
    },
    { id: 'tip', type: 'text', text: { en: 'Any tip for us?', es: '¿Algún consejo?' }, optional: true },
  ],
  end: { en: 'Thanks!', es: '¡Gracias!' },
  skipWord: { en: 'SKIP', es: 'SALTAR' },
};

let harness: Harness;

afterEach(async () => {
  await harness?.close();
});

async function start(survey: Record<string, unknown> = VISIT): Promise<Harness> {
  harness = await createHarness({ surveys: { 'visit.json': survey } });
  return harness;
}

async function reply(body: string): Promise<string> {
  const response = await harness.text(body);
  expect(response.status).toBe(200);
  return response.messages[0] ?? '';
}

async function addContact(language: string | null): Promise<void> {
  const now = harness.clock.now().toISOString();
  await harness.db
    .insertInto('contacts')
    .values({ phone: RESPONDENT, first_name: null, last_name: null, language, timezone: null, fields: '{}', created_at: now, updated_at: now })
    .execute();
}

async function sessionLanguage(): Promise<string | null> {
  const session = await harness.db.selectFrom('sessions').select('language').orderBy('id', 'desc').executeTakeFirstOrThrow();
  return session.language;
}

describe('session language', () => {
  it('starts in the default language', async () => {
    await start();

    expect(await reply('VISIT')).toBe('Hi from the clinic.\n\nReply 1 for English, 2 para español.\n1. English\n2. Español');
    expect(await sessionLanguage()).toBe('en');
  });

  it('switches at the language question', async () => {
    await start();
    await reply('VISIT');

    expect(await reply('2')).toBe('¿Volvería?');
    expect(await sessionLanguage()).toBe('es');
    expect(await reply('quizás')).toBe('Responda SÍ o NO.\n\n¿Volvería?');
    expect(await reply('sí')).toBe('Usted dijo sí.\n\n¿Quién le ayudó más?\n1. Enfermería\n2. Médico');
    expect(await reply('enfermera')).toBe('¿Algún consejo?');
    expect(await reply('SALTAR')).toBe('¡Gracias!');

    const answers = await harness.db.selectFrom('answers').select(['question_id', 'status', 'value']).orderBy('id').execute();
    expect(answers).toEqual([
      { question_id: 'lang', status: 'answered', value: '"es"' },
      { question_id: 'again', status: 'answered', value: 'true' },
      { question_id: 'staff', status: 'answered', value: '"Nurse"' },
      { question_id: 'tip', status: 'skipped', value: null },
    ]);
  });

  it('takes the language by name', async () => {
    await start();
    await reply('VISIT');

    expect(await reply('espanol')).toBe('¿Volvería?');
  });

  it('uses the contact language and passes over the question', async () => {
    await start();
    await addContact('es-MX');

    expect(await reply('VISIT')).toBe('Hola, le escribe la clínica.\n\n¿Volvería?');
    expect(await sessionLanguage()).toBe('es');
    const answers = await harness.db.selectFrom('answers').select('question_id').execute();
    expect(answers).toEqual([]);
  });

  it('asks a contact in another language', async () => {
    await start();
    await addContact('fr');

    expect(await reply('VISIT')).toContain('1. English\n2. Español');
    expect(await sessionLanguage()).toBe('en');
  });

  it('falls back to the default without a language question', async () => {
    await start({ ...VISIT, questions: VISIT.questions.slice(1) });

    expect(await reply('VISIT')).toBe('Hi from the clinic.\n\nWould you come again?');
    expect(await sessionLanguage()).toBe('en');
  });

  it('moves on in Spanish', async () => {
    await start();
    await addContact('es');
    await reply('VISIT');
    await reply('no');

    expect(await reply('7')).toBe('Sigamos.\n\n¿Algún consejo?');
  });

  it('hints how to skip an optional question', async () => {
    await start();
    await addContact('es');
    await reply('VISIT');
    await reply('no');
    await reply('1');

    expect(await reply('   ')).toBe('Responda con un mensaje de texto. Responda SALTAR para saltar esta pregunta.\n\n¿Algún consejo?');
  });

  it('applies the survey messages per language', async () => {
    await start({ ...VISIT, messages: { es: { movingOn: 'Pasemos a otra cosa.', help: 'Ayuda de {programName}.' } } });
    await addContact('es');
    await reply('VISIT');
    await reply('no');

    expect(await reply('7')).toBe('Pasemos a otra cosa.\n\n¿Algún consejo?');
    expect(await reply('HELP')).toBe('Ayuda de Acme Surveys.\n\n¿Algún consejo?');
  });

  it('keeps English messages for English sessions', async () => {
    await start({ ...VISIT, messages: { es: { movingOn: 'Pasemos a otra cosa.' } } });
    await reply('VISIT');
    await reply('1');
    await reply('no');

    expect(await reply('7')).toBe("Let's move on.\n\nAny tip for us?");
  });

  it('confirms STOP in the session language', async () => {
    await start();
    await addContact('es');
    await reply('VISIT');

    expect(await reply('STOP')).toBe('Se ha dado de baja de Acme Surveys y no recibirá más mensajes. Responda START para volver a suscribirse.');
  });

  it('closes in the session language', async () => {
    await start();
    await addContact('es');
    await reply('VISIT');
    harness.clock.advance(4 * 24 * 60 * 60 * 1000);

    expect(await reply('sí')).toBe('La encuesta "Visita a la clínica" se ha cerrado. Para responder una encuesta, envíe VISIT.');
  });

  it('answers after a session in its language', async () => {
    await start();
    await reply('VISIT');
    await reply('2');
    await reply('STOP');

    expect(await reply('START')).toBe('Se ha vuelto a suscribir a Acme Surveys. Responda HELP para obtener ayuda, STOP para darse de baja.');
  });

  it('answers a contact without a session in its language', async () => {
    await start();
    await addContact('es-ES');

    expect(await reply('hola')).toBe('Para responder una encuesta, envíe VISIT. Responda HELP para obtener ayuda, STOP para darse de baja.');
  });
});

describe('export of a survey with languages', () => {
  it('adds the session language', async () => {
    await start();
    await reply('VISIT');
    await reply('2');
    await harness.text('VISIT', { From: '+15555550124' });

    const filter = { surveyId: 'visit' };
    const plan = await planResponseExport(harness.db, filter);
    const rows = [];
    for await (const row of streamResponses(harness.db, filter, plan)) rows.push(row);

    expect(plan.columns.slice(0, 8)).toEqual(['respondent', 'session_id', 'survey_id', 'survey_hash', 'status', 'started_at', 'ended_at', 'session_language']);
    expect(rows.map((row) => [row.respondent, row.session_language, row.lang])).toEqual([
      [RESPONDENT, 'es', 'es'],
      ['+15555550124', 'en', null],
    ]);
  });
});

describe('invitations in the contact language', () => {
  let distribution: DistributionHarness;

  afterEach(async () => {
    await distribution?.close();
  });

  it('invites and reminds in Spanish', async () => {
    distribution = await createDistributionHarness({
      surveys: { 'visit.json': { ...VISIT, reminders: [{ after: '4h', text: { en: 'A reminder.', es: 'Un recordatorio.' } }] } },
    });
    await distribution.addContacts('patients', [{ phone: RESPONDENT }, { phone: '+15555550124' }]);
    await distribution.db.updateTable('contacts').set({ language: 'es' }).where('phone', '=', RESPONDENT).execute();
    await distribution.send({ surveyId: 'visit', listName: 'patients' });

    await distribution.drain();
    await distribution.fake.settled();

    const bodies = Object.fromEntries(distribution.fake.messages.map((message) => [message.to, message.body]));
    expect(bodies[RESPONDENT]).toBe('Hola, le escribe la clínica.\n\n¿Volvería?\n\nResponda STOP para darse de baja.');
    expect(bodies['+15555550124']).toBe('Hi from the clinic.\n\nReply 1 for English, 2 para español.\n1. English\n2. Español\n\nReply STOP to opt out.');

    distribution.clock.advance(5 * 60 * 60 * 1000);
    await distribution.drain();
    await distribution.fake.settled();
    const reminder = distribution.fake.messages.find((message) => message.to === RESPONDENT && message.body.startsWith('Un recordatorio.'));
    expect(reminder?.body).toBe('Un recordatorio.\n\n¿Volvería?');

    expect(await distribution.text(RESPONDENT, 'sí')).toEqual(['Usted dijo sí.\n\n¿Quién le ayudó más?\n1. Enfermería\n2. Médico']);
  });
});
