#!/usr/bin/env node
// Man pages from one source: man/src/<page>.<section>.md → man/<page>.<section> (roff),
// with marked-man. The generated pages are committed, so `npm run man -- --check` (and
// test/man) fail when a page is stale. The page date is the date its content last
// changed: a rebuild first renders with the committed page's date and keeps the page
// when nothing else differs, so rebuilding is byte-for-byte reproducible.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const srcDir = join(repo, 'man', 'src');
const markedMan = join(dirname(createRequire(import.meta.url).resolve('marked-man/package.json')), 'bin', 'marked-man.js');
const { version } = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));

/** roff for one Markdown page, dated `date` (YYYY-MM-DD). */
function render(mdPath, date) {
  const args = [markedMan, '--version', `dlkit ${version}`, '--manual', 'dlkit Manual', '--date', date, mdPath];
  return execFileSync(process.execPath, args, { encoding: 'utf8', env: { ...process.env, SOURCE_DATE_EPOCH: '' } });
}

/** The date of a committed page's .TH line ("November 2025" → 2025-11-01), if any. */
function committedDate(page) {
  const m = /^\.TH "[^"]*" "[^"]*" "(\w+) (\d{4})"/m.exec(page);
  if (!m) return undefined;
  const month = new Date(`${m[1]} 1, ${m[2]} UTC`).getUTCMonth() + 1;
  return Number.isNaN(month) ? undefined : `${m[2]}-${String(month).padStart(2, '0')}-01`;
}

const today = () => {
  const epoch = process.env.SOURCE_DATE_EPOCH;
  return new Date(epoch ? Number(epoch) * 1000 : Date.now()).toISOString().slice(0, 10);
};

const readOr = (path) => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
};

/** Builds every page; with `check`, writes nothing and returns the stale ones. */
function buildAll(check) {
  const stale = [];
  for (const name of readdirSync(srcDir).filter((f) => /^[\w.-]+\.\d\.md$/.test(f)).sort()) {
    const mdPath = join(srcDir, name);
    const outPath = join(repo, 'man', name.slice(0, -'.md'.length));
    const old = readOr(outPath);
    const keptDate = old === undefined ? undefined : committedDate(old);
    if (keptDate !== undefined && render(mdPath, keptDate) === old) continue;
    stale.push(`man/${name.slice(0, -3)}`);
    if (!check) writeFileSync(outPath, render(mdPath, today()));
  }
  return stale;
}

const check = process.argv.includes('--check');
const stale = buildAll(check);
if (check && stale.length > 0) {
  process.stderr.write(`build-man: stale (run npm run man): ${stale.join(' ')}\n`);
  process.exitCode = 1;
} else if (!check) {
  process.stdout.write(stale.length ? `build-man: wrote ${stale.join(' ')}\n` : 'build-man: all pages up to date\n');
}
