/**
 * The TypeScript snippets of README.md and docs/ (not docs/api, which typedoc generates), as test/docs-snippets.test.ts
 * checks them. A ```ts block is a whole program, type-checked with the project's strict tsconfig and run as written.
 * An HTML comment right before a block (blank lines between allowed) changes how it runs:
 *
 *   <!-- not run: <why> -->   type-checked only; the reason is required and says what it would need
 *   <!-- run with vitest -->  a test file: run by vitest instead of node
 *   <!-- from <file>: <who runs it> -->
 *                             a part of that file (an example the package ships), word for word: the file is
 *                             type-checked in its place, and run by the test the note names, not here
 *
 * and one right before the fenced block that follows a snippet claims that block is what the snippet prints:
 *
 *   <!-- output -->           stdout must match it line for line; a line `...` stands for any number of lines
 *
 * Any other comment in those places is an error, so a misspelt marker cannot quietly turn a check off.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

export type SnippetMode =
  | { readonly kind: 'node' }
  | { readonly kind: 'vitest' }
  | { readonly kind: 'not-run'; readonly reason: string }
  | { readonly kind: 'from-file'; readonly path: string; readonly note: string };

export interface Snippet {
  /** Markdown file, relative to the project root. */
  readonly file: string;
  /** 1-based line of the snippet's first code line in the markdown file. */
  readonly line: number;
  readonly code: string;
  readonly mode: SnippetMode;
  /** The output block's lines, when the snippet has one. */
  readonly output?: readonly string[];
}

export interface SnippetProblem {
  readonly file: string;
  readonly line: number;
  readonly problem: string;
}

interface Block {
  readonly info: string;
  /** 1-based line of the opening fence. */
  readonly fenceLine: number;
  readonly body: string;
  /** 1-based line just past the closing fence. */
  readonly endLine: number;
}

