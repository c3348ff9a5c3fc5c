import readline from 'node:readline';
import { isPossiblePhoneNumber } from 'libphonenumber-js';
import pino from 'pino';
import { type Config, loadConfig } from '../config/config.ts';
import { resolveTwilioCredentials } from '../config/twilio-credentials.ts';
import { setContactLanguage } from '../contacts/contact-store.ts';
import { ParleyError } from '../errors.ts';
import { canonicalizeLanguage } from '../language-tags.ts';
import { openDatabase } from '../storage/database.ts';
import { migrateToLatest } from '../storage/migrate.ts';
import { SurveyCatalog } from '../surveys/survey-catalog.ts';
import { closestMatch } from '../surveys/validation-messages.ts';
import { SandboxInbox } from './sandbox-inbox.ts';
import { TwilioPhone } from './twilio-phone.ts';

export interface ChatOptions {
  from: string;
  to: string;
  messagingService?: string;
  url?: string;
  /** Id of a survey to start at once, by texting its first keyword. */
  survey?: string;
  /** BCP 47 language to set on the sandbox contact record of `from` before chatting. */
  lang?: string;
}

/**
 * Acts as a phone against a running server: each line read from standard input is
 * sent as a signed inbound SMS webhook, and the reply is printed as the phone shows it.
 * `survey` starts that survey first, by texting its first keyword. `lang` sets the
 * language of the contact record of `from`, in sandbox mode only, so the server treats
 * the phone as a contact who reads that language.
 */
export async function runChat(options: ChatOptions): Promise<void> {
  for (const [flag, value] of [['--from', options.from], ['--to', options.to]] as const) {
    if (!isPossiblePhoneNumber(value)) {
      throw new ParleyError('INVALID_OPTION', `${flag} ${JSON.stringify(value)} is not a phone number in E.164 format; write it like +15555550123.`);
    }
  }
  if (options.messagingService !== undefined && !/^MG[0-9a-f]{32}$/i.test(options.messagingService)) {
    throw new ParleyError('INVALID_OPTION', `--messaging-service ${JSON.stringify(options.messagingService)} is not a Messaging Service SID ("MG" and 32 hexadecimal characters).`);
  }

  const language = options.lang === undefined ? undefined : canonicalLanguageOption(options.lang);

  const config = loadConfig();
  const credentials = resolveTwilioCredentials(config, { create: false });
  const keyword = options.survey === undefined ? undefined : await firstKeywordOf(options.survey, config.surveysDir);
  if (language !== undefined) {
    if (!credentials.sandbox) {
      throw new ParleyError(
        'INVALID_OPTION',
        `--lang works only in sandbox mode, because it changes the contact record of ${options.from} in the database, and TWILIO_AUTH_TOKEN is set. Import the number with a language column instead (parley contacts import).`,
      );
    }
    await setSandboxLanguage(config, options.from, language);
  }
  const serverUrl = (options.url ?? `http://127.0.0.1:${config.port}`).replace(/\/+$/, '');
  const phone = new TwilioPhone({
    serverUrl,
    publicUrl: config.publicUrl ?? defaultPublicUrl(serverUrl),
    accountSid: credentials.accountSid,
    authToken: credentials.authToken,
    from: options.from,
    to: options.to,
    messagingServiceSid: options.messagingService,
  });

  const interactive = process.stdin.isTTY === true;
  if (interactive) {
    console.log(`Texting ${options.messagingService ?? options.to} from ${options.from} through ${serverUrl}. Type a message and press Enter; Ctrl+D quits.`);
  }

  const prompt = (): void => {
    if (interactive) process.stdout.write('you> ');
  };

  // In sandbox mode, invitations and reminders sent to this phone show up as they would on it.
  const inbox = await SandboxInbox.open(config, credentials, options.from, serverUrl);
  const showInbox = async (): Promise<boolean> => {
    const bodies = await inbox!.takeNew().catch(() => []);
    for (const body of bodies) printReply(body);
    return bodies.length > 0;
  };
  let polling: NodeJS.Timeout | undefined;
  if (inbox !== undefined) {
    const backlog = await inbox.takeNew().catch(() => []);
    if (backlog.length > 0 && interactive) console.log(`(messages sent to ${options.from} by distributions in the last hour)`);
    for (const body of backlog) printReply(body);
    if (interactive) {
      polling = setInterval(() => {
        void showInbox().then((shown) => {
          if (shown) prompt();
        });
      }, 1000);
    }
  }
  if (keyword !== undefined) {
    if (interactive) console.log(`you> ${keyword}`);
    const replies = await phone.send(keyword);
    if (replies.length === 0) console.log('(no reply)');
    for (const reply of replies) printReply(reply);
  }

  // Created only now: readline drops lines read before the loop below starts.
  const lines = readline.createInterface({ input: process.stdin, output: interactive ? process.stdout : undefined, terminal: interactive });
  prompt();
  for await (const line of lines) {
    // A phone cannot send an empty SMS, so an empty line only shows the prompt again.
    if (line.trim() === '') {
      prompt();
      continue;
    }
    const replies = await phone.send(line);
    if (replies.length === 0) console.log('(no reply)');
    for (const reply of replies) printReply(reply);
    prompt();
  }
  clearInterval(polling);
}

