import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ParleyError } from '../errors.ts';
import type { Config } from './config.ts';

export interface TwilioCredentials {
  accountSid: string;
  authToken: string;
  /** True when the credentials were generated locally because no Twilio account is configured. */
  sandbox: boolean;
}

const SANDBOX_FILE = 'sandbox-credentials.json';

/** Path of the locally generated sandbox credentials. */
export function sandboxCredentialsPath(config: Pick<Config, 'dataDir'>): string {
  return path.join(config.dataDir, SANDBOX_FILE);
}

/**
 * Returns the configured Twilio credentials, or in sandbox mode the local ones,
 * generating them on first use. Sandbox webhooks are verified exactly like real
 * ones, so a request signed with a real account's token is rejected.
 */
export function resolveTwilioCredentials(config: Config, { create = true }: { create?: boolean } = {}): TwilioCredentials {
  if (config.twilioAccountSid !== undefined && config.twilioAuthToken !== undefined) {
    return { accountSid: config.twilioAccountSid, authToken: config.twilioAuthToken, sandbox: false };
  }

  const file = sandboxCredentialsPath(config);
  if (fs.existsSync(file)) {
    return { ...readSandboxFile(file), sandbox: true };
  }
  if (!create) {
    throw new ParleyError(
      'SANDBOX_CREDENTIALS_MISSING',
      `No sandbox credentials at ${file}. Start the server once (npm start) to create them, or set TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN.`,
    );
  }

  const credentials = { accountSid: `AC${randomBytes(16).toString('hex')}`, authToken: randomBytes(16).toString('hex') };
  fs.mkdirSync(config.dataDir, { recursive: true });
  // 'wx' fails if another process created the file meanwhile; then that file wins.
  try {
    fs.writeFileSync(file, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return { ...readSandboxFile(file), sandbox: true };
  }
  return { ...credentials, sandbox: true };
}

function readSandboxFile(file: string): { accountSid: string; authToken: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ParleyError('SANDBOX_CREDENTIALS_INVALID', `Cannot read ${file}: ${(error as Error).message}. Delete the file and restart the server to create new sandbox credentials.`);
  }
  const { accountSid, authToken } = (parsed ?? {}) as Record<string, unknown>;
  if (typeof accountSid !== 'string' || typeof authToken !== 'string') {
    throw new ParleyError('SANDBOX_CREDENTIALS_INVALID', `${file} lacks accountSid or authToken. Delete the file and restart the server to create new sandbox credentials.`);
  }
  return { accountSid, authToken };
}
