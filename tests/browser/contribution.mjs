// The .docx contribution the delegate uploads: Resolution 75 (Rev. Dubai, 2012) from the
// repository's test data with a few proposed changes in CriticMarkup, written to Word
// with real revisions by `amend parse --to docx`. Written for these tests, not a real
// contribution (its abstract says so).
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The source code in the margin line (`MOD AFCP/75/1`): African common proposals. */
export const SOURCE_CODE = 'AFCP';
/** The source the library recognises from that code. */
export const SOURCE = 'ATU';
/** A phrase only this contribution has: what the delegate searches for. */
export const PHRASE = 'Internet exchange points';

const EDITS = [
  ['RESOLUTION 75 (Rev. Dubai, 2012)', 'RESOLUTION 75 (Rev. {--Dubai, 2012--}{++Hammamet, 2016++})'],
  [
    '3\tto provide information on emerging trends based on ITU-T activities;',
    '3\tto provide information on emerging trends based on ITU-T activities{++, including the growth of ' +
      PHRASE + ' in developing countries++};',
  ],
];

/** Writes the contribution as .md and .docx into `dir`; returns the .docx path. */
export function makeContribution(root, amend, dir) {
  let text = readFileSync(join(root, 'tests/data/res75-dubai-2012.reconstructed.txt'), 'utf8');
  for (const [from, to] of EDITS) {
    if (!text.includes(from)) throw new Error(`the base no longer contains: ${from}`);
    text = text.replace(from, to);
  }
  const md =
    'Abstract:\nWritten for amend\'s browser tests, not a real contribution: a proposal to revise ' +
    'Resolution 75 so that ITU-T reports on ' + PHRASE + '.\n\n' +
    'Proposal\nThe text below shows the proposed changes.\n\n' +
    `MOD ${SOURCE_CODE}/75/1\n${text}`;
  const mdPath = join(dir, 'afcp-res75.md');
  const docxPath = join(dir, 'afcp-res75.docx');
  writeFileSync(mdPath, md);
  execFileSync(amend, ['parse', mdPath, '--from', 'md', '--to', 'docx', '-o', docxPath], {
    stdio: ['ignore', 'inherit', 'inherit'],
    timeout: 60_000,
  });
  return docxPath;
}
