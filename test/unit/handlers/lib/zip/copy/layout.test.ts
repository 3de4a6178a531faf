import { expect } from 'chai';
import fc from 'fast-check';
import { MIN_PART_BYTES } from '../../../../../../contract/s3-limits';
import {
  copyRanges,
  deflatesWhileStreaming,
  type EntryMode,
  entryModes,
  type ModeInput,
  maxHead,
  type PlanSettings,
  partsBound,
} from '../../../../../../handlers/lib/zip/copy/entry-modes';
import { CopyLayout, layOutEntries, type PlannedPart } from '../../../../../../handlers/lib/zip/copy/layout';
import { deflatedSizeBound } from '../../../../../../handlers/lib/zip/format/deflate-bound';
import { dataDescriptorSize, localHeaderSize } from '../../../../../../handlers/lib/zip/format/zip-records';
import { archiveSizeBound, partSizeFor } from '../../../../../../handlers/lib/zip/part-size';

const MiB = 1024 * 1024;
const SETTINGS = { partSize: 8 * MiB, copyPartSize: 64 * MiB, copyFrom: 10 * MiB, forceZip64: false };

function input(name: string, size: number, crc?: number, compress?: boolean): ModeInput {
  return { name, size, crc, compress };
}

/**
 * Lays the inputs out with the copy engine's own loop (layOutEntries), each small file's data taking
 * `dataSizes[i]` bytes; a file deflated as it streams takes its `dataSizes[i]` in chunks of `chunk`
 * bytes, as deflate gives them.
 */
async function layOut(
  inputs: ModeInput[],
  settings: PlanSettings = SETTINGS,
  dataSizes?: number[],
  chunk = 65_536,
) {
  const modes = entryModes(inputs, settings);
  const layout = new CopyLayout(settings);
  const parts: PlannedPart[] = [];
  const entries = inputs.map((file) => ({ ...file, mtime: new Date(0), compress: file.compress === true }));
  const dataSize = (index: number) => dataSizes?.[index] ?? inputs[index].size;
  const end = await layOutEntries(
    layout,
    entries,
    modes,
    {
      whole: async (index) => ({ dataSize: dataSize(index), deflated: dataSize(index) < inputs[index].size }),
      streamed: async (index, append) => {
        for (let at = 0; at < dataSize(index); at += chunk)
          await append(Math.min(chunk, dataSize(index) - at));
      },
    },
    async (done) => {
      parts.push(...done);
    },
  );
  return { modes, entries: layout.entries, parts, archiveSize: end.archiveSize };
}

/** S3's rules, and that the parts cover the archive and each entry's bytes exactly once. */
async function expectValid(
  inputs: ModeInput[],
  settings: PlanSettings,
  dataSizes?: number[],
  chunk?: number,
) {
  const plan = await layOut(inputs, settings, dataSizes, chunk);
  expect(plan.parts.map((part) => part.partNumber)).to.deep.equal(plan.parts.map((_, i) => i + 1));
  expect(plan.parts.reduce((sum, part) => sum + part.size, 0)).to.equal(plan.archiveSize);
  for (const part of plan.parts.slice(0, -1))
    expect(part.size, `part ${part.partNumber}`).to.be.at.least(MIN_PART_BYTES);
  expect(plan.parts.length).to.be.at.most(partsBound(inputs, plan.modes, settings));
  let offset = 0;
  for (const part of plan.parts) {
    if (part.kind === 'copy') {
      offset += part.size;
      continue;
    }
    for (const piece of part.pieces) {
      const entry = piece.kind === 'directory' ? undefined : plan.entries[piece.entry];
      if (piece.kind === 'header') expect(entry?.offset).to.equal(offset);
      if (piece.kind === 'header') offset += localHeaderSize(entry as NonNullable<typeof entry>);
      if (piece.kind === 'data') offset += piece.end - piece.start;
      if (piece.kind === 'descriptor') offset += dataDescriptorSize(entry as NonNullable<typeof entry>);
    }
  }
  for (const entry of plan.entries) {
    const data = plan.parts.flatMap((part) =>
      part.kind === 'copy'
        ? part.entry === entry.index
          ? [[part.start, part.end]]
          : []
        : part.pieces.flatMap((p) =>
            p.kind === 'data' && p.entry === entry.index ? [[p.start, p.end]] : [],
          ),
    );
    const covered = data.reduce((at, [start, end]) => (start === at ? end : Number.NaN), 0);
    // One data piece per part and entry: chunks appended one after another are joined.
    for (const part of plan.parts.filter((p) => p.kind === 'upload'))
      expect(part.pieces.filter((p) => p.kind === 'data' && p.entry === entry.index)).to.have.length.at.most(
        1,
      );
    expect(covered, entry.name.toString()).to.equal(entry.mode === 'copy' ? entry.size : entry.dataSize);
    if (entry.mode !== 'copy') continue;
    expect(entry.head).to.be.at.most(maxHead(inputs[entry.index], settings.forceZip64));
    for (const part of plan.parts.filter((p) => p.kind === 'copy' && p.entry === entry.index))
      expect(part.size).to.be.at.least(MIN_PART_BYTES);
  }
  return plan;
}

