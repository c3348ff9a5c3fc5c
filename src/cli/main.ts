import { Command } from 'commander';
import { loadConfig } from '../config/config.ts';
import { isParleyError } from '../errors.ts';
import { createLogger } from '../log.ts';
import { type RunningServer, startServer } from '../server.ts';
import { type ChatOptions, runChat } from './chat-command.ts';
import { runCheck } from './check-command.ts';
import { type ContactsImportOptions, runContactsImportCommand } from './contacts-command.ts';
import { type ExportCommandOptions, runExportCommand } from './export-command.ts';
import { limitHeapGrowth } from './heap-growth.ts';
import { runGraph } from './graph-command.ts';
import { runCancelCommand } from './cancel-command.ts';
import { runSendCommand, type SendCommandOptions } from './send-command.ts';
import { type StatusOptions, runStatusCommand } from './status-command.ts';
import { runConversationTests } from './test-command.ts';
import { runWorker } from './worker-command.ts';

const program = new Command()
  .name('parley')
  .description('Interactive SMS surveys on your own Twilio account.')
  .showHelpAfterError();

program
  .command('serve', { isDefault: true })
  .description('Run the webhook server (configured by environment variables; see the README).')
  .action(async () => {
    limitHeapGrowth();
    const config = loadConfig();
    const logger = createLogger({ level: config.logLevel, pretty: process.stdout.isTTY === true });
    let server: RunningServer;
    try {
      server = await startServer(config, { logger });
    } catch (error) {
      // The last log line records why the server stopped, for log collectors that never read stderr.
      logger.fatal({ err: error }, 'server failed to start');
      throw error;
    }

    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.once(signal, () => {
        logger.info({ signal }, 'received signal');
        server.close().then(
          () => process.exit(0),
          (error: unknown) => {
            logger.error({ err: error }, 'shutdown failed');
            process.exit(1);
          },
        );
      });
    }
  });

program
  .command('chat')
  .description('Act as a phone: text the running server from the terminal, one line per SMS.')
  .requiredOption('--from <phone>', "the respondent's phone number, in E.164 format")
  .option('--to <phone>', 'the Twilio number being texted', '+15555550100')
  .option('--messaging-service <sid>', 'send as if through this Messaging Service (MG...)')
  .option('--url <url>', 'where the server listens (default: http://127.0.0.1:$PORT)')
  .option('--survey <id>', "start this survey at once, by texting its first keyword")
  .option('--lang <code>', "sandbox mode only: set the language (a BCP 47 tag such as es) of the contact record of --from, so the server treats you as a contact who reads it")
  .action(async (options: ChatOptions) => {
    await runChat(options);
  });

program
  .command('check')
  .description('Check survey files: schema, translations, duplicate ids and keywords, choices that are compliance keywords, and SMS segments per message and language.')
  .argument('[files...]', 'survey .json files to check (default: every *.json in SURVEYS_DIR, or ./surveys)')
  .option('--fix-quotes', 'replace curly quotes, long dashes, ellipses and non-breaking spaces with GSM-7 characters in the files, then check them')
  .action(async (files: string[], options: { fixQuotes?: boolean }) => {
    // SURVEYS_DIR is read directly, so checking works without the server's Twilio settings.
    process.exitCode = await runCheck(files, {
      fixQuotes: options.fixQuotes === true,
      surveysDir: process.env.SURVEYS_DIR ?? './surveys',
      out: (line) => console.log(line),
    });
  });

program
  .command('test')
  .description("Run conversation tests: send each step's message to the surveys and check the replies.")
  .argument('[files...]', 'test files (.yaml, .yml, .json) to run (default: every one in $SURVEYS_DIR/tests, or ./surveys/tests)')
  .action(async (files: string[]) => {
    process.exitCode = await runConversationTests(files, {
      surveysDir: process.env.SURVEYS_DIR ?? './surveys',
      programName: process.env.PROGRAM_NAME ?? 'Parley surveys',
      helpText: process.env.HELP_TEXT,
      out: (line) => console.log(line),
    });
  });