function canonicalLanguageOption(tag: string): string {
  const canonical = canonicalizeLanguage(tag);
  if (canonical === undefined) {
    throw new ParleyError('INVALID_OPTION', `--lang ${JSON.stringify(tag)} is not a BCP 47 language tag; write it like es, es-MX or pt-BR.`);
  }
  return canonical;
}

/** Returns the first keyword of the survey with this id in the surveys folder, which the server also reads. */
async function firstKeywordOf(surveyId: string, surveysDir: string): Promise<string> {
  const catalog = new SurveyCatalog({ dir: surveysDir, logger: pino({ level: 'silent' }) });
  try {
    await catalog.load();
    const version = catalog.get(surveyId);
    if (version !== undefined) return version.survey.keywords[0]!;

    const ids = catalog.list().map((loaded) => loaded.survey.id);
    const suggestion = closestMatch(surveyId, ids);
    const known = ids.length === 0 ? `no valid survey is in ${surveysDir}` : `the surveys are ${ids.join(', ')}`;
    throw new ParleyError(
      'INVALID_OPTION',
      `--survey ${JSON.stringify(surveyId)} is not the id of a survey in ${surveysDir}${suggestion === undefined ? '' : ` (did you mean ${suggestion}?)`}: ${known}. Run chat with the same SURVEYS_DIR as the server.`,
    );
  } finally {
    catalog.close();
  }
}

/**
 * Sets the language of the sandbox contact record of `phone`, in the database the server
 * uses, so the server treats the phone as a contact who reads that language.
 */
async function setSandboxLanguage(config: Config, phone: string, language: string): Promise<void> {
  if (config.databaseUrl === ':memory:') {
    throw new ParleyError('INVALID_OPTION', '--lang needs the database file the server uses, but DATABASE_URL is :memory:. Set DATABASE_URL to a file for both.');
  }

  const db = openDatabase(config.databaseUrl, { synchronous: config.sqliteSynchronous });
  try {
    await migrateToLatest(db);
    await setContactLanguage(db, phone, language, new Date());
  } finally {
    await db.destroy();
  }
}

function printReply(text: string): void {
  console.log(text.split('\n').map((line) => `parley> ${line}`).join('\n'));
}

/**
 * Without PUBLIC_URL the server verifies signatures against http://localhost:$PORT, so
 * the phone signs for the port it sends to, which also covers `--url` with another port.
 */
function defaultPublicUrl(serverUrl: string): string {
  let url: URL;
  try {
    url = new URL(serverUrl);
  } catch {
    throw new ParleyError('INVALID_OPTION', `--url ${JSON.stringify(serverUrl)} is not a URL; write it like http://127.0.0.1:3000.`);
  }
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return `http://localhost:${port}`;
}