describe('CopyLayout', () => {
  const cases: [string, ModeInput[]][] = [
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
    it(`covers the archive with parts of 5 MiB or more but the last: ${title}`, async () => {
      await expectValid(inputs, SETTINGS);
      // Deflated to a tenth: the same rules hold.
      await expectValid(
        inputs,
        SETTINGS,
        inputs.map((file) => Math.floor(file.size / 10)),
      );
    });
  }

  it('copies only files with a CRC-32 from copyFrom on; the rest passes through, CRC-less large ones streamed', async () => {
    const plan = await layOut([input('a', 20 * MiB, 1), input('b', 20 * MiB), input('c', 9 * MiB, 1)]);
    expect(plan.entries.map((e) => e.mode)).to.deep.equal(['copy', 'stream', 'buffer']);
    expect(plan.entries[0].head).to.equal(MIN_PART_BYTES - 30 - 1);
  });

  it('sizes the head from the deflated bytes: a gap of text that shrinks under 5 MiB is topped up', async () => {
    // 6 MiB of text before a copied file: stored, the gap fills its own part (no head); deflated to
    // 1 MiB, a layout planned from the stored sizes would leave a 1 MiB part before the copies.
    const texts = Array.from({ length: 6 }, (_, i) => input(`t${i}.csv`, MiB));
    const inputs = [...texts, input('big.bin', 20 * MiB, 7)];
    const headers = texts.reduce((sum, t) => sum + 30 + t.name.length, 0) + 30 + 'big.bin'.length;

    const stored = await expectValid(inputs, SETTINGS);
    expect(stored.entries[6].head).to.equal(0);
    expect(stored.parts[0]).to.include({ kind: 'upload', size: 6 * MiB + headers });

    const deflated = await expectValid(inputs, SETTINGS, [...texts.map(() => MiB / 6), 20 * MiB]);
    expect(deflated.entries[0].deflated).to.equal(true);
    expect(deflated.entries[6].head).to.equal(MIN_PART_BYTES - MiB - headers);
    expect(deflated.parts[0]).to.include({ kind: 'upload', size: MIN_PART_BYTES });
    expect(deflated.parts[1]).to.include({ kind: 'copy', start: deflated.entries[6].head, end: 20 * MiB });
  });

  it('tops up to exactly 5 MiB when the deflated gap ends one byte under, and adds no head one byte over', async () => {
    const header = (name: string) => 30 + name.length;
    const at = MIN_PART_BYTES - header('a.txt') - header('big');
    const inputs = [input('a.txt', 7 * MiB), input('big', 12 * MiB, 1)];
    const under = await expectValid(inputs, SETTINGS, [at - 1, 12 * MiB]);
    expect(under.entries[1].head).to.equal(1);
    expect(under.parts[0].size).to.equal(MIN_PART_BYTES);
    const over = await expectValid(inputs, SETTINGS, [at + 1, 12 * MiB]);
    expect(over.entries[1].head).to.equal(0);
    expect(over.parts[0].size).to.equal(MIN_PART_BYTES + 1);
  });

  it('keeps ZIP64 local headers for forced ZIP64 and puts the deflated size in the data pieces', async () => {
    const settings = { ...SETTINGS, forceZip64: true };
    const plan = await expectValid([input('a.json', 3 * MiB), input('big', 11 * MiB, 1)], settings, [1000]);
    expect(plan.entries[0]).to.include({ dataSize: 1000, deflated: true, size: 3 * MiB });
    expect(plan.entries[1].head).to.equal(MIN_PART_BYTES - (30 + 6 + 20) - 1000 - (30 + 3 + 20));
  });

  it('copies nothing when the copies could need more than 10,000 parts', () => {
    // 5,200 copies need 10,400 parts: every file streams, in parts sized to fit, as partSizeFor sizes them.
    const many = Array.from({ length: 5200 }, (_, i) => input(`f${i}`, 20 * MiB, i));
    const settings = { ...SETTINGS, partSize: partSizeFor(archiveSizeBound(many)) };
    expect(new Set(entryModes(many, settings))).to.deep.equal(new Set(['stream']));
    expect(new Set(entryModes(many.slice(0, 4000), settings))).to.deep.equal(new Set(['copy']));
  });

  it('keeps every rule for any sizes, CRC-32s and deflated sizes (fast-check)', async () => {
    const size = fc.oneof(
      fc.integer({ min: 0, max: 70_000 }),
      fc.integer({ min: MIN_PART_BYTES - 100, max: MIN_PART_BYTES + 100 }),
      fc.integer({ min: 1, max: 12 * MiB }),
      fc.integer({ min: 10 * MiB - 100, max: 70 * MiB }),
    );
    const file = fc.record({
      size,
      crc: fc.option(fc.nat(), { nil: undefined }),
      compress: fc.boolean(),
      // A deflated file keeps this share of its bytes (1: a file read whole stays stored, one deflated as
      // it streams grows to deflate's worst case).
      kept: fc.oneof(fc.constant(1), fc.double({ min: 0, max: 1, noNaN: true })),
      nameLength: fc.integer({ min: 1, max: 40 }),
    });
    const settings = fc.record({
      partSize: fc.constantFrom(5 * MiB, 8 * MiB, 9 * MiB + 7),
      copyPartSize: fc.constantFrom(5 * MiB, 8 * MiB, 64 * MiB),
      copyFrom: fc.constantFrom(6 * MiB, 10 * MiB, 16 * MiB),
      forceZip64: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(file, { minLength: 1, maxLength: 40 }),
        settings,
        fc.constantFrom(1, 4096, 65_536, 1_000_003),
        async (files, chosen, chunk) => {
          const inputs = files.map((f, i) =>
            input(`${i}`.padEnd(f.nameLength, 'x'), f.size, f.crc, f.compress),
          );
          const modes = entryModes(inputs, chosen);
          const dataSizes = files.map((f, i) =>
            f.kept === 1 && modes[i] === 'stream' && deflatesWhileStreaming(inputs[i])
              ? deflatedSizeBound(f.size)
              : Math.floor(f.size * f.kept),
          );
          // One-byte chunks only for small archives: the layout's work is per chunk.
          const bytes = dataSizes.reduce((sum, size) => sum + size, 0);
          await expectValid(inputs, chosen, dataSizes, chunk === 1 && bytes > 2 * MiB ? 4096 : chunk);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('CopyLayout, files deflated as they stream', () => {
  it('takes the data in chunks, cut at the part size, with the descriptor after and the real size recorded', async () => {
    const inputs = [
      input('a.txt', 1000),
      input('rows.csv', 40 * MiB, undefined, true),
      input('big', 20 * MiB, 1),
    ];
    // 40 MiB of CSV deflated to 9 MiB + 5 bytes, given in uneven chunks.
    const deflated = 9 * MiB + 5;
    const plan = await expectValid(inputs, SETTINGS, [1000, deflated, 20 * MiB], 12_345);
    expect(plan.modes).to.deep.equal(['buffer', 'stream', 'copy']);
    expect(plan.entries[1]).to.include({
      deflated: true,
      dataSize: deflated,
      size: 40 * MiB,
      crcInHeader: false,
    });
    const [first, second] = plan.parts;
    expect(first).to.include({ kind: 'upload', size: 8 * MiB });
    // The CSV's rest, its descriptor (16 bytes), the copied file's header: topped up to 5 MiB by its head.
    const before = 30 + 'a.txt'.length + 1000 + 30 + 'rows.csv'.length;
    const rest = deflated - (8 * MiB - before);
    expect(second).to.include({ kind: 'upload', size: MIN_PART_BYTES });
    expect(plan.entries[2].head).to.equal(MIN_PART_BYTES - rest - 16 - (30 + 'big'.length));
    expect(plan.parts[2]).to.include({ kind: 'copy', start: plan.entries[2].head, end: 20 * MiB });
  });

  it('stays within partsBound when deflate grows a file to its worst case', async () => {
    // 15 MiB − 2,000 bytes stored fills 3 parts of 5 MiB; grown by deflate's worst case (≈ 4.7 KiB), 4.
    const settings = { ...SETTINGS, partSize: MIN_PART_BYTES };
    const inputs = [input('rows.csv', 15 * MiB - 2000, undefined, true)];
    const plan = await expectValid(inputs, settings, [deflatedSizeBound(15 * MiB - 2000)]);
    expect(plan.parts.length).to.equal(4);
    expect(partsBound(inputs, plan.modes, settings)).to.equal(4);
    // Counted as stored, the bound would be short of it.
    expect(partsBound([{ ...inputs[0], compress: false }], plan.modes, settings)).to.equal(3);
  });

  it('opens one entry at a time and finishes only after it is closed', () => {
    const layout = new CopyLayout(SETTINGS);
    layout.openEntry({ name: 'a.csv', size: 20 * MiB, mtime: new Date(0) });
    expect(() => layout.openEntry({ name: 'b.csv', size: 20 * MiB, mtime: new Date(0) })).to.throw(
      /still open/,
    );
    expect(() => layout.finish()).to.throw(/still open/);
    layout.append(10);
    layout.closeEntry();
    expect(() => layout.append(1)).to.throw(/no entry is open/);
    expect(layout.finish().archiveSize).to.equal(30 + 5 + 10 + 16 + (46 + 5 + 9) + 22);
  });
});

describe('deflatesWhileStreaming', () => {
  it('deflates a streamed file whose type deflates well, but stores one deflate could take past 4 GiB', () => {
    expect(deflatesWhileStreaming({ size: 64 * MiB, compress: true })).to.equal(true);
    expect(deflatesWhileStreaming({ size: 64 * MiB, compress: false })).to.equal(false);
    expect(deflatesWhileStreaming({ size: 64 * MiB })).to.equal(false);
    // Under 4 GiB, with a worst case over it: its records, written for 32-bit sizes, could not hold it.
    expect(deflatesWhileStreaming({ size: 4095.5 * MiB, compress: true })).to.equal(false);
    // Over 4 GiB: ZIP64 records either way.
    expect(deflatesWhileStreaming({ size: 4097 * MiB, compress: true })).to.equal(true);
  });
});

describe('partsBound', () => {
  it('is what the worst case (every file stored, every head full) needs, or more', async () => {
    const inputs = [input('a', 30 * MiB, 1), input('b', 100), input('c', 20 * MiB, 2)];
    const modes: EntryMode[] = ['copy', 'buffer', 'copy'];
    expect((await layOut(inputs)).parts.length).to.equal(5);
    expect(partsBound(inputs, modes, SETTINGS)).to.be.within(5, 6);
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
