// The C reference programs of bench/reference build with the system compiler and each runs once
// with a tiny count, printing a positive rate. Not a benchmark: nothing here looks at how fast.
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { buildReferences, runReference } from '../../bench/reference.js';
import { selectWorkloads } from '../../bench/workloads/index.js';

function hasCompiler(): boolean {
  try {
    execFileSync(process.env.CC || 'cc', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('bench C references', function () {
  before(function () {
    if (!hasCompiler()) this.skip(); // no `cc` on this machine: the bench reports C as missing too
    this.timeout(120_000);
    return buildReferences();
  });

  const tiny: Record<string, string[]> = {
    pingpong: ['50'],
    echo: ['4', '5'],
    accept: ['20', '4'],
    udp_recv: ['256', String(1 << 20), '64'],
    throughput: ['4'],
  };

  for (const [program, args] of Object.entries(tiny)) {
    it(`${program} runs once and prints a rate`, async function () {
      this.timeout(20_000);
      const value = await runReference({ program, args }, 15_000);
      expect(value).to.be.greaterThan(0);
    });
  }

  it('every socket workload with a reference names a program that is built', function () {
    const programs = selectWorkloads([]).map((w) => w.reference?.().program).filter((p): p is string => p !== undefined);
    expect(programs.sort()).to.deep.equal(Object.keys(tiny).sort());
  });
});
