/**
 * Split a command line into an argument vector the way a POSIX shell splits words, without running a
 * shell: single quotes (literal), double quotes (backslash escapes only \" \\ \$ \`), backslash escapes
 * outside quotes, blanks between words. No expansion of variables, globs or substitutions: the result is
 * spawned directly, so no architecture data or user text is ever interpreted by a shell.
 */
import { fail } from '../errors.js';

export function shellWords(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let i = 0;
  const n = line.length;
  while (i < n) {
    const c = line[i]!;
    if (c === ' ' || c === '\t' || c === '\n') {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      i++;
    } else if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) fail(`unterminated single quote in command '${line}'`);
      word += line.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (c === '"') {
      inWord = true;
      i++;
      for (;;) {
        if (i >= n) fail(`unterminated double quote in command '${line}'`);
        const d = line[i]!;
        if (d === '"') {
          i++;
          break;
        }
        if (d === '\\' && i + 1 < n && '"\\$`'.includes(line[i + 1]!)) {
          word += line[i + 1];
          i += 2;
        } else {
          word += d;
          i++;
        }
      }
    } else if (c === '\\') {
      if (i + 1 >= n) fail(`trailing backslash in command '${line}'`);
      word += line[i + 1];
      inWord = true;
      i += 2;
    } else {
      word += c;
      inWord = true;
      i++;
    }
  }
  if (inWord) words.push(word);
  return words;
}
