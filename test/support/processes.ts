import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import path from 'node:path';

const START_TIMEOUT_MS = 20_000;

export const PARLEY_BIN = path.resolve(import.meta.dirname, '../../bin/parley.js');

export interface ServerProcess {
  child: ChildProcessWithoutNullStreams;
  port: number;
  /** Every log line the server printed so far, parsed. */
  logs: Array<Record<string, unknown>>;
  /** Sends a signal and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts `parley serve` as a child process and resolves once it logs that it listens, so LOG_LEVEL must include info. */
export function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  const child = spawn(process.execPath, [PARLEY_BIN, 'serve'], { env: { ...process.env, PORT: '0', HOST: '127.0.0.1', ...env } });
  const logs: Array<Record<string, unknown>> = [];
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  return new Promise((resolve, reject) => {
    let buffered = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        const entry = JSON.parse(line) as Record<string, unknown>;
        logs.push(entry);
        if (entry.msg === 'Parley is listening') {
          clearTimeout(timer);
          resolve({
            child,
            port: entry.port as number,
            logs,
            stop: (signal = 'SIGTERM') => {
              child.kill(signal);
              return exited;
            },
          });
        }
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`server exited with ${code} before listening: ${stderr}`)));
    // A server that never logs "listening" is killed, so no test leaves one behind.
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not log "Parley is listening" within ${START_TIMEOUT_MS} ms: ${stderr}`));
    }, START_TIMEOUT_MS).unref();
  });
}

export interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a `parley` command with the given standard input and waits for it to exit. */
export function runParley(args: string[], { env = {}, input = '' }: { env?: Record<string, string>; input?: string } = {}): Promise<CommandResult> {
  const child = spawn(process.execPath, [PARLEY_BIN, ...args], { env: { ...process.env, ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end(input);
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}
