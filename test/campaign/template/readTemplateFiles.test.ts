// The template's four tables read as they are: the shared sample maps onto leads, campaigns and
// touches with every column accounted for; bad rows are named by file, line and column and
// nothing is returned; the import writes nothing when any row is bad (Cosmos DB emulator).
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Container } from '@azure/cosmos';
import { parseCsv } from '../../../src/campaign/csv/parseCsv';
import { CampaignDataError, formatIssue } from '../../../src/campaign/data/dataIssues';
import { writeCampaignData } from '../../../src/campaign/data/importCampaignData';
import { readCampaignInput } from '../../../src/campaign/template/campaignInput';
import { readTemplateFiles, templateDate, type TemplateFileTexts } from '../../../src/campaign/template/readTemplateFiles';
import { TEMPLATE_FILES, type TemplateTable } from '../../../src/campaign/template/templateTables';
import { countDocuments as count, useCampaignCosmos } from '../fixtures/campaignCosmos';

const SAMPLE = path.resolve(__dirname, '../../../../shared/campaign-template');
const texts: TemplateFileTexts = Object.fromEntries(
  (Object.keys(TEMPLATE_FILES) as TemplateTable[]).map((k) => [k, fs.readFileSync(path.join(SAMPLE, TEMPLATE_FILES[k]), 'utf8')]),
);

function issuesOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(CampaignDataError);
    return (error as CampaignDataError).issues.map(formatIssue);
  }
  throw new Error('expected CampaignDataError');
}

/** Replaces the value of `column` on data line `line` (the header is line 1) of a table. */
function edit(kind: TemplateTable, line: number, column: string, value: string, from: TemplateFileTexts = texts): TemplateFileTexts {
  const lines = from[kind]!.split(/\r?\n/);
  const header = lines[0].split(',');
  const fields = lines[line - 1].split(',');
  fields[header.indexOf(column)] = value;
  lines[line - 1] = fields.join(',');
  return { ...from, [kind]: lines.join('\n') };
}

describe('the template sample', () => {
  const { data, summary } = readTemplateFiles(texts);

  it('maps every lead, campaign and touch', () => {
    expect(data.leads).toHaveLength(2000);
    expect(data.campaigns).toHaveLength(6);
    expect(data.touches).toHaveLength(10_010);
    expect(data.leads[0]).toEqual({ leadId: 'ID-00000001', age: 45, incomeBand: 'low', creditScore: 775, householdSize: 1, region: 'me' });
    const first = data.touches[0];
    // ID 00000001,SMS,Morning,2,1,0,Previous Campaign,03/09/14,1
    expect(first).toMatchObject({ touchId: 'ID-00000001:1', leadId: 'ID-00000001', campaignId: '1', channel: 'sms', day: 1, slot: 0, touchedAt: '2014-03-09', converted: false });
    const converted = data.touches.filter((t) => t.converted).length;
    expect(converted).toBe(215);
    expect(new Set(data.touches.map((t) => t.channel))).toEqual(new Set(['email', 'sms', 'call']));
  });

  it('keeps the products\' terms on the campaigns, accepting R\'s 1e+05', () => {
    const c1 = data.campaigns.find((c) => c.campaignId === '1')!;
    expect(c1).toMatchObject({ name: 'Above all in service', product: 'secured-happiness', startDate: '2014-01-01' });
    expect(c1.productTerms).toEqual({
      productId: '3', productName: 'Secured Happiness', productCategory: 'Health', termYears: 20, peopleCovered: 1,
      premium: 2000, paymentFrequency: 'monthly', netAmountInsured: 150000, amountOnMaturity: 720000,
    });
    expect(data.campaigns.find((c) => c.campaignId === '5')!.productTerms).toMatchObject({ productId: '1', netAmountInsured: 100000 });
    expect(c1.details).toEqual({ category: 'Acquisition', subCategory: 'Branding', drivers: 'Discount offer', callForAction: 1, focusedGeography: 'Nation Wide', tenure: 1 });
  });

  it('accounts for every column of every file as used or ignored, and counts the filled-in household sizes', () => {
    for (const kind of Object.keys(TEMPLATE_FILES) as TemplateTable[]) {
      const header = parseCsv(texts[kind]!)[0].fields;
      const report = summary.files.find((f) => f.file === TEMPLATE_FILES[kind])!;
      expect(new Set([...Object.keys(report.used), ...Object.keys(report.ignored)])).toEqual(new Set(header));
    }
    expect(summary.files.find((f) => f.file === 'Lead_Demography.csv')!.ignored).toHaveProperty('Phone_No');
    expect(summary.imputed).toEqual([{ file: 'Lead_Demography.csv', column: 'Household_Size', rows: 23, value: '1' }]);
  });

  it('reads the dates R writes, and refuses impossible ones', () => {
    expect(templateDate('03/09/14')).toEqual({ ok: true, value: '2014-03-09' });
    expect(templateDate('12/31/2014')).toEqual({ ok: true, value: '2014-12-31' });
    expect(templateDate('02/30/14').ok).toBe(false);
  });
});

