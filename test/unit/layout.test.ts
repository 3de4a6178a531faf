import { readdirSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { expect } from 'chai';

const ROOT = join(__dirname, '..', '..');

/** Every file under `folder` (a path from the repository's root), as paths from the root. */
function filesUnder(folder: string): string[] {
  return readdirSync(join(ROOT, folder), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(ROOT, join(entry.parentPath, entry.name)));
}

// The tree is read by name: an editor's quick-open, a stack trace, a review. Two files of one name leave
// the reader to guess which one is meant.
describe('the source tree', () => {
  it('has no two files of the same name under handlers/lib', () => {
    const byName = new Map<string, string[]>();
    for (const file of filesUnder('handlers/lib').filter((path) => path.endsWith('.ts'))) {
      byName.set(basename(file), [...(byName.get(basename(file)) ?? []), file]);
    }
    const repeated = [...byName.values()].filter((paths) => paths.length > 1);
    expect(repeated).to.deep.equal([]);
  });

  it('keeps each unit test under test/unit/ in the folder of what it tests', () => {
    const misplaced = filesUnder('test/unit')
      .filter((file) => file.endsWith('.test.ts') && file !== join('test', 'unit', 'layout.test.ts'))
      .map((file) => dirname(relative(join('test', 'unit'), file)))
      .filter((folder) => {
        if (folder === '.') return true;
        try {
          readdirSync(join(ROOT, folder));
          return false;
        } catch {
          return true;
        }
      });
    expect([...new Set(misplaced)]).to.deep.equal([]);
  });
});
