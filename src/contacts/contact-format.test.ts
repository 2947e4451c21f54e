// Contact addresses in the one form they are stored in (e-mail lower-cased, mobile numbers in E.164,
// Japanese numbers typed the domestic way too), what is refused before any code is sent, and how
// an address is masked in notices.
import assert from 'node:assert/strict';
import { maskContact, normaliseContact, normaliseContactEmail, normaliseMobileNumber } from './contact-format.ts';

function refusedWith(code: string): (err: unknown) => boolean {
  return (err) => (err as { code?: unknown }).code === code;
}

describe('contact formats', () => {
  describe('e-mail', () => {
    it('is stored trimmed and lower-cased', () => {
      assert.equal(normaliseContactEmail('  Mina.Backup@Example.NET '), 'mina.backup@example.net');
    });

    it('refuses what is not an address, and addresses longer than 254 characters', () => {
      for (const input of ['', 'mina', 'mina@', '@example.com', 'mina@@example.com', 'mina example@example.com']) {
        assert.throws(() => normaliseContactEmail(input), refusedWith('contact_email_invalid'), input);
      }
      const local = 'a'.repeat(64);
      const longest = `${local}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(58)}.jp`;
      assert.equal(longest.length, 254);
      assert.equal(normaliseContactEmail(longest), longest);
      assert.throws(() => normaliseContactEmail(`a${longest}`), refusedWith('contact_email_invalid'));
    });
  });

  describe('mobile number', () => {
    it('is stored in E.164, however it was typed', () => {
      for (const input of ['090-1234-5678', '09012345678', '090 1234 5678', '(090) 1234.5678', '+81 90 1234 5678', ' +819012345678 ']) {
        assert.equal(normaliseMobileNumber(input), '+819012345678', input);
      }
    });

    it('takes numbers of other countries with their country code', () => {
      assert.equal(normaliseMobileNumber('+44 7911 123456'), '+447911123456');
      // The US does not tell mobile from fixed lines in its numbering: such a number may take SMS.
      assert.equal(normaliseMobileNumber('+1 650 253 0000'), '+16502530000');
    });

    it('refuses a fixed line, which cannot take SMS', () => {
      assert.throws(() => normaliseMobileNumber('03-1234-5678'), refusedWith('not_a_mobile_number'));
      assert.throws(() => normaliseMobileNumber('+44 20 7946 0000'), refusedWith('not_a_mobile_number'));
    });

    it('refuses what is not a valid phone number', () => {
      for (const input of ['', '123', 'call me', '090-1234-567x', '090/1234/5678', '+81 90 1234', `090${' '.repeat(30)}12345678`, '+999 1234 5678']) {
        assert.throws(() => normaliseMobileNumber(input), refusedWith('mobile_number_invalid'), JSON.stringify(input));
      }
    });
  });

  it('normalises by kind', () => {
    assert.equal(normaliseContact('email', 'Mina@Example.com'), 'mina@example.com');
    assert.equal(normaliseContact('mobile', '090-1234-5678'), '+819012345678');
    assert.throws(() => normaliseContact('mobile', 'mina@example.com'), refusedWith('mobile_number_invalid'));
    assert.throws(() => normaliseContact('email', '090-1234-5678'), refusedWith('contact_email_invalid'));
  });

  describe('masked in notices', () => {
    it('an e-mail address keeps its first letter and its domain', () => {
      assert.equal(maskContact('email', 'hanako.tanaka@example.com'), 'h***@example.com');
      assert.equal(maskContact('email', 'h@example.com'), 'h***@example.com');
    });

    it('a mobile number keeps its last four digits, the rest starred at their length', () => {
      assert.equal(maskContact('mobile', '+819012345678'), '*********5678');
      assert.equal(maskContact('mobile', '+447911123456'), '*********3456');
    });
  });
});
