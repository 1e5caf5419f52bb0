/**
 * The playing time of a RIFF/WAVE file from its header (the `fmt ` byte rate and the `data` chunk's
 * size), or null when the bytes are not such a file. Asterisk rewrites both sizes when it closes a file.
 */
export function wavDurationSeconds(audio: Buffer): number | null {
  if (
    audio.length < 12 ||
    audio.toString('ascii', 0, 4) !== 'RIFF' ||
    audio.toString('ascii', 8, 12) !== 'WAVE'
  )
    return null;
  let byteRate = 0;
  for (let offset = 12; offset + 8 <= audio.length;) {
    const id = audio.toString('ascii', offset, offset + 4);
    const size = audio.readUInt32LE(offset + 4);
    if (id === 'fmt ' && offset + 16 <= audio.length) byteRate = audio.readUInt32LE(offset + 8 + 8);
    if (id === 'data') {
      if (byteRate === 0) return null;
      // A file cut short (or a size never rewritten) counts only the bytes present.
      return Math.min(size, audio.length - offset - 8) / byteRate;
    }
    offset += 8 + size + (size % 2);
  }
  return null;
}
