// "Approximate place" for the phone's approval screen, from a GeoIP database the operator
// provides (GEOIP_DB_FILE): a MaxMind GeoLite2/GeoIP2 City or Country .mmdb, or an ip-location-db
// .mmdb, read with MaxMind's own reader. Without one, the place is simply left out.
import type { Reader, Response } from 'maxmind';
import { ConfigError } from '../config/config-error.ts';
import type { Lang } from '../i18n/lang.ts';

export interface PlaceLookup {
  /** "Mountain View, California, United States", or '' when unknown. */
  place(ip: string, lang: Lang): string;
}

type Names = Record<string, string> | undefined;

interface GeoRecord {
  // MaxMind GeoLite2 / GeoIP2
  city?: { names?: Names };
  subdivisions?: Array<{ names?: Names }>;
  country?: { iso_code?: string; names?: Names };
  // ip-location-db
  country_code?: string;
  state1?: string;
  city_name?: string;
}

const NO_PLACE: PlaceLookup = { place: () => '' };

function name(names: Names, lang: Lang): string | undefined {
  return names?.[lang] ?? names?.en;
}

function countryName(code: string | undefined, lang: Lang): string | undefined {
  if (!code) return undefined;
  try {
    return new Intl.DisplayNames([lang], { type: 'region' }).of(code.toUpperCase()) ?? code;
  } catch {
    return code;
  }
}

export async function openPlaceLookup(file: string | null): Promise<PlaceLookup> {
  if (!file) return NO_PLACE;
  // maxmind is loaded only when a database is configured.
  const { default: maxmind } = await import('maxmind');
  let reader: Reader<Response>;
  try {
    reader = await maxmind.open(file);
  } catch (err) {
    throw new ConfigError('GEOIP_DB_FILE', `${file} cannot be read as a MaxMind database (${(err as Error).message})`, `${file} を MaxMind データベースとして読み込めません（${(err as Error).message}）`);
  }
  return {
    place(ip, lang) {
      const address = ip.replace(/^::ffff:/, '');
      if (!maxmind.validate(address)) return '';
      // Two record layouts (MaxMind's and ip-location-db's); GeoRecord names the fields of both.
      const record = reader.get(address) as GeoRecord | null;
      if (!record) return '';
      const parts = [
        name(record.city?.names, lang) ?? record.city_name,
        name(record.subdivisions?.[0]?.names, lang) ?? record.state1,
        name(record.country?.names, lang) ?? countryName(record.country?.iso_code ?? record.country_code, lang),
      ];
      return parts.filter(Boolean).join(lang === 'ja' ? '、' : ', ');
    },
  };
}
