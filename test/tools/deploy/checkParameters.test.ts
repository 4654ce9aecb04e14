import { describe, expect, it } from 'vitest';
import { alertEmailProblems, corsOriginProblems, parameterProblems } from '../../../tools/deploy/checkParameters';

describe('preprovision parameter check', () => {
  it('accepts exact https origins, localhost over http, and an empty list', () => {
    expect(corsOriginProblems('https://shop.example.com, https://www.shop.example.com:8443,http://localhost:3000')).toEqual([]);
    expect(corsOriginProblems('')).toEqual([]);
  });

  it('refuses a wildcard, a path, plain http and a non-origin, naming each entry', () => {
    expect(corsOriginProblems('*')).toEqual(['CORS_ALLOWED_ORIGINS entry "*": wildcards are not allowed; list each origin (https://shop.example.com)']);
    expect(corsOriginProblems('https://*.example.com')[0]).toMatch(/entry "https:\/\/\*\.example\.com": wildcards are not allowed/);
    expect(corsOriginProblems('https://shop.example.com/cart')).toEqual([
      'CORS_ALLOWED_ORIGINS entry "https://shop.example.com/cart": an origin has no path, query or trailing parts; use https://shop.example.com',
    ]);
    expect(corsOriginProblems('http://shop.example.com')[0]).toMatch(/must be https \(http only for localhost\)/);
    expect(corsOriginProblems('shop.example.com')[0]).toMatch(/not an origin such as https:\/\/shop\.example\.com/);
  });

  it('checks the alert address and falls back to the template default without CORS_ALLOWED_ORIGINS', () => {
    expect(alertEmailProblems('ops@example.com')).toEqual([]);
    expect(alertEmailProblems('ops@example.com;dev@example.com')).toEqual(['ALERT_EMAIL "ops@example.com;dev@example.com": not one e-mail address']);
    expect(parameterProblems({})).toEqual([]);
    expect(parameterProblems({ CORS_ALLOWED_ORIGINS: '*', ALERT_EMAIL: 'x' })).toHaveLength(2);
  });
});
