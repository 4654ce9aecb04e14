// Seeded data in the campaign-optimization template's own four tables, at any size, with the
// statistical shape ../shared/campaign-template/README.md describes and its 2,000-lead sample
// shows (our own generator, not the template's R script): leads with bucketed demographics and
// ~1 % missing values in four columns, 4–6 communications per lead in 2014 across the six
// campaigns, and about 10 % of leads converting once, on their last communication, at a rate
// that depends on the day (2–4 best), the lead's credit score, gender, children, education and
// household size (log-odds effects read off the sample's conversion rates).
import { csvLine } from '../../../src/campaign/csv/writeCsv';
import { SeededRandom } from '../../../src/learners/random';
import { TEMPLATE_COLUMNS, TEMPLATE_FILES, type TemplateTable } from '../../../src/campaign/template/templateTables';

export interface TemplateGeneratorOptions {
  leads?: number;
  seed?: number;
}

export const TEMPLATE_GENERATOR_DEFAULTS = { leads: 100_000, seed: 2 };

// The template's six campaigns and products (as its data set defines them).
const CAMPAIGNS = [
  ['1', 'Above all in service', 'Acquisition', '01/01/14', 'Branding', 'Discount offer', '3', '1', 'Nation Wide', '1'],
  ['2', 'All your protection under one roof', 'Acquisition', '03/21/14', 'Seasonal', 'Discount offer', '2', '1', 'Nation Wide', '1'],
  ['3', 'Be life full confident', 'Acquisition', '05/25/14', 'Penetration', 'Discount offer', '6', '1', 'Nation Wide', '1'],
  ['4', 'Together we are stronger', 'Acquisition', '07/01/14', 'Penetration', 'Additional Coverage', '4', '1', 'Nation Wide', '1'],
  ['5', 'The power to help you succeed', 'Acquisition', '09/27/14', 'Branding', 'Extra benefits', '1', '0', 'Nation Wide', '2'],
  ['6', 'Know Money', 'Acquisition', '12/05/14', 'Branding', 'Discount offer', '5', '1', 'Nation Wide', '2'],
];
const PRODUCTS = [
  ['1', 'Protect Your Future', 'Long Term Care', '10', '4', '1000', 'Monthly', '1e+05', '180000', '<200000'],
  ['2', 'Live Free', 'Life', '15', '2', '1500', 'Monthly', '2e+05', '405000', '<400000'],
  ['3', 'Secured Happiness', 'Health', '20', '1', '2000', 'Monthly', '150000', '720000', '<400000'],
  ['4', 'Making Tomorrow Better', 'Disability', '30', '4', '700', 'Quarterly', '1e+05', '126000', '<200000'],
  ['5', 'Secured Life', 'Health', '24', '2', '900', 'Quarterly', '2e+05', '129600', '<200000'],
  ['6', 'Live Happy', 'Life', '16', '5', '2000', 'Yearly', '150000', '48000', '<200000'],
];
/** Day of 2014 (0-based) each campaign launches. */
const LAUNCH_DAY = [0, 79, 144, 181, 269, 338];

const STATES = 'AK AL AR AS AZ CA CO CT DC DE FL FM GA GU HI IA ID IL IN KS KY LA MA MD ME MH MI MN MO MP MS MT NC ND NE NH NJ NM NV NY OH OK OR PA PR PW RI SC SD TN TX UM UT VA VI VT WA WI WV WY'.split(' ');

type Weighted<T> = readonly (readonly [T, number])[];

