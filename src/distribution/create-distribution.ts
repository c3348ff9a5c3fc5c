import type { Kysely } from 'kysely';
import { type Sender, canReceiveReplies } from '../config/sender.ts';
import { optOutHint } from '../engine/engine-texts.ts';
import { buildSurveyMachine, initialSnapshot } from '../engine/survey-machine.ts';
import { contactFields, renderOpening } from '../engine/survey-prompt.ts';
import { ParleyError } from '../errors.ts';
import { ConversationStore } from '../storage/conversation-store.ts';
import { OutboxStore, pendingMessage } from '../storage/outbox-store.ts';
import type { Contact, Database, DistributionMode, NewOutboundMessage } from '../storage/tables.ts';
import { matchLanguage } from '../language-tags.ts';
import { surveyInLanguage, type SurveyVersion } from '../surveys/survey-file.ts';
import { fillPlaceholders, joinParagraphs, placeholderValues, withOptOutHint } from './invite-text.ts';

export interface DistributionRequest {
  survey: SurveyVersion;
  listName: string;
  mode: DistributionMode;
  sender: Sender;
  /** Earliest send time; now when undefined. */
  sendAt?: Date | undefined;
  /** Segments per second for this distribution; the sender's rate when undefined. */
  segmentsPerSecond?: number | undefined;
  /** Link mode: the survey's address, which may hold placeholders such as `{{phone}}`. */
  link?: string | undefined;
  /** Link mode: the invitation, with `{{link}}` and any placeholders. */
  text?: string | undefined;
  /** Link mode: the opt-out instruction, required for a sender that cannot receive STOP. */
  optOut?: string | undefined;
}

export interface DistributionCreated {
  id: number;
  invites: number;
  segments: number;
  /** Invites to contacts on the suppression list now; they will be skipped unless the contact opts back in. */
  suppressed: number;
  /** Segments of those invites, which will not be sent. */
  suppressedSegments: number;
  sendAt: Date;
  segmentsPerSecond: number;
}

const DEFAULT_LINK_TEXT = '{{title}}: {{link}}';

/**
 * Creates a distribution and one pending invite per contact of the list, in one
 * transaction, so a distribution is either whole in the outbox or absent. The
 * dispatcher sends the invites; nothing here talks to Twilio.
 *
 * @throws ParleyError naming the unknown list, an impossible mode for the sender, or a bad text.
 */
export async function createDistribution(db: Kysely<Database>, request: DistributionRequest, now: Date): Promise<DistributionCreated> {
  const { survey, sender, mode } = request;
  checkMode(request);

  const list = await db.selectFrom('contact_lists').select(['id', 'name']).where('name', '=', request.listName).executeTakeFirst();
  if (list === undefined) {
    const names = (await db.selectFrom('contact_lists').select('name').orderBy('name').execute()).map((row) => row.name);
    throw new ParleyError(
      'UNKNOWN_LIST',
      names.length === 0
        ? `No contact list ${JSON.stringify(request.listName)}: no contacts are imported yet. Import some with \`parley contacts import FILE.csv --list ${request.listName}\`.`
        : `No contact list ${JSON.stringify(request.listName)}. The lists are: ${names.join(', ')}.`,
    );
  }

  const contacts = await db
    .selectFrom('contacts')
    .innerJoin('contact_list_members', 'contact_list_members.contact_id', 'contacts.id')
    .selectAll('contacts')
    .where('contact_list_members.list_id', '=', list.id)
    .orderBy('contacts.id')
    .execute();
  if (contacts.length === 0) {
    throw new ParleyError('EMPTY_LIST', `Contact list ${JSON.stringify(list.name)} has no contacts. Import some with \`parley contacts import FILE.csv --list ${list.name}\`.`);
  }

  const sendAt = request.sendAt ?? now;
  const segmentsPerSecond = request.segmentsPerSecond ?? sender.segmentsPerSecond;
  const bodyFor = inviteWriter(request);

  return db.transaction().execute(async (trx) => {
    const conversations = new ConversationStore(trx);
    await conversations.saveSurveyVersion({
      hash: survey.hash,
      survey_id: survey.survey.id,
      file: survey.file,
      source: survey.source,
      first_used_at: now.toISOString(),
    });
    const outbox = new OutboxStore(trx);
    const id = await outbox.insertDistribution({
      survey_id: survey.survey.id,
      survey_hash: survey.hash,
      list_id: list.id,
      mode,
      sender: sender.value,
      sender_kind: sender.kind,
      segments_per_second: segmentsPerSecond,
      send_at: sendAt.toISOString(),
      created_at: now.toISOString(),
    });

    const rows: NewOutboundMessage[] = contacts.map((contact) =>
      pendingMessage({
        distribution_id: id,
        contact_id: contact.id,
        sequence: 0,
        recipient: contact.phone,
        sender: sender.value,
        body: bodyFor(contact),
        not_before: sendAt.toISOString(),
        session_id: null,
        created_at: now.toISOString(),
      }),
    );
    await outbox.insertMessages(rows);

    // A join rather than a list of phones, which would pass SQLite's limit on bound values for large lists.
    const suppressed = await trx
      .selectFrom('outbound_messages as m')
      .innerJoin('suppressions as s', (join) => join.onRef('s.respondent', '=', 'm.recipient').onRef('s.channel', '=', 'm.sender'))
      .select((eb) => [eb.fn.countAll<number>().as('count'), eb.fn.sum<number>('m.segments').as('segments')])
      .where('m.distribution_id', '=', id)
      .executeTakeFirstOrThrow();

    return {
      id,
      invites: rows.length,
      segments: rows.reduce((sum, row) => sum + row.segments, 0),
      suppressed: Number(suppressed.count),
      suppressedSegments: Number(suppressed.segments ?? 0),
      sendAt,
      segmentsPerSecond,
    };
  });
}

