import { afterEach, describe, expect, it, vi } from 'vitest';
import { formatDistributionReport } from '../src/cli/status-text.ts';
import { createDistribution } from '../src/distribution/create-distribution.ts';
import { MAX_ATTEMPTS } from '../src/distribution/dispatcher.ts';
import { loadDistributionReport } from '../src/storage/distribution-report.ts';
import { type DistributionHarness, SENDER, createDistributionHarness } from './support/distribution-harness.ts';

const harnesses: DistributionHarness[] = [];

async function start(options: Parameters<typeof createDistributionHarness>[0] = {}): Promise<DistributionHarness> {
  const harness = await createDistributionHarness(options);
  harnesses.push(harness);
  return harness;
}

afterEach(async () => {
  await Promise.all(harnesses.splice(0).map((harness) => harness.close()));
});

const ALICE = '+15555550123';
const BOB = '+15555550124';

const remindedSurvey = {
  id: 'reminded',
  title: 'Reminded survey',
  keywords: ['REMIND'],
  intro: 'Hi from Acme.',
  questions: [
    { id: 'score', type: 'number', text: 'Rate us from 1 to 5.', min: 1, max: 5 },
    { id: 'why', type: 'text', text: 'Why?' },
  ],
  end: 'Thanks!',
  expiresAfter: '3d',
  reminders: [
    { after: '4h', text: 'A quick reminder from Acme.' },
    { after: '1d', text: 'Last reminder from Acme.' },
  ],
};