// Shares as the sample has them.
const AGE: Weighted<string> = [['Young', 1], ['Middle Age', 1], ['Senior Citizen', 1]];
const INCOME: Weighted<string> = [['<60k', 1], ['60k-120k', 1], ['>120k', 1]];
const CREDIT: Weighted<string> = [['<350', 0.46], ['350-700', 0.245], ['>700', 0.295]];
const DEPENDENTS: Weighted<string> = [['0', 0.57], ['1', 0.26], ['2', 0.13], ['3', 0.04]];
const EDUCATION: Weighted<string> = [['High School', 0.215], ['Attended Vocational', 0.24], ['College', 0.25], ['Graduate School', 0.295]];
const ETHNICITY: Weighted<string> = [['African American', 1], ['Hispanic', 1], ['Latino', 1], ['White Americans', 1]];
const CHILDREN: Weighted<string> = [['0', 0.395], ['1', 0.11], ['2', 0.27], ['3', 0.225]];
const HOUSEHOLD: Weighted<string> = [['1', 0.55], ['2', 0.26], ['3', 0.145], ['4', 0.045]];
const GENDER: Weighted<string> = [['M', 0.52], ['F', 0.48]];
const MARITAL: Weighted<string> = [['D', 1], ['S', 1], ['M', 1], ['W', 1]];
const SOURCE: Weighted<string> = [['Previous Campaign', 1], ['Inbound call', 1], ['SMS', 1]];
const CHANNEL: Weighted<string> = [['SMS', 0.41], ['Cold Calling', 0.315], ['Email', 0.275]];
const TIME_OF_DAY: Weighted<string> = [['Morning', 1], ['Afternoon', 1], ['Evening', 1]];
const DAY_OF_WEEK: Weighted<number> = [[1, 0.21], [2, 0.11], [3, 0.11], [4, 0.085], [5, 0.145], [6, 0.16], [7, 0.18]];

// Conversion of the last communication: log-odds effects from the sample's rates.
const logit = (p: number) => Math.log(p / (1 - p));
const effects = (rates: Record<string, number>, base: number) => Object.fromEntries(Object.entries(rates).map(([k, p]) => [k, logit(p) - logit(base)]));
const DAY_EFFECT = effects({ 1: 0.073, 2: 0.183, 3: 0.166, 4: 0.255, 5: 0.084, 6: 0.057, 7: 0.045 }, 0.107);
const CREDIT_EFFECT = effects({ '<350': 0.048, '350-700': 0.272, '>700': 0.065 }, 0.107);
const GENDER_EFFECT = effects({ F: 0.143, M: 0.075 }, 0.107);
const CHILDREN_EFFECT = effects({ 0: 0.071, 1: 0.202, 2: 0.032, 3: 0.216, '': 0.107 }, 0.107);
const EDUCATION_EFFECT = effects({ 'High School': 0.163, 'Attended Vocational': 0.129, College: 0.078, 'Graduate School': 0.071, '': 0.107 }, 0.107);
const HOUSEHOLD_EFFECT = effects({ 1: 0.089, 2: 0.111, 3: 0.143, 4: 0.211, '': 0.107 }, 0.107);
const CHANNEL_EFFECT = effects({ 'Cold Calling': 0.118, Email: 0.117, SMS: 0.093 }, 0.107);
const TIME_EFFECT = effects({ Morning: 0.117, Afternoon: 0.1, Evening: 0.105 }, 0.107);
/** Sets the share of converting leads to ≈ 10.75 % (the sample's 215 of 2,000) with the effects above. */
const INTERCEPT = -2.01;

