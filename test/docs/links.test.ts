import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { expect } from 'chai';
import { githubSlug, headingAnchors, isExternal, markdownLinks } from './markdown';

/** The repository's root: this file is test/docs/links.test.ts. */
const projectRoot = resolve(__dirname, '..', '..');

const markdownIn = (folder: string): string[] =>
  existsSync(join(projectRoot, folder))
    ? readdirSync(join(projectRoot, folder))
        .filter((name) => name.endsWith('.md'))
        .map((name) => join(folder, name))
    : [];

const packageReadmes = readdirSync(join(projectRoot, 'packages'))
  .map((name) => join('packages', name, 'README.md'))
  .filter((path) => existsSync(join(projectRoot, path)));

/** The documents a reader follows from the README, relative to the root. */
const documents = ['README.md', ...markdownIn('docs'), ...packageReadmes];

const read = (path: string): string => readFileSync(join(projectRoot, path), 'utf8');

/** Each broken relative link of one document, as `file:line target (why)`. */
function brokenLinks(document: string): string[] {
  const broken: string[] = [];
  for (const { line, target } of markdownLinks(read(document))) {
    if (isExternal(target)) continue;
    const [pathPart, anchor] = target.split('#', 2) as [string, string | undefined];
    const file =
      pathPart === ''
        ? join(projectRoot, document)
        : resolve(projectRoot, dirname(document), decodeURI(pathPart));
    const where = `${document}:${line} ${target}`;
    if (!file.startsWith(projectRoot)) broken.push(`${where} (leaves the repository)`);
    else if (!existsSync(file)) broken.push(`${where} (no ${relative(projectRoot, file)})`);
    else if (anchor !== undefined && file.endsWith('.md') && statSync(file).isFile()) {
      if (!headingAnchors(readFileSync(file, 'utf8')).has(anchor))
        broken.push(`${where} (no heading #${anchor})`);
    }
  }
  return broken;
}

describe('the docs', () => {
  describe("the anchor rule (GitHub's heading slugs)", () => {
    it('lower-cases, drops punctuation and symbols, turns each space into a hyphen', () => {
      expect(githubSlug('Which strategy')).to.equal('which-strategy');
      expect(githubSlug('`GET /files?prefix=&cursor=&limit=` — one level of a folder')).to.equal(
        'get-filesprefixcursorlimit--one-level-of-a-folder',
      );
      expect(
        githubSlug(
          'Key rules ([`handlers/lib/files/keys.ts`](../handlers/lib/files/keys.ts), used by every route)',
        ),
      ).to.equal('key-rules-handlerslibfileskeysts-used-by-every-route');
      expect(githubSlug('Why ≥ 5× cannot show: the floors')).to.equal('why--5-cannot-show-the-floors');
    });

    it('numbers a repeated heading and ignores headings inside code blocks', () => {
      const anchors = headingAnchors('# Tests\n\n## Tests\n\n```sh\n# not a heading\n```\n');
      expect([...anchors]).to.deep.equal(['tests', 'tests-1']);
    });

    it('reads no link inside a code span or a code block', () => {
      const links = markdownLinks(
        'see [a](a.md) and `[b](b.md)`\n\n```\n[c](c.md)\n```\n[`d`](d.md#x "title")\n',
      );
      expect(links).to.deep.equal([
        { line: 1, target: 'a.md' },
        { line: 6, target: 'd.md#x' },
      ]);
    });
  });

  it('every relative link in README.md, docs/*.md and the packages’ READMEs reaches a file and, with #, a heading', () => {
    expect(documents).to.include.members(['README.md', join('docs', 'zips.md')]);
    const broken = documents.flatMap(brokenLinks);
    expect(broken, `broken links:\n${broken.join('\n')}`).to.deep.equal([]);
  });

  describe('README.md, the front door', () => {
    const lines = read('README.md').replace(/\n$/, '').split('\n');

    it('has at most 150 lines', () => {
      expect(lines.length).to.be.at.most(150);
    });

    it('has no line over 160 characters', () => {
      const long = lines
        .map((line, index) => `${index + 1}: ${[...line].length}`)
        .filter((_, index) => [...lines[index]].length > 160);
      expect(long, 'lines over 160 characters').to.deep.equal([]);
    });

    it('keeps the two commands CI and newcomers run: `npm ci && npm start` and `npm test`', () => {
      const text = lines.join('\n');
      expect(text).to.match(/^npm ci && npm start\b/m);
      expect(text).to.match(/^npm test\b/m);
    });
  });

  it('docs/dependencies.md has a row for every direct dependency of the root and the packages', () => {
    const manifests = [
      'package.json',
      ...readdirSync(join(projectRoot, 'packages')).map((name) => join('packages', name, 'package.json')),
    ];
    const names = new Set<string>();
    for (const manifest of manifests.filter((path) => existsSync(join(projectRoot, path)))) {
      const json = JSON.parse(read(manifest)) as Record<string, Record<string, string> | undefined>;
      for (const field of ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies']) {
        for (const name of Object.keys(json[field] ?? {})) names.add(name);
      }
    }
    const table = read(join('docs', 'dependencies.md'));
    const missing = [...names].filter((name) => !table.includes(`\`${name}\``));
    expect(missing, 'dependencies without a row').to.deep.equal([]);
  });
});
