import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';

export interface BenchServer {
  child: ChildProcess;
  port: number;
  /** Resident set size of the server process, in bytes, read from /proc. */
  rss(): number;
  stop(): Promise<void>;
}

/** Starts a server process and resolves once it logs a line with its port. */
export function startBenchServer(args: string[], env: Record<string, string>): Promise<BenchServer> {
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  return new Promise((resolve, reject) => {
    let buffered = '';
    let listening = false;
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        if (ERROR_LEVEL.test(line)) console.error(line);
        // The load generator shares this process, so lines after start-up are not parsed.
        if (listening) continue;
        const entry = JSON.parse(line) as { port?: number; msg?: string };
        if (typeof entry.port === 'number' && /listening/i.test(entry.msg ?? '')) {
          listening = true;
          resolve({
            child,
            port: entry.port,
            rss: () => readRss(child.pid!),
            stop: () => {
              child.kill('SIGTERM');
              return exited;
            },
          });
        }
      }
    });
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code} before listening`)));
  });
}

/** Pino's error and fatal levels, as they appear in a JSON log line. */
const ERROR_LEVEL = /"level":[56]0\b/;

function readRss(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  return match === null ? Number.NaN : Number(match[1]) * 1024;
}