function pick<T>(rng: SeededRandom, options: Weighted<T>): T {
  let total = 0;
  for (const [, w] of options) total += w;
  let u = rng.next() * total;
  for (const [v, w] of options) {
    u -= w;
    if (u < 0) return v;
  }
  return options[options.length - 1][0];
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** mm/dd/yy of a day of 2014 (0-based). */
function dateOf(day: number): string {
  const d = new Date(Date.UTC(2014, 0, 1 + day));
  return `${pad(d.getUTCMonth() + 1, 2)}/${pad(d.getUTCDate(), 2)}/14`;
}

export interface TemplateDataStats {
  leads: number;
  touches: number;
  convertedLeads: number;
}

/**
 * Writes the four files through `write(table, chunk)` (header first, then rows in chunks), so
 * 100,000 leads never sit in memory as one string. Same options → identical files.
 */
export function generateTemplateData(options: TemplateGeneratorOptions, write: (table: TemplateTable, chunk: string) => void, onLeads?: (done: number, total: number) => void): TemplateDataStats {
  const n = options.leads ?? TEMPLATE_GENERATOR_DEFAULTS.leads;
  if (!Number.isInteger(n) || n < 1 || n > 99_999_999) throw new RangeError(`leads must be a whole number 1–99,999,999, got ${n}`);
  const rng = new SeededRandom(options.seed ?? TEMPLATE_GENERATOR_DEFAULTS.seed);
  for (const table of Object.keys(TEMPLATE_FILES) as TemplateTable[]) write(table, csvLine(Object.keys(TEMPLATE_COLUMNS[table])));
  write('campaigns', CAMPAIGNS.map((r) => csvLine(r)).join(''));
  write('products', PRODUCTS.map((r) => csvLine(r)).join(''));
  const sometimesMissing = (value: string) => (rng.next() < 0.01 ? '' : value);
  let touches = 0;
  let converted = 0;
  let leadChunk: string[] = [];
  let touchChunk: string[] = [];
  const flush = () => {
    write('leads', leadChunk.join(''));
    write('touches', touchChunk.join(''));
    leadChunk = [];
    touchChunk = [];
  };
  for (let i = 1; i <= n; i++) {
    const leadId = `ID ${pad(i, 8)}`;
    const phone = pad(1_000_000_000 + i - 1, 10).replace(/^(\d{3})(\d{3})(\d{4})$/, '$1-$2-$3');
    const credit = pick(rng, CREDIT);
    const dependents = sometimesMissing(pick(rng, DEPENDENTS));
    const education = sometimesMissing(pick(rng, EDUCATION));
    const children = sometimesMissing(pick(rng, CHILDREN));
    const household = sometimesMissing(pick(rng, HOUSEHOLD));
    const gender = pick(rng, GENDER);
    leadChunk.push(csvLine([
      leadId, pick(rng, AGE), phone, pick(rng, INCOME), credit, 'US', STATES[rng.int(STATES.length)], dependents, education,
      pick(rng, ETHNICITY), children, household, gender, pick(rng, MARITAL),
    ]));
    // 4–6 communications on increasing days of 2014, skewed early as in the sample; each belongs
    // to the latest campaign launched by then.
    const count = 4 + rng.int(3);
    const days = Array.from({ length: count }, () => Math.floor(364 * rng.next() ** 1.6)).sort((a, b) => a - b);
    const source = pick(rng, SOURCE);
    const lead = CREDIT_EFFECT[credit] + GENDER_EFFECT[gender] + CHILDREN_EFFECT[children] + EDUCATION_EFFECT[education] + HOUSEHOLD_EFFECT[household];
    for (let c = 0; c < count; c++) {
      const channel = pick(rng, CHANNEL);
      const time = pick(rng, TIME_OF_DAY);
      const day = pick(rng, DAY_OF_WEEK);
      let campaign = 0;
      while (campaign + 1 < LAUNCH_DAY.length && LAUNCH_DAY[campaign + 1] <= days[c]) campaign++;
      let flag = 0;
      if (c === count - 1) {
        const p = 1 / (1 + Math.exp(-(INTERCEPT + lead + DAY_EFFECT[day] + CHANNEL_EFFECT[channel] + TIME_EFFECT[time])));
        flag = rng.next() < p ? 1 : 0;
        converted += flag;
      }
      touchChunk.push(csvLine([leadId, channel, time, day, campaign + 1, flag, source, dateOf(days[c]), c + 1]));
      touches++;
    }
    if (i % 10_000 === 0 || i === n) {
      flush();
      onLeads?.(i, n);
    }
  }
  return { leads: n, touches, convertedLeads: converted };
}
