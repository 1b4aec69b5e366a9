/** Cursor and scroll position of a list that only renders the rows in view. */
export class Viewport {
  cursor = 0;
  top = 0;

  /** Keeps the cursor inside [0, count) and in view of `height` rows. */
  clamp(count: number, height: number): void {
    const h = Math.max(1, height);
    if (count <= 0) {
      this.cursor = 0;
      this.top = 0;
      return;
    }
    this.cursor = Math.max(0, Math.min(count - 1, this.cursor));
    if (this.cursor < this.top) this.top = this.cursor;
    if (this.cursor >= this.top + h) this.top = this.cursor - h + 1;
    this.top = Math.max(0, Math.min(this.top, Math.max(0, count - h)));
  }

  move(delta: number, count: number, height: number): void {
    this.cursor += delta;
    this.clamp(count, height);
  }

  set(index: number, count: number, height: number): void {
    this.cursor = index;
    this.clamp(count, height);
  }

  /** Scrolling without a cursor (text views): the top row moves. */
  scroll(delta: number, count: number, height: number): void {
    const h = Math.max(1, height);
    this.top = Math.max(0, Math.min(Math.max(0, count - h), this.top + delta));
    this.cursor = this.top;
  }
}

export type Movement = 'up' | 'down' | 'pageup' | 'pagedown' | 'home' | 'end';

/** The movement a key asks for, if any. */
export function movementOf(name: string, ch: string | undefined): Movement | undefined {
  if (name === 'up' || ch === 'k') return 'up';
  if (name === 'down' || ch === 'j') return 'down';
  if (name === 'pageup' || name === 'C-b') return 'pageup';
  if (name === 'pagedown' || name === 'C-f') return 'pagedown';
  if (name === 'home' || ch === 'g') return 'home';
  if (name === 'end' || ch === 'G') return 'end';
  return undefined;
}

export function applyMovement(v: Viewport, m: Movement, count: number, height: number): void {
  const page = Math.max(1, height - 1);
  switch (m) {
    case 'up':
      v.move(-1, count, height);
      break;
    case 'down':
      v.move(1, count, height);
      break;
    case 'pageup':
      v.move(-page, count, height);
      break;
    case 'pagedown':
      v.move(page, count, height);
      break;
    case 'home':
      v.set(0, count, height);
      break;
    case 'end':
      v.set(count - 1, count, height);
      break;
  }
}

export function applyScroll(v: Viewport, m: Movement, count: number, height: number): void {
  const page = Math.max(1, height - 1);
  const delta = m === 'up' ? -1 : m === 'down' ? 1 : m === 'pageup' ? -page : m === 'pagedown' ? page : m === 'home' ? -count : count;
  v.scroll(delta, count, height);
}
