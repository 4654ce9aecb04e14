// The alerts read structured records the runtime emits; their names are a contract written down
// in docs/deploy.md ("Alerts"). This keeps the template's queries and that table naming the same
// records, so a rename on either side fails here instead of silencing an alert in Azure.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadInfraProject } from '../../../tools/bicep/infraProject';
import { infraDir, repoRoot } from './infraFixtures';

const RECORDS = ['eventhub.consumer_lag', 'deadletter.written', 'retraining.failed', 'model.promoted'];
const alerts = fs.readFileSync(path.join(infraDir, 'app', 'alerts.bicep'), 'utf8');
const deployDoc = fs.readFileSync(path.join(repoRoot, 'docs', 'deploy.md'), 'utf8');
const alertSection = deployDoc.slice(deployDoc.indexOf('## Alerts'), deployDoc.indexOf('## Rolling back'));

describe('alert rules and the structured records they read', () => {
  it('every record the docs name is queried by the templates, by customDimensions.event', () => {
    for (const record of RECORDS) {
      expect(alertSection, record).toContain(`\`${record}\``);
      // Inside an interpolated Bicep string the quotes are escaped (\').
      expect(alerts, record).toMatch(new RegExp(`customDimensions\\.event\\) == \\\\?'${record.replace('.', '\\.')}\\\\?'`));
    }
    // The lag is a metric too, split per consumer group and partition on both sides.
    expect(alerts).toContain("customMetrics | where name == 'eventhub.consumer_lag'");
    for (const dimension of ['consumerGroup', 'partition']) {
      expect(alerts).toContain(`{ name: '${dimension}', operator: 'Include', values: ['*'] }`);
      expect(alertSection).toContain(`\`${dimension}\``);
    }
  });

  it('the docs table lists one alert per rule the template declares, plus the availability alert', () => {
    const ruleNames = [...alerts.matchAll(/^    name: '([a-z0-9-]+)'$/gm)].map((m) => m[1]);
    expect(ruleNames).toEqual(['consumer-lag', 'dead-letters', 'http-5xx-rate', 'rank-p99', 'retraining-failed', 'no-model-promoted']);
    const documented = [...alertSection.matchAll(/^\| `([a-z0-9-]+)`/gm)].map((m) => m[1]);
    expect(documented).toEqual([...ruleNames, 'health-unavailable']);
  });

  it('the availability test calls /api/health of the deployed app and main.bicep wires the alerts module', () => {
    expect(alerts).toContain("RequestUrl: 'https://${appHostName}/api/health'");
    expect(alerts).toContain("kind: 'standard'");
    const main = loadInfraProject(infraDir).files.get('main.bicep');
    expect(main?.model.modules.map((m) => m.path)).toContain('./app/alerts.bicep');
  });
});
