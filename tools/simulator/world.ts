// The simulated shop's vocabulary: categories, devices, times of day, page types, and the fixed
// context × category effects of the ground truth (visible to the system through the context and
// action features the simulator sends).

export const CATEGORIES = ['shoes', 'bags', 'electronics', 'books', 'home', 'beauty', 'sports', 'toys'] as const;
export type Category = (typeof CATEGORIES)[number];

export const SIM_DEVICES = ['desktop', 'mobile', 'tablet'] as const;
export type SimDevice = (typeof SIM_DEVICES)[number];

export const TIMES_OF_DAY = ['morning', 'afternoon', 'evening', 'night'] as const;
export type TimeOfDay = (typeof TIMES_OF_DAY)[number];

/** A representative hour of each time of day (sent as `hour`, a numeric context feature). */
export const HOUR_RANGES: Record<TimeOfDay, [number, number]> = {
  morning: [6, 11],
  afternoon: [12, 17],
  evening: [18, 22],
  night: [23, 29], // 23:00–05:59, taken mod 24
};

export const PAGE_TYPES = ['home', 'category', 'product', 'cart'] as const;
export type PageType = (typeof PAGE_TYPES)[number];

export const SEGMENTS = ['bargain', 'premium', 'family', 'techie', 'casual'] as const;
export type UserSegment = (typeof SEGMENTS)[number];

export const TAGS = ['sale', 'new', 'free-shipping', 'bundle', 'premium'] as const;

/** Typical price (EUR) of a product per category: prices are log-normal around it. */
export const CATEGORY_PRICE: Record<Category, number> = {
  shoes: 70, bags: 90, electronics: 250, books: 18, home: 60, beauty: 30, sports: 55, toys: 35,
};

type Effects<K extends string> = Record<K, Partial<Record<Category, number>>>;

/** Logit offset of an offer's category on a device (mobile shoppers take small, impulsive offers …). */
export const DEVICE_CATEGORY: Effects<SimDevice> = {
  desktop: { electronics: 0.6, home: 0.4, books: 0.2, beauty: -0.4, toys: -0.3 },
  mobile: { beauty: 0.6, shoes: 0.4, toys: 0.3, electronics: -0.6, home: -0.4 },
  tablet: { books: 0.6, home: 0.3, toys: 0.3, sports: -0.3, bags: -0.2 },
};

/** Logit offset of an offer's category by time of day. */
export const TIME_CATEGORY: Effects<TimeOfDay> = {
  morning: { sports: 0.6, books: 0.4, bags: -0.2, toys: -0.3 },
  afternoon: { home: 0.3, toys: 0.4, shoes: 0.2 },
  evening: { electronics: 0.4, beauty: 0.4, bags: 0.3, sports: -0.3 },
  night: { books: 0.5, electronics: 0.3, home: -0.4, shoes: -0.3 },
};

export const SEGMENT_PROFILE: Record<UserSegment, {
  share: number;
  /** Dirichlet boost of these categories' affinity. */
  favours: Category[];
  /** Mean price sensitivity (0 none … 1.5 strong). */
  priceSensitivity: number;
  devices: Record<SimDevice, number>;
  times: Record<TimeOfDay, number>;
}> = {
  bargain: { share: 0.25, favours: ['shoes', 'toys', 'beauty'], priceSensitivity: 1.3, devices: { desktop: 0.2, mobile: 0.7, tablet: 0.1 }, times: { morning: 0.15, afternoon: 0.3, evening: 0.4, night: 0.15 } },
  premium: { share: 0.15, favours: ['bags', 'electronics', 'home'], priceSensitivity: 0.2, devices: { desktop: 0.6, mobile: 0.25, tablet: 0.15 }, times: { morning: 0.3, afternoon: 0.2, evening: 0.4, night: 0.1 } },
  family: { share: 0.2, favours: ['toys', 'home', 'books'], priceSensitivity: 0.9, devices: { desktop: 0.3, mobile: 0.4, tablet: 0.3 }, times: { morning: 0.2, afternoon: 0.45, evening: 0.3, night: 0.05 } },
  techie: { share: 0.15, favours: ['electronics', 'books', 'sports'], priceSensitivity: 0.6, devices: { desktop: 0.7, mobile: 0.25, tablet: 0.05 }, times: { morning: 0.1, afternoon: 0.2, evening: 0.35, night: 0.35 } },
  casual: { share: 0.25, favours: [], priceSensitivity: 0.7, devices: { desktop: 0.35, mobile: 0.5, tablet: 0.15 }, times: { morning: 0.25, afternoon: 0.3, evening: 0.3, night: 0.15 } },
};

export const categoryIndex = (c: string): number => (CATEGORIES as readonly string[]).indexOf(c);
