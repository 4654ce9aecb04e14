// A product catalog derived from purchase history (the Online Retail data has no catalog): the
// most frequent description is the title, the latest unit price the price, and, as the data has
// no categories, the description's last word (the kind of thing: HOLDER, LANTERN, BAG) the
// category. Products that only appear in non-product or cancelled lines are not in it.
import type { HistoryLine } from '../history/historyRows';
import { isProductId, type Product } from './productSchema';

interface Tally {
  titles: Map<string, number>;
  price: number;
  lastMs: number;
  firstMs: number;
  lines: number;
  category?: string;
}

export function categoryFromTitle(title: string): string {
  const words = title.toUpperCase().replace(/[^A-Z0-9 ]+/g, ' ').trim().split(/\s+/).filter((w) => w.length > 1 && !/^\d+$/.test(w));
  return words.length > 0 ? words[words.length - 1].toLowerCase() : 'other';
}

export function catalogFromHistory(lines: Iterable<HistoryLine>): Product[] {
  const items = new Map<string, Tally>();
  for (const line of lines) {
    let t = items.get(line.item);
    if (!t) items.set(line.item, (t = { titles: new Map(), price: line.unitPrice, lastMs: line.timeMs, firstMs: line.timeMs, lines: 0 }));
    t.lines++;
    if (line.title) t.titles.set(line.title, (t.titles.get(line.title) ?? 0) + 1);
    if (line.category) t.category = line.category;
    if (line.timeMs >= t.lastMs) {
      t.lastMs = line.timeMs;
      t.price = line.unitPrice;
    }
    if (line.timeMs < t.firstMs) t.firstMs = line.timeMs;
  }
  const products: Product[] = [];
  for (const [id, t] of [...items].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    if (!isProductId(id)) continue;
    let title = id;
    let best = 0;
    for (const [text, n] of t.titles) if (n > best || (n === best && text < title)) [title, best] = [text, n];
    products.push({
      id,
      title: title.slice(0, 300),
      category: (t.category ?? categoryFromTitle(title)).slice(0, 100),
      price: t.price,
      available: true,
      features: { firstSold: new Date(t.firstMs).toISOString().slice(0, 10), lastSold: new Date(t.lastMs).toISOString().slice(0, 10), lines: t.lines },
    });
  }
  return products;
}
