// The bench runner at 1% of the counts: every run succeeds and closes what it opened, and each
// library runs each workload in a worker of its own, the same one from round to round. Not a
// benchmark: nothing here looks at how fast.
import { expect } from 'chai';
import { run } from '../../bench/run.js';

describe('bench runner', function () {
  let scale: string | undefined;
  before(() => {
    scale = process.env.BENCH_SCALE;
    process.env.BENCH_SCALE = '0.01'; // the workers inherit it
  });
  after(() => {
    if (scale === undefined) delete process.env.BENCH_SCALE;
    else process.env.BENCH_SCALE = scale;
  });

  it('runs each library and workload in a worker of its own, kept across rounds', async function () {
    this.timeout(90_000);
    const report = await run(['tcp-pingpong', 'tcp-concurrent'], { rounds: 2, warmup: 1, libraries: ['iolib', 'node'], forms: ['count'], outDir: null });
    expect(report.errors).to.deep.equal([]);
    expect(report.fdLeaks).to.deep.equal([]);
    const pids = new Map<string, Set<number | undefined>>();
    for (const result of report.results) {
      for (const r of result.runs) {
        const key = `${r.library} ${result.name}`;
        if (!pids.has(key)) pids.set(key, new Set());
        pids.get(key)!.add(r.pid);
        expect(r.value, key).to.be.greaterThan(0);
      }
    }
    expect([...pids.keys()].sort()).to.deep.equal(['iolib tcp-concurrent', 'iolib tcp-pingpong', 'node tcp-concurrent', 'node tcp-pingpong']);
    const each = [...pids.values()].map((set) => [...set]);
    for (const set of each) {
      expect(set).to.have.length(1);
      expect(set[0]).to.be.a('number').and.not.equal(process.pid);
    }
    expect(new Set(each.map((set) => set[0])).size).to.equal(4);
  });
});
