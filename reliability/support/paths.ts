import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const COLLECTOR_BINARY = join(REPO_ROOT, '.collector', 'otelcol-threadline');