describe('bad template rows', () => {
  it('names file, line and column of each, and returns nothing', () => {
    let bad = edit('touches', 3, 'Channel', 'Fax');
    bad = edit('touches', 5, 'Day_Of_Week', '8', bad);
    bad = edit('touches', 7, 'Lead_Id', 'ID 99999999', bad);
    bad = edit('touches', 8, 'Campaign_Id', '9', bad);
    bad = edit('touches', 8, 'Time_Stamp', '13/40/14', bad);
    bad = edit('leads', 4, 'Age', 'Teen', bad);
    bad = edit('products', 3, 'Premium', 'lots', bad);
    expect(issuesOf(() => readTemplateFiles(bad))).toEqual([
      'Product.csv, row 3, column Premium: must be a non-negative number (e.g. 150000 or 1e+05); got "lots"',
      'Lead_Demography.csv, row 4, column Age: must be one of Young, Middle Age, Senior Citizen; got "Teen"',
      'Market_Touchdown.csv, row 3, column Channel: must be one of Email, SMS, Cold Calling; got "Fax"',
      'Market_Touchdown.csv, row 5, column Day_Of_Week: must be a whole number between 1 and 7; got "8"',
      'Market_Touchdown.csv, row 7, column Lead_Id: "ID 99999999" is not in Lead_Demography.csv',
      'Market_Touchdown.csv, row 8, column Campaign_Id: "9" is not in Campaign_Detail.csv',
      'Market_Touchdown.csv, row 8, column Time_Stamp: is not a real date; got "13/40/14"',
    ]);
  });

  it('refuses a changed header and a touches file without the others', () => {
    const renamed = { campaigns: texts.campaigns, products: texts.products!.replace('Premium', 'Price') };
    expect(issuesOf(() => readTemplateFiles(renamed))).toEqual([
      'Product.csv, row 1, column Price: is not a known column (known: Product_Id, Product, Category, Term, No_of_people_covered, Premium, Payment_frequency, Net_Amt_Insured, Amt_on_Maturity, Amt_on_Maturity_Bin)',
      'Product.csv, row 1, column Premium: is a required column and is missing from the header',
    ]);
    const noProduct = { ...texts, products: texts.products!.split('\n').filter((l) => !l.startsWith('6,')).join('\n') };
    expect(issuesOf(() => readTemplateFiles(noProduct))).toEqual(['Campaign_Detail.csv, row 4, column Product_Id: "6" is not in Product.csv']);
    expect(issuesOf(() => readTemplateFiles({ touches: texts.touches }))).toEqual([
      'Market_Touchdown.csv: needs Lead_Demography.csv and Campaign_Detail.csv and Product.csv beside it, to check the ids it refers to',
    ]);
  });
});

describe('importing the template into Cosmos DB', () => {
  const db = useCampaignCosmos('template-import');
  let leads: Container;
  let plans: Container;
  let dir: string;
  beforeAll(() => void ({ leads, plans, dir } = db));

  it('writes nothing when a row of the last file is bad, then imports the sample folder with the product terms on the campaigns', async () => {
    const bad = path.join(dir, 'bad');
    fs.mkdirSync(bad);
    const badTexts = edit('touches', 10_011, 'Conversion_Flag', 'maybe');
    for (const k of Object.keys(TEMPLATE_FILES) as TemplateTable[]) fs.writeFileSync(path.join(bad, TEMPLATE_FILES[k]), badTexts[k]!);
    await expect(readCampaignInput({ folder: bad }, 'template')).rejects.toThrow(/Market_Touchdown.csv, row 10011, column Conversion_Flag/);
    expect(await count(leads)).toBe(0);

    const input = await readCampaignInput({ folder: SAMPLE }, 'template');
    const result = await writeCampaignData(input.data, { leads, plans });
    expect(result.written).toEqual({ leads: 2000, campaigns: 6 });
    const { resource: campaign } = await plans.item('campaign', '2').read();
    expect(campaign).toMatchObject({
      kind: 'campaign', campaignId: '2', product: 'live-free', productId: '2', productName: 'Live Free', premium: 1500,
      paymentFrequency: 'monthly', termYears: 15, netAmountInsured: 200000, amountOnMaturity: 405000, campaignSubCategory: 'Seasonal', campaignTenure: 1,
    });
    const { resource: lead } = await leads.item('ID-00000002', 'ID-00000002').read();
    expect(lead).toMatchObject({ leadId: 'ID-00000002', age: 30, incomeBand: 'low', creditScore: 775, householdSize: 2, region: 'gu' });
  }, 60_000);
});
