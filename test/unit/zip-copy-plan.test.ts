import { expect } from 'chai';
import { MIN_PART_BYTES } from '../../handlers/lib/s3/limits';
import { copyRanges, type PlanInput, planCopyZip } from '../../handlers/lib/zip/copy-plan';

const MiB = 1024 * 1024;
const SETTINGS = { partSize: 8 * MiB, copyPartSize: 64 * MiB, copyFrom: 10 * MiB, forceZip64: false };

function input(name: string, size: number, crc?: number): PlanInput {
  return { name, size, mtime: new Date(0), crc };
}

describe('planCopyZip', () => {
  const cases: [string, PlanInput[]][] = [
    [
      'large files back to back',
      [input('a', 100 * MiB, 1), input('b', 64 * MiB + 1, 2), input('c', 10 * MiB, 3)],
    ],
    [
      'small runs between large ones',
      [
        ...Array.from({ length: 300 }, (_, i) => input(`s${i}`, 40_000 + i)),
        input('big', 16 * MiB, 1),
        input('tiny', 1),
        input('nocrc', 30 * MiB),
        input('big2', 5 * MiB + 1, 2),
      ],
    ],
    [
      'sizes around the 5 MiB minimum',
      [
        input('x', MIN_PART_BYTES - 1, 1),
        input('y', 2 * MIN_PART_BYTES, 2),
        input('z', 2 * MIN_PART_BYTES - 31, 3),
      ],
    ],
  ];
  for (const [title, inputs] of cases) {
    it(`covers the archive with parts of 5 MiB or more but the last: ${title}`, () => {
      const plan = planCopyZip(inputs, SETTINGS);
      expect(plan.parts.map((part) => part.partNumber)).to.deep.equal(plan.parts.map((_, i) => i + 1));
      expect(plan.parts.reduce((sum, part) => sum + part.size, 0)).to.equal(plan.archiveSize);
      for (const part of plan.parts.slice(0, -1))
        expect(part.size, `part ${part.partNumber}`).to.be.at.least(MIN_PART_BYTES);
      for (const entry of plan.entries.filter((e) => e.mode === 'copy')) {
        const copied = plan.parts.filter((p) => p.kind === 'copy' && p.entry === entry.index);
        expect(copied[0]).to.include({ start: entry.head });
        expect(copied.at(-1)).to.include({ end: entry.size });
        expect(entry.head).to.be.at.most(MIN_PART_BYTES);
      }
    });
  }

  it('copies only files with a CRC-32 from copyFrom on; the rest passes through, CRC-less large ones streamed', () => {
    const plan = planCopyZip(
      [input('a', 20 * MiB, 1), input('b', 20 * MiB), input('c', 9 * MiB, 1)],
      SETTINGS,
    );
    expect(plan.entries.map((e) => e.mode)).to.deep.equal(['copy', 'stream', 'buffer']);
    expect(plan.entries[0].head).to.equal(MIN_PART_BYTES - 30 - 1);
  });
});

describe('copyRanges', () => {
  it('cuts into ranges of about the size asked for, none under 5 MiB', () => {
    expect(copyRanges(0, 128 * MiB, 64 * MiB)).to.deep.equal([
      [0, 64 * MiB],
      [64 * MiB, 128 * MiB],
    ]);
    const ranges = copyRanges(3, 64 * MiB + 6 * MiB, 64 * MiB);
    expect(ranges).to.have.length(2);
    for (const [start, end] of ranges) expect(end - start).to.be.at.least(MIN_PART_BYTES);
    expect(copyRanges(0, 9 * MiB, 4 * MiB)).to.deep.equal([[0, 9 * MiB]]);
  });
});
