import assert from 'node:assert/strict';
import { formatContactValue, formatPhoneNumber } from './format-phone.ts';

describe('formatPhoneNumber', () => {
  it('shows Japanese numbers in the national format people type', () => {
    assert.equal(formatPhoneNumber('+819012345678'), '090-1234-5678');
    assert.equal(formatPhoneNumber('+818012345678'), '080-1234-5678');
    assert.equal(formatPhoneNumber('+81312345678'), '03-1234-5678');
  });
  it('shows other countries in international form, and leaves what it cannot read alone', () => {
    assert.equal(formatPhoneNumber('+12025550123'), '+1 202 555 0123');
    assert.equal(formatPhoneNumber('not a number'), 'not a number');
  });
  it('formats only mobile contacts', () => {
    assert.equal(formatContactValue('mobile', '+819012345678'), '090-1234-5678');
    assert.equal(formatContactValue('email', 'a@example.com'), 'a@example.com');
  });
});
