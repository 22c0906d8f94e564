import { parse as parseYaml } from 'yaml';
import type { ImportFormat, ImportResult } from '../model/workspace';
import { SwitchboardError } from '../errors';
import { importCurl, looksLikeCurl } from './curl';
import { importHar, isHar } from './har';
import { importInsomnia, isInsomniaExport } from './insomnia';
import { importOpenApi, isOpenApi } from './openapi';
import { importPostman, importPostmanEnvironment, isPostmanCollection, isPostmanEnvironment } from './postman';

/** Parses JSON, else YAML (OpenAPI and Insomnia may be YAML); null when neither. */
function parseDocument(text: string): unknown {
  const trimmed = text.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return JSON.parse(trimmed) as unknown;
    } catch {
      // fall through: YAML is a superset of JSON and gives a better error for near-JSON
    }
  }
  try {
    const doc = parseYaml(trimmed, { maxAliasCount: 1000 }) as unknown;
    return typeof doc === 'object' && doc !== null ? doc : null;
  } catch {
    return null;
  }
}

export function detectFormat(text: string): ImportFormat | null {
  if (looksLikeCurl(text)) return 'curl';
  const doc = parseDocument(text);
  if (doc === null) return null;
  if (isPostmanCollection(doc)) return 'postman';
  if (isInsomniaExport(doc)) return 'insomnia';
  if (isHar(doc)) return 'har';
  if (isOpenApi(doc)) return 'openapi';
  if (isPostmanEnvironment(doc)) return 'postman-environment';
  return null;
}

/** Detects the format of `text` and imports it; throws IMPORT_UNSUPPORTED when it is none we know. */
export function importText(text: string, hint?: ImportFormat): ImportResult {
  const format = hint ?? detectFormat(text);
  if (format === 'curl') return importCurl(text);
  const doc = parseDocument(text);
  switch (format) {
    case 'postman':
      return importPostman(doc);
    case 'postman-environment':
      return importPostmanEnvironment(doc);
    case 'insomnia':
      return importInsomnia(doc);
    case 'har':
      return importHar(doc);
    case 'openapi':
      return importOpenApi(doc);
    default:
      throw new SwitchboardError(
        'IMPORT_UNSUPPORTED',
        doc === null
          ? 'This is neither a curl command nor JSON/YAML. Paste a curl command, or a Postman, Insomnia, HAR or OpenAPI 3 file.'
          : 'This file is not a Postman collection v2.x, Postman environment, Insomnia v4 export, HAR or OpenAPI 3 document.',
      );
  }
}
