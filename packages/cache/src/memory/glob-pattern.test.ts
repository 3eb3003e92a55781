import { describe, expect, it } from 'vitest';
import { globPattern } from './glob-pattern.js';

describe('globPattern (Redis glob semantics)', () => {
  const cases: [pattern: string, matches: string[], misses: string[]][] = [
    ['h?llo', ['hello', 'hallo'], ['hllo', 'heello']],
    ['h*llo', ['hllo', 'heeeello'], ['hell']],
    ['h[ae]llo', ['hello', 'hallo'], ['hillo', 'hllo']],
    ['h[^e]llo', ['hallo', 'hbllo'], ['hello']],
    ['h[a-b]llo', ['hallo', 'hbllo'], ['hcllo']],
    ['h[b-a]llo', ['hallo', 'hbllo'], ['hcllo']],
    ['h\\*llo', ['h*llo'], ['hello']],
    ['[\\]]', [']'], ['\\']],
    ['a.b(c)+$', ['a.b(c)+$'], ['axb(c)+$', 'a.bcc']],
    ['*', ['', 'any\nthing'], []],
    ['inbox:*', ['inbox:', 'inbox:u1'], ['inbo', 'xinbox:']],
  ];

  it.each(cases)('%s', (pattern, matches, misses) => {
    const regExp = globPattern(pattern);
    for (const channel of matches) expect(regExp.test(channel), channel).toBe(true);
    for (const channel of misses) expect(regExp.test(channel), channel).toBe(false);
  });
});