const FENCE = /^(\s*)(`{3,}|~{3,})(.*)$/;
const MARKER = /^<!--\s*(.*?)\s*-->$/;

/** Fenced blocks of a markdown text, in order. */
function blocks(lines: readonly string[]): Block[] {
  const out: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]!);
    if (open === null) continue;
    const [, indent, fence, info] = open as unknown as [string, string, string, string];
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const close = FENCE.exec(lines[j]!);
      if (close !== null && close[2]!.startsWith(fence[0]!) && close[2]!.length >= fence.length && close[3]!.trim() === '') break;
      body.push(lines[j]!.startsWith(indent) ? lines[j]!.slice(indent.length) : lines[j]!);
    }
    out.push({ info: info.trim(), fenceLine: i + 1, body: body.join('\n'), endLine: j + 2 });
    i = j;
  }
  return out;
}

/** The HTML comment on the nearest non-blank line above `line` (1-based), if that line is one. */
function markerAbove(lines: readonly string[], line: number): { text: string; line: number } | undefined {
  for (let i = line - 2; i >= 0; i--) {
    const text = lines[i]!.trim();
    if (text === '') continue;
    const m = MARKER.exec(text);
    return m === null ? undefined : { text: m[1]!, line: i + 1 };
  }
  return undefined;
}

const isTypeScript = (info: string): boolean => ['ts', 'typescript'].includes(info.split(/\s+/)[0]!.toLowerCase());

/** Reads one markdown file's snippets; markers it cannot read are problems, never ignored. */
export function snippetsOf(file: string, text: string): { snippets: Snippet[]; problems: SnippetProblem[] } {
  const lines = text.split('\n');
  const all = blocks(lines);
  const snippets: Snippet[] = [];
  const problems: SnippetProblem[] = [];
  all.forEach((block, index) => {
    const marker = markerAbove(lines, block.fenceLine);
    if (!isTypeScript(block.info)) {
      const previous = all[index - 1];
      const claimsOutput = marker?.text === 'output';
      if (claimsOutput && (previous === undefined || !isTypeScript(previous.info))) {
        problems.push({ file, line: marker.line, problem: 'an <!-- output --> block must follow a ts snippet' });
      } else if (marker !== undefined && !claimsOutput && /^(not run|run with|output|from \S+:)/i.test(marker.text)) {
        problems.push({ file, line: marker.line, problem: `a snippet marker above a ${block.info || 'plain'} block: only ts blocks are snippets` });
      }
      return;
    }
    let mode: SnippetMode = { kind: 'node' };
    if (marker !== undefined) {
      const notRun = /^not run:\s*(.*)$/.exec(marker.text);
      const from = /^from (\S+):\s*(.*)$/.exec(marker.text);
      if (notRun !== null && notRun[1]!.length >= 10) mode = { kind: 'not-run', reason: notRun[1]! };
      else if (notRun !== null) problems.push({ file, line: marker.line, problem: 'a "not run:" marker must say why (10 characters at least)' });
      else if (from !== null && from[2]!.length >= 10) mode = { kind: 'from-file', path: from[1]!, note: from[2]! };
      else if (from !== null) problems.push({ file, line: marker.line, problem: 'a "from <file>:" marker must say what runs the file (10 characters at least)' });
      else if (marker.text === 'run with vitest') mode = { kind: 'vitest' };
      else {
        problems.push({ file, line: marker.line, problem: `unknown snippet marker <!-- ${marker.text} --> (known: "not run: <why>", "run with vitest", "from <file>: <who runs it>")` });
      }
    }
    const next = all[index + 1];
    const nextMarker = next === undefined ? undefined : markerAbove(lines, next.fenceLine);
    const hasOutput = next !== undefined && nextMarker?.text === 'output' && nextMarker.line >= block.endLine;
    if (hasOutput && mode.kind !== 'node') problems.push({ file, line: nextMarker.line, problem: 'only a snippet run by node has an output block' });
    snippets.push({
      file,
      line: block.fenceLine + 1,
      code: block.body,
      mode,
      ...(hasOutput ? { output: next.body.split('\n') } : {}),
    });
  });
  return { snippets, problems };
}

/** README.md and every markdown file under docs/ but docs/api, relative to `root`, sorted. */
export function documentationFiles(root: string): string[] {
  const found: string[] = ['README.md'];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (relative(root, path) !== join('docs', 'api')) walk(path);
      } else if (entry.name.endsWith('.md')) found.push(relative(root, path));
    }
  };
  walk(join(root, 'docs'));
  return found.sort();
}

export function collectSnippets(root: string): { snippets: Snippet[]; problems: SnippetProblem[] } {
  const snippets: Snippet[] = [];
  const problems: SnippetProblem[] = [];
  for (const file of documentationFiles(root)) {
    const read = snippetsOf(file, readFileSync(join(root, file), 'utf8'));
    snippets.push(...read.snippets);
    problems.push(...read.problems);
  }
  return { snippets, problems };
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
export function headingSlug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** Every relative link in a markdown text (outside fenced blocks) as [line, path, anchor]; '' path: this file. */
export function relativeLinks(text: string): [number, string, string | undefined][] {
  const out: [number, string, string | undefined][] = [];
  let fenced = false;
  text.split('\n').forEach((line, i) => {
    if (FENCE.test(line)) fenced = !fenced;
    if (fenced) return;
    for (const m of line.matchAll(/\[[^\]]*\]\(([^)\s]+)\)/g)) {
      const target = m[1]!;
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue;
      const [path, anchor] = target.split('#') as [string, string | undefined];
      out.push([i + 1, path, anchor]);
    }
  });
  return out;
}

/** The anchors a markdown text's headings get. */
export function headingAnchors(text: string): Set<string> {
  const anchors = new Set<string>();
  let fenced = false;
  for (const line of text.split('\n')) {
    if (FENCE.test(line)) fenced = !fenced;
    const heading = /^#{1,6}\s+(.*)$/.exec(line);
    if (!fenced && heading !== null) anchors.add(headingSlug(heading[1]!));
  }
  return anchors;
}

/** Whether `stdout` is what an output block says, `...` lines matching any run of lines (none included). */
export function matchesOutput(expected: readonly string[], stdout: string): boolean {
  const actual = stdout.replace(/\n$/, '').split('\n');
  const want = [...expected];
  while (want.length > 0 && want[want.length - 1] === '') want.pop();
  const match = (e: number, a: number): boolean => {
    if (e === want.length) return a === actual.length;
    if (want[e] === '...') {
      for (let k = a; k <= actual.length; k++) if (match(e + 1, k)) return true;
      return false;
    }
    return a < actual.length && actual[a] === want[e] && match(e + 1, a + 1);
  };
  return match(0, 0);
}
