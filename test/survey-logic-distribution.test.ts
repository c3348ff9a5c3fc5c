import { afterEach, describe, expect, it } from 'vitest';
import { createDistributionHarness, type DistributionHarness } from './support/distribution-harness.ts';

const ALICE = '+15555550111';
const BOB = '+15555550112';

const SURVEY = {
  id: 'piped',
  title: 'Piped',
  keywords: ['PIPED'],
  intro: 'Hi {{contact.first_name | "there"}}, Acme here. Reply STOP to opt out.',
  questions: [
    { id: 'welcome', type: 'message', text: 'Two questions.' },
    { id: 'rating', type: 'number', text: 'Rate us from 1 to 5.', min: 1, max: 5, integer: true },
    { id: 'why', type: 'text', text: 'Why {{answers.rating}}, {{contact.first_name | "friend"}}?' },
  ],
  reminders: [{ after: '4h', text: 'A reminder for {{contact.first_name | "you"}}.' }],
  end: 'Thanks.',
};

let h: DistributionHarness;

afterEach(async () => {
  await h?.close();
});

async function startWithContacts(): Promise<void> {
  h = await createDistributionHarness({ surveys: { 'piped.json': SURVEY } });
  await h.addContacts('two', [{ phone: ALICE }, { phone: BOB }]);
  await h.db.updateTable('contacts').set({ first_name: 'Alice' }).where('phone', '=', ALICE).execute();
}

describe('distribution of survey logic', () => {
  it('pipes contacts and messages into invitations', async () => {
    await startWithContacts();
    await h.send({ surveyId: 'piped', listName: 'two' });
    await h.drain();

    const bodies = Object.fromEntries(h.fake.messages.map((message) => [message.to, message.body]));
    expect(bodies[ALICE]).toBe('Hi Alice, Acme here. Reply STOP to opt out.\n\nTwo questions.\n\nRate us from 1 to 5.');
    expect(bodies[BOB]).toBe('Hi there, Acme here. Reply STOP to opt out.\n\nTwo questions.\n\nRate us from 1 to 5.');
  });

  it('repeats messages and pipes text in reminders', async () => {
    await startWithContacts();
    await h.send({ surveyId: 'piped', listName: 'two' });
    await h.drain();
    h.clock.advance(4 * 3_600_000);
    await h.drain();

    const reminders = Object.fromEntries(h.fake.messages.slice(2).map((message) => [message.to, message.body]));
    expect(reminders[ALICE]).toBe('A reminder for Alice.\n\nTwo questions.\n\nRate us from 1 to 5.');
    expect(reminders[BOB]).toBe('A reminder for you.\n\nTwo questions.\n\nRate us from 1 to 5.');
  });

  it('pipes answers into the replies of an invited session', async () => {
    await startWithContacts();
    await h.send({ surveyId: 'piped', listName: 'two' });
    await h.drain();

    expect(await h.text(ALICE, '4')).toEqual(['Why 4, Alice?']);
    expect(await h.text(BOB, '2')).toEqual(['Why 2, friend?']);
  });
});

describe('distribution of an announcement', () => {
  it('ends the session with the invite', async () => {
    h = await createDistributionHarness({
      surveys: {
        'news.json': {
          id: 'news',
          title: 'News',
          keywords: ['NEWS'],
          questions: [{ id: 'news', type: 'message', text: 'The office is closed on Friday.', next: [{ goto: 'end' }] }],
          end: 'Reply STOP to opt out of these messages.',
        },
      },
    });
    await h.addContacts('one', [{ phone: ALICE }]);
    await h.send({ surveyId: 'news', listName: 'one' });
    await h.drain();

    expect(h.fake.messages.map((message) => message.body)).toEqual(['The office is closed on Friday.\n\nReply STOP to opt out of these messages.']);
    const sessions = await h.db.selectFrom('sessions').select(['status', 'end_id']).execute();
    expect(sessions).toEqual([{ status: 'completed', end_id: 'end' }]);
  });
});
