import { describe, expect, it } from 'vitest';
import { parseJobs } from '../../../src/lib/batch/parse-jobs.js';

const HEX = 'ab'.repeat(32);

describe('parseJobs', () => {
  it('reads bare URLs and JSON objects, skipping blanks and comments, with their line numbers', () => {
    const text = ['https://h/a', '', '# comment', `{"url":"https://h/b","output":"x/b","expect":"sha256:${HEX}","mirrors":["https://m/b"],"headers":["X-A: 1"],"priority":3,"segments":2}`, '  https://h/c  \r'].join('\n');
    const { jobs, problems } = parseJobs(text);
    expect(problems).toEqual([]);
    expect(jobs).toEqual([
      { line: 1, spec: { url: 'https://h/a', priority: 0 } },
      { line: 4, spec: { url: 'https://h/b', output: 'x/b', expect: { sha256: HEX }, mirrors: ['https://m/b'], headers: ['X-A: 1'], priority: 3, segments: 2 } },
      { line: 5, spec: { url: 'https://h/c', priority: 0 } },
    ]);
  });

  it.each([
    ['not a url', /not a URL/],
    ['{"url": "https://h/a"', /not JSON/],
    ['["https://h/a"]', /not a JSON object/],
    ['{"output": "x"}', /"url" is not a URL/],
    ['{"url": "https://h/a", "priority": 1.5}', /"priority" must be an integer/],
    ['{"url": "https://h/a", "segments": 65}', /"segments" must be an integer from 1 to 64/],
    ['{"url": "https://h/a", "expect": "sha256:zz"}', /"expect" sha256:zz: not ALGO:HEX/],
    ['{"url": "https://h/a", "headers": [1]}', /"headers" must be a string or a list of strings/],
    ['{"url": "https://h/a", "mirrors": ["ftp:/x"]}', /"mirrors" is not a URL/],
    ['{"url": "https://h/a", "output": ""}', /"output" must be a non-empty string/],
  ])('%s is a problem of its line', (line, message) => {
    const { jobs, problems } = parseJobs(`https://h/ok\n${line}\nhttps://h/ok2\n`);
    expect(jobs.map((j) => j.line)).toEqual([1, 3]);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.line).toBe(2);
    expect(problems[0]!.message).toMatch(message);
  });
});
