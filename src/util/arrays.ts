/** Keeps in `list`, in order and in place, the items `keep` accepts (no new array: the list may be large). */
export function keepInPlace<T>(list: T[], keep: (item: T) => boolean): void {
  let j = 0;
  for (let i = 0; i < list.length; i++) {
    const item = list[i] as T;
    if (keep(item)) list[j++] = item;
  }
  list.length = j;
}
