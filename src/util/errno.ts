/** A file system error in words, for one-line messages: the errno code's meaning, else the message's first line. */
export function errnoText(e: unknown, enoent = 'no such file'): string {
  const code = typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : '';
  switch (code) {
    case 'ENOENT':
      return enoent;
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOSPC':
      return 'no space left on device';
    case 'EDQUOT':
      return 'disk quota exceeded';
    case 'EROFS':
      return 'read-only file system';
    case 'EISDIR':
      return 'is a directory';
    case 'ENOTDIR':
      return 'a part of the path is not a directory';
    case 'ENAMETOOLONG':
      return 'name too long';
    case 'EFBIG':
      return 'file too large';
    case 'EIO':
      return 'input/output error';
    default: {
      const msg = e instanceof Error ? e.message : String(e);
      return (msg.split('\n')[0] ?? msg).replace(/[\x00-\x1f\x7f]/g, ' ');
    }
  }
}
