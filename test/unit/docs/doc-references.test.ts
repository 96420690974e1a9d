// Every document a comment or a doc cites must be in the repository, and every section it cites must be a heading
// there. A citation is `docs/NAME.md` (or a bare `DESIGN.md`, `PROTOCOL.md`, … for the files in docs/), optionally
// followed by section numbers: `docs/PROTOCOL.md §4.7`, `§4.1, §4.5`, `§5.1–§5.11`, `§4.9 / §8`. Inside docs/, a bare
// `§n` cites the document's own sections. A section `n` resolves to a Markdown heading that starts with `n` (`## 4.`,
// `### 4.7 …`). Citations of the old, out-of-tree spec (`SPEC §…`, `/work/shared/…`) fail outright.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const root = process.cwd();
const TEXT = /\.(ts|tsx|js|mjs|cjs|md|ya?ml|json|admx|adml|html|css|sh)$|^\.ci\/run$/;
const SKIP = /^(docs\/screenshots\/|package-lock\.json$)|\.generated\.ts$|^test\/unit\/docs\/doc-references\.test\.ts$/;
const DOC_NAMES = 'DESIGN|PROTOCOL|ARCHITECTURE|SECURITY|DEPLOYMENT|BENCHMARKS';

const SECTIONS = String.raw`(?:\s*(?:[,/–-]|and)?\s*§\d+(?:\.\d+)*)*`;
const CITATION = new RegExp(String.raw`(?:docs/([\w-]+)\.md|\b(${DOC_NAMES})\.md)\`?(${SECTIONS})`, 'g');
const SELF = new RegExp(String.raw`(?<!RFC \d+ |\.md\`? |[,/–-] ?|and )(§\d+(?:\.\d+)*)${SECTIONS}`, 'g');

function trackedTextFiles(): string[] {
  return execFileSync('git', ['ls-files'], { cwd: root, encoding: 'utf8' })
    .split('\n')
    .filter((file) => file !== '' && TEXT.test(file) && !SKIP.test(file) && existsSync(path.join(root, file)));
}

/** Comment markers and indentation at line starts become one space, so a citation wrapped over two lines reads whole. */
function joined(text: string): string {
  return text.replace(/\n[ \t]*(?:\/\/|\*|#|<!--)?[ \t]*/g, ' ');
}

const headingsCache = new Map<string, Set<string>>();
function headingsOf(doc: string): Set<string> {
  let headings = headingsCache.get(doc);
  if (!headings) {
    headings = new Set();
    for (const line of readFileSync(path.join(root, doc), 'utf8').split('\n')) {
      const number = /^#{1,6}\s+(\d+(?:\.\d+)*)[.\s]/.exec(line)?.[1];
      if (number) headings.add(number);
    }
    headingsCache.set(doc, headings);
  }
  return headings;
}

interface Citation {
  from: string;
  doc: string;
  sections: string[];
}

export function citationsIn(file: string, text: string): Citation[] {
  const flat = joined(text);
  const found: Citation[] = [];
  for (const match of flat.matchAll(CITATION)) {
    const doc = `docs/${match[1] ?? match[2]}.md`;
    found.push({ from: file, doc, sections: [...(match[3] ?? '').matchAll(/§(\d+(?:\.\d+)*)/g)].map((m) => m[1]!) });
  }
  if (file.startsWith('docs/')) {
    for (const match of flat.matchAll(SELF)) {
      found.push({ from: file, doc: file, sections: [...match[0].matchAll(/§(\d+(?:\.\d+)*)/g)].map((m) => m[1]!) });
    }
  }
  return found;
}

function unresolved(citations: Citation[]): string[] {
  const problems: string[] = [];
  for (const { from, doc, sections } of citations) {
    if (!existsSync(path.join(root, doc))) {
      problems.push(`${from}: cites ${doc}, which does not exist`);
      continue;
    }
    for (const section of sections) {
      if (!headingsOf(doc).has(section)) problems.push(`${from}: cites ${doc} §${section}, which has no such heading`);
    }
  }
  return problems;
}

describe('doc references', () => {
  const files = trackedTextFiles();
  const texts = files.map((file) => ({ file, text: readFileSync(path.join(root, file), 'utf8') }));

  it('resolve: every cited document exists and has every cited section', () => {
    const citations = texts.flatMap(({ file, text }) => citationsIn(file, text));
    expect(citations.filter((c) => c.doc === 'docs/PROTOCOL.md').length).toBeGreaterThan(50);
    expect(citations.some((c) => c.doc === 'docs/DESIGN.md')).toBe(true);
    expect(unresolved(citations)).toEqual([]);
  });

  it('cite nothing outside the repository', () => {
    const outside = texts.flatMap(({ file, text }) =>
      [...joined(text).matchAll(/\bSPEC(?:\.md)?\b\s*§?|\bDESIGN\s+§|\/work\/shared|spec folder/g)].map(
        (m) => `${file}: "${m[0]}"`,
      ),
    );
    expect(outside).toEqual([]);
  });

  it('catches a missing document, a missing section and an out-of-tree citation', () => {
    const bad = citationsIn(
      'src-main/x.ts',
      '// see docs/NOPE.md §1, and docs/PROTOCOL.md §4.7, §4.99 and\n// docs/DESIGN.md\n// §9',
    );
    expect(unresolved(bad)).toEqual([
      'src-main/x.ts: cites docs/NOPE.md, which does not exist',
      'src-main/x.ts: cites docs/PROTOCOL.md §4.99, which has no such heading',
      'src-main/x.ts: cites docs/DESIGN.md §9, which has no such heading',
    ]);
    expect(unresolved(citationsIn('src-main/x.ts', '// (docs/PROTOCOL.md §5.1–§5.11; DESIGN.md §2)'))).toEqual([]);
    expect(unresolved(citationsIn('docs/DEPLOYMENT.md', 'see §4.5 and RFC 4648 §5'))).toEqual([]);
    expect(unresolved(citationsIn('docs/DEPLOYMENT.md', 'see §4.9'))).toEqual([
      'docs/DEPLOYMENT.md: cites docs/DEPLOYMENT.md §4.9, which has no such heading',
    ]);
  });
});
