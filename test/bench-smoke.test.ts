import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '..');

// A reduced run of `npm run bench`: it checks that the benchmark works end to end and
// that every webhook it sends succeeds. It asserts no speed, because timing here is noise.
it('bench smoke run', async () => {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'parley-bench-')), 'results.json');
  await run(
    process.execPath,
    ['--import', 'tsx', 'bench/run.ts', '--duration', '1', '--connections', '4', '--sessions', '200,400', '--memory-requests', '300', '--memory-sessions', '200', '--outbound-invites', '40', '--out', out],
    { cwd: ROOT, timeout: 120_000 },
  );

  const report = JSON.parse(fs.readFileSync(out, 'utf8'));
  expect(report.rows.map((row: { name: string; sessions?: number; synchronous?: string }) => [row.name, row.sessions ?? null, row.synchronous ?? null])).toEqual([
    ['limit', null, null],
    ['parley', 200, 'FULL'],
    ['parley', 200, 'NORMAL'],
    ['parley', 400, 'FULL'],
  ]);
  for (const row of report.rows) {
    expect(row.requests).toBeGreaterThan(0);
    expect(row.non2xx).toBe(0);
    expect(row.errors + row.timeouts).toBe(0);
  }
  expect(Object.keys(report.ratios)).toEqual([
    'parley_FULL_4c_over_limit',
    'parley_NORMAL_4c_over_limit',
    'throughput_400_over_200_sessions',
    'outbound_dispatcher_over_direct_client',
  ]);
  expect(report.outbound.invites).toBe(40);
  expect(report.outbound.dispatcherPerSecond).toBeGreaterThan(0);
  expect(report.memory.requests).toBe(300);
  expect(report.memory.sessions).toBe(200);
  expect(report.memory.rssEndMb).toBeGreaterThan(0);
}, 120_000);
