import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmod, rename, unlink } from 'node:fs/promises';
import { PRIVATE_FILE_MODE } from '../common/private-storage';

const SOX_TIMEOUT_MS = 60_000;

/**
 * Encodes a WAV file to MP3 with sox (its MP3 writer is libsox-fmt-mp3, over LAME). The MP3 is
 * written beside the target under a temporary name and renamed into place, so readers never see a
 * half-written file and two concurrent encodings of one recording cannot corrupt each other.
 */
export async function encodeMp3File(wavPath: string, mp3Path: string): Promise<void> {
  const partial = `${mp3Path}.${randomUUID()}.part`;
  try {
    await new Promise<void>((resolve, reject) =>
      execFile(
        'sox',
        ['-V1', wavPath, '-t', 'mp3', partial],
        { timeout: SOX_TIMEOUT_MS, killSignal: 'SIGKILL' },
        (error, _stdout, stderr) => {
          if (!error) return resolve();
          if ((error as NodeJS.ErrnoException).code === 'ENOENT')
            return reject(
              new Error('sox is not installed (apt-get install sox libsox-fmt-mp3): cannot encode MP3'),
            );
          reject(new Error(`sox could not encode MP3: ${String(stderr).trim() || error.message}`));
        },
      ),
    );
    await chmod(partial, PRIVATE_FILE_MODE);
    await rename(partial, mp3Path);
  } finally {
    await unlink(partial).catch(() => undefined);
  }
}
