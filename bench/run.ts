// `npm run bench`: measures Parley's inbound webhook path against a bare Hono app on
// the same machine, in one run, and writes bench/results.json. See docs/benchmarks.md.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { parseSurveyFile } from '../src/surveys/survey-file.ts';
import { BENCH_ACCOUNT_SID, BENCH_AUTH_TOKEN, BENCH_PUBLIC_URL, type LoadResult, runLoad } from './load.ts';
import { measureOutbound, type OutboundResult } from './outbound.ts';
import { type BenchServer, startBenchServer } from './processes.ts';
import { seedSessions } from './seed.ts';

const BENCH_DIR = import.meta.dirname;
const PARLEY_BIN = path.resolve(BENCH_DIR, '../bin/parley.js');
const WARMUP_SECONDS = 2;

interface BenchOptions {
  duration: number;
  connections: number[];
  sessions: number[];
  memoryRequests: number;
  memorySessions: number;
  outboundInvites: number;
  out: string;
  profile: boolean;
}

interface Row extends LoadResult {
  name: string;
  connections: number;
  sessions?: number;
  synchronous?: string;
}

const program = new Command()
  .name('bench')
  .description('Benchmark the inbound webhook path against a bare Hono app.')
  .option('--duration <seconds>', 'length of each measured run, in seconds', toNumber, 10)
  .option('--connections <list>', 'concurrent connections, comma-separated', toNumberList, [32, 128])
  .option('--sessions <list>', 'existing sessions for the scale runs, comma-separated', toNumberList, [10_000, 1_000_000])
  .option('--memory-requests <count>', 'webhooks sent in the memory run (0 skips it)', toNumber, 1_000_000)
  .option('--memory-sessions <count>', 'existing sessions in the memory run, enough to keep each respondent mid-survey', toNumber, 100_000)
  .option('--outbound-invites <count>', 'invitations sent in the outbound run (0 skips it)', toNumber, 5_000)
  .option('--out <file>', 'where to write the results', path.join(BENCH_DIR, 'results.json'))
  .option('--profile', 'write CPU profiles of the Parley runs to bench/profiles', false);


