/** The parts of a Markdown file the docs tests check: its links and images, and the anchors its headings make. */

/** A link or image in a Markdown file, with the line it is on (1-based). */
export interface MarkdownLink {
  target: string;
  line: number;
  image: boolean;
}

/** Lines outside fenced code blocks, with their 1-based numbers; a fence's own lines are left out too. */
function proseLines(text: string): { line: string; number: number }[] {
  const out: { line: string; number: number }[] = [];
  let fence: string | null = null;
  text.split('\n').forEach((line, i) => {
    const opener = /^\s*(`{3,}|~{3,})/.exec(line);
    if (fence === null && opener) fence = opener[1];
    else if (fence !== null && line.trim().startsWith(fence)) fence = null;
    else if (fence === null) out.push({ line, number: i + 1 });
  });
  return out;
}

/** A line with its inline code spans blanked, so `[a](b)` written as code is not taken for a link. */
function withoutCodeSpans(line: string): string {
  return line.replace(/(`+)[^`]*?\1/g, (span) => ' '.repeat(span.length));
}

/** Every inline link `[text](target)` and image `![alt](target)`, and every HTML `src`/`href`, outside code. */
export function markdownLinks(text: string): MarkdownLink[] {
  const links: MarkdownLink[] = [];
  for (const { line, number } of proseLines(text)) {
    const prose = withoutCodeSpans(line);
    for (const m of prose.matchAll(/(!?)\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
      links.push({ target: m[2], line: number, image: m[1] === '!' });
    }
    for (const m of prose.matchAll(/\b(src|href)\s*=\s*"([^"]+)"/g)) {
      links.push({ target: m[2], line: number, image: m[1] === 'src' });
    }
  }
  return links;
}

/**
 * The anchor GitHub gives a heading (the github-slugger rules): markup dropped, lower case, every character
 * that is not a letter, digit, mark, space, hyphen or underscore removed, spaces turned into hyphens.
 */
export function headingSlug(heading: string): string {
  return heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\p{M} _-]/gu, '')
    .replace(/ /g, '-');
}

/** The anchors of a file's headings, a repeated one numbered -1, -2, ... as GitHub does. */
export function headingAnchors(text: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const { line } of proseLines(text)) {
    const m = /^ {0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!m) continue;
    const slug = headingSlug(m[1]);
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
}
