import type { InfiniteData } from '@tanstack/react-query';
import type { Page } from '../api/models';

/** A cached list: the pages loaded so far, in load order. */
export type PagedList<T> = InfiniteData<Page<T>, unknown>;

interface WithId {
  id: string;
}

export function listItems<T>(data: PagedList<T> | undefined): T[] {
  return data ? data.pages.flatMap((page) => page.items) : [];
}

export function findInList<T extends WithId>(data: PagedList<T> | undefined, id: string): T | undefined {
  return listItems(data).find((item) => item.id === id);
}

function mapPages<T>(data: PagedList<T>, map: (items: T[], index: number) => T[]): PagedList<T> {
  return { ...data, pages: data.pages.map((page, index) => ({ ...page, items: map(page.items, index) })) };
}

export function removeFromList<T extends WithId>(data: PagedList<T>, id: string): PagedList<T> {
  if (!findInList(data, id)) return data;
  return mapPages(data, (items) => items.filter((item) => item.id !== id));
}

export function replaceInList<T extends WithId>(data: PagedList<T>, item: T): PagedList<T> {
  return mapPages(data, (items) => items.map((existing) => (existing.id === item.id ? item : existing)));
}

/**
 * Puts `item` where `compare` orders it (removing its old copy). An item that sorts after everything loaded
 * while more pages exist belongs to a page not loaded yet, so it is left out.
 */
export function upsertSorted<T extends WithId>(
  data: PagedList<T>,
  item: T,
  compare: (a: T, b: T) => number,
): PagedList<T> {
  const without = removeFromList(data, item.id);
  const pages = without.pages;
  for (let index = 0; index < pages.length; index += 1) {
    const page = pages[index];
    const isLast = index === pages.length - 1;
    const position = page.items.findIndex((existing) => compare(item, existing) < 0);
    if (position >= 0 || (isLast && page.nextCursor === null)) {
      const at = position >= 0 ? position : page.items.length;
      const items = [...page.items.slice(0, at), item, ...page.items.slice(at)];
      return { ...without, pages: pages.map((other, i) => (i === index ? { ...other, items } : other)) };
    }
  }
  return without;
}

/** Prepends `item` to the first page unless it is there already (then it is replaced in place). */
export function upsertFirst<T extends WithId>(data: PagedList<T>, item: T): PagedList<T> {
  if (findInList(data, item.id)) return replaceInList(data, item);
  return mapPages(data, (items, index) => (index === 0 ? [item, ...items] : items));
}
