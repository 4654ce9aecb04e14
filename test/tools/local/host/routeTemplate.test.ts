import { describe, it, expect } from 'vitest';
import { compileRoute } from '../../../../tools/local/host/routeTemplate';

describe('route templates', () => {
  it('matches literals case-insensitively and binds parameters', () => {
    const r = compileRoute('personalizer/v1.0/events/{eventId}/reward');
    expect(r.match('/Personalizer/v1.0/events/abc/reward')).toEqual({ eventId: 'abc' });
    expect(r.match('/personalizer/v1.0/events/abc')).toBeUndefined();
    expect(r.match('/personalizer/v1.0/events/abc/reward/x')).toBeUndefined();
  });

  it('honours constraints, optional and catch-all parameters', () => {
    expect(compileRoute('items/{id:int}').match('/items/12')).toEqual({ id: '12' });
    expect(compileRoute('items/{id:int}').match('/items/ab')).toBeUndefined();
    expect(compileRoute('items/{id?}').match('/items')).toEqual({});
    expect(compileRoute('files/{*path}').match('/files/a/b%20c')).toEqual({ path: 'a/b c' });
  });

  it('rejects templates it does not understand', () => {
    expect(() => compileRoute('x/{id:weird}')).toThrow(/Unknown route constraint/);
  });
});
