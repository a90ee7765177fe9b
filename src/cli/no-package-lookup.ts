// Stands in for escalade/sync inside the bundled yargs (tsup.config.ts alias). yargs looks
// for a package.json above the running file at every start, to guess a version we do not
// use (--version is answered before yargs loads): a directory listing of dist/, hundreds
// of chunks, each time. '' makes its read fail at once, which yargs takes as "no package".
export default function findUp(): string {
  return '';
}
