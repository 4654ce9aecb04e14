// Checking and importing the three CSV files: every problem named by file, row and column; a
// refused import writes nothing; a good one writes leads and campaigns to the Cosmos stand-in.
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Container } from '@azure/cosmos';
import { readCampaignFiles } from '../../src/campaign/data/campaignFiles';
import { CampaignDataError, formatIssue } from '../../src/campaign/data/dataIssues';
import { importCampaignData } from '../../src/campaign/data/importCampaignData';
import { readCampaignSource } from '../../src/campaign/data/campaignSource';
import { countDocuments as count, useCampaignCosmos } from './fixtures/campaignCosmos';

const LEADS = 'leadId,age,incomeBand,creditScore,householdSize,region\r\nL1,34,middle,710,3,north\r\nL2,61,high,780,2,South\r\n';
const CAMPAIGNS = 'campaignId,name,product,startDate,endDate\r\nC1,"Spring, savings",savings,2025-03-01,2025-05-31\r\nC2,Life,term-life,2025-03-01,\r\n';
const TOUCHES = 'touchId,leadId,campaignId,channel,touchedAt,converted\r\nT1,L1,C1,email,2025-03-03T18:30:00+01:00,1\r\nT2,L2,C2,SMS,2025-03-08T09:00:00Z,0\r\n';

function issuesOf(fn: () => unknown) {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(CampaignDataError);
    return (error as CampaignDataError).issues;
  }
  throw new Error('expected CampaignDataError');
}

describe('campaign CSV files', () => {
  it('reads good files into typed records, with the local day and slot of each touch', () => {
    const data = readCampaignFiles({ leads: LEADS, campaigns: CAMPAIGNS, touches: TOUCHES });
    expect(data.leads[1]).toEqual({ leadId: 'L2', age: 61, incomeBand: 'high', creditScore: 780, householdSize: 2, region: 'south' });
    expect(data.campaigns).toEqual([
      { campaignId: 'C1', name: 'Spring, savings', product: 'savings', startDate: '2025-03-01', endDate: '2025-05-31' },
      { campaignId: 'C2', name: 'Life', product: 'term-life', startDate: '2025-03-01' },
    ]);
    // Monday 18:30 local (17:30 UTC) is a Monday evening; Saturday 09:00 a Saturday morning.
    expect(data.touches.map((t) => [t.channel, t.day, t.slot, t.converted])).toEqual([['email', 0, 2, true], ['sms', 5, 0, false]]);
  });

  it('names the row and column of every bad value and reports them all', () => {
    const leads = `${LEADS}L3,17,middle,700,2,north\r\nL4,40,rich,900,0,\r\nL1,50,low,600,1,west\r\n`;
    const issues = issuesOf(() => readCampaignFiles({ leads }));
    const text = issues.map(formatIssue);
    expect(text).toEqual([
      'leads.csv, row 4, column age: must be a whole number between 18 and 120; got "17"',
      'leads.csv, row 5, column incomeBand: must be one of low, lower-middle, middle, upper-middle, high; got "rich"',
      'leads.csv, row 5, column creditScore: must be a whole number between 300 and 850; got "900"',
      'leads.csv, row 5, column householdSize: must be a whole number between 1 and 20; got "0"',
      'leads.csv, row 5, column region: is required',
      'leads.csv, row 6, column leadId: "L1" is already used on row 2',
    ]);
  });

  it('checks headers, row widths and references between the files', () => {
    expect(issuesOf(() => readCampaignFiles({ leads: 'leadId,age,incomeBand,creditScore,region,colour\r\n' })).map(formatIssue)).toEqual([
      'leads.csv, row 1, column colour: is not a known column (known: leadId, age, incomeBand, creditScore, householdSize, region)',
      'leads.csv, row 1, column householdSize: is a required column and is missing from the header',
    ]);
    const touches = `${TOUCHES}T3,L9,C1,email,2025-03-03T10:00:00Z,1\r\nT4,L1,C7,fax,yesterday,maybe\r\nT5,L1,C1\r\n`;
    const issues = issuesOf(() => readCampaignFiles({ leads: LEADS, campaigns: CAMPAIGNS, touches })).map(formatIssue);
    expect(issues).toEqual([
      'touches.csv, row 4, column leadId: "L9" is not in leads.csv',
      'touches.csv, row 5, column campaignId: "C7" is not in campaigns.csv',
      'touches.csv, row 5, column channel: must be one of email, sms, call; got "fax"',
      'touches.csv, row 5, column touchedAt: must be an ISO 8601 date-time with its offset, e.g. 2025-03-03T18:30:00+01:00; got "yesterday"',
      'touches.csv, row 5, column converted: must be 0 or 1 (or true/false); got "maybe"',
      'touches.csv, row 6: has 3 fields; the header has 6',
    ]);
    expect(issuesOf(() => readCampaignFiles({ touches: TOUCHES })).map(formatIssue)).toEqual([
      'touches.csv: needs leads.csv and campaigns.csv beside it, to check the ids it refers to',
    ]);
    expect(issuesOf(() => readCampaignFiles({ campaigns: 'campaignId,name,product,startDate,endDate\r\nC1,x,savings,2025-02-30,2025-01-01\r\n' })).map(formatIssue)).toEqual([
      'campaigns.csv, row 2, column startDate: is not a real date; got "2025-02-30"',
    ]);
  });

  it('reports a CSV syntax error with its line', () => {
    const issues = issuesOf(() => readCampaignFiles({ leads: `${LEADS}L5,40,"middle,700,2,north\r\n` }));
    expect(issues.map(formatIssue)).toEqual(['leads.csv, row 4, column field 3: a quoted field is never closed (missing ")']);
  });

  it('limits the list of problems but counts them all', () => {
    const bad = Array.from({ length: 250 }, (_, i) => `X${i},200,middle,700,2,north`).join('\r\n');
    try {
      readCampaignFiles({ leads: `leadId,age,incomeBand,creditScore,householdSize,region\r\n${bad}` });
      throw new Error('expected an error');
    } catch (error) {
      const e = error as CampaignDataError;
      expect(e.issues).toHaveLength(100);
      expect(e.total).toBe(250);
      expect(e.message).toContain('250 problems');
      expect(e.message).toContain('… and 230 more');
    }
  });
});