describe('distributions', () => {
  it('sends each interactive invite once and opens its session', async () => {
    const h = await start();
    await h.addContacts('customers', [{ phone: ALICE }, { phone: BOB }]);
    await h.send({ surveyId: 'customer-nps', listName: 'customers' });

    await h.drain();
    await h.fake.settled();

    expect(h.fake.messages.map((message) => message.to).sort()).toEqual([ALICE, BOB]);
    const [invite] = h.fake.messages;
    expect(invite!.from).toBe(SENDER.value);
    expect(invite!.body).toContain('Hi, this is Acme.');
    expect(invite!.body).toContain('How likely are you to recommend Acme');

    const rows = await h.outbox();
    expect(rows.map((row) => row.state)).toEqual(['sent', 'sent']);
    expect(rows.map((row) => row.message_sid).sort()).toEqual(h.fake.messages.map((message) => message.sid).sort());
    // The fake's signed status callbacks reached POST /twilio/status.
    expect(rows.map((row) => row.delivery_status)).toEqual(['delivered', 'delivered']);

    // The respondent answers the invite's question in the session it opened.
    const reply = await h.text(ALICE, '9');
    expect(reply.join('\n')).not.toContain('To take a survey');
    const answers = await h.db.selectFrom('answers').select(['question_id', 'value']).execute();
    expect(answers).toEqual([{ question_id: 'score', value: '9' }]);
  });

  it('keeps to the distribution rate, measured at the fake Twilio', async () => {
    const h = await start();
    const contacts = Array.from({ length: 500 }, (_, index) => ({ phone: `+1555556${String(index).padStart(4, '0')}` }));
    await h.addContacts('everyone', contacts);
    const rate = 200;
    await h.send({ surveyId: 'customer-nps', listName: 'everyone', segmentsPerSecond: rate });

    await h.drain();

    const created = h.fake.messages.map((message) => message.dateCreated.getTime()).sort((a, b) => a - b);
    expect(created).toHaveLength(500);
    expect(new Set(h.fake.messages.map((message) => message.to)).size).toBe(500);
    const segments = h.fake.messages[0]!.numSegments;
    // In any one-second window, no more segments than the rate allows (plus the one starting it).
    for (let i = 0; i < created.length; i++) {
      let j = i;
      while (j < created.length && created[j]! < created[i]! + 1000) j++;
      expect((j - i) * segments).toBeLessThanOrEqual(rate + segments);
    }
    expect(created.at(-1)! - created[0]!).toBeGreaterThanOrEqual(((500 - 1) * segments * 1000) / rate - 50);
  }, 30_000);

  it('waits for sending hours in the contact’s time zone', async () => {
    // 03:00 in Chicago.
    const h = await start({ clockStart: '2026-12-04T09:00:00.000Z', sendWindow: { startMinute: 9 * 60, endMinute: 20 * 60 } });
    await h.addContacts('night', [{ phone: ALICE, timezone: 'America/Chicago' }, { phone: '+442071838750', timezone: 'Europe/London' }]);
    await h.send({ surveyId: 'customer-nps', listName: 'night' });

    await h.drain();
    expect(h.fake.messages.map((message) => message.to)).toEqual(['+442071838750']);
    const waiting = (await h.outbox()).find((row) => row.recipient === ALICE)!;
    expect(waiting.state).toBe('pending');
    expect(waiting.not_before).toBe('2026-12-04T15:00:00.000Z');
    const report = await loadDistributionReport(h.db, 1);
    expect(report!.heldForSendingHours).toEqual({ count: 1, firstAt: '2026-12-04T15:00:00.000Z' });
    expect(formatDistributionReport(report!, { segments: 0, pricePerSegment: 0, currency: 'USD', amount: 0 })).toContain(
      '    1 waits for sending hours, the first until 2026-12-04T15:00:00.000Z',
    );

    h.clock.advance(6 * 3_600_000 - 60_000);
    await h.drain();
    expect(h.fake.messages).toHaveLength(1);

    h.clock.advance(60_000);
    await h.drain();
    expect(h.fake.messages.map((message) => message.to)).toEqual(['+442071838750', ALICE]);
  });

  it('applies a changed sending window to messages already held', async () => {
    const h = await start({ clockStart: '2026-12-04T09:00:00.000Z', sendWindow: { startMinute: 9 * 60, endMinute: 20 * 60 } });
    await h.addContacts('night', [{ phone: ALICE, timezone: 'America/Chicago' }]);
    await h.send({ surveyId: 'customer-nps', listName: 'night' });
    await h.drain();
    expect((await h.outbox())[0]).toMatchObject({ state: 'pending', not_before: '2026-12-04T15:00:00.000Z', held_from: '2026-12-04T09:00:00.000Z' });

    // Restarted with SEND_WINDOW=always, the dispatcher sends the held message at once.
    const always = h.createDispatcher({ sendWindow: undefined, pollMs: 10 });
    always.start();
    await vi.waitFor(() => expect(h.fake.messages).toHaveLength(1), { timeout: 5000 });
    await always.stop();
    expect((await h.outbox())[0]).toMatchObject({ state: 'sent', held_from: null });
  });

  it.each([
    ['+15005550001', 21211],
    ['+15005550002', 21612],
    ['+15005550003', 21408],
    ['+15005550004', 21610],
    ['+15005550009', 21614],
  ])('records Twilio’s refusal for %s as error %i and never retries it', async (phone, code) => {
    const h = await start();
    await h.addContacts('bad', [{ phone }]);
    await h.send({ surveyId: 'customer-nps', listName: 'bad' });

    await h.drain();
    h.clock.advance(3_600_000);
    await h.drain();

    const [row] = await h.outbox();
    expect(row).toMatchObject({ state: 'failed', error_code: code, attempts: 1, message_sid: null, session_id: null });
    const suppressed = await h.db.selectFrom('suppressions').selectAll().execute();
    expect(suppressed).toEqual(code === 21610 ? [expect.objectContaining({ respondent: phone, channel: SENDER.value, source: 'twilio_21610' })] : []);
  });

  it('retries 429 and 500 with backoff, then sends once', async () => {
    const h = await start();
    await h.addContacts('one', [{ phone: ALICE }]);
    await h.send({ surveyId: 'customer-nps', listName: 'one' });
    h.fake.failNextRequests(1, 429);
    h.fake.failNextRequests(1, 500);

    await h.drain();
    let [row] = await h.outbox();
    expect(row).toMatchObject({ state: 'pending', attempts: 1, error_code: 20429 });
    const firstRetry = Date.parse(row!.not_before) - h.clock.now().getTime();
    expect(firstRetry).toBeGreaterThanOrEqual(500);
    expect(firstRetry).toBeLessThanOrEqual(1000);

    h.clock.advance(1000);
    await h.drain();
    [row] = await h.outbox();
    expect(row).toMatchObject({ state: 'pending', attempts: 2, error_code: 20500 });
    expect(Date.parse(row!.not_before) - h.clock.now().getTime()).toBeGreaterThanOrEqual(1000);

    h.clock.advance(2000);
    await h.drain();
    [row] = await h.outbox();
    expect(row).toMatchObject({ state: 'sent', attempts: 3, error_code: null });
    expect(h.fake.messages).toHaveLength(1);
  });

  it(`marks a message failed after ${MAX_ATTEMPTS} refused attempts`, async () => {
    const h = await start();
    await h.addContacts('one', [{ phone: ALICE }]);
    await h.send({ surveyId: 'customer-nps', listName: 'one' });
    h.fake.failNextRequests(MAX_ATTEMPTS, 500);

    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      await h.drain();
      h.clock.advance(600_000);
    }
    const [row] = await h.outbox();
    expect(row).toMatchObject({ state: 'failed', attempts: MAX_ATTEMPTS, error_code: 20500 });
    expect(row!.error_message).toContain(`gave up after ${MAX_ATTEMPTS} attempts`);
    expect(h.fake.messages).toHaveLength(0);
  });

  it('skips a contact who replied STOP, and one Twilio reported as unsubscribed', async () => {
    const h = await start();
    await h.addContacts('mixed', [{ phone: ALICE }, { phone: BOB }, { phone: '+15005550004' }]);
    await h.text(ALICE, 'STOP');

    await h.send({ surveyId: 'customer-nps', listName: 'mixed' });
    await h.drain();
    expect(h.fake.messages.map((message) => message.to)).toEqual([BOB]);

    // A second distribution skips the number that got 21610 the first time, without asking Twilio.
    await h.send({ surveyId: 'event-feedback', listName: 'mixed' });
    await h.drain();
    const rows = await h.outbox();
    expect(rows.map((row) => [row.distribution_id, row.recipient, row.state, row.skip_reason])).toEqual([
      [1, ALICE, 'skipped', 'suppressed: replied STOP'],
      [1, BOB, 'sent', null],
      [1, '+15005550004', 'failed', null],
      [2, ALICE, 'skipped', 'suppressed: replied STOP'],
      [2, BOB, 'sent', null],
      [2, '+15005550004', 'skipped', 'suppressed: Twilio error 21610'],
    ]);

    // START lifts the suppression for the next distribution.
    await h.text(ALICE, 'START');
    await h.send({ surveyId: 'phq-2', listName: 'mixed' });
    await h.drain();
    expect(h.fake.messages.filter((message) => message.to === ALICE)).toHaveLength(1);
  });

  it('supersedes an active session on the same number, keeping its answers', async () => {
    const h = await start();
    await h.text(ALICE, 'FEEDBACK');
    await h.text(ALICE, '8');
    await h.addContacts('one', [{ phone: ALICE }]);
    await h.send({ surveyId: 'event-feedback', listName: 'one' });
    await h.drain();

    const sessions = await h.db.selectFrom('sessions').select(['id', 'survey_id', 'status']).orderBy('id').execute();
    expect(sessions).toEqual([
      { id: 1, survey_id: 'customer-nps', status: 'superseded' },
      { id: 2, survey_id: 'event-feedback', status: 'active' },
    ]);
    expect(await h.db.selectFrom('answers').select(['session_id', 'question_id']).execute()).toEqual([{ session_id: 1, question_id: 'score' }]);
  });

  it('sends each reminder once, with the pending question, and stops them on a reply', async () => {
    const h = await start({ surveys: { 'reminded.json': remindedSurvey } });
    await h.addContacts('two', [{ phone: ALICE }, { phone: BOB }]);
    await h.send({ surveyId: 'reminded', listName: 'two' });
    await h.drain();
    expect(h.fake.messages).toHaveLength(2);

    h.clock.advance(4 * 3_600_000);
    await h.drain();
    await h.drain();
    const firstReminders = h.fake.messages.slice(2);
    expect(firstReminders.map((message) => message.to).sort()).toEqual([ALICE, BOB]);
    expect(firstReminders[0]!.body).toBe('A quick reminder from Acme.\n\nRate us from 1 to 5.');

    // Alice answers; only Bob gets the last reminder.
    await h.text(ALICE, '4');
    h.clock.advance(20 * 3_600_000);
    await h.drain();
    expect(h.fake.messages.slice(4).map((message) => [message.to, message.body])).toEqual([[BOB, 'Last reminder from Acme.\n\nRate us from 1 to 5.']]);
    const aliceLast = (await h.outbox()).find((row) => row.recipient === ALICE && row.sequence === 2)!;
    expect(aliceLast).toMatchObject({ state: 'skipped', skip_reason: 'respondent replied' });

    h.clock.advance(30 * 3_600_000);
    await h.drain();
    expect(h.fake.messages).toHaveLength(5);
  });

  it('does not remind a respondent whose session ended', async () => {
    const h = await start({ surveys: { 'reminded.json': remindedSurvey } });
    await h.addContacts('one', [{ phone: ALICE }]);
    await h.send({ surveyId: 'reminded', listName: 'one' });
    await h.drain();
    await h.text(ALICE, 'STOP');

    h.clock.advance(4 * 3_600_000);
    await h.drain();
    const reminder = (await h.outbox()).find((row) => row.sequence === 1)!;
    expect(reminder.state).toBe('skipped');
    expect(reminder.skip_reason).toMatch(/^suppressed|session opted_out/);
    expect(h.fake.messages).toHaveLength(1);
  });
});

