import readline from 'node:readline';
import { isPossiblePhoneNumber } from 'libphonenumber-js';
import { loadConfig } from '../config/config.ts';
import { resolveTwilioCredentials } from '../config/twilio-credentials.ts';
import { ParleyError } from '../errors.ts';
import { SandboxInbox } from './sandbox-inbox.ts';
import { TwilioPhone } from './twilio-phone.ts';

export interface ChatOptions {
  from: string;
  to: string;
  messagingService?: string;
  url?: string;
}

/**
 * Acts as a phone against a running server: each line read from standard input is
 * sent as a signed inbound SMS webhook, and the reply is printed as the phone shows it.
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

  const config = loadConfig();
  const credentials = resolveTwilioCredentials(config, { create: false });
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
