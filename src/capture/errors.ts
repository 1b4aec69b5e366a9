/**
 * The one error the capture reader throws: input that is not a capture at all (bad magic, empty file, cut
 * inside the file header), a file that cannot be opened, or a decompression limit. Everything else in a
 * damaged capture is a diagnostic.
 */
export class CaptureError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CaptureError';
  }
}