function checkMode({ mode, sender, link, optOut }: DistributionRequest): void {
  if (mode === 'interactive' && !canReceiveReplies(sender)) {
    throw new ParleyError(
      'MODE_NEEDS_REPLIES',
      `Interactive mode needs replies, and the sender ID ${JSON.stringify(sender.value)} cannot receive them. Send from a phone number, short code or Messaging Service (TWILIO_FROM or TWILIO_MESSAGING_SERVICE_SID), or use --mode link.`,
    );
  }
  if (mode === 'link' && link === undefined) {
    throw new ParleyError('LINK_MISSING', 'Link mode needs the survey address: add --link https://... (placeholders such as {{phone}} are filled per contact).');
  }
  if (mode === 'link' && !canReceiveReplies(sender) && optOut === undefined) {
    throw new ParleyError(
      'OPT_OUT_MISSING',
      `The sender ID ${JSON.stringify(sender.value)} cannot receive STOP, so link-mode invitations need another way to opt out: add --opt-out "To stop these messages, visit https://...".`,
    );
  }
}

/** Returns the function that writes each contact's invitation, after checking the templates once. */
function inviteWriter({ survey, mode, sender, link, text, optOut }: DistributionRequest): (contact: Contact) => string {
  const { title } = survey.survey;
  if (mode === 'interactive') {
    // The dispatcher opens each session with the same initial snapshot when the invite is sent.
    // A contact whose language the survey has gets the survey in it, without its language questions.
    const machine = buildSurveyMachine(survey.survey);
    const initial = {
      fromContact: initialSnapshot(machine, { languageFromContact: true }),
      otherwise: initialSnapshot(machine, { languageFromContact: false }),
    };
    return (contact) => {
      const language = matchLanguage(contact.language, survey.survey.languages);
      const localized = surveyInLanguage(survey, language);
      const opening = renderOpening(localized, language === undefined ? initial.otherwise : initial.fromContact, contactFields(contact));
      return withOptOutHint(opening, optOutHint(localized.language));
    };
  }

  const template = text ?? DEFAULT_LINK_TEXT;
  if (!template.includes('{{link}}')) {
    throw new ParleyError('LINK_NOT_IN_TEXT', `The text ${JSON.stringify(template)} does not contain {{link}}: add it where the survey address goes.`);
  }
  return (contact) => {
    const values = placeholderValues(contact, { title });
    // A value in the link is percent-encoded, so "Ana & Co" cannot end the link or split a query parameter.
    const linkValues = Object.fromEntries(Object.entries(values).map(([name, value]) => [name, encodeURIComponent(value)]));
    const body = fillPlaceholders(template, { ...values, link: fillPlaceholders(link!, linkValues) });
    if (optOut !== undefined) return joinParagraphs(body, optOut);
    return canReceiveReplies(sender) ? withOptOutHint(body) : body;
  };
}