program
  .command('graph')
  .description("Print a survey's flow (questions, messages, branches and ends) as a Mermaid flowchart.")
  .argument('<survey>', 'survey .json file, or the id of a survey in SURVEYS_DIR (or ./surveys)')
  .action(async (survey: string) => {
    process.exitCode = await runGraph(survey, {
      surveysDir: process.env.SURVEYS_DIR ?? './surveys',
      out: (line) => console.log(line),
      err: (line) => console.error(line),
    });
  });

program
  .command('export')
  .description('Write one row per response of a survey as CSV, JSON or NDJSON (reads DATABASE_URL).')
  .requiredOption('--survey <id>', 'survey id')
  .option('--format <format>', 'csv, json or ndjson', 'csv')
  .option('--since <date>', 'only responses started at or after this ISO 8601 date or date-time (UTC unless an offset is given)')
  .option('--status <list>', 'comma-separated statuses to include: completed, screened_out, partial, expired, opted_out, superseded')
  .option('--hash-phones', 'replace phone numbers with HMAC-SHA256 keyed by the EXPORT_HASH_SALT variable')
  .option('--out <file>', 'file to write (default: standard output)')
  .action(async (options: ExportCommandOptions) => {
    await runExportCommand(options);
  });

const contacts = program.command('contacts').description('Manage the contacts that distributions send to (reads DATABASE_URL).');

contacts
  .command('import')
  .description('Import contacts from a CSV file with a header row and a phone column, and add them to a list. Exits with 1 when a row was skipped.')
  .argument('<file>', 'CSV file: UTF-8, with , ; or tab between cells')
  .option('--list <name>', 'list that receives the contacts, created when missing (default: the file name without its extension)')
  .option('--default-region <country>', 'ISO 3166-1 alpha-2 country code, such as US, for phone numbers written without +')
  .action(async (file: string, options: ContactsImportOptions) => {
    process.exitCode = await runContactsImportCommand(file, options);
  });

program
  .command('status')
  .description("Show a distribution's invites by delivery status, answers, failures and estimated cost, or list the distributions (reads DATABASE_URL).")
  .argument('[distribution]', 'distribution id (default: list every distribution)')
  .option('--json', 'print JSON instead of text')
  .option('--price <amount>', 'price of one SMS segment for the estimate, in PRICE_CURRENCY (default: PRICE_PER_SEGMENT, or 0.0083)')
  .action(async (distribution: string | undefined, options: Omit<StatusOptions, 'distribution'>) => {
    await runStatusCommand({ ...options, distribution });
  });

program
  .command('send')
  .description('Invite a contact list to a survey: the invitations go into the outbox, and the running server sends them.')
  .requiredOption('--survey <id>', 'survey id')
  .requiredOption('--list <name>', 'contact list, as named by `parley contacts import --list`')
  .option('--mode <mode>', 'interactive (the questions by SMS) or link (a link to a survey elsewhere)', 'interactive')
  .option('--at <time>', 'send from this date and time, with its offset: 2026-12-05T09:00-05:00 (default: now)')
  .option('--rate <segments>', "SMS segments per second for this distribution (default: the sender's rate)")
  .option('--link <url>', 'link mode: the survey address; may use {{phone}} and contact fields')
  .option('--text <text>', 'link mode: the invitation, containing {{link}} (default: "{{title}}: {{link}}")')
  .option('--opt-out <text>', 'link mode: how to opt out, required for an alphanumeric sender ID')
  .action(async (options: SendCommandOptions) => {
    await runSendCommand(options, (line) => console.log(line));
  });

program
  .command('cancel')
  .description('Cancel the invitations and reminders of a distribution that have not been sent yet.')
  .argument('<distribution>', 'distribution id, as parley send printed it')
  .action(async (distribution: string) => {
    await runCancelCommand(distribution, (line) => console.log(line));
  });

program
  .command('worker')
  .description('Send the outbox without serving webhooks (the server already sends it; run this to send from another process).')
  .action(async () => {
    limitHeapGrowth();
    await runWorker();
  });

try {
  await program.parseAsync();
} catch (error) {
  if (isParleyError(error)) {
    console.error(`parley: ${error.message}`);
    process.exit(1);
  }
  throw error;
}
