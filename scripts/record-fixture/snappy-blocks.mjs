// snappy-blocks.mjs: writes the snapshot JSONL fixture as PostHog's storage holds it, snappy-
// compressed, with snappyjs (an implementation independent of the Rust `snap` crate the tool
// reads it with):
//
//   tests/fixtures/real/snapshots-decompress-false.bin   the snapshot API's answer with
//       decompress=false: for each stored block, a 4-byte big-endian length and raw snappy
//   tests/fixtures/real/snapshots-long-term.snappy       one raw snappy block (long-term storage)
//
// record.mjs runs it after writing snapshots-blob_v2.jsonl; on its own: `node snappy-blocks.mjs`.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import snappy from 'snappyjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const FIXTURES = path.resolve(HERE, '..', '..', 'tests', 'fixtures', 'real');

/** Blocks of whole lines, as PostHog stores a session: here, three of about equal size. */
function blocks(jsonl, count) {
  const lines = jsonl.split('\n').filter((line) => line.length > 0);
  const size = Math.ceil(lines.length / count);
  const out = [];
  for (let i = 0; i < lines.length; i += size) out.push(lines.slice(i, i + size).join('\n') + '\n');
  return out;
}

export function writeSnappyFixtures(fixtures = FIXTURES) {
  const jsonl = fs.readFileSync(path.join(fixtures, 'snapshots-blob_v2.jsonl'), 'utf8');
  const framed = blocks(jsonl, 3).flatMap((block) => {
    const compressed = Buffer.from(snappy.compress(Buffer.from(block, 'utf8')));
    const length = Buffer.alloc(4);
    length.writeUInt32BE(compressed.length);
    return [length, compressed];
  });
  fs.writeFileSync(path.join(fixtures, 'snapshots-decompress-false.bin'), Buffer.concat(framed));
  fs.writeFileSync(path.join(fixtures, 'snapshots-long-term.snappy'), Buffer.from(snappy.compress(Buffer.from(jsonl, 'utf8'))));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) writeSnappyFixtures();
