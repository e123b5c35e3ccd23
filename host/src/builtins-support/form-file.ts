import busboy from 'busboy';
import type { IncomingMessage } from 'node:http';
import { errors } from '../errors.js';

/** One file of a `multipart/form-data` request, read whole (a snapshot, an import). */
export interface FormFile {
  name: string;
  type: string;
  text: string;
}

/**
 * A `multipart/form-data` parser (busboy) for a request with these headers: built-ins take it from
 * here instead of importing busboy themselves, so the host loads one copy, from its bundle.
 * Throws when the headers are not a form's.
 */
export function formParser(headers: IncomingMessage['headers'], limits: busboy.Limits): busboy.Busboy {
  return busboy({ headers, limits });
}

/**
 * The first file of a multipart form, as text: UNSUPPORTED_MEDIA_TYPE for a request that is not a
 * form, INVALID_PAYLOAD for a form without a file, one larger than `maxBytes`, or one that breaks off.
 */
export function readFormFile(req: IncomingMessage, maxBytes: number): Promise<FormFile> {
  return new Promise((resolve, reject) => {
    let bb: busboy.Busboy;
    try {
      bb = formParser(req.headers, { files: 1, fileSize: maxBytes });
    } catch {
      reject(errors.UNSUPPORTED_MEDIA_TYPE({ reason: 'Send the file in a multipart/form-data form.' }));
      return;
    }
    let file: (FormFile & { chunks: Buffer[]; tooLarge: boolean }) | null = null;
    bb.on('file', (_field, stream, info) => {
      const f = {
        name: info.filename ?? '',
        type: info.mimeType ?? '',
        text: '',
        chunks: [] as Buffer[],
        tooLarge: false,
      };
      file ??= f;
      stream.on('data', (chunk: Buffer) => f === file && f.chunks.push(chunk));
      stream.on('limit', () => {
        f.tooLarge = true;
      });
    });
    bb.on('error', (err) =>
      reject(
        errors.INVALID_PAYLOAD({ reason: `The form could not be read: ${err instanceof Error ? err.message : err}` }),
      ),
    );
    bb.on('close', () => {
      if (!file) return reject(errors.INVALID_PAYLOAD({ reason: 'The form has no file.' }));
      if (file.tooLarge)
        return reject(errors.INVALID_PAYLOAD({ reason: `The file is larger than ${maxBytes} bytes.` }));
      resolve({ name: file.name, type: file.type, text: Buffer.concat(file.chunks).toString('utf8') });
    });
    req.pipe(bb);
  });
}