describe('creating a distribution', () => {
  it('refuses interactive mode from an alphanumeric sender ID', async () => {
    const h = await start();
    await h.addContacts('one', [{ phone: ALICE }]);
    await expect(h.send({ surveyId: 'customer-nps', listName: 'one', sender: { value: 'Acme', kind: 'alphanumeric', segmentsPerSecond: 1 } })).rejects.toThrow(
      /Interactive mode needs replies, and the sender ID "Acme" cannot receive them/,
    );
  });

  it('requires an opt-out instruction for link mode from a sender ID', async () => {
    const h = await start();
    await h.addContacts('one', [{ phone: ALICE }]);
    const sender = { value: 'Acme', kind: 'alphanumeric' as const, segmentsPerSecond: 1 };
    await expect(h.send({ surveyId: 'customer-nps', listName: 'one', mode: 'link', link: 'https://example.org/s', sender })).rejects.toThrow(/--opt-out/);

    await h.send({ surveyId: 'customer-nps', listName: 'one', mode: 'link', link: 'https://example.org/s?p={{phone}}', sender, optOut: 'Opt out at example.org/stop' });
    const [row] = await h.outbox();
    expect(row!.body).toBe('Customer feedback: https://example.org/s?p=%2B15555550123\n\nOpt out at example.org/stop');
  });

  it('percent-encodes contact values in the link only', async () => {
    const h = await start();
    await h.addContacts('one', [{ phone: ALICE }]);
    await h.db.updateTable('contacts').set({ first_name: 'Ana & Co', fields: JSON.stringify({ store: 'Nörth Side' }) }).execute();
    await h.send({
      surveyId: 'customer-nps',
      listName: 'one',
      mode: 'link',
      link: 'https://example.org/s?n={{first_name}}&s={{store}}',
      text: 'Hi {{contact.first_name}} of {{store}}: {{link}}',
    });
    const [row] = await h.outbox();
    expect(row!.body).toBe('Hi Ana & Co of Nörth Side: https://example.org/s?n=Ana%20%26%20Co&s=N%C3%B6rth%20Side\n\nReply STOP to opt out.');
  });

  it('leaves opted-out contacts out of the segment estimate', async () => {
    const h = await start();
    await h.addContacts('two', [{ phone: ALICE }, { phone: BOB }]);
    await h.text(ALICE, 'STOP');
    const created = await createDistribution(h.db, { survey: h.catalog.get('customer-nps')!, listName: 'two', mode: 'interactive', sender: SENDER }, h.clock.now());
    expect(created).toMatchObject({ invites: 2, suppressed: 1 });
    expect(created.suppressedSegments).toBe(created.segments / 2);
  });

  it('names an unknown placeholder and the fields there are', async () => {
    const h = await start();
    await h.addContacts('one', [{ phone: ALICE }]);
    await expect(h.send({ surveyId: 'customer-nps', listName: 'one', mode: 'link', link: 'https://example.org/{{shop}}' })).rejects.toThrow(
      '{{shop}} is not a contact field (in --link or --text). Use one of: {{phone}}, {{first_name}}, {{last_name}}, {{title}}, also written as {{contact.name}}.',
    );
  });

  it('names an unknown list and the lists there are', async () => {
    const h = await start();
    await h.addContacts('customers', [{ phone: ALICE }]);
    await expect(h.send({ surveyId: 'customer-nps', listName: 'custmers' })).rejects.toThrow('No contact list "custmers". The lists are: customers.');
  });

  it('counts segments of every invite before sending', async () => {
    const h = await start();
    await h.addContacts('one', [{ phone: ALICE }]);
    await h.send({ surveyId: 'customer-nps', listName: 'one', mode: 'link', link: 'https://example.org/s', text: 'Привет! {{link}}' });
    const [row] = await h.outbox();
    expect(row).toMatchObject({ encoding: 'UCS-2', segments: 1 });
    await h.drain();
    expect(h.fake.messages[0]!.numSegments).toBe(row!.segments);
  });
});