describe('importing into Cosmos DB', () => {
  const db = useCampaignCosmos('campaign-import');
  let leads: Container;
  let plans: Container;
  beforeAll(() => void ({ leads, plans } = db));

  it('writes nothing when any row is bad, even if the bad row is in the last file', async () => {
    const touches = `${TOUCHES}T3,L1,C1,email,2025-03-03T25:00:00Z,1\r\n`;
    await expect(importCampaignData({ leads: LEADS, campaigns: CAMPAIGNS, touches }, { leads, plans })).rejects.toThrow(/touches.csv, row 4, column touchedAt/);
    expect(await count(leads)).toBe(0);
    expect(await count(plans)).toBe(0);
  });

  it('imports good files from a folder, and a second import overwrites instead of duplicating', async () => {
    const dir = fs.mkdtempSync(path.join(db.dir, 'files-'));
    fs.writeFileSync(path.join(dir, 'leads.csv'), LEADS);
    fs.writeFileSync(path.join(dir, 'campaigns.csv'), CAMPAIGNS);
    fs.writeFileSync(path.join(dir, 'touches.csv'), TOUCHES);
    const texts = await readCampaignSource({ folder: dir });
    const first = await importCampaignData(texts, { leads, plans });
    expect(first).toMatchObject({ leads: 2, campaigns: 2, touches: 2, written: { leads: 2, campaigns: 2 } });
    await importCampaignData(texts, { leads, plans });
    expect(await count(leads)).toBe(2);
    expect(await count(plans)).toBe(2);
    const { resource: lead } = await leads.item('L2', 'L2').read();
    expect(lead).toMatchObject({ id: 'L2', leadId: 'L2', age: 61, incomeBand: 'high', creditScore: 780, householdSize: 2, region: 'south' });
    const { resource: campaign } = await plans.item('campaign', 'C1').read();
    expect(campaign).toMatchObject({ kind: 'campaign', campaignId: 'C1', name: 'Spring, savings', product: 'savings', endDate: '2025-05-31' });
  });

  it('checks without writing on a dry run', async () => {
    const more = `${LEADS}L3,45,low,640,4,east\r\n`;
    const result = await importCampaignData({ leads: more }, { leads, plans }, { dryRun: true });
    expect(result.leads).toBe(3);
    expect(await count(leads)).toBe(2);
  });
});