async function main({ duration, connections, sessions, memoryRequests, memorySessions, outboundInvites, out }: BenchOptions): Promise<void> {
  const started = performance.now();
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-bench-'));
  const surveysDir = path.join(workDir, 'surveys');
  fs.mkdirSync(surveysDir);
  fs.copyFileSync(path.join(BENCH_DIR, 'bench-survey.json'), path.join(surveysDir, 'bench.json'));
  const version = parseSurveyFile(path.join(surveysDir, 'bench.json'), fs.readFileSync(path.join(surveysDir, 'bench.json'), 'utf8'));
  const rows: Row[] = [];
  const [smallest = 10_000, ...larger] = [...sessions].sort((a, b) => a - b);

  try {
    const limit = await startBenchServer(['--import', 'tsx', path.join(BENCH_DIR, 'limit-server.ts')], {});
    for (const count of connections) rows.push({ name: 'limit', connections: count, ...(await measure('limit', limit, count, duration, smallest)) });
    await limit.stop();

    for (const synchronous of ['FULL', 'NORMAL']) {
      const parley = await startParley(workDir, version, smallest, synchronous);
      for (const count of connections) {
        rows.push({ name: 'parley', connections: count, sessions: smallest, synchronous, ...(await measure(`parley ${synchronous}`, parley, count, duration, smallest)) });
      }
      await parley.stop();
    }

    for (const count of larger) {
      const parley = await startParley(workDir, version, count, 'FULL');
      rows.push({ name: 'parley', connections: connections[0]!, sessions: count, synchronous: 'FULL', ...(await measure(`parley FULL, ${count} sessions`, parley, connections[0]!, duration, count)) });
      await parley.stop();
    }

    const memory = memoryRequests > 0 ? await measureMemory(workDir, version, memorySessions, memoryRequests) : undefined;
    const outbound = outboundInvites > 0 ? await measureOutbound(workDir, version, outboundInvites) : undefined;
    const benchSeconds = Math.round((performance.now() - started) / 1000);
    const report = summarize(rows, memory, outbound, { duration, smallest, larger, memorySessions }, benchSeconds);
    fs.writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
    printTable(rows, report);
    console.log(`\nResults written to ${path.relative(process.cwd(), out)}`);
  } finally {
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}

let databaseCount = 0;

async function startParley(workDir: string, version: ReturnType<typeof parseSurveyFile>, sessions: number, synchronous: string): Promise<BenchServer> {
  // Each run gets a fresh database, so that no run measures rows an earlier run wrote.
  databaseCount++;
  const databasePath = path.join(workDir, `parley-${databaseCount}-${sessions}-${synchronous}.db`);
  console.error(`seeding ${sessions} sessions...`);
  await seedSessions(databasePath, version, sessions);
  // --profile writes a V8 CPU profile of each Parley run, for chrome://inspect or speedscope.
  const profile = options.profile ? ['--cpu-prof', '--cpu-prof-dir', path.join(BENCH_DIR, 'profiles')] : [];
  return startBenchServer([...profile, PARLEY_BIN, 'serve'], {
    DATABASE_URL: databasePath,
    SURVEYS_DIR: path.dirname(version.file),
    DATA_DIR: workDir,
    TWILIO_ACCOUNT_SID: BENCH_ACCOUNT_SID,
    TWILIO_AUTH_TOKEN: BENCH_AUTH_TOKEN,
    PUBLIC_URL: BENCH_PUBLIC_URL,
    SQLITE_SYNCHRONOUS: synchronous,
    LOG_LEVEL: 'info',
    HOST: '127.0.0.1',
    PORT: '0',
  });
}

async function measure(label: string, server: BenchServer, connections: number, duration: number, respondents: number): Promise<LoadResult> {
  await runLoad({ port: server.port, connections, duration: Math.min(WARMUP_SECONDS, duration), respondents });
  const result = await runLoad({ port: server.port, connections, duration, respondents });
  console.error(`  ${label}, ${connections} connections: ${Math.round(result.requestsPerSecond)} req/s, p99 ${result.latencyP99Ms} ms`);
  return result;
}

interface MemoryResult {
  requests: number;
  sessions: number;
  requestsPerSecond: number;
  latencyP99Ms: number;
  rssStartMb: number;
  rssPeakMb: number;
  rssEndMb: number;
  samplesMb: number[];
}

async function measureMemory(workDir: string, version: ReturnType<typeof parseSurveyFile>, sessions: number, amount: number): Promise<MemoryResult> {
  const parley = await startParley(workDir, version, sessions, 'FULL');
  console.error(`  memory: ${amount} webhooks at 32 connections...`);
  const samples: number[] = [parley.rss()];
  const sampler = setInterval(() => samples.push(parley.rss()), 5_000);
  const result = await runLoad({ port: parley.port, connections: 32, duration: 0, amount, respondents: sessions });
  clearInterval(sampler);
  samples.push(parley.rss());
  await parley.stop();

  const toMb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
  return {
    requests: result.requests,
    sessions,
    requestsPerSecond: Math.round(result.requestsPerSecond),
    latencyP99Ms: result.latencyP99Ms,
    rssStartMb: toMb(samples[0]!),
    rssPeakMb: toMb(Math.max(...samples)),
    rssEndMb: toMb(samples.at(-1)!),
    samplesMb: samples.map(toMb),
  };
}

function summarize(
  rows: Row[],
  memory: MemoryResult | undefined,
  outbound: OutboundResult | undefined,
  settings: { duration: number; smallest: number; larger: number[]; memorySessions: number },
  benchSeconds: number,
) {
  const find = (name: string, connections: number, extra: Partial<Row> = {}) =>
    rows.find((row) => row.name === name && row.connections === connections && Object.entries(extra).every(([key, value]) => row[key as keyof Row] === value));
  const ratios: Record<string, number> = {};
  for (const row of rows.filter((item) => item.name === 'parley' && item.sessions === settings.smallest)) {
    const limit = find('limit', row.connections);
    if (limit !== undefined) ratios[`parley_${row.synchronous}_${row.connections}c_over_limit`] = round(row.requestsPerSecond / limit.requestsPerSecond);
  }
  for (const sessions of settings.larger) {
    const large = rows.find((row) => row.sessions === sessions);
    const small = large === undefined ? undefined : find('parley', large.connections, { sessions: settings.smallest, synchronous: 'FULL' });
    if (large !== undefined && small !== undefined) ratios[`throughput_${sessions}_over_${settings.smallest}_sessions`] = round(large.requestsPerSecond / small.requestsPerSecond);
  }
  if (outbound !== undefined) ratios.outbound_dispatcher_over_direct_client = round(outbound.dispatcherPerSecond / outbound.directClientPerSecond);
  return {
    date: new Date().toISOString(),
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, totalMemoryGb: Math.round(os.totalmem() / 2 ** 30), node: process.version },
    settings,
    rows,
    ratios,
    memory,
    outbound,
    /** Wall time of the whole run, in seconds. */
    benchSeconds,
  };
}

function printTable(rows: Row[], report: ReturnType<typeof summarize>): void {
  console.log('\n| run | connections | sessions | synchronous | req/s | p50 ms | p99 ms | max ms | non-2xx | errors |');
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const row of rows) {
    console.log(
      `| ${row.name} | ${row.connections} | ${row.sessions ?? '-'} | ${row.synchronous ?? '-'} | ${Math.round(row.requestsPerSecond)} | ${row.latencyP50Ms} | ${row.latencyP99Ms} | ${row.latencyMaxMs} | ${row.non2xx} | ${row.errors + row.timeouts} |`,
    );
  }
  console.log('\nRatios:');
  for (const [name, value] of Object.entries(report.ratios)) console.log(`  ${name}: ${value}`);
  if (report.memory !== undefined) {
    const { requests, sessions, requestsPerSecond, latencyP99Ms, rssStartMb, rssPeakMb, rssEndMb } = report.memory;
    console.log(
      `Memory: RSS ${rssStartMb} MB at start, ${rssPeakMb} MB peak, ${rssEndMb} MB after ${requests} webhooks to ${sessions} sessions (${requestsPerSecond} req/s, p99 ${latencyP99Ms} ms)`,
    );
  }
  if (report.outbound !== undefined) {
    const { invites, dispatcherPerSecond, directClientPerSecond } = report.outbound;
    console.log(
      `Outbound: ${invites} invitations at ${Math.round(dispatcherPerSecond)} per second through parley worker; the twilio client alone created ${Math.round(directClientPerSecond)} messages per second`,
    );
  }
  console.log(`Bench time: ${report.benchSeconds} s`);
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

function toNumber(value: string): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number < 0) throw new Error(`${JSON.stringify(value)} is not a non-negative number.`);
  return number;
}

function toNumberList(value: string): number[] {
  return value.split(',').map((item) => toNumber(item.trim()));
}

const options = program.parse().opts<BenchOptions>();
await main(options);
